#include "sshcore/crypto/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace sshcore::crypto {
namespace {
constexpr std::array kDigests{
    DigestInfo{DigestAlg::kMd5, "MD5", 16, 64},
    DigestInfo{DigestAlg::kSha1, "SHA1", 20, 64},
    DigestInfo{DigestAlg::kSha256, "SHA256", 32, 64},
    DigestInfo{DigestAlg::kSha384, "SHA384", 48, 128},
    DigestInfo{DigestAlg::kSha512, "SHA512", 64, 128},
};

const EVP_MD* evp_md(DigestAlg alg) {
  switch (alg) {
    case DigestAlg::kMd5: return EVP_md5();
    case DigestAlg::kSha1: return EVP_sha1();
    case DigestAlg::kSha256: return EVP_sha256();
    case DigestAlg::kSha384: return EVP_sha384();
    case DigestAlg::kSha512: return EVP_sha512();
  }
  throw std::logic_error("bad digest");
}
}  // namespace

const DigestInfo& digest_info(DigestAlg alg) { return kDigests[static_cast<std::size_t>(alg)]; }

std::optional<DigestAlg> digest_by_name(std::string_view name) {
  for (const auto& d : kDigests) {
    if (d.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::toupper(static_cast<unsigned char>(name[i])) == d.name[i];
    if (same) return d.alg;
  }
  return std::nullopt;
}

struct Digest::Impl {
  EVP_MD_CTX* ctx = nullptr;
  DigestAlg alg;
};

Digest::Digest(DigestAlg alg) : impl_(std::make_unique<Impl>()) {
  impl_->alg = alg;
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, evp_md(alg), nullptr) != 1)
    throw std::bad_alloc();
}
Digest::~Digest() {
  if (impl_) EVP_MD_CTX_free(impl_->ctx);
}
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

void Digest::update(ByteView data) { EVP_DigestUpdate(impl_->ctx, data.data(), data.size()); }

Bytes Digest::finish() {
  Bytes out(digest_info(impl_->alg).size);
  unsigned int n = 0;
  EVP_DigestFinal_ex(impl_->ctx, out.data(), &n);
  out.resize(n);
  return out;
}

Bytes digest(DigestAlg alg, ByteView data) {
  Digest d(alg);
  d.update(data);
  return d.finish();
}

Bytes hmac(DigestAlg alg, ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  static const std::uint8_t kEmpty = 0;
  HMAC(evp_md(alg), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()), data.data(),
       data.size(), out.data(), &n);
  out.resize(n);
  return out;
}

}  // namespace sshcore::crypto

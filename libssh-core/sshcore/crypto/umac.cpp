#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/crypto/umac.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/umac_hash.hpp"

namespace sshcore::crypto {
namespace {

constexpr std::size_t kAesBlock = 16;

using CtxFree = crypto::OpensslFree<EVP_CIPHER_CTX_free>;  // cleanses the schedule
using AesCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

Result<AesCtx> aes128_ecb(ByteView key) {
  AesCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
    return fail(Errc::kCryptoFailure, "AES-128 key setup");
  return ctx;
}

bool aes_block(EVP_CIPHER_CTX* ctx, const std::uint8_t* in, std::uint8_t* out) {
  int n = 0;
  return EVP_EncryptUpdate(ctx, out, &n, in, static_cast<int>(kAesBlock)) == 1 &&
         n == static_cast<int>(kAesBlock);
}

// KDF (RFC 4418 section 3.2.1): AES in counter mode over blocks made of the
// index and a counter from 1, both 64-bit big-endian.
Result<void> kdf(EVP_CIPHER_CTX* aes, std::uint8_t index, std::span<std::uint8_t> out) {
  std::uint8_t in[kAesBlock];
  std::uint8_t block[kAesBlock];
  Result<void> result;
  for (std::uint64_t counter = 1; !out.empty(); ++counter) {
    store_be64(in, index);
    store_be64(in + 8, counter);
    if (!aes_block(aes, in, block)) {
      result = fail(Errc::kCryptoFailure, "UMAC key derivation");
      break;
    }
    const std::size_t n = std::min(out.size(), kAesBlock);
    std::memcpy(out.data(), block, n);
    out = out.subspan(n);
  }
  secure_wipe(block, sizeof block);
  return result;
}

}  // namespace

struct Umac::Impl {
  Uhash hash;
  AesCtx pdf_aes;  // keyed with KDF(K, 0, 16)
  // The last pad block and the nonce that made it: with the low bit of the nonce
  // choosing a half for 64-bit tags, consecutive sequence numbers share one AES
  // call (RFC 4418 section 5.1, as umac.c caches it).
  std::array<std::uint8_t, kAesBlock> pad_nonce{};
  std::array<std::uint8_t, kAesBlock> pad{};
  bool pad_valid = false;

  ~Impl() {
    secure_wipe(pad.data(), pad.size());
    secure_wipe(pad_nonce.data(), pad_nonce.size());
  }
};

Umac::Umac(UmacTagSize size, std::unique_ptr<Impl> impl) : size_(size), impl_(std::move(impl)) {}
Umac::Umac(Umac&&) noexcept = default;
Umac& Umac::operator=(Umac&&) noexcept = default;
Umac::~Umac() = default;

Result<Umac> Umac::create(UmacTagSize size, ByteView key16) {
  if (size != UmacTagSize::k64 && size != UmacTagSize::k128)
    return fail(Errc::kInvalidArgument, "UMAC tag size");
  if (key16.size() != kUmacKeySize) return fail(Errc::kInvalidArgument, "UMAC key must be 16 bytes");
  const std::size_t streams = static_cast<std::size_t>(size) / 4;

  SSH_TRY(aes, aes128_ecb(key16));
  SecretBytes pdf_key(kAesBlock);
  SecretBytes l1(Uhash::l1_key_bytes(streams));
  SecretBytes l2(Uhash::l2_key_bytes(streams));
  SecretBytes l3_key1(Uhash::l3_key1_bytes(streams));
  SecretBytes l3_key2(Uhash::l3_key2_bytes(streams));
  SSH_TRY_VOID(kdf(aes.get(), 0, pdf_key.span()));
  SSH_TRY_VOID(kdf(aes.get(), 1, l1.span()));
  SSH_TRY_VOID(kdf(aes.get(), 2, l2.span()));
  SSH_TRY_VOID(kdf(aes.get(), 3, l3_key1.span()));
  SSH_TRY_VOID(kdf(aes.get(), 4, l3_key2.span()));

  auto impl = std::make_unique<Impl>();
  impl->hash.set_key(streams, l1.view(), l2.view(), l3_key1.view(), l3_key2.view());
  SSH_TRY(pdf_aes, aes128_ecb(pdf_key.view()));
  impl->pdf_aes = std::move(pdf_aes);
  return Umac(size, std::move(impl));
}

void Umac::update(ByteView data) {
  if (!impl_) throw std::logic_error("use of a moved-from Umac");
  impl_->hash.update(data);
}

void Umac::reset() {
  if (!impl_) throw std::logic_error("use of a moved-from Umac");
  impl_->hash.reset();
}

void Umac::check_finish_args(ByteView nonce, std::span<std::uint8_t> out) const {
  if (!impl_) throw std::logic_error("use of a moved-from Umac");
  if (out.size() != tag_len()) throw std::invalid_argument("UMAC tag buffer size");
  if (nonce.empty() || nonce.size() > kUmacMaxNonceSize)
    throw std::invalid_argument("UMAC nonce must be 1 to 16 bytes");
}

void Umac::tag(ByteView nonce, ByteView data, std::span<std::uint8_t> out) {
  check_finish_args(nonce, out);  // before hashing, so a refused call changes nothing
  update(data);
  finish(nonce, out);
}

// Tag = UHASH(M) xor PDF(nonce) (RFC 4418 sections 4.1 and 5.1). PDF encrypts
// the nonce zero-padded to a block; for 64-bit tags its low bit is cleared first
// and picks which half of the AES output is the pad.
void Umac::finish(ByteView nonce, std::span<std::uint8_t> out) {
  check_finish_args(nonce, out);
  Impl& m = *impl_;
  m.hash.finish(out);

  std::array<std::uint8_t, kAesBlock> block{};
  std::memcpy(block.data(), nonce.data(), nonce.size());
  std::size_t half = 0;
  if (size_ == UmacTagSize::k64) {
    half = block[nonce.size() - 1] & 1u;
    block[nonce.size() - 1] &= 0xFE;
  }
  if (!m.pad_valid || block != m.pad_nonce) {
    m.pad_valid = false;
    if (!aes_block(m.pdf_aes.get(), block.data(), m.pad.data()))
      throw std::runtime_error("UMAC pad: AES failed");  // cannot happen once keyed
    m.pad_nonce = block;
    m.pad_valid = true;
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= m.pad[half * 8 + i];
}

}  // namespace sshcore::crypto

#include "sshcore/keys/openssl_pkey.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <stdexcept>

namespace sshcore::keys::detail {

std::string openssl_error_text() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

unexpected<Error> openssl_fail(Errc code, std::string_view what) {
  std::string detail(what);
  std::string why = openssl_error_text();
  if (!why.empty()) detail += " (" + why + ")";
  return fail(code, std::move(detail));
}

BnPtr bn_from_bytes(ByteView big_endian) {
  return BnPtr(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr));
}

BnPtr bn_secret_from_bytes(ByteView big_endian) {
  BnPtr bn(BN_secure_new());
  if (bn && BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), bn.get()) == nullptr)
    bn.reset();
  return bn;
}

Bytes bn_to_bytes(const BIGNUM* bn) {
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  if (!out.empty()) BN_bn2bin(bn, out.data());
  return out;
}

SecretBytes bn_to_secret(const BIGNUM* bn) {
  SecretBytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  if (!out.empty()) BN_bn2bin(bn, out.data());
  return out;
}

Result<BnPtr> pkey_bn_param(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1 || bn == nullptr)
    return openssl_fail(Errc::kCryptoFailure, std::string("reading key parameter ") + name);
  return BnPtr(bn);
}

const EVP_MD* evp_md_for(crypto::DigestAlg alg) {
  switch (alg) {
    case crypto::DigestAlg::kMd5: return EVP_md5();
    case crypto::DigestAlg::kSha1: return EVP_sha1();
    case crypto::DigestAlg::kSha256: return EVP_sha256();
    case crypto::DigestAlg::kSha384: return EVP_sha384();
    case crypto::DigestAlg::kSha512: return EVP_sha512();
  }
  throw std::logic_error("unknown digest");
}

Result<Bytes> evp_digest_sign(EVP_PKEY* pkey, const EVP_MD* md, ByteView data) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, pkey) != 1)
    return openssl_fail(Errc::kCryptoFailure, "signature init");
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    return openssl_fail(Errc::kCryptoFailure, "signature size");
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    return openssl_fail(Errc::kCryptoFailure, "signing");
  sig.resize(len);
  return sig;
}

bool evp_digest_verify(EVP_PKEY* pkey, const EVP_MD* md, ByteView data, ByteView sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace sshcore::keys::detail

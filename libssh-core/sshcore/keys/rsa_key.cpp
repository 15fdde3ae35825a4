// RSA keys (RFC 4253 6.6, RFC 8332) through OpenSSL 3's EVP_PKEY.
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <string>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/keys/key_family.hpp"

namespace sshcore::keys::detail {
namespace {

constexpr unsigned kMinBits = 1024;    // SSH_RSA_MINIMUM_MODULUS_SIZE
constexpr unsigned kMaxBits = 16384;   // SSH_RSA_MAXIMUM_MODULUS_SIZE
constexpr std::size_t kMaxBignumBytes = kMaxBits / 8;  // SSHBUF_MAX_BIGNUM

using ParamBldFree = crypto::OpensslFree<OSSL_PARAM_BLD_free>;
using ParamFree = crypto::OpensslFree<OSSL_PARAM_free>;
using BnCtxFree = crypto::OpensslFree<BN_CTX_free>;

Result<void> check_modulus(const BIGNUM* n, const BIGNUM* e) {
  auto bits = static_cast<unsigned>(BN_num_bits(n));
  if (bits < kMinBits)
    return fail(Errc::kKeySizeInvalid, "RSA key of " + std::to_string(bits) + " bits is below the minimum of " +
                                           std::to_string(kMinBits));
  if (bits > kMaxBits)
    return fail(Errc::kKeySizeInvalid, "RSA key of " + std::to_string(bits) + " bits is above the maximum of " +
                                           std::to_string(kMaxBits));
  if (!BN_is_odd(n)) return fail(Errc::kKeyInvalid, "RSA modulus is even");
  if (!BN_is_odd(e) || BN_is_one(e)) return fail(Errc::kKeyInvalid, "RSA public exponent is invalid");
  return {};
}

Result<PublicKey> public_from_ne(const BIGNUM* n, const BIGNUM* e) {
  SSH_TRY_VOID(check_modulus(n, e));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e) != 1)
    return openssl_fail(Errc::kCryptoFailure, "building RSA key parameters");
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return openssl_fail(Errc::kKeyInvalid, "RSA public key");
  auto impl = std::make_shared<PublicKey::Impl>();
  impl->info = &key_type_info(KeyType::kRsa);
  impl->bits = static_cast<unsigned>(BN_num_bits(n));
  impl->pkey.reset(raw);
  wire::Writer w;
  w.string(impl->info->ssh_name);
  w.mpint(ByteView(bn_to_bytes(e)));
  w.mpint(ByteView(bn_to_bytes(n)));
  impl->blob = to_bytes(w.view());
  return make_public(std::move(impl));
}

struct RsaParts {
  BnPtr n, e, d, iqmp, p, q;
};

// Cheap consistency checks (no primality tests, which cost seconds on big keys):
// n = p*q, iqmp = q^-1 mod p, and e*d = 1 modulo p-1 and q-1.
Result<PrivateKey> private_from_parts(const RsaParts& k) {
  SSH_TRY(pub, public_from_ne(k.n.get(), k.e.get()));
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_secure_new());
  BnPtr t(BN_secure_new()), pm1(BN_secure_new()), qm1(BN_secure_new()), dmp1(BN_secure_new()),
      dmq1(BN_secure_new());
  if (!ctx || !t || !pm1 || !qm1 || !dmp1 || !dmq1)
    return openssl_fail(Errc::kCryptoFailure, "RSA private key");
  if (BN_is_zero(k.p.get()) || BN_is_zero(k.q.get()) || BN_is_zero(k.d.get()))
    return fail(Errc::kKeyInvalid, "RSA private key has a zero component");
  bool ok = BN_mul(t.get(), k.p.get(), k.q.get(), ctx.get()) == 1 && BN_cmp(t.get(), k.n.get()) == 0;
  if (!ok) return fail(Errc::kKeyInvalid, "RSA modulus is not p*q");
  ok = BN_mod_mul(t.get(), k.iqmp.get(), k.q.get(), k.p.get(), ctx.get()) == 1 && BN_is_one(t.get());
  if (!ok) return fail(Errc::kKeyInvalid, "RSA iqmp is not q^-1 mod p");
  ok = BN_sub(pm1.get(), k.p.get(), BN_value_one()) == 1 && BN_sub(qm1.get(), k.q.get(), BN_value_one()) == 1 &&
       BN_mod(dmp1.get(), k.d.get(), pm1.get(), ctx.get()) == 1 &&
       BN_mod(dmq1.get(), k.d.get(), qm1.get(), ctx.get()) == 1;
  if (!ok) return openssl_fail(Errc::kCryptoFailure, "RSA CRT parameters");
  for (auto [dm, m] : {std::pair{dmp1.get(), pm1.get()}, std::pair{dmq1.get(), qm1.get()}}) {
    if (BN_mod_mul(t.get(), k.e.get(), dm, m, ctx.get()) != 1 || !BN_is_one(t.get()))
      return fail(Errc::kKeyInvalid, "RSA private exponent does not match the public exponent");
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, k.n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, k.e.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, k.d.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, k.p.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, k.q.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, k.iqmp.get()) != 1)
    return openssl_fail(Errc::kCryptoFailure, "building RSA key parameters");
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr pctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !pctx || EVP_PKEY_fromdata_init(pctx.get()) != 1 ||
      EVP_PKEY_fromdata(pctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1)
    return openssl_fail(Errc::kKeyInvalid, "RSA private key");
  auto impl = std::make_shared<PrivateKey::Impl>(std::move(pub));
  impl->pkey.reset(raw);
  return make_private(std::move(impl));
}

Result<PublicKey> read_public(const KeyTypeInfo&, wire::Reader& r, ByteView) {
  SSH_TRY(e, r.mpint(kMaxBignumBytes));
  SSH_TRY(n, r.mpint(kMaxBignumBytes));
  BnPtr nb = bn_from_bytes(n), eb = bn_from_bytes(e);
  if (!nb || !eb) return openssl_fail(Errc::kCryptoFailure, "RSA public key");
  return public_from_ne(nb.get(), eb.get());
}

Result<void> verify(const PublicKey::Impl& key, const SignatureAlgInfo& alg, ByteView data, ByteView sig) {
  std::size_t modlen = (key.bits + 7) / 8;
  if (sig.size() > modlen) return fail(Errc::kSignatureInvalid, "RSA signature longer than the modulus");
  // Some signers drop leading zero bytes; OpenSSH left-pads them back.
  Bytes padded(modlen - sig.size(), 0);
  append(padded, sig);
  if (!evp_digest_verify(key.pkey.get(), evp_md_for(alg.hash), data, padded))
    return fail(Errc::kSignatureInvalid, "RSA signature does not verify");
  return {};
}

Result<Bytes> sign(const PrivateKey::Impl& key, const SignatureAlgInfo& alg, ByteView data) {
  SSH_TRY(sig, evp_digest_sign(key.pkey.get(), evp_md_for(alg.hash), data));
  std::size_t modlen = (key.pub.bits() + 7) / 8;
  if (sig.size() < modlen) sig.insert(sig.begin(), modlen - sig.size(), 0);
  return sig;
}

Result<PrivateKey> generate(const KeyTypeInfo& info, unsigned bits) {
  if (bits == 0) bits = info.default_bits;
  if (bits < kMinBits) return fail(Errc::kKeySizeInvalid, "Invalid RSA key length: minimum is 1024 bits");
  if (bits > kMaxBits) return fail(Errc::kKeySizeInvalid, "Invalid RSA key length: maximum is 16384 bits");
  // EVP_PKEY_Q_keygen uses e = 65537, as ssh-keygen does.
  PkeyPtr pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  if (!pair) return openssl_fail(Errc::kCryptoFailure, "RSA key generation");
  return rsa_private_from_pkey(std::move(pair));
}

Result<void> write_private(const PrivateKey::Impl& key, wire::Writer& w) {
  const EVP_PKEY* pk = key.pkey.get();
  // sshkey_private_serialize order: n, e, d, iqmp, p, q.
  for (const char* name : {OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
                           OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_RSA_FACTOR1,
                           OSSL_PKEY_PARAM_RSA_FACTOR2}) {
    SSH_TRY(bn, pkey_bn_param(pk, name));
    SecretBytes mag = bn_to_secret(bn.get());
    w.mpint(mag.view());
  }
  return {};
}

Result<PrivateKey> read_private(const KeyTypeInfo&, wire::Reader& r) {
  RsaParts k;
  BnPtr* order[] = {&k.n, &k.e, &k.d, &k.iqmp, &k.p, &k.q};
  for (BnPtr* slot : order) {
    SSH_TRY(mag, r.mpint(kMaxBignumBytes));
    *slot = bn_secret_from_bytes(mag);
    if (!*slot) return openssl_fail(Errc::kCryptoFailure, "RSA private key");
  }
  return private_from_parts(k);
}

}  // namespace

Result<PublicKey> rsa_public_from_pkey(PkeyPtr pkey) {
  SSH_TRY(n, pkey_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_N));
  SSH_TRY(e, pkey_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_E));
  return public_from_ne(n.get(), e.get());
}

Result<PrivateKey> rsa_private_from_pkey(PkeyPtr pkey) {
  RsaParts k;
  struct Slot { BnPtr* bn; const char* name; };
  const Slot slots[] = {{&k.n, OSSL_PKEY_PARAM_RSA_N},          {&k.e, OSSL_PKEY_PARAM_RSA_E},
                        {&k.d, OSSL_PKEY_PARAM_RSA_D},          {&k.iqmp, OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
                        {&k.p, OSSL_PKEY_PARAM_RSA_FACTOR1},    {&k.q, OSSL_PKEY_PARAM_RSA_FACTOR2}};
  for (const Slot& s : slots) {
    SSH_TRY(bn, pkey_bn_param(pkey.get(), s.name));
    *s.bn = std::move(bn);
  }
  return private_from_parts(k);
}

const KeyFamily kRsaFamily{&read_public, &verify, &sign, &generate, &write_private, &read_private};

}  // namespace sshcore::keys::detail

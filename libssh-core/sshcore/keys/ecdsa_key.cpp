// ECDSA keys on the NIST curves (RFC 5656) through OpenSSL 3's EVP_PKEY.
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <array>
#include <stdexcept>
#include <string>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/keys/key_family.hpp"

namespace sshcore::keys::detail {
namespace {

struct Curve {
  KeyType type;
  const char* group;   // OpenSSL's group name
  int nid;
  std::size_t field_len;
  unsigned order_bits;
};
constexpr std::array kCurves{
    Curve{KeyType::kEcdsaP256, SN_X9_62_prime256v1, NID_X9_62_prime256v1, 32, 256},
    Curve{KeyType::kEcdsaP384, SN_secp384r1, NID_secp384r1, 48, 384},
    Curve{KeyType::kEcdsaP521, SN_secp521r1, NID_secp521r1, 66, 521},
};

const Curve& curve_for(KeyType type) {
  for (const auto& c : kCurves)
    if (c.type == type) return c;
  throw std::logic_error("not an ECDSA key type");
}

using GroupFree = crypto::OpensslFree<EC_GROUP_free>;
using EcdsaSigFree = crypto::OpensslFree<ECDSA_SIG_free>;
using ParamBldFree = crypto::OpensslFree<OSSL_PARAM_BLD_free>;
using ParamFree = crypto::OpensslFree<OSSL_PARAM_free>;

unsigned significant_bits(ByteView be) {
  std::size_t i = 0;
  while (i < be.size() && be[i] == 0) ++i;
  if (i == be.size()) return 0;
  unsigned bits = static_cast<unsigned>((be.size() - i - 1) * 8);
  for (std::uint8_t top = be[i]; top != 0; top >>= 1) ++bits;
  return bits;
}

// Builds an EVP_PKEY from the curve, the uncompressed point and (optionally) d.
Result<PkeyPtr> pkey_from_parts(const Curve& c, ByteView point, const BIGNUM* d) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
      (d != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d) != 1))
    return openssl_fail(Errc::kCryptoFailure, "building ECDSA key parameters");
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1)
    return openssl_fail(Errc::kKeyInvalid, "ECDSA point is not on the curve");
  PkeyPtr pkey(raw);
  // Full checks: point on the curve, in range, of the group's order; with d, Q = d*G.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  int ok = !check ? 0 : d != nullptr ? EVP_PKEY_check(check.get()) : EVP_PKEY_public_check(check.get());
  if (ok != 1)
    return openssl_fail(Errc::kKeyInvalid, d != nullptr ? "ECDSA private key does not match its public key"
                                                        : "ECDSA public key fails validation");
  return pkey;
}

Result<PublicKey> public_from_point(const Curve& c, ByteView point) {
  // sshbuf_get_ec takes only uncompressed points of exactly the curve's size.
  if (point.size() != 1 + 2 * c.field_len || point[0] != POINT_CONVERSION_UNCOMPRESSED)
    return fail(Errc::kInvalidFormat, "ECDSA public point is not an uncompressed point of the curve");
  // As OpenSSH's sshkey_ec_validate_public: coordinates with fewer than half the
  // order's bits are refused (they make small-subgroup style tricks cheaper).
  unsigned half = c.order_bits / 2;
  if (significant_bits(point.subspan(1, c.field_len)) <= half ||
      significant_bits(point.subspan(1 + c.field_len)) <= half)
    return fail(Errc::kKeyInvalid, "ECDSA public point coordinate too small");
  SSH_TRY(pkey, pkey_from_parts(c, point, nullptr));
  auto impl = std::make_shared<PublicKey::Impl>();
  impl->info = &key_type_info(c.type);
  impl->bits = impl->info->default_bits;
  impl->pkey = std::move(pkey);
  wire::Writer w;
  w.string(impl->info->ssh_name);
  w.string(impl->info->curve);
  w.string(point);
  impl->blob = to_bytes(w.view());
  return make_public(std::move(impl));
}

const Curve* curve_of_pkey(const EVP_PKEY* pkey) {
  char name[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1)
    return nullptr;
  int nid = OBJ_sn2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  for (const auto& c : kCurves)
    if (c.nid == nid) return &c;
  return nullptr;
}

Result<Bytes> point_of_pkey(const Curve& c, const EVP_PKEY* pkey) {
  SSH_TRY(x, pkey_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X));
  SSH_TRY(y, pkey_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y));
  Bytes point(1 + 2 * c.field_len);
  point[0] = POINT_CONVERSION_UNCOMPRESSED;
  int n = static_cast<int>(c.field_len);
  if (BN_bn2binpad(x.get(), point.data() + 1, n) != n || BN_bn2binpad(y.get(), point.data() + 1 + n, n) != n)
    return fail(Errc::kKeyInvalid, "ECDSA point coordinate out of range");
  return point;
}

Result<void> check_private_scalar(const Curve& c, const BIGNUM* d) {
  // sshkey_ec_validate_private: more than half the order's bits, and d < order - 1.
  std::unique_ptr<EC_GROUP, GroupFree> g(EC_GROUP_new_by_curve_name(c.nid));
  if (!g) return openssl_fail(Errc::kCryptoFailure, "ECDSA group");
  const BIGNUM* order = EC_GROUP_get0_order(g.get());
  if (BN_num_bits(d) <= BN_num_bits(order) / 2)
    return fail(Errc::kKeyInvalid, "ECDSA private scalar too small");
  BnPtr limit(BN_dup(order));
  if (!limit || BN_sub_word(limit.get(), 1) != 1) return openssl_fail(Errc::kCryptoFailure, "ECDSA order");
  if (BN_cmp(d, limit.get()) >= 0) return fail(Errc::kKeyInvalid, "ECDSA private scalar too large");
  return {};
}

Result<PrivateKey> private_from_parts(const Curve& c, ByteView point, const BIGNUM* d) {
  SSH_TRY_VOID(check_private_scalar(c, d));
  SSH_TRY(pub, public_from_point(c, point));
  SSH_TRY(pair, pkey_from_parts(c, point, d));
  auto impl = std::make_shared<PrivateKey::Impl>(std::move(pub));
  impl->pkey = std::move(pair);
  return make_private(std::move(impl));
}

Result<PublicKey> read_public(const KeyTypeInfo& info, wire::Reader& r, ByteView) {
  SSH_TRY(curve, r.cstring());
  SSH_TRY(point, r.string());
  if (curve != info.curve)
    return fail(Errc::kInvalidFormat, "ECDSA curve \"" + std::string(curve) + "\" does not match key type " +
                                          std::string(info.ssh_name));
  return public_from_point(curve_for(info.type), point);
}

Result<void> verify(const PublicKey::Impl& key, const SignatureAlgInfo& alg, ByteView data, ByteView sig) {
  const Curve& c = curve_for(key.info->type);
  wire::Reader r(sig);
  SSH_TRY(r_mag, r.mpint(c.field_len));
  SSH_TRY(s_mag, r.mpint(c.field_len));
  SSH_TRY_VOID(r.finish("ECDSA signature"));
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> es(ECDSA_SIG_new());
  BnPtr rb = bn_from_bytes(r_mag), sb = bn_from_bytes(s_mag);
  if (!es || !rb || !sb || ECDSA_SIG_set0(es.get(), rb.get(), sb.get()) != 1)
    return openssl_fail(Errc::kCryptoFailure, "ECDSA signature");
  (void)rb.release();
  (void)sb.release();
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(es.get(), &der);
  if (der_len <= 0) return openssl_fail(Errc::kCryptoFailure, "ECDSA signature encoding");
  bool ok = evp_digest_verify(key.pkey.get(), evp_md_for(alg.hash), data,
                              ByteView(der, static_cast<std::size_t>(der_len)));
  OPENSSL_free(der);
  if (!ok) return fail(Errc::kSignatureInvalid, "ECDSA signature does not verify");
  return {};
}

Result<Bytes> sign(const PrivateKey::Impl& key, const SignatureAlgInfo& alg, ByteView data) {
  SSH_TRY(der, evp_digest_sign(key.pkey.get(), evp_md_for(alg.hash), data));
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!es) return openssl_fail(Errc::kCryptoFailure, "ECDSA signature decoding");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(es.get(), &r, &s);
  wire::Writer w;
  w.mpint(ByteView(bn_to_bytes(r)));
  w.mpint(ByteView(bn_to_bytes(s)));
  return std::move(w).finish();
}

Result<PrivateKey> generate(const KeyTypeInfo& info, unsigned bits) {
  if (bits != 0 && bits != info.default_bits)
    return fail(Errc::kKeySizeInvalid, "Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits");
  const Curve& c = curve_for(info.type);
  PkeyPtr pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", c.group));
  if (!pair) return openssl_fail(Errc::kCryptoFailure, "ECDSA key generation");
  return ecdsa_private_from_pkey(std::move(pair));
}

Result<void> write_private(const PrivateKey::Impl& key, wire::Writer& w) {
  SSH_TRY(d, pkey_bn_param(key.pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY));
  SecretBytes mag = bn_to_secret(d.get());
  w.string(key.pub.info().curve);
  // The public blob ends with string(Q): reuse it rather than asking OpenSSL again.
  wire::Reader r(ByteView(key.pub.blob()));
  (void)r.string();
  (void)r.string();
  auto point = r.string();
  if (!point) return fail(Errc::kInternal, "ECDSA blob");
  w.string(*point);
  w.mpint(mag.view());
  return {};
}

Result<PrivateKey> read_private(const KeyTypeInfo& info, wire::Reader& r) {
  const Curve& c = curve_for(info.type);
  SSH_TRY(curve, r.cstring());
  if (curve != info.curve)
    return fail(Errc::kInvalidFormat, "ECDSA curve \"" + std::string(curve) + "\" does not match key type " +
                                          std::string(info.ssh_name));
  SSH_TRY(point, r.string());
  SSH_TRY(d_mag, r.mpint(c.field_len));
  BnPtr d = bn_secret_from_bytes(d_mag);
  if (!d) return openssl_fail(Errc::kCryptoFailure, "ECDSA private scalar");
  return private_from_parts(c, point, d.get());
}

}  // namespace

Result<PublicKey> ecdsa_public_from_pkey(PkeyPtr pkey) {
  const Curve* c = curve_of_pkey(pkey.get());
  if (c == nullptr) return fail(Errc::kKeyTypeUnsupported, "ECDSA key on an unsupported curve");
  SSH_TRY(point, point_of_pkey(*c, pkey.get()));
  return public_from_point(*c, point);
}

Result<PrivateKey> ecdsa_private_from_pkey(PkeyPtr pkey) {
  const Curve* c = curve_of_pkey(pkey.get());
  if (c == nullptr) return fail(Errc::kKeyTypeUnsupported, "ECDSA key on an unsupported curve");
  SSH_TRY(point, point_of_pkey(*c, pkey.get()));
  SSH_TRY(d, pkey_bn_param(pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY));
  return private_from_parts(*c, point, d.get());
}

const KeyFamily kEcdsaFamily{&read_public, &verify, &sign, &generate, &write_private, &read_private};

}  // namespace sshcore::keys::detail

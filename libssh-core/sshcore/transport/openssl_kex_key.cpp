#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/transport/openssl_kex_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <vector>

#include "sshcore/transport/kex_method.hpp"

namespace sshcore::transport {
namespace {
using CtxFree = crypto::OpensslFree<EVP_PKEY_CTX_free>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;
using BnFree = crypto::OpensslFree<BN_clear_free>;
using BldFree = crypto::OpensslFree<OSSL_PARAM_BLD_free>;
using ParamFree = crypto::OpensslFree<OSSL_PARAM_free>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// Pushes the group's parameters: its name, or p and g (kept alive in `keep`).
bool push_group(OSSL_PARAM_BLD* bld, const KeyGroup& group, std::vector<BnPtr>& keep) {
  if (!group.name.empty())
    return OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group.name.c_str(), 0) == 1;
  keep.emplace_back(BN_bin2bn(group.p.data(), static_cast<int>(group.p.size()), nullptr));
  keep.emplace_back(BN_bin2bn(group.g.data(), static_cast<int>(group.g.size()), nullptr));
  return keep[0] && keep[1] && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, keep[0].get()) == 1 &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, keep[1].get()) == 1;
}

std::string describe(const KeyGroup& group) {
  return group.name.empty() ? std::to_string(group.p.size() * 8) + "-bit group" : group.name;
}
}  // namespace

Result<EvpPkeyPtr> generate_ephemeral(const KeyGroup& group) {
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<BnPtr> keep;
  if (!bld || !push_group(bld.get(), group, keep)) return kex_failure("cannot describe " + describe(group));
  // An explicit group carries no subgroup order, so bound the private exponent
  // (512 bits: twice the strongest cipher's security, as OpenSSH's dh_gen_key does).
  if (group.name.empty() && OSSL_PARAM_BLD_push_int(bld.get(), OSSL_PKEY_PARAM_DH_PRIV_LEN, 512) != 1)
    return kex_failure("cannot describe " + describe(group));
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) return kex_failure("cannot describe " + describe(group));
  CtxPtr ctx;
  EvpPkeyPtr domain;
  if (group.name.empty()) {  // keygen from a domain-parameters key
    CtxPtr from(EVP_PKEY_CTX_new_from_name(nullptr, group.type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!from || EVP_PKEY_fromdata_init(from.get()) != 1 ||
        EVP_PKEY_fromdata(from.get(), &raw, EVP_PKEY_KEY_PARAMETERS, params.get()) != 1)
      return kex_failure("invalid DH group parameters");
    domain.reset(raw);
    ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, domain.get(), nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return kex_failure("cannot create key context");
  } else {
    ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, group.type, nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_params(ctx.get(), params.get()) != 1)
      return kex_failure("cannot create key context for " + describe(group));
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &key) != 1)
    return kex_failure("ephemeral key generation failed for " + describe(group));
  return EvpPkeyPtr(key);
}

Result<EvpPkeyPtr> peer_public_key(const KeyGroup& group, ByteView value) {
  bool dh = group.is_dh();
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  BnPtr bn;
  std::vector<BnPtr> keep;
  if (!bld || !push_group(bld.get(), group, keep)) return kex_failure("cannot build peer key");
  if (dh) {
    bn.reset(BN_bin2bn(value.data(), static_cast<int>(value.size()), nullptr));
    if (!bn || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, bn.get()) != 1)
      return kex_failure("cannot build peer key");
  } else {
    if (value.empty() || value[0] != 0x04) return kex_failure("invalid ECDH public value (not an uncompressed point)");
    if (OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, value.data(), value.size()) != 1)
      return kex_failure("cannot build peer key");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, group.type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return kex_failure(dh ? "invalid public DH value" : "invalid ECDH public value");
  EvpPkeyPtr peer(key);
  CtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, peer.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    return kex_failure(dh ? "invalid public DH value" : "invalid ECDH public value (not on the curve)");
  return peer;
}

Result<Bytes> public_value(EVP_PKEY* key, bool is_dh) {
  if (is_dh) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PUB_KEY, &raw) != 1) return kex_failure("no DH public value");
    std::unique_ptr<BIGNUM, BnFree> bn(raw);
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), out.data());
    return out;
  }
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0, &len) != 1)
    return kex_failure("no ECDH public value");
  Bytes out(len);
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(), out.size(), &len) != 1)
    return kex_failure("no ECDH public value");
  out.resize(len);
  return out;
}

Result<std::pair<Bytes, Bytes>> named_dh_parameters(const std::string& name) {
  SSH_TRY(key, generate_ephemeral(KeyGroup{"DH", name, {}, {}}));
  auto get = [&](const char* param) -> Result<Bytes> {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key.get(), param, &raw) != 1) return kex_failure("no DH group parameter");
    BnPtr bn(raw);
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), out.data());
    return out;
  };
  SSH_TRY(p, get(OSSL_PKEY_PARAM_FFC_P));
  SSH_TRY(g, get(OSSL_PKEY_PARAM_FFC_G));
  return std::pair<Bytes, Bytes>{std::move(p), std::move(g)};
}

Result<SecretBytes> derive_shared(EVP_PKEY* ours, EVP_PKEY* peer) {
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, ours, nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1)
    return kex_failure("shared secret derivation failed");
  SecretBytes out(len);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) return kex_failure("shared secret derivation failed");
  out.resize(len);
  return out;
}

}  // namespace sshcore::transport

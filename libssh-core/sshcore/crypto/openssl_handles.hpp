// Owning handles for OpenSSL objects: one deleter template instead of a
// hand-written struct per type in every file that touches libcrypto.
#pragma once

#include <openssl/bn.h>
#include <openssl/core.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace sshcore::crypto {

template <auto FreeFn>
struct OpensslFree {
  template <class T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};

template <class T, auto FreeFn>
using OpensslPtr = std::unique_ptr<T, OpensslFree<FreeFn>>;

using EvpPkeyPtr = OpensslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OpensslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = OpensslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpCipherCtxPtr = OpensslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpMacPtr = OpensslPtr<EVP_MAC, EVP_MAC_free>;
using EvpMacCtxPtr = OpensslPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using BignumPtr = OpensslPtr<BIGNUM, BN_clear_free>;  // cleared: they may hold secrets
using BnCtxPtr = OpensslPtr<BN_CTX, BN_CTX_free>;
using ParamBldPtr = OpensslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OpensslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using DecoderCtxPtr = OpensslPtr<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>;
using EncoderCtxPtr = OpensslPtr<OSSL_ENCODER_CTX, OSSL_ENCODER_CTX_free>;

}  // namespace sshcore::crypto

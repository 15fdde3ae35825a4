// Owning handles and conversions for the OpenSSL 3 objects the key code uses
// (EVP_PKEY, BIGNUM), kept in one place so every family frees and wipes alike.
#pragma once

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/digest.hpp"

namespace sshcore::keys::detail {

using PkeyFree = crypto::OpensslFree<EVP_PKEY_free>;
using PkeyCtxFree = crypto::OpensslFree<EVP_PKEY_CTX_free>;
using MdCtxFree = crypto::OpensslFree<EVP_MD_CTX_free>;
// BN_clear_free: any BIGNUM we hold may be a private exponent.
using BnFree = crypto::OpensslFree<BN_clear_free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// Drains OpenSSL's error queue into one line for an error detail; callers prefix
// their own context. Draining also keeps stale errors out of later calls.
std::string openssl_error_text();
unexpected<Error> openssl_fail(Errc code, std::string_view what);

BnPtr bn_from_bytes(ByteView big_endian);
// For private values: allocated from OpenSSL's secure heap when it has one.
BnPtr bn_secret_from_bytes(ByteView big_endian);
Bytes bn_to_bytes(const BIGNUM* bn);
SecretBytes bn_to_secret(const BIGNUM* bn);
// A BIGNUM parameter of a key (OSSL_PKEY_PARAM_RSA_N, ...).
Result<BnPtr> pkey_bn_param(const EVP_PKEY* pkey, const char* name);

const EVP_MD* evp_md_for(crypto::DigestAlg alg);

// One-shot EVP_DigestSign / EVP_DigestVerify (md may be null for Ed25519-style keys).
Result<Bytes> evp_digest_sign(EVP_PKEY* pkey, const EVP_MD* md, ByteView data);
bool evp_digest_verify(EVP_PKEY* pkey, const EVP_MD* md, ByteView data, ByteView sig);

}  // namespace sshcore::keys::detail

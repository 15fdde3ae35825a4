// Internal to keys/: what a key is made of, and the per-algorithm-family operations
// as one table (DESIGN.md section 4). public_key.cpp and private_key.cpp dispatch
// through key_family(); each family lives in its own file (ed25519_key.cpp,
// ecdsa_key.cpp, rsa_key.cpp). Code outside keys/ uses the public headers only.
#pragma once

#include "sshcore/base/secret.hpp"
#include "sshcore/keys/openssl_pkey.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/public_key.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::keys {

struct PublicKey::Impl {
  const KeyTypeInfo* info = nullptr;
  Bytes blob;             // canonical wire encoding
  unsigned bits = 0;
  Bytes ed25519;          // the 32-byte Ed25519 public key
  detail::PkeyPtr pkey;   // ECDSA and RSA public keys
};

struct PrivateKey::Impl {
  explicit Impl(PublicKey p) : pub(std::move(p)) {}
  PublicKey pub;
  SecretBytes ed25519;    // 64 bytes: seed || public key, as OpenSSH stores it
  detail::PkeyPtr pkey;   // ECDSA and RSA key pairs
};

namespace detail {

struct KeyFamily {
  // The fields after the type name in a public key blob (RFC 4253 6.6, RFC 5656 3.1,
  // RFC 8709 4). The caller checks for trailing bytes and fills Impl::blob.
  Result<PublicKey> (*read_public)(const KeyTypeInfo& info, wire::Reader& r, ByteView blob);
  // `sig` is the inner signature string; the algorithm already belongs to the key.
  Result<void> (*verify)(const PublicKey::Impl& key, const SignatureAlgInfo& alg, ByteView data,
                         ByteView sig);
  // Returns the inner signature string (the caller wraps it with the name).
  Result<Bytes> (*sign)(const PrivateKey::Impl& key, const SignatureAlgInfo& alg, ByteView data);
  Result<PrivateKey> (*generate)(const KeyTypeInfo& info, unsigned bits);
  // Private fields after the type name, as sshkey_private_serialize writes them.
  Result<void> (*write_private)(const PrivateKey::Impl& key, wire::Writer& w);
  Result<PrivateKey> (*read_private)(const KeyTypeInfo& info, wire::Reader& r);
};

const KeyFamily& key_family(KeyType type);

extern const KeyFamily kEd25519Family;
extern const KeyFamily kEcdsaFamily;
extern const KeyFamily kRsaFamily;

// Helpers shared by the families.
PublicKey make_public(std::shared_ptr<PublicKey::Impl> impl);
PrivateKey make_private(std::shared_ptr<PrivateKey::Impl> impl);

// Keys from OpenSSL objects (PEM/PKCS#8 files, SubjectPublicKeyInfo).
Result<PublicKey> ecdsa_public_from_pkey(PkeyPtr pkey);
Result<PrivateKey> ecdsa_private_from_pkey(PkeyPtr pkey);
Result<PublicKey> rsa_public_from_pkey(PkeyPtr pkey);
Result<PrivateKey> rsa_private_from_pkey(PkeyPtr pkey);
Result<PrivateKey> ed25519_private_from_seed(ByteView seed);
Result<PublicKey> ed25519_public_from_bytes(ByteView pk);

}  // namespace detail
}  // namespace sshcore::keys

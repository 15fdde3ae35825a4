// A private key of any supported type: generation, signing, and its public half.
// Secret material lives in wiped memory (SecretBytes / OpenSSL's secure heap).
#pragma once

#include <memory>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::wire {
class Reader;
class Writer;
}  // namespace sshcore::wire

namespace sshcore::keys {

class PrivateKey {
 public:
  // bits: 0 for the type's default; RSA 1024..16384, ECDSA picks the curve by type.
  static Result<PrivateKey> generate(KeyType type, unsigned bits = 0);

  // An Ed25519 key from its 32-byte seed (RFC 8032's "secret key").
  static Result<PrivateKey> from_ed25519_seed(ByteView seed);
  // OpenSSH's private key serialisation (sshkey_private_serialize): string type
  // name, then the type's fields. It is the private section of PROTOCOL.key and
  // the key in the agent protocol's SSH2_AGENTC_ADD_IDENTITY. Reads one key,
  // leaving what follows (comment, constraints) in `r`.
  static Result<PrivateKey> read_private_fields(wire::Reader& r);
  Result<void> write_private_fields(wire::Writer& w) const;

  const PublicKey& public_key() const;
  KeyType type() const { return public_key().type(); }

  // Returns the SSH signature blob (string alg, string sig). `algorithm` empty picks
  // the key type's default (rsa-sha2-512 for RSA keys).
  Result<Bytes> sign(ByteView data, std::string_view algorithm = {}) const;

  struct Impl;
  explicit PrivateKey(std::shared_ptr<const Impl> impl);
  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace sshcore::keys

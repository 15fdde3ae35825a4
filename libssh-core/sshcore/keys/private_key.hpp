// A private key of any supported type: generation, signing, and its public half.
// Secret material lives in wiped memory (SecretBytes / OpenSSL's secure heap).
#pragma once

#include <memory>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::keys {

class PrivateKey {
 public:
  // bits: 0 for the type's default; RSA 1024..16384, ECDSA picks the curve by type.
  static Result<PrivateKey> generate(KeyType type, unsigned bits = 0);

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

// A public key of any supported type: its SSH wire blob (RFC 4253 section 6.6),
// its size, and signature verification.
#pragma once

#include <memory>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/key_type.hpp"

namespace sshcore::keys {

class PublicKey {
 public:
  // Parses "string type, ...type-specific fields" and refuses trailing bytes, DSA
  // ("ssh-dss": kKeyTypeUnsupported), unknown names, invalid points and RSA < 1024 bits.
  static Result<PublicKey> from_blob(ByteView blob);

  KeyType type() const;
  const KeyTypeInfo& info() const;
  unsigned bits() const;            // RSA modulus bits, curve bits, 256 for Ed25519
  const Bytes& blob() const;        // canonical wire encoding

  // `signature` is the SSH signature blob: string algorithm name, string signature.
  // The algorithm must belong to this key type (any rsa-sha2-* / ssh-rsa for RSA).
  Result<void> verify(ByteView data, ByteView signature) const;

  bool operator==(const PublicKey& other) const { return blob() == other.blob(); }

  struct Impl;
  explicit PublicKey(std::shared_ptr<const Impl> impl);
  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace sshcore::keys

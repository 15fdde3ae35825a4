// Signer: something that can sign with a private key it may not expose (ANCHORS G5).
// The transport signs exchange hashes through it and userauth signs session data;
// behind it is a key in memory, an ssh-agent, or (in sshd) the privileged monitor.
#pragma once

#include <memory>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::keys {

class Signer {
 public:
  virtual ~Signer() = default;
  virtual const PublicKey& public_key() const = 0;
  // Returns the SSH signature blob (string algorithm, string signature).
  virtual Result<Bytes> sign(ByteView data, std::string_view algorithm) = 0;
};

// A Signer over a private key held in this process.
class PrivateKeySigner final : public Signer {
 public:
  explicit PrivateKeySigner(PrivateKey key) : key_(std::move(key)) {}
  const PublicKey& public_key() const override { return key_.public_key(); }
  Result<Bytes> sign(ByteView data, std::string_view algorithm) override { return key_.sign(data, algorithm); }

 private:
  PrivateKey key_;
};

}  // namespace sshcore::keys

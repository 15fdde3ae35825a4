// X25519 (RFC 7748) from libsodium: the classical half of curve25519-sha256 and
// of the post-quantum hybrids.
#pragma once

#include <cstddef>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/random.hpp"

namespace sshcore::crypto {

inline constexpr std::size_t kX25519Size = 32;

struct X25519KeyPair {
  SecretBytes secret;   // 32 bytes
  Bytes public_key;     // 32 bytes
};

X25519KeyPair x25519_keypair(const RandomSource& random = {});
// The raw 32-byte shared secret; kInvalidArgument for a peer value of the wrong
// size, kInvalidFormat when the result is all zero (a low-order point).
Result<SecretBytes> x25519_shared(const SecretBytes& secret, ByteView peer_public);

}  // namespace sshcore::crypto

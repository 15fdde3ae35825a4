// Poly1305 one-time authenticator (libsodium), as RFC 8439 section 2.5 defines it
// and chacha20-poly1305@openssh.com uses it. A key must never authenticate two
// different messages.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::crypto {

inline constexpr std::size_t kPoly1305KeySize = 32;
inline constexpr std::size_t kPoly1305TagSize = 16;
using Poly1305Tag = std::array<std::uint8_t, kPoly1305TagSize>;

// kInvalidArgument on a wrong key size.
Result<Poly1305Tag> poly1305_tag(ByteView key, ByteView message);

// Recomputes the tag and compares in constant time: kMacInvalid on mismatch,
// kInvalidArgument on a wrong key or tag size.
Result<void> poly1305_verify(ByteView key, ByteView message, ByteView tag);

}  // namespace sshcore::crypto

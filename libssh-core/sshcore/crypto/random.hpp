// Cryptographically secure random bytes (libsodium's randombytes).
#pragma once

#include <cstdint>
#include <span>

#include "sshcore/base/bytes.hpp"

namespace sshcore::crypto {

void random_bytes(std::span<std::uint8_t> out);
Bytes random_bytes(std::size_t n);
std::uint32_t random_u32();
// Uniform in [0, upper) without modulo bias.
std::uint32_t random_uniform(std::uint32_t upper);

}  // namespace sshcore::crypto

// Cryptographically secure random bytes (libsodium's randombytes).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "sshcore/base/bytes.hpp"

namespace sshcore::crypto {

// Where ephemeral secrets come from: empty means random_bytes(); tests inject a
// deterministic stream to reproduce published known-answer vectors.
using RandomSource = std::function<void(std::span<std::uint8_t>)>;
void fill_random(const RandomSource& source, std::span<std::uint8_t> out);

void random_bytes(std::span<std::uint8_t> out);
Bytes random_bytes(std::size_t n);
std::uint32_t random_u32();
// Uniform in [0, upper) without modulo bias; 0 when upper < 2.
std::uint32_t random_uniform(std::uint32_t upper);

}  // namespace sshcore::crypto

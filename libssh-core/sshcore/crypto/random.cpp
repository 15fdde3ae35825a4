#include "sshcore/crypto/random.hpp"

#include <sodium.h>

#include "sshcore/crypto/sodium_runtime.hpp"

namespace sshcore::crypto {

void random_bytes(std::span<std::uint8_t> out) {
  if (out.empty()) return;  // an empty span may hold a null pointer; libsodium declares it nonnull
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  random_bytes(std::span<std::uint8_t>(b));
  return b;
}

void fill_random(const RandomSource& source, std::span<std::uint8_t> out) {
  if (source) source(out);
  else random_bytes(out);
}

std::uint32_t random_u32() {
  ensure_sodium();
  return randombytes_random();
}

std::uint32_t random_uniform(std::uint32_t upper) {
  ensure_sodium();
  return randombytes_uniform(upper);
}

}  // namespace sshcore::crypto

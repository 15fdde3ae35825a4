#include "sshcore/crypto/random.hpp"

#include <sodium.h>

#include <stdexcept>

namespace sshcore::crypto {
namespace {
void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
    return true;
  }();
  (void)ready;
}
}  // namespace

void random_bytes(std::span<std::uint8_t> out) {
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  random_bytes(std::span<std::uint8_t>(b));
  return b;
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

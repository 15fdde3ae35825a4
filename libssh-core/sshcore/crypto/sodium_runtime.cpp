#include "sshcore/crypto/sodium_runtime.hpp"

#include <sodium.h>

#include <stdexcept>

namespace sshcore::crypto {

void ensure_sodium() {
  // A function-local static makes the first call race-free.
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
    return true;
  }();
  (void)ready;
}

}  // namespace sshcore::crypto

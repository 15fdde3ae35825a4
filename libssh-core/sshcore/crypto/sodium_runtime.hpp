// libsodium must be initialised once before use: sodium_init() selects the
// CPU-specific implementations (SSE2/AVX2 ChaCha20, Poly1305) and seeds
// randombytes. Every crypto file that calls libsodium goes through here first.
#pragma once

namespace sshcore::crypto {

// Idempotent and thread-safe; throws only if libsodium cannot start at all.
void ensure_sodium();

}  // namespace sshcore::crypto

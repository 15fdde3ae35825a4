// The ChaCha20 stream cipher (libsodium), in both of its published forms:
//  - the original (Bernstein 2008): 64-bit nonce and 64-bit block counter, which
//    chacha20-poly1305@openssh.com uses (PROTOCOL.chacha20poly1305);
//  - the IETF form (RFC 8439): 96-bit nonce and 32-bit block counter.
// Encryption and decryption are the same operation: XOR with the keystream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::crypto {

inline constexpr std::size_t kChaCha20KeySize = 32;
inline constexpr std::size_t kChaCha20NonceSize = 8;       // original form
inline constexpr std::size_t kChaCha20IetfNonceSize = 12;  // RFC 8439
inline constexpr std::size_t kChaCha20BlockSize = 64;

// XORs `data` in place with the keystream starting at block `counter`.
// kInvalidArgument on a wrong key or nonce size.
Result<void> chacha20_xor(ByteView key, ByteView nonce, std::uint64_t counter,
                          std::span<std::uint8_t> data);

// The RFC 8439 form. Also kInvalidArgument when the 32-bit block counter would
// wrap inside `data` (the keystream would repeat).
Result<void> chacha20_ietf_xor(ByteView key, ByteView nonce, std::uint32_t counter,
                               std::span<std::uint8_t> data);

}  // namespace sshcore::crypto

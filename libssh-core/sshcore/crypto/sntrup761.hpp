// Streamlined NTRU Prime sntrup761 (round-3 submission), the post-quantum half of
// the sntrup761x25519-sha512 key exchange.
//
// Byte for byte the KEM of OpenSSH's sntrup761.c (SUPERCOP's "ref" code): p=761,
// q=4591, w=286, SHA-512 truncated to 32 bytes with one-byte domain prefixes, and
// implicit rejection in decapsulation. Randomness is drawn in the order and in the
// request sizes of the reference code (4 bytes per coefficient, then the 191-byte
// rho), so a NIST KAT DRBG plugged in as the RandomSource reproduces the published
// known answers. All work on secret data runs in constant time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::crypto {

inline constexpr std::size_t kSntrup761PublicKeySize = 1158;
inline constexpr std::size_t kSntrup761SecretKeySize = 1763;
inline constexpr std::size_t kSntrup761CiphertextSize = 1039;
inline constexpr std::size_t kSntrup761SharedSecretSize = 32;

struct Sntrup761KeyPair {
  Bytes public_key;
  SecretBytes secret_key;
};

// Fills the span with random bytes. An empty RandomSource means crypto::random_bytes;
// tests inject a deterministic stream to reproduce known answers.
using RandomSource = std::function<void(std::span<std::uint8_t>)>;

Sntrup761KeyPair sntrup761_keygen(const RandomSource& random = {});

struct Sntrup761Encapsulation {
  Bytes ciphertext;
  SecretBytes shared_secret;
};

// Fails only when public_key is not kSntrup761PublicKeySize bytes long; any bytes of
// that length are a usable key (as in the reference code, values are reduced mod q).
Result<Sntrup761Encapsulation> sntrup761_encaps(ByteView public_key,
                                                const RandomSource& random = {});

// Fails only on wrong sizes. A ciphertext that does not re-encrypt to itself yields
// the implicit-rejection secret derived from the secret key's rho, never an error.
Result<SecretBytes> sntrup761_decaps(ByteView secret_key, ByteView ciphertext);

}  // namespace sshcore::crypto

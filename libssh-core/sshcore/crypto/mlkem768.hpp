// ML-KEM-768 (FIPS 203, August 2024): the post-quantum half of the
// mlkem768x25519-sha256 key exchange.
//
// Sizes and encodings are exactly FIPS 203's: the encapsulation key (public key)
// is ByteEncode_12(t_hat) || rho, the decapsulation key (secret key) is
// dk_pke || ek || H(ek) || z, and decapsulation uses implicit rejection: a
// ciphertext that does not re-encrypt to itself yields J(z || c) instead of an
// error, so a peer learns nothing from tampering. All operations on secret data
// run in time independent of it.
#pragma once

#include <cstddef>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::crypto {

inline constexpr std::size_t kMlKem768PublicKeySize = 1184, kMlKem768SecretKeySize = 2400,
                             kMlKem768CiphertextSize = 1088, kMlKem768SharedSecretSize = 32;

struct MlKem768KeyPair {
  Bytes public_key;         // encapsulation key, 1184 bytes
  SecretBytes secret_key;   // decapsulation key, 2400 bytes
};

// ML-KEM.KeyGen with fresh random d and z.
MlKem768KeyPair mlkem768_keygen();
// ML-KEM.KeyGen_internal(d, z) for known-answer tests; both must be 32 bytes
// (anything else is a programming error and throws std::invalid_argument).
MlKem768KeyPair mlkem768_keygen_derand(ByteView d32, ByteView z32);

struct MlKem768Encapsulation {
  Bytes ciphertext;           // 1088 bytes, sent to the key's owner
  SecretBytes shared_secret;  // 32 bytes
};

// ML-KEM.Encaps with a fresh random m. Fails (never crashes) on a key of the wrong
// size or one that fails the FIPS 203 section 7.2 modulus check.
Result<MlKem768Encapsulation> mlkem768_encaps(ByteView public_key);
// ML-KEM.Encaps_internal(ek, m) for known-answer tests; m must be 32 bytes.
Result<MlKem768Encapsulation> mlkem768_encaps_derand(ByteView public_key, ByteView m32);

// ML-KEM.Decaps. Fails on wrong sizes and on a secret key whose embedded H(ek)
// does not match (FIPS 203 section 7.3 checks); a well-formed but wrong ciphertext
// succeeds with the implicit-rejection secret.
Result<SecretBytes> mlkem768_decaps(ByteView secret_key, ByteView ciphertext);

}  // namespace sshcore::crypto

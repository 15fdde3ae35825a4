// The key algorithms we support, as one table (DESIGN.md section 4).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sshcore/crypto/digest.hpp"

namespace sshcore::keys {

enum class KeyType : std::uint8_t { kEd25519, kEcdsaP256, kEcdsaP384, kEcdsaP521, kRsa };

struct KeyTypeInfo {
  KeyType type;
  std::string_view ssh_name;     // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"
  std::string_view short_name;   // as in fingerprints and randomart: "ED25519", "ECDSA", "RSA"
  std::string_view keygen_name;  // ssh-keygen -t: "ed25519", "ecdsa", "rsa"
  std::string_view curve;        // "nistp256" for ECDSA rows, empty otherwise
  unsigned default_bits;         // 256, 256/384/521, 3072
};

std::span<const KeyTypeInfo> key_types();
const KeyTypeInfo& key_type_info(KeyType type);
const KeyTypeInfo* find_key_type(std::string_view ssh_name);

// Signature algorithms (RFC 8332, RFC 5656, RFC 8709): the name in a signature blob,
// the key type it belongs to, and the digest it signs with.
struct SignatureAlgInfo {
  std::string_view name;         // "rsa-sha2-512", "ssh-ed25519", "ecdsa-sha2-nistp384"
  KeyType key_type;
  crypto::DigestAlg hash;        // unused for Ed25519 (it hashes internally)
};
std::span<const SignatureAlgInfo> signature_algs();
const SignatureAlgInfo* find_signature_alg(std::string_view name);

}  // namespace sshcore::keys

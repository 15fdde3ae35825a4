#include "key_type_choice.hpp"

#include <strings.h>

#include <cstdio>
#include <cstdlib>

#include "diagnostics.hpp"

namespace sshkeygen {

namespace keys = sshcore::keys;

namespace {

constexpr std::uint32_t kRsaMinimumBits = 1024;   // SSH_RSA_MINIMUM_MODULUS_SIZE
constexpr std::uint32_t kRsaMaximumBits = 16384;  // OPENSSL_RSA_MAX_MODULUS_BITS
constexpr std::uint32_t kRsaDefaultBits = 3072;
constexpr std::uint32_t kEcdsaDefaultBits = 256;

struct FullName {
  std::string_view name;
  KeyFamily family;
  unsigned curve_bits;
};
// OpenSSH 9.2's plain key implementations by wire name (certificate names are refused).
constexpr FullName kFullNames[] = {
    {"ssh-ed25519", KeyFamily::kEd25519, 0},
    {"ecdsa-sha2-nistp256", KeyFamily::kEcdsa, 256},
    {"ecdsa-sha2-nistp384", KeyFamily::kEcdsa, 384},
    {"ecdsa-sha2-nistp521", KeyFamily::kEcdsa, 521},
    {"ssh-rsa", KeyFamily::kRsa, 0},
    {"rsa-sha2-256", KeyFamily::kRsa, 0},
    {"rsa-sha2-512", KeyFamily::kRsa, 0},
    {"ssh-dss", KeyFamily::kDsa, 0},
    {"sk-ecdsa-sha2-nistp256@openssh.com", KeyFamily::kEcdsaSk, 0},
    {"sk-ssh-ed25519@openssh.com", KeyFamily::kEd25519Sk, 0},
};

struct ShortName {
  std::string_view name;
  KeyFamily family;
};
constexpr ShortName kShortNames[] = {
    {"ED25519", KeyFamily::kEd25519}, {"ECDSA", KeyFamily::kEcdsa},
    {"RSA", KeyFamily::kRsa},         {"DSA", KeyFamily::kDsa},
    {"ECDSA-SK", KeyFamily::kEcdsaSk}, {"ED25519-SK", KeyFamily::kEd25519Sk},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

[[noreturn]] void not_supported_yet(std::string_view name) {
  std::fflush(stdout);
  error("ssh-keygen: key type {}: FIDO security keys are not supported yet", name);
  std::exit(1);
}

}  // namespace

NamedKeyType classify_key_type_name(std::string_view name) {
  for (const auto& row : kFullNames)
    if (row.name == name) return {row.family, row.curve_bits};
  for (const auto& row : kShortNames)
    if (iequals(row.name, name)) return {row.family, 0};
  return {};
}

KeyTypeChoice choose_key_type(std::string_view name, std::uint32_t bits) {
  NamedKeyType named = classify_key_type_name(name);
  switch (named.family) {
    case KeyFamily::kUnknown:
      fatal("unknown key type {}", name);
    case KeyFamily::kDsa:
      fatal("unsupported key type {}: DSA keys are not supported", name);
    case KeyFamily::kEcdsaSk:
    case KeyFamily::kEd25519Sk:
      not_supported_yet(name);
    case KeyFamily::kEd25519:
      return {keys::KeyType::kEd25519, 256};
    case KeyFamily::kRsa:
      if (bits == 0) bits = kRsaDefaultBits;
      if (bits < kRsaMinimumBits) fatal("Invalid RSA key length: minimum is {} bits", kRsaMinimumBits);
      if (bits > kRsaMaximumBits) fatal("Invalid RSA key length: maximum is {} bits", kRsaMaximumBits);
      return {keys::KeyType::kRsa, bits};
    case KeyFamily::kEcdsa:
      if (bits == 0) bits = named.curve_bits != 0 ? named.curve_bits : kEcdsaDefaultBits;
      switch (bits) {
        case 256: return {keys::KeyType::kEcdsaP256, bits};
        case 384: return {keys::KeyType::kEcdsaP384, bits};
        case 521: return {keys::KeyType::kEcdsaP521, bits};
        default: fatal("Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits");
      }
  }
  fatal("unknown key type {}", name);
}

std::string default_identity_file_name(const std::optional<std::string>& key_type_name) {
  KeyFamily family = key_type_name ? classify_key_type_name(*key_type_name).family : KeyFamily::kEd25519;
  switch (family) {
    case KeyFamily::kEd25519: return ".ssh/id_ed25519";
    case KeyFamily::kEcdsa: return ".ssh/id_ecdsa";
    case KeyFamily::kRsa: return ".ssh/id_rsa";
    case KeyFamily::kDsa: return ".ssh/id_dsa";
    case KeyFamily::kEcdsaSk: return ".ssh/id_ecdsa_sk";
    case KeyFamily::kEd25519Sk: return ".ssh/id_ed25519_sk";
    case KeyFamily::kUnknown: break;
  }
  fatal("bad key type");
}

}  // namespace sshkeygen

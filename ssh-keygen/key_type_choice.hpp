// What -t and -b ask for: OpenSSH's sshkey_type_from_name() and type_bits_valid()
// over our key type table, with OpenSSH's error texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sshcore/keys/key_type.hpp"

namespace sshkeygen {

// OpenSSH 9.5 and later generate Ed25519 keys when -t is not given; so do we.
inline constexpr std::string_view kDefaultKeyTypeName = "ed25519";

enum class KeyFamily : std::uint8_t {
  kEd25519,
  kEcdsa,
  kRsa,
  kDsa,          // known to OpenSSH, not supported here
  kEcdsaSk,      // FIDO, not supported yet
  kEd25519Sk,    // FIDO, not supported yet
  kUnknown,
};

struct NamedKeyType {
  KeyFamily family = KeyFamily::kUnknown;
  unsigned curve_bits = 0;  // for a full ECDSA name ("ecdsa-sha2-nistp384"): its curve
};
// Full names ("ssh-ed25519", "ecdsa-sha2-nistp384", "rsa-sha2-512") exactly, short names
// ("ed25519", "ECDSA", "rsa", "dsa", "ecdsa-sk") in any case.
NamedKeyType classify_key_type_name(std::string_view name);

struct KeyTypeChoice {
  sshcore::keys::KeyType type;
  unsigned bits;
};
// type_bits_valid(): fills in the default size and checks -b ("Invalid RSA key length:
// minimum is 1024 bits", ...). Exits through fatal() for unknown or unsupported types and
// bad sizes; exits with status 1 for types that are not supported yet (FIDO).
KeyTypeChoice choose_key_type(std::string_view name, std::uint32_t bits);

// The file ask_filename() offers: ".ssh/id_ed25519", ".ssh/id_rsa", ... (no -t: Ed25519's).
std::string default_identity_file_name(const std::optional<std::string>& key_type_name);

}  // namespace sshkeygen

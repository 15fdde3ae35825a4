// The OpenSSH private key format v1 (PROTOCOL.key): "-----BEGIN OPENSSH PRIVATE
// KEY-----", "openssh-key-v1\0", cipher, KDF (bcrypt_pbkdf), one public key and
// the (optionally encrypted) private section. Internal to keys/; callers use
// key_files.hpp, which dispatches here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshcore::keys::detail {

inline constexpr std::string_view kOpensshKeyLabel = "OPENSSH PRIVATE KEY";

// The unencrypted outer layer of the file.
struct OpensshKeyEnvelope {
  std::string cipher;        // "none", "aes256-ctr", ...
  std::string kdf;           // "none" or "bcrypt"
  Bytes salt;                // bcrypt only
  std::uint32_t rounds = 0;  // bcrypt only
  PublicKey public_key;
  bool encrypted() const { return cipher != "none"; }
};

bool is_openssh_private_key(ByteView file);
Result<OpensshKeyEnvelope> parse_openssh_envelope(ByteView file);
Result<LoadedPrivateKey> parse_openssh_private_key(ByteView file, std::string_view passphrase);
Result<SecretBytes> format_openssh_private_key(const PrivateKey& key, std::string_view comment,
                                               std::string_view passphrase, std::string_view cipher,
                                               std::uint32_t kdf_rounds);

}  // namespace sshcore::keys::detail

// One-shot symmetric ciphers for encrypting data at rest (private key files,
// legacy PEM): the OpenSSH names with their key/IV sizes, run through OpenSSL EVP.
// The transport's per-packet ciphers are a separate, in-place interface.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::crypto {

struct SymmetricCipherInfo {
  std::string_view name;   // "aes256-ctr", "aes128-cbc", "aes256-gcm@openssh.com", ...
  std::size_t key_len;
  std::size_t iv_len;
  std::size_t block_len;   // padding unit for the plaintext
  std::size_t tag_len;     // > 0 for AEAD: a tag follows the ciphertext
};

// nullptr when the name is not one we know ("none" included as a real row).
const SymmetricCipherInfo* find_symmetric_cipher(std::string_view name);
std::span<const SymmetricCipherInfo> symmetric_ciphers();

// Encrypts or decrypts `data` in place; for AEAD rows, `tag` is written on encrypt
// and checked on decrypt (kMacInvalid on mismatch, and `data` is then wiped so no
// unauthenticated plaintext survives). `aad` is authenticated but not encrypted
// (AEAD rows only; kInvalidArgument elsewhere when non-empty).
// No padding is added or removed: CBC needs whole blocks (kInvalidArgument
// otherwise), CTR and GCM take any length. OpenSSH's key format demands whole
// blocks for every cipher; its parser checks `block_len` itself, as sshkey.c does.
Result<void> symmetric_crypt(const SymmetricCipherInfo& cipher, ByteView key, ByteView iv,
                             std::span<std::uint8_t> data, bool encrypt,
                             std::span<std::uint8_t> tag = {}, ByteView aad = {});

}  // namespace sshcore::crypto

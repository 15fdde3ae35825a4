// PEM private keys through OpenSSL 3's decoders and encoders: PKCS#1 RSA, SEC1 EC,
// PKCS#8 (plain and encrypted) and legacy encrypted PEM (Proc-Type/DEK-Info).
// Internal to keys/; callers use key_files.hpp.
#pragma once

#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshcore::keys::detail {

// "-----BEGIN ... PRIVATE KEY-----" of any PEM flavour (OpenSSH's own excepted).
bool is_pem_private_key(ByteView file);
bool pem_private_key_is_encrypted(ByteView file);
Result<LoadedPrivateKey> parse_pem_private_key(ByteView file, std::string_view passphrase);
// kPem: PKCS#1 for RSA, SEC1 for ECDSA; kPkcs8: PrivateKeyInfo. A passphrase
// encrypts with AES-128-CBC as OpenSSH does (legacy PEM headers for kPem,
// PBES2 EncryptedPrivateKeyInfo for kPkcs8). Ed25519 keys are refused here.
Result<SecretBytes> format_pem_private_key(const PrivateKey& key, std::string_view passphrase,
                                           PrivateKeyFormat format);

}  // namespace sshcore::keys::detail

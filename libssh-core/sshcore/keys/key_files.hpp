// Key file formats: one-line public keys, OpenSSH private key v1 (PROTOCOL.key),
// PEM (PKCS#1, SEC1, PKCS#8; encrypted PEM read), RFC 4716 public keys.
// Pure functions over bytes: reading and writing the files is the caller's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::keys {

// ---- one-line public keys: "ssh-ed25519 AAAA... comment" -----------------------
struct PublicKeyLine {
  PublicKey key;
  std::string comment;
};
// Leading blanks and a trailing CR/LF are accepted; the comment is the rest of the line.
Result<PublicKeyLine> parse_public_key_line(std::string_view line);
// "type base64[ comment]" without a newline.
std::string format_public_key_line(const PublicKey& key, std::string_view comment);

// ---- private keys --------------------------------------------------------------
enum class PrivateKeyFormat { kOpenSSH, kPem, kPkcs8 };  // -m RFC4716 (= OpenSSH) / PEM / PKCS8

struct LoadedPrivateKey {
  PrivateKey key;
  std::string comment;            // empty for PEM formats
  PrivateKeyFormat format;
};

// True when the file needs a passphrase (OpenSSH kdf != none, or encrypted PEM).
bool private_key_is_encrypted(ByteView file);
// The public key of an OpenSSH-format private key, readable without the passphrase
// (an unencrypted PEM file is read whole; an encrypted one gives kPassphraseRequired).
Result<PublicKey> private_key_public_half(ByteView file);
// Errors: kPassphraseRequired (encrypted, none given), kWrongPassphrase, kKeyTypeUnsupported
// (DSA, SSH-1 "SSH PRIVATE KEY FILE FORMAT 1.1"), kInvalidFormat (anything else).
Result<LoadedPrivateKey> parse_private_key(ByteView file, std::string_view passphrase = {});

struct PrivateKeyWriteOptions {
  PrivateKeyFormat format = PrivateKeyFormat::kOpenSSH;
  std::string_view cipher = "aes256-ctr";  // OpenSSH format only (-Z)
  std::uint32_t kdf_rounds = 16;           // -a
};
// An empty passphrase writes the key unencrypted. Returns the file's text.
// As OpenSSH 9.2, an Ed25519 key asked for as kPem/kPkcs8 is written as kOpenSSH.
Result<SecretBytes> format_private_key(const PrivateKey& key, std::string_view comment,
                                       std::string_view passphrase,
                                       const PrivateKeyWriteOptions& options = {});

// ---- ssh-keygen -e / -i public key formats -------------------------------------
enum class PublicKeyFormat { kRfc4716, kPkcs8, kPem };
// RFC4716: "---- BEGIN SSH2 PUBLIC KEY ----" with Comment header, 70-column base64.
// The comment is cut at 60 bytes as ssh-keygen -e cuts it (RFC 4716's 72-byte lines);
// ssh-keygen's own text is "<bits>-bit <short_name>, converted by <user>@<host> from OpenSSH".
// PKCS8: "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo). PEM: RSA PKCS#1 only.
Result<std::string> export_public_key(const PublicKey& key, PublicKeyFormat format,
                                      std::string_view rfc4716_comment);
Result<PublicKey> import_public_key(std::string_view text, PublicKeyFormat format);

}  // namespace sshcore::keys

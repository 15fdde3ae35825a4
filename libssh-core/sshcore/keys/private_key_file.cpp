// key_files.hpp, private key part: recognise the file's format and dispatch to
// openssh_private_key.cpp or pem_private_key.cpp.
#include <string>

#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/openssh_private_key.hpp"
#include "sshcore/keys/pem_private_key.hpp"

namespace sshcore::keys {
namespace {

// authfile.c's LEGACY_BEGIN: the SSH-1 RSA key file.
constexpr std::string_view kSsh1Header = "SSH PRIVATE KEY FILE FORMAT 1.1\n";

Result<void> refuse_unsupported(ByteView file) {
  if (as_chars(file).starts_with(kSsh1Header))
    return fail(Errc::kKeyTypeUnsupported, "SSH protocol 1 (RSA1) keys are not supported");
  return {};
}

}  // namespace

bool private_key_is_encrypted(ByteView file) {
  if (detail::is_openssh_private_key(file)) {
    auto envelope = detail::parse_openssh_envelope(file);
    return envelope && envelope->encrypted();
  }
  return detail::is_pem_private_key(file) && detail::pem_private_key_is_encrypted(file);
}

Result<PublicKey> private_key_public_half(ByteView file) {
  SSH_TRY_VOID(refuse_unsupported(file));
  if (detail::is_openssh_private_key(file)) {
    SSH_TRY(envelope, detail::parse_openssh_envelope(file));
    return std::move(envelope.public_key);
  }
  // PEM files keep no separate public key: an unencrypted one can be read whole.
  if (detail::is_pem_private_key(file)) {
    SSH_TRY(loaded, detail::parse_pem_private_key(file, {}));
    return loaded.key.public_key();
  }
  return fail(Errc::kInvalidFormat, "not a private key file");
}

Result<LoadedPrivateKey> parse_private_key(ByteView file, std::string_view passphrase) {
  SSH_TRY_VOID(refuse_unsupported(file));
  if (detail::is_openssh_private_key(file)) return detail::parse_openssh_private_key(file, passphrase);
  if (detail::is_pem_private_key(file)) return detail::parse_pem_private_key(file, passphrase);
  return fail(Errc::kInvalidFormat, "not a private key file");
}

Result<SecretBytes> format_private_key(const PrivateKey& key, std::string_view comment, std::string_view passphrase,
                                       const PrivateKeyWriteOptions& options) {
  // As OpenSSH 9.2: PEM and PKCS#8 hold RSA and ECDSA keys; an Ed25519 key asked
  // for in those formats is written in the OpenSSH format instead.
  if (options.format == PrivateKeyFormat::kOpenSSH || key.type() == KeyType::kEd25519)
    return detail::format_openssh_private_key(key, comment, passphrase, options.cipher, options.kdf_rounds);
  return detail::format_pem_private_key(key, passphrase, options.format);
}

}  // namespace sshcore::keys

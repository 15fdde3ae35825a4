#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/keys/pem_private_key.hpp"

#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>

#include <algorithm>
#include <string>

#include "sshcore/keys/key_family.hpp"

namespace sshcore::keys::detail {
namespace {

using DecoderFree = crypto::OpensslFree<OSSL_DECODER_CTX_free>;
using EncoderFree = crypto::OpensslFree<OSSL_ENCODER_CTX_free>;

// The label of the first "-----BEGIN <label>-----" line, if the text starts with one.
std::string_view pem_label(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                           text.front() == '\n'))
    text.remove_prefix(1);
  constexpr std::string_view kBegin = "-----BEGIN ";
  if (!text.starts_with(kBegin)) return {};
  text.remove_prefix(kBegin.size());
  std::size_t end = text.find("-----");
  std::size_t eol = text.find('\n');
  if (end == std::string_view::npos || (eol != std::string_view::npos && eol < end)) return {};
  return text.substr(0, end);
}

// OpenSSL's passphrase callback: never prompts, never reads a terminal.
int no_prompt(char*, int, int, void*) { return -1; }

Result<PrivateKey> from_pkey(PkeyPtr pkey) {
  switch (EVP_PKEY_get_base_id(pkey.get())) {
    case EVP_PKEY_RSA: return rsa_private_from_pkey(std::move(pkey));
    case EVP_PKEY_EC: return ecdsa_private_from_pkey(std::move(pkey));
    case EVP_PKEY_DSA: return fail(Errc::kKeyTypeUnsupported, "DSA keys are not supported");
    case EVP_PKEY_ED25519:
      // OpenSSH 9.2 reads Ed25519 keys only from its own format.
      return fail(Errc::kInvalidFormat, "Ed25519 keys are read only from OpenSSH-format files");
    default: return fail(Errc::kKeyTypeUnsupported, "unsupported key type in PEM file");
  }
}

}  // namespace

bool is_pem_private_key(ByteView file) {
  std::string_view label = pem_label(as_chars(file));
  return label.ends_with("PRIVATE KEY") && label != "OPENSSH PRIVATE KEY";
}

bool pem_private_key_is_encrypted(ByteView file) {
  std::string_view text = as_chars(file);
  std::string_view label = pem_label(text);
  if (label == "ENCRYPTED PRIVATE KEY") return true;
  // Legacy PEM encryption: "Proc-Type: 4,ENCRYPTED" in the headers after BEGIN.
  std::size_t headers = text.find('\n');
  if (headers == std::string_view::npos) return false;
  std::size_t blank = text.find("\n\n", headers);
  std::size_t blank_crlf = text.find("\n\r\n", headers);
  std::size_t end = std::min(blank, blank_crlf);
  std::string_view head = text.substr(headers, end == std::string_view::npos ? std::string_view::npos : end - headers);
  return head.find("Proc-Type:") != std::string_view::npos && head.find("ENCRYPTED") != std::string_view::npos;
}

Result<LoadedPrivateKey> parse_pem_private_key(ByteView file, std::string_view passphrase) {
  std::string_view label = pem_label(as_chars(file));
  if (label == "DSA PRIVATE KEY") return fail(Errc::kKeyTypeUnsupported, "DSA keys are not supported");
  bool encrypted = pem_private_key_is_encrypted(file);
  if (encrypted && passphrase.empty()) return fail(Errc::kPassphraseRequired, "the key is encrypted");

  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderFree> ctx(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, nullptr, EVP_PKEY_KEYPAIR, nullptr, nullptr));
  if (!ctx) return openssl_fail(Errc::kCryptoFailure, "PEM decoder");
  if (OSSL_DECODER_CTX_get_num_decoders(ctx.get()) == 0)
    return openssl_fail(Errc::kCryptoFailure, "no PEM decoders available");
  if (encrypted) {
    if (OSSL_DECODER_CTX_set_passphrase(ctx.get(), reinterpret_cast<const unsigned char*>(passphrase.data()),
                                        passphrase.size()) != 1)
      return openssl_fail(Errc::kCryptoFailure, "PEM passphrase");
  } else {
    OSSL_DECODER_CTX_set_pem_password_cb(ctx.get(), &no_prompt, nullptr);
  }
  const unsigned char* data = file.data();
  std::size_t len = file.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &len) != 1 || raw == nullptr) {
    EVP_PKEY_free(raw);
    std::string why = openssl_error_text();
    if (encrypted) return fail(Errc::kWrongPassphrase, "PEM decryption failed");
    return fail(Errc::kInvalidFormat, "unreadable PEM private key" + (why.empty() ? "" : " (" + why + ")"));
  }
  ERR_clear_error();
  PkeyPtr pkey(raw);
  SSH_TRY(key, from_pkey(std::move(pkey)));
  PrivateKeyFormat format = label == "PRIVATE KEY" || label == "ENCRYPTED PRIVATE KEY" ? PrivateKeyFormat::kPkcs8
                                                                                       : PrivateKeyFormat::kPem;
  return LoadedPrivateKey{std::move(key), std::string(), format};
}

Result<SecretBytes> format_pem_private_key(const PrivateKey& key, std::string_view passphrase,
                                           PrivateKeyFormat format) {
  if (key.type() == KeyType::kEd25519)
    return fail(Errc::kInvalidArgument, "Ed25519 keys cannot be written in PEM or PKCS#8 format");
  const char* structure = format == PrivateKeyFormat::kPkcs8 ? "PrivateKeyInfo" : "type-specific";
  std::unique_ptr<OSSL_ENCODER_CTX, EncoderFree> ctx(OSSL_ENCODER_CTX_new_for_pkey(
      key.impl().pkey.get(), EVP_PKEY_KEYPAIR, "PEM", structure, nullptr));
  if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0)
    return openssl_fail(Errc::kCryptoFailure, "PEM encoder");
  if (!passphrase.empty() &&
      (OSSL_ENCODER_CTX_set_cipher(ctx.get(), "AES-128-CBC", nullptr) != 1 ||
       OSSL_ENCODER_CTX_set_passphrase(ctx.get(), reinterpret_cast<const unsigned char*>(passphrase.data()),
                                       passphrase.size()) != 1))
    return openssl_fail(Errc::kCryptoFailure, "PEM encryption setup");
  unsigned char* out = nullptr;
  std::size_t len = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &out, &len) != 1)
    return openssl_fail(Errc::kCryptoFailure, "PEM encoding");
  SecretBytes text(ByteView(out, len));
  OPENSSL_clear_free(out, len);
  return text;
}

}  // namespace sshcore::keys::detail

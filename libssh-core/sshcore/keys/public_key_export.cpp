// ssh-keygen -e / -i public key formats: RFC 4716 (SSH2 PUBLIC KEY), PKCS8
// (SubjectPublicKeyInfo) and PEM (PKCS#1 RSAPublicKey), as OpenSSH 9.2 writes and reads them.
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>

#include <string>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/armor.hpp"
#include "sshcore/keys/key_family.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshcore::keys {
namespace {

constexpr std::string_view kRfc4716Begin = "---- BEGIN SSH2 PUBLIC KEY ----";
constexpr std::string_view kRfc4716End = "---- END SSH2 PUBLIC KEY ----";
constexpr std::string_view kSshComPrivateBegin = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----";
// ssh-keygen formats the comment into a 61-byte buffer so that the header line
// stays within RFC 4716's 72 bytes: longer comments are cut at 60 bytes.
constexpr std::size_t kRfc4716CommentMax = 60;

using DecoderFree = crypto::OpensslFree<OSSL_DECODER_CTX_free>;
using EncoderFree = crypto::OpensslFree<OSSL_ENCODER_CTX_free>;

Result<void> unsupported_for(const PublicKey& key, std::string_view what) {
  return fail(Errc::kKeyTypeUnsupported,
              std::string(what) + ": unsupported key type " + std::string(key.info().short_name));
}

Result<std::string> encode_public_pem(const PublicKey& key, const char* structure) {
  std::unique_ptr<OSSL_ENCODER_CTX, EncoderFree> ctx(
      OSSL_ENCODER_CTX_new_for_pkey(key.impl().pkey.get(), EVP_PKEY_PUBLIC_KEY, "PEM", structure, nullptr));
  if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0)
    return detail::openssl_fail(Errc::kCryptoFailure, "public key encoder");
  unsigned char* out = nullptr;
  std::size_t len = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &out, &len) != 1)
    return detail::openssl_fail(Errc::kCryptoFailure, "public key encoding");
  std::string text(reinterpret_cast<const char*>(out), len);
  OPENSSL_free(out);
  return text;
}

Result<detail::PkeyPtr> decode_public_pem(std::string_view text, const char* structure, const char* type) {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderFree> ctx(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", structure, type, EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
  if (!ctx || OSSL_DECODER_CTX_get_num_decoders(ctx.get()) == 0)
    return detail::openssl_fail(Errc::kCryptoFailure, "public key decoder");
  const unsigned char* data = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t len = text.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &len) != 1 || raw == nullptr) {
    EVP_PKEY_free(raw);
    std::string why = detail::openssl_error_text();
    return fail(Errc::kInvalidFormat, "unreadable PEM public key" + (why.empty() ? "" : " (" + why + ")"));
  }
  ERR_clear_error();
  return detail::PkeyPtr(raw);
}

std::string_view first_pem_label(std::string_view text) {
  std::size_t at = text.find("-----BEGIN ");
  if (at == std::string_view::npos) return {};
  text.remove_prefix(at + 11);
  std::size_t end = text.find("-----");
  return end == std::string_view::npos ? std::string_view{} : text.substr(0, end);
}

Result<PublicKey> import_rfc4716(std::string_view text) {
  std::string body;
  bool begun = false, ended = false, ssh_com_private = false;
  unsigned continuation = 0;  // lines still to skip as header continuations
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!begun) {
      if (line == kRfc4716Begin) begun = true;
      else if (line == kSshComPrivateBegin) ssh_com_private = true;
      if (begun || ssh_com_private) continue;
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      break;
    }
    if (line == kRfc4716End) {
      ended = true;
      break;
    }
    bool escaped = !line.empty() && line.back() == '\\';
    if (continuation > 0) {
      // A header value continued from the line before (RFC 4716 section 3.3).
      continuation = escaped ? continuation : continuation - 1;
      continue;
    }
    if (line.find(':') != std::string_view::npos) {
      if (escaped) continuation = 1;
      continue;
    }
    body += line;
  }
  if (ssh_com_private) return fail(Errc::kKeyTypeUnsupported, "SSH.com private keys are not supported");
  if (!begun) return fail(Errc::kInvalidFormat, "missing \"" + std::string(kRfc4716Begin) + "\" line");
  if (!ended) return fail(Errc::kInvalidFormat, "missing \"" + std::string(kRfc4716End) + "\" line");
  auto blob = base64_decode(body);
  if (!blob) return fail(Errc::kInvalidFormat, "RFC 4716 key data is not valid base64");
  return PublicKey::from_blob(*blob);
}

Result<PublicKey> public_from_pkey(detail::PkeyPtr pkey) {
  switch (EVP_PKEY_get_base_id(pkey.get())) {
    case EVP_PKEY_RSA: return detail::rsa_public_from_pkey(std::move(pkey));
    case EVP_PKEY_EC: return detail::ecdsa_public_from_pkey(std::move(pkey));
    case EVP_PKEY_DSA: return fail(Errc::kKeyTypeUnsupported, "DSA keys are not supported");
    default: return fail(Errc::kKeyTypeUnsupported, "unsupported public key type in PKCS8 file");
  }
}

}  // namespace

Result<std::string> export_public_key(const PublicKey& key, PublicKeyFormat format,
                                      std::string_view rfc4716_comment) {
  switch (format) {
    case PublicKeyFormat::kRfc4716: {
      std::string out(kRfc4716Begin);
      out += '\n';
      if (!rfc4716_comment.empty()) {
        out += "Comment: \"";
        out += rfc4716_comment.substr(0, kRfc4716CommentMax);
        out += "\"\n";
      }
      out += detail::wrapped_base64(key.blob());
      out += kRfc4716End;
      out += '\n';
      return out;
    }
    case PublicKeyFormat::kPkcs8:
      if (key.type() == KeyType::kEd25519) {
        SSH_TRY_VOID(unsupported_for(key, "PKCS8 export"));
      }
      return encode_public_pem(key, "SubjectPublicKeyInfo");
    case PublicKeyFormat::kPem:
      if (key.type() != KeyType::kRsa) {
        SSH_TRY_VOID(unsupported_for(key, "PEM export"));
      }
      return encode_public_pem(key, "type-specific");
  }
  return fail(Errc::kInvalidArgument, "unknown public key format");
}

Result<PublicKey> import_public_key(std::string_view text, PublicKeyFormat format) {
  switch (format) {
    case PublicKeyFormat::kRfc4716: return import_rfc4716(text);
    case PublicKeyFormat::kPkcs8: {
      if (first_pem_label(text) != "PUBLIC KEY")
        return fail(Errc::kInvalidFormat, "missing \"-----BEGIN PUBLIC KEY-----\" line");
      SSH_TRY(pkey, decode_public_pem(text, "SubjectPublicKeyInfo", nullptr));
      return public_from_pkey(std::move(pkey));
    }
    case PublicKeyFormat::kPem: {
      if (first_pem_label(text) != "RSA PUBLIC KEY")
        return fail(Errc::kInvalidFormat, "missing \"-----BEGIN RSA PUBLIC KEY-----\" line");
      SSH_TRY(pkey, decode_public_pem(text, "type-specific", "RSA"));
      return detail::rsa_public_from_pkey(std::move(pkey));
    }
  }
  return fail(Errc::kInvalidArgument, "unknown public key format");
}

}  // namespace sshcore::keys

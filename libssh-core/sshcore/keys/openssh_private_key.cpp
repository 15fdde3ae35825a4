#include "sshcore/keys/openssh_private_key.hpp"

#include <string>

#include "sshcore/crypto/bcrypt_pbkdf.hpp"
#include "sshcore/crypto/random.hpp"
#include "sshcore/crypto/symmetric_cipher.hpp"
#include "sshcore/keys/armor.hpp"
#include "sshcore/keys/key_family.hpp"

namespace sshcore::keys::detail {
namespace {

constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
constexpr std::size_t kSaltLen = 16;
constexpr std::string_view kKdfBcrypt = "bcrypt";
constexpr std::string_view kNone = "none";

// Everything the outer layer holds, as views into the decoded file.
struct Envelope {
  std::string_view cipher, kdf;
  ByteView salt;
  std::uint32_t rounds = 0;
  ByteView public_blob, encrypted, tag;
};

Result<Envelope> read_envelope(ByteView decoded) {
  wire::Reader r(decoded);
  auto magic = r.raw(kMagic.size());
  if (!magic || as_chars(*magic) != kMagic) return fail(Errc::kInvalidFormat, "not an openssh-key-v1 key");
  Envelope e;
  SSH_TRY(cipher, r.cstring());
  SSH_TRY(kdf, r.cstring());
  SSH_TRY(kdf_options, r.string());
  SSH_TRY(nkeys, r.u32());
  e.cipher = cipher;
  e.kdf = kdf;
  const crypto::SymmetricCipherInfo* ci = crypto::find_symmetric_cipher(cipher);
  if (ci == nullptr) return fail(Errc::kInvalidFormat, "unknown cipher \"" + std::string(cipher) + "\"");
  if (kdf != kNone && kdf != kKdfBcrypt)
    return fail(Errc::kInvalidFormat, "unknown KDF \"" + std::string(kdf) + "\"");
  if ((cipher == kNone) != (kdf == kNone))
    return fail(Errc::kInvalidFormat, "cipher \"" + std::string(cipher) + "\" with KDF \"" + std::string(kdf) + "\"");
  wire::Reader opts(kdf_options);
  if (kdf == kKdfBcrypt) {
    SSH_TRY(salt, opts.string());
    SSH_TRY(rounds, opts.u32());
    if (salt.empty() || rounds == 0) return fail(Errc::kInvalidFormat, "bad bcrypt KDF options");
    e.salt = salt;
    e.rounds = rounds;
  }
  SSH_TRY_VOID(opts.finish("KDF options"));
  if (nkeys != 1) return fail(Errc::kInvalidFormat, "only one key per file is supported");
  SSH_TRY(public_blob, r.string());
  SSH_TRY(encrypted, r.string());
  if (encrypted.size() % ci->block_len != 0)
    return fail(Errc::kInvalidFormat, "private section is not a multiple of the cipher block size");
  SSH_TRY(tag, r.raw(ci->tag_len));
  SSH_TRY_VOID(r.finish("openssh-key-v1 key"));
  e.public_blob = public_blob;
  e.encrypted = encrypted;
  e.tag = tag;
  return e;
}

Result<Bytes> decode_file(ByteView file) { return dearmor(as_chars(file), kOpensshKeyLabel); }

// bcrypt_pbkdf output split into cipher key and IV.
Result<SecretBytes> derive_key_iv(const crypto::SymmetricCipherInfo& ci, std::string_view passphrase,
                                  ByteView salt, std::uint32_t rounds) {
  SecretBytes key_iv(ci.key_len + ci.iv_len);
  SSH_TRY_VOID(crypto::bcrypt_pbkdf(as_bytes(passphrase), salt, rounds, key_iv.span()));
  return key_iv;
}

}  // namespace

bool is_openssh_private_key(ByteView file) { return starts_with_armor(as_chars(file), kOpensshKeyLabel); }

Result<OpensshKeyEnvelope> parse_openssh_envelope(ByteView file) {
  SSH_TRY(decoded, decode_file(file));
  SSH_TRY(e, read_envelope(decoded));
  SSH_TRY(pub, PublicKey::from_blob(e.public_blob));
  return OpensshKeyEnvelope{std::string(e.cipher), std::string(e.kdf), to_bytes(e.salt), e.rounds,
                            std::move(pub)};
}

Result<LoadedPrivateKey> parse_openssh_private_key(ByteView file, std::string_view passphrase) {
  SSH_TRY(decoded, dearmor_secret(as_chars(file), kOpensshKeyLabel));
  SSH_TRY(e, read_envelope(decoded.view()));
  SSH_TRY(envelope_key, PublicKey::from_blob(e.public_blob));
  const crypto::SymmetricCipherInfo* ci = crypto::find_symmetric_cipher(e.cipher);
  bool encrypted = e.cipher != kNone;
  if (encrypted && passphrase.empty()) return fail(Errc::kPassphraseRequired, "the key is encrypted");

  SecretBytes plain(e.encrypted);
  if (encrypted) {
    auto derived = derive_key_iv(*ci, passphrase, e.salt, e.rounds);
    if (!derived) return fail(Errc::kInvalidFormat, "bcrypt KDF options refused: " + derived.error().detail);
    SecretBytes key_iv = std::move(*derived);
    Bytes tag = to_bytes(e.tag);
    auto decrypted = crypto::symmetric_crypt(*ci, key_iv.view().first(ci->key_len),
                                             key_iv.view().subspan(ci->key_len), plain.span(), false, tag);
    if (!decrypted) {
      // An AEAD tag mismatch is what a wrong passphrase looks like there.
      if (decrypted.error().code == Errc::kMacInvalid)
        return fail(Errc::kWrongPassphrase, "authentication tag mismatch");
      return fail(std::move(decrypted).error());
    }
  }

  wire::Reader r(plain.view());
  SSH_TRY(check1, r.u32());
  SSH_TRY(check2, r.u32());
  if (check1 != check2) {
    if (encrypted) return fail(Errc::kWrongPassphrase, "check values differ");
    return fail(Errc::kInvalidFormat, "check values of the private section differ");
  }
  SSH_TRY(key, PrivateKey::read_private_fields(r));
  SSH_TRY(comment, r.cstring());
  // Padding is 1, 2, 3, ... up to the block size.
  for (std::uint8_t i = 1; !r.empty(); ++i) {
    SSH_TRY(pad, r.u8());
    if (pad != i) return fail(Errc::kInvalidFormat, "bad padding in the private section");
  }
  if (!(key.public_key() == envelope_key))
    return fail(Errc::kInvalidFormat, "the private key does not match the public key in the file");
  return LoadedPrivateKey{std::move(key), std::string(comment), PrivateKeyFormat::kOpenSSH};
}

Result<SecretBytes> format_openssh_private_key(const PrivateKey& key, std::string_view comment,
                                               std::string_view passphrase, std::string_view cipher,
                                               std::uint32_t kdf_rounds) {
  bool encrypt = !passphrase.empty();
  if (!encrypt) cipher = kNone;
  const crypto::SymmetricCipherInfo* ci = crypto::find_symmetric_cipher(cipher);
  if (ci == nullptr) return fail(Errc::kInvalidArgument, "unknown cipher \"" + std::string(cipher) + "\"");
  if (encrypt && ci->name == kNone) return fail(Errc::kInvalidArgument, "cipher \"none\" with a passphrase");
  if (encrypt && kdf_rounds == 0) return fail(Errc::kInvalidArgument, "KDF rounds must be positive");

  wire::Writer kdf_options;
  Bytes salt;
  if (encrypt) {
    salt = crypto::random_bytes(kSaltLen);
    kdf_options.string(ByteView(salt));
    kdf_options.u32(kdf_rounds);
  }

  wire::Writer section(wire::Writer::kDefaultLimit, wire::Wipe::kYes);
  std::uint32_t check = crypto::random_u32();
  section.u32(check);
  section.u32(check);
  SSH_TRY_VOID(key.write_private_fields(section));
  section.string(comment);
  for (std::uint8_t i = 1; section.size() % ci->block_len != 0; ++i) section.u8(i);
  SSH_TRY(plain, std::move(section).finish_secret());

  Bytes tag(ci->tag_len);
  if (encrypt) {
    SSH_TRY(key_iv, derive_key_iv(*ci, passphrase, salt, kdf_rounds));
    SSH_TRY_VOID(crypto::symmetric_crypt(*ci, key_iv.view().first(ci->key_len), key_iv.view().subspan(ci->key_len),
                                         plain.span(), true, tag));
  }

  wire::Writer file(wire::Writer::kDefaultLimit, wire::Wipe::kYes);
  file.raw(kMagic);
  file.string(ci->name);
  file.string(encrypt ? kKdfBcrypt : kNone);
  file.string(kdf_options.view());
  file.u32(1);
  file.string(ByteView(key.public_key().blob()));
  file.string(plain.view());
  file.raw(ByteView(tag));
  SSH_TRY(blob, std::move(file).finish_secret());
  return armor_secret(kOpensshKeyLabel, blob.view());
}

}  // namespace sshcore::keys::detail

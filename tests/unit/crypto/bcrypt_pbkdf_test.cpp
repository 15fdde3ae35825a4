#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>

#include "sshcore/base/encoding.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/bcrypt_pbkdf.hpp"
#include "sshcore/crypto/symmetric_cipher.hpp"
#include "sshcore/wire/reader.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using sshcore::crypto::bcrypt_pbkdf;

namespace {

Bytes derive(ByteView pass, ByteView salt, std::uint32_t rounds, std::size_t len) {
  Bytes out(len);
  auto r = bcrypt_pbkdf(pass, salt, rounds, out);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return out;
}

}  // namespace

// Published vectors (OpenBSD regress, pyca/bcrypt, RustCrypto): tests/data/bcrypt/README.md.
TEST(BcryptPbkdf, PublishedVectors) {
  std::istringstream lines(sshpp::test::read_text(sshpp::test::test_data("bcrypt/bcrypt_pbkdf.txt")));
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::uint32_t rounds = 0;
    std::string pass_hex, salt_hex, key_hex;
    ASSERT_TRUE(fields >> rounds >> pass_hex >> salt_hex >> key_hex) << line;
    auto pass = hex_decode(pass_hex);
    auto salt = hex_decode(salt_hex);
    ASSERT_TRUE(pass && salt) << line;
    SCOPED_TRACE(line);
    EXPECT_EQ(hex_encode(derive(*pass, *salt, rounds, key_hex.size() / 2)), key_hex);
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

TEST(BcryptPbkdf, StrideInterleavesBlocks) {
  // Up to 32 bytes the key is one block (stride 1); from 33 bytes the stride is 2
  // and block 1 fills the even positions, block 2 the odd ones. So the 33-byte key's
  // even bytes are the published 32-byte key's first 17 bytes.
  Bytes k32 = derive(as_bytes("password"), as_bytes("salt"), 4, 32);
  Bytes k16 = derive(as_bytes("password"), as_bytes("salt"), 4, 16);
  Bytes k33 = derive(as_bytes("password"), as_bytes("salt"), 4, 33);
  EXPECT_EQ(hex_encode(k32), "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9");
  EXPECT_EQ(Bytes(k32.begin(), k32.begin() + 16), k16);
  for (std::size_t i = 0; i < 17; ++i) EXPECT_EQ(k33[2 * i], k32[i]) << i;
  Bytes odd;
  for (std::size_t i = 1; i < 33; i += 2) odd.push_back(k33[i]);
  ASSERT_EQ(odd.size(), 16u);
  EXPECT_NE(odd, Bytes(k32.begin() + 16, k32.end()));  // not a sequential fill
}

TEST(BcryptPbkdf, RejectsBadArguments) {
  Bytes out(32);
  const Bytes big_salt((std::size_t{1} << 20) + 1, 0x5a);
  const auto pass = as_bytes("pass");
  const auto salt = as_bytes("salt");

  auto expect_invalid = [](const Result<void>& r) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  };
  expect_invalid(bcrypt_pbkdf(pass, salt, 0, out));
  expect_invalid(bcrypt_pbkdf({}, salt, 4, out));
  expect_invalid(bcrypt_pbkdf(pass, {}, 4, out));
  expect_invalid(bcrypt_pbkdf(pass, big_salt, 4, out));
  expect_invalid(bcrypt_pbkdf(pass, salt, 4, std::span<std::uint8_t>()));
  Bytes too_long(1025);
  expect_invalid(bcrypt_pbkdf(pass, salt, 1, too_long));

  // The limits themselves are accepted: one byte, 1024 bytes, one round.
  Bytes one(1);
  EXPECT_TRUE(bcrypt_pbkdf(pass, salt, 1, one));
  Bytes max(1024);
  EXPECT_TRUE(bcrypt_pbkdf(pass, salt, 1, max));
  EXPECT_NE(max, Bytes(1024, 0));
  EXPECT_EQ(max[0], one[0]);
}

// Independent check against OpenSSH itself: Debian's ssh-keygen encrypts a new key
// with bcrypt_pbkdf, and our KDF plus cipher must open it (PROTOCOL.key).
namespace {

struct OpenedKey {
  std::uint32_t check1 = 0;
  std::uint32_t check2 = 0;
  std::string key_type;
  Bytes private_public;  // the public key repeated inside the private section
  Bytes public_blob_key;  // the public key from the unencrypted header
};

Result<OpenedKey> open_key_file(const std::string& armoured, std::string_view passphrase) {
  const std::string_view begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
  const std::string_view end = "-----END OPENSSH PRIVATE KEY-----";
  const auto b = armoured.find(begin);
  const auto e = armoured.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b)
    return fail(Errc::kInvalidFormat, "armour");
  SSH_TRY(blob, base64_decode(std::string_view(armoured).substr(b + begin.size(), e - b - begin.size())));

  const std::string_view magic("openssh-key-v1\0", 15);
  wire::Reader r(blob);
  SSH_TRY(m, r.raw(magic.size()));
  if (as_chars(m) != magic) return fail(Errc::kInvalidFormat, "magic");
  SSH_TRY(cipher_name, r.cstring());
  SSH_TRY(kdf_name, r.cstring());
  if (kdf_name != "bcrypt") return fail(Errc::kInvalidFormat, "kdf");
  SSH_TRY(kdf_options, r.nested());
  SSH_TRY(salt, kdf_options.string());
  SSH_TRY(rounds, kdf_options.u32());
  SSH_TRY_VOID(kdf_options.finish("kdf options"));
  SSH_TRY(nkeys, r.u32());
  if (nkeys != 1) return fail(Errc::kInvalidFormat, "key count");
  SSH_TRY(public_blob, r.nested());
  SSH_TRY(encrypted, r.string());

  const auto* cipher = crypto::find_symmetric_cipher(cipher_name);
  if (cipher == nullptr) return fail(Errc::kInvalidFormat, "cipher");
  SSH_TRY(tag_view, r.raw(cipher->tag_len));
  SSH_TRY_VOID(r.finish("key file"));

  SecretBytes key_iv(cipher->key_len + cipher->iv_len);
  SSH_TRY_VOID(bcrypt_pbkdf(as_bytes(passphrase), salt, rounds, key_iv.span()));
  SecretBytes plain(encrypted);
  Bytes tag = to_bytes(tag_view);
  SSH_TRY_VOID(crypto::symmetric_crypt(*cipher, key_iv.view().first(cipher->key_len),
                                       key_iv.view().subspan(cipher->key_len), plain.span(),
                                       false, tag));

  OpenedKey k;
  SSH_TRY(public_type, public_blob.cstring());
  SSH_TRY(public_key, public_blob.string());
  k.public_blob_key = to_bytes(public_key);
  wire::Reader p(plain.view());
  SSH_TRY(c1, p.u32());
  SSH_TRY(c2, p.u32());
  k.check1 = c1;
  k.check2 = c2;
  if (c1 != c2) return k;  // wrong key: the rest is noise
  SSH_TRY(type, p.cstring());
  SSH_TRY(pk, p.string());
  if (type != public_type) return fail(Errc::kInvalidFormat, "type mismatch");
  k.key_type = std::string(type);
  k.private_public = to_bytes(pk);
  return k;
}

}  // namespace

TEST(BcryptPbkdf, OpensKeysEncryptedByOpenSshKeygen) {
  sshpp::test::TempDir dir;
  const std::string pass = "correct horse battery staple";
  for (const char* cipher : {"aes256-ctr", "aes256-gcm@openssh.com", "aes128-cbc"}) {
    SCOPED_TRACE(cipher);
    const std::string path = dir / (std::string("key-") + cipher);
    auto run = sshpp::test::run({"ssh-keygen", "-q", "-t", "ed25519", "-N", pass, "-a", "4", "-Z",
                                 cipher, "-C", "bcrypt kat", "-f", path});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const std::string text = sshpp::test::read_text(path);

    auto opened = open_key_file(text, pass);
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ(opened->check1, opened->check2);
    EXPECT_EQ(opened->key_type, "ssh-ed25519");
    EXPECT_EQ(opened->private_public.size(), 32u);
    EXPECT_EQ(opened->private_public, opened->public_blob_key);

    // A wrong passphrase must not open it: check-ints differ (CTR/CBC) or the
    // GCM tag fails.
    auto wrong = open_key_file(text, "incorrect horse");
    if (wrong) {
      EXPECT_NE(wrong->check1, wrong->check2);
    } else {
      EXPECT_EQ(wrong.error().code, Errc::kMacInvalid);
    }
  }
}

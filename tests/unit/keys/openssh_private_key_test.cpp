// The OpenSSH private key format (PROTOCOL.key) against files Debian's ssh-keygen
// wrote: every type, unencrypted and encrypted (aes256-ctr, aes-cbc, aes-gcm).
#include <gtest/gtest.h>

#include <string>

#include "key_fixtures.hpp"
#include "sshcore/keys/armor.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/openssh_private_key.hpp"
#include "sshcore/crypto/symmetric_cipher.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test::keys;

namespace {

// Offset of the two check-ints in a decoded openssh-key-v1 blob.
std::size_t check_int_offset(const Bytes& blob) {
  wire::Reader r{ByteView(blob)};
  EXPECT_TRUE(r.raw(15));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(r.string());
  EXPECT_TRUE(r.u32());
  EXPECT_TRUE(r.string());
  EXPECT_TRUE(r.u32());  // length of the private section
  return blob.size() - r.remaining();
}

std::vector<std::string> encrypted_fixtures() {
  std::vector<std::string> names;
  for (const auto& stem : fixture_keys()) names.push_back(stem + "_enc");
  for (const char* n : {"ed25519_gcm", "ed25519_cbc", "rsa2048_gcm", "ecdsa384_cbc"}) names.push_back(n);
  return names;
}
std::string stem_of(const std::string& name) { return name.substr(0, name.find('_')); }

}  // namespace

TEST(OpensshPrivateKey, ReadsEveryUnencryptedFixture) {
  for (const std::string& stem : fixture_keys()) {
    Bytes file = fixture_bytes(stem);
    EXPECT_FALSE(private_key_is_encrypted(file)) << stem;
    auto loaded = parse_private_key(file);
    ASSERT_TRUE(loaded) << stem << ": " << loaded.error().message();
    EXPECT_EQ(loaded->format, PrivateKeyFormat::kOpenSSH);
    EXPECT_EQ(loaded->comment, "sshpp " + stem);
    EXPECT_TRUE(loaded->key.public_key() == fixture_pub(stem).key) << stem;
    // A passphrase given for an unencrypted key is not needed and not an error.
    EXPECT_TRUE(parse_private_key(file, kPassphrase)) << stem;
  }
}

TEST(OpensshPrivateKey, ReadsEveryEncryptedFixture) {
  for (const std::string& name : encrypted_fixtures()) {
    Bytes file = fixture_bytes(name);
    EXPECT_TRUE(private_key_is_encrypted(file)) << name;
    auto loaded = parse_private_key(file, kPassphrase);
    ASSERT_TRUE(loaded) << name << ": " << loaded.error().message();
    EXPECT_EQ(loaded->comment, "sshpp " + stem_of(name));
    EXPECT_TRUE(loaded->key.public_key() == fixture_pub(stem_of(name)).key) << name;
  }
}

TEST(OpensshPrivateKey, PassphraseErrors) {
  // One of each cipher mode (bcrypt makes each try slow).
  for (const std::string name : {"ed25519_enc", "ed25519_gcm", "ecdsa384_cbc", "rsa2048_gcm", "ecdsa521_enc"}) {
    Bytes file = fixture_bytes(name);
    auto none = parse_private_key(file);
    ASSERT_FALSE(none) << name;
    EXPECT_EQ(none.error().code, Errc::kPassphraseRequired) << name;
    auto wrong = parse_private_key(file, "not-the-passphrase");
    ASSERT_FALSE(wrong) << name;
    EXPECT_EQ(wrong.error().code, Errc::kWrongPassphrase) << name << ": " << wrong.error().message();
    EXPECT_NE(wrong.error().message().find("incorrect passphrase"), std::string::npos);
  }
}

TEST(OpensshPrivateKey, PublicHalfNeedsNoPassphrase) {
  for (const std::string& name : encrypted_fixtures()) {
    auto pub = private_key_public_half(fixture_bytes(name));
    ASSERT_TRUE(pub) << name << ": " << pub.error().message();
    EXPECT_TRUE(*pub == fixture_pub(stem_of(name)).key) << name;
  }
  auto env = detail::parse_openssh_envelope(fixture_bytes("ed25519_enc"));
  ASSERT_TRUE(env);
  EXPECT_EQ(env->cipher, "aes256-ctr");
  EXPECT_EQ(env->kdf, "bcrypt");
  EXPECT_EQ(env->rounds, 4u);
  EXPECT_EQ(env->salt.size(), 16u);
}

// Our unencrypted output is Debian's file byte for byte, once the random check-ints
// are made equal: same fields, padding, base64 wrapping, markers.
TEST(OpensshPrivateKey, WritesExactlyWhatOpenSshWrites) {
  for (const std::string& stem : fixture_keys()) {
    std::string theirs = fixture_text(stem);
    auto loaded = parse_private_key(to_bytes(theirs));
    ASSERT_TRUE(loaded);
    auto ours = format_private_key(loaded->key, loaded->comment, {});
    ASSERT_TRUE(ours) << ours.error().message();
    auto our_blob = detail::dearmor(ours->chars(), detail::kOpensshKeyLabel);
    auto their_blob = detail::dearmor(theirs, detail::kOpensshKeyLabel);
    ASSERT_TRUE(our_blob && their_blob);
    ASSERT_EQ(our_blob->size(), their_blob->size()) << stem;
    std::size_t at = check_int_offset(*their_blob);
    ASSERT_EQ(at, check_int_offset(*our_blob));
    // Our two check-ints are equal to each other...
    EXPECT_TRUE(std::equal(our_blob->begin() + at, our_blob->begin() + at + 4, our_blob->begin() + at + 4));
    // ...and with Debian's in their place, the files are identical.
    std::copy(their_blob->begin() + at, their_blob->begin() + at + 8, our_blob->begin() + at);
    EXPECT_EQ(*our_blob, *their_blob) << stem;
    EXPECT_EQ(detail::armor(detail::kOpensshKeyLabel, *our_blob), theirs) << stem;
  }
}

TEST(OpensshPrivateKey, EncryptedRoundTripWithEveryCipher) {
  auto key = PrivateKey::generate(KeyType::kEd25519);
  ASSERT_TRUE(key);
  for (const auto& cipher : crypto::symmetric_ciphers()) {
    if (cipher.name == "none") continue;
    PrivateKeyWriteOptions options;
    options.cipher = cipher.name;
    options.kdf_rounds = 2;
    auto file = format_private_key(*key, "round trip", kPassphrase, options);
    ASSERT_TRUE(file) << cipher.name << ": " << file.error().message();
    EXPECT_TRUE(private_key_is_encrypted(file->view()));
    auto env = detail::parse_openssh_envelope(file->view());
    ASSERT_TRUE(env);
    EXPECT_EQ(env->cipher, cipher.name);
    EXPECT_EQ(env->rounds, 2u);
    EXPECT_EQ(env->salt.size(), 16u);
    auto back = parse_private_key(file->view(), kPassphrase);
    ASSERT_TRUE(back) << cipher.name << ": " << back.error().message();
    EXPECT_EQ(back->comment, "round trip");
    EXPECT_TRUE(back->key.public_key() == key->public_key());
    EXPECT_EQ(parse_private_key(file->view(), "wrong").error().code, Errc::kWrongPassphrase) << cipher.name;
  }
}

TEST(OpensshPrivateKey, DefaultWriteIsAes256CtrWith16Rounds) {
  auto key = PrivateKey::generate(KeyType::kEcdsaP256);
  auto file = format_private_key(*key, "c", kPassphrase);
  ASSERT_TRUE(file);
  auto env = detail::parse_openssh_envelope(file->view());
  ASSERT_TRUE(env);
  EXPECT_EQ(env->cipher, "aes256-ctr");
  EXPECT_EQ(env->kdf, "bcrypt");
  EXPECT_EQ(env->rounds, 16u);
  auto plain = format_private_key(*key, "c", {});
  ASSERT_TRUE(plain);
  auto penv = detail::parse_openssh_envelope(plain->view());
  ASSERT_TRUE(penv);
  EXPECT_EQ(penv->cipher, "none");
  EXPECT_EQ(penv->kdf, "none");
}

TEST(OpensshPrivateKey, WriterRefusesBadOptions) {
  auto key = PrivateKey::generate(KeyType::kEd25519);
  PrivateKeyWriteOptions bad_cipher;
  bad_cipher.cipher = "3des-cbc";
  EXPECT_EQ(format_private_key(*key, "", kPassphrase, bad_cipher).error().code, Errc::kInvalidArgument);
  PrivateKeyWriteOptions zero_rounds;
  zero_rounds.kdf_rounds = 0;
  EXPECT_EQ(format_private_key(*key, "", kPassphrase, zero_rounds).error().code, Errc::kInvalidArgument);
}

TEST(OpensshPrivateKey, DsaKeyIsRefusedClearly) {
  auto r = parse_private_key(fixture_bytes("dsa"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kKeyTypeUnsupported);
  EXPECT_NE(r.error().message().find("DSA keys are not supported"), std::string::npos);
}

TEST(OpensshPrivateKey, PrivateFieldsRoundTripForTheAgentProtocol) {
  for (const std::string& stem : fixture_keys()) {
    PrivateKey key = load_fixture(stem).key;
    wire::Writer w(wire::Writer::kDefaultLimit, wire::Wipe::kYes);
    ASSERT_TRUE(key.write_private_fields(w));
    w.string("after");
    auto bytes = std::move(w).finish_secret();
    ASSERT_TRUE(bytes);
    wire::Reader r(bytes->view());
    auto back = PrivateKey::read_private_fields(r);
    ASSERT_TRUE(back) << stem << ": " << back.error().message();
    EXPECT_TRUE(back->public_key() == key.public_key());
    EXPECT_EQ(*r.cstring(), "after");
  }
}

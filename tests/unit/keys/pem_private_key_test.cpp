// PEM private keys: PKCS#1, SEC1, PKCS#8 and legacy encrypted PEM written by
// Debian's ssh-keygen -m PEM/PKCS8 and by openssl (tests/data/openssh).
#include <gtest/gtest.h>

#include <string>

#include "key_fixtures.hpp"
#include "sshcore/keys/key_files.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test::keys;

namespace {
std::vector<std::string> pem_stems() {
  std::vector<std::string> out;
  for (const auto& s : fixture_keys())
    if (!is_ed25519(s)) out.push_back(s);
  return out;
}
}  // namespace

TEST(PemPrivateKey, ReadsUnencryptedPemAndPkcs8) {
  for (const std::string& stem : pem_stems()) {
    for (const char* ext : {".pem", ".pkcs8"}) {
      Bytes file = fixture_bytes(stem + ext);
      EXPECT_FALSE(private_key_is_encrypted(file)) << stem << ext;
      auto loaded = parse_private_key(file);
      ASSERT_TRUE(loaded) << stem << ext << ": " << loaded.error().message();
      EXPECT_TRUE(loaded->key.public_key() == fixture_pub(stem).key) << stem << ext;
      EXPECT_EQ(loaded->format, std::string(ext) == ".pem" ? PrivateKeyFormat::kPem : PrivateKeyFormat::kPkcs8);
      EXPECT_EQ(loaded->comment, "");
      auto pub = private_key_public_half(file);
      ASSERT_TRUE(pub);
      EXPECT_TRUE(*pub == fixture_pub(stem).key);
    }
  }
}

TEST(PemPrivateKey, ReadsEncryptedPemAndPkcs8) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& stem : pem_stems()) {
    files.emplace_back(stem + "_enc.pem", stem);
    files.emplace_back(stem + "_enc.pkcs8", stem);
  }
  for (const char* legacy : {"rsa2048_aes128.pem", "rsa2048_des3.pem"}) files.emplace_back(legacy, "rsa2048");
  for (const char* legacy : {"ecdsa256_aes128.pem", "ecdsa256_des3.pem"}) files.emplace_back(legacy, "ecdsa256");
  for (const auto& [name, stem] : files) {
    Bytes file = fixture_bytes(name);
    EXPECT_TRUE(private_key_is_encrypted(file)) << name;
    auto loaded = parse_private_key(file, kPassphrase);
    ASSERT_TRUE(loaded) << name << ": " << loaded.error().message();
    EXPECT_TRUE(loaded->key.public_key() == fixture_pub(stem).key) << name;
    auto none = parse_private_key(file);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Errc::kPassphraseRequired) << name;
    auto wrong = parse_private_key(file, "wrong passphrase");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::kWrongPassphrase) << name;
    auto half = private_key_public_half(file);
    ASSERT_FALSE(half);
    EXPECT_EQ(half.error().code, Errc::kPassphraseRequired);
  }
}

// Unencrypted PEM and PKCS#8 are deterministic: ours equal Debian's byte for byte.
TEST(PemPrivateKey, WritesExactlyWhatOpenSshWrites) {
  for (const std::string& stem : pem_stems()) {
    PrivateKey key = load_fixture(stem).key;
    for (auto [format, ext] : {std::pair{PrivateKeyFormat::kPem, ".pem"}, std::pair{PrivateKeyFormat::kPkcs8, ".pkcs8"}}) {
      PrivateKeyWriteOptions options;
      options.format = format;
      auto text = format_private_key(key, "ignored", {}, options);
      ASSERT_TRUE(text) << text.error().message();
      EXPECT_EQ(text->chars(), fixture_text(stem + ext)) << stem << ext;
    }
  }
}

TEST(PemPrivateKey, EncryptedWritesAsOpenSshDoes) {
  PrivateKey key = load_fixture("ecdsa256").key;
  PrivateKeyWriteOptions pem;
  pem.format = PrivateKeyFormat::kPem;
  auto legacy = format_private_key(key, "", kPassphrase, pem);
  ASSERT_TRUE(legacy);
  std::string_view text = legacy->chars();
  EXPECT_TRUE(text.starts_with("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"))
      << text;
  auto back = parse_private_key(legacy->view(), kPassphrase);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->key.public_key() == key.public_key());

  PrivateKeyWriteOptions pkcs8;
  pkcs8.format = PrivateKeyFormat::kPkcs8;
  auto enc = format_private_key(key, "", kPassphrase, pkcs8);
  ASSERT_TRUE(enc);
  EXPECT_TRUE(enc->chars().starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
  EXPECT_EQ(parse_private_key(enc->view(), "nope").error().code, Errc::kWrongPassphrase);
}

TEST(PemPrivateKey, Ed25519IsWrittenInOpenSshFormatAsOpenSshDoes) {
  PrivateKey key = load_fixture("ed25519").key;
  for (auto format : {PrivateKeyFormat::kPem, PrivateKeyFormat::kPkcs8}) {
    PrivateKeyWriteOptions options;
    options.format = format;
    auto text = format_private_key(key, "c", {}, options);
    ASSERT_TRUE(text);
    EXPECT_TRUE(text->chars().starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
  }
}

TEST(PemPrivateKey, UnsupportedTypesAreRefusedClearly) {
  for (const char* name : {"dsa_traditional.pem", "dsa_pkcs8.pem"}) {
    auto r = parse_private_key(fixture_bytes(name));
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, Errc::kKeyTypeUnsupported) << name << ": " << r.error().message();
    EXPECT_NE(r.error().message().find("DSA keys are not supported"), std::string::npos);
  }
  auto rsa1 = parse_private_key(fixture_bytes("rsa1_header"));
  ASSERT_FALSE(rsa1);
  EXPECT_EQ(rsa1.error().code, Errc::kKeyTypeUnsupported);
  EXPECT_NE(rsa1.error().message().find("SSH protocol 1"), std::string::npos);
  EXPECT_EQ(private_key_public_half(fixture_bytes("rsa1_header")).error().code, Errc::kKeyTypeUnsupported);
}

TEST(PemPrivateKey, GarbageInsidePemIsAnInvalidFormat) {
  std::string text = fixture_text("ecdsa256.pem");
  std::string broken = text;
  broken[40] = broken[40] == 'A' ? 'B' : 'A';
  broken[41] = '*';
  auto r = parse_private_key(to_bytes(broken));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidFormat);
  auto empty = parse_private_key(to_bytes(std::string_view("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n")));
  ASSERT_FALSE(empty);
  auto nothing = parse_private_key(to_bytes(std::string_view("hello")));
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().code, Errc::kInvalidFormat);
  EXPECT_NE(nothing.error().message().find("not a private key"), std::string::npos);
}

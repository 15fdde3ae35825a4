// ssh-keygen -e / -i formats (RFC 4716, PKCS8, PEM) against Debian's committed output.
#include <gtest/gtest.h>

#include <string>

#include "key_fixtures.hpp"
#include "sshcore/keys/key_files.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test::keys;

namespace {
// do_convert_to_ssh2's comment: "%u-bit %s, converted by %s@%s from OpenSSH".
std::string keygen_comment(const PublicKey& key, const std::string& identity) {
  return std::to_string(key.bits()) + "-bit " + std::string(key.info().short_name) + ", converted by " + identity +
         " from OpenSSH";
}
std::string identity() {
  std::string id = fixture_text("export_identity.txt");
  while (!id.empty() && id.back() == '\n') id.pop_back();
  return id;
}
}  // namespace

TEST(PublicKeyExport, Rfc4716MatchesSshKeygenByteForByte) {
  for (const std::string& stem : fixture_keys()) {
    PublicKey key = fixture_pub(stem).key;
    auto text = export_public_key(key, PublicKeyFormat::kRfc4716, keygen_comment(key, identity()));
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, fixture_text(stem + ".rfc4716")) << stem;
  }
}

TEST(PublicKeyExport, Pkcs8AndPemMatchSshKeygenByteForByte) {
  for (const std::string& stem : fixture_keys()) {
    PublicKey key = fixture_pub(stem).key;
    auto pkcs8 = export_public_key(key, PublicKeyFormat::kPkcs8, {});
    auto pem = export_public_key(key, PublicKeyFormat::kPem, {});
    if (is_ed25519(stem)) {
      ASSERT_FALSE(pkcs8);
      EXPECT_EQ(pkcs8.error().code, Errc::kKeyTypeUnsupported);
      EXPECT_NE(pkcs8.error().message().find("unsupported key type ED25519"), std::string::npos);
      EXPECT_FALSE(pem);
      continue;
    }
    ASSERT_TRUE(pkcs8) << pkcs8.error().message();
    EXPECT_EQ(*pkcs8, fixture_text(stem + ".pkcs8.pub")) << stem;
    if (is_rsa(stem)) {
      ASSERT_TRUE(pem) << pem.error().message();
      EXPECT_EQ(*pem, fixture_text(stem + ".pem.pub")) << stem;
    } else {
      ASSERT_FALSE(pem);
      EXPECT_EQ(pem.error().code, Errc::kKeyTypeUnsupported);
    }
  }
}

TEST(PublicKeyExport, ImportsEveryExport) {
  for (const std::string& stem : fixture_keys()) {
    PublicKey key = fixture_pub(stem).key;
    auto rfc = import_public_key(fixture_text(stem + ".rfc4716"), PublicKeyFormat::kRfc4716);
    ASSERT_TRUE(rfc) << stem << ": " << rfc.error().message();
    EXPECT_TRUE(*rfc == key);
    if (is_ed25519(stem)) continue;
    auto pkcs8 = import_public_key(fixture_text(stem + ".pkcs8.pub"), PublicKeyFormat::kPkcs8);
    ASSERT_TRUE(pkcs8) << stem << ": " << pkcs8.error().message();
    EXPECT_TRUE(*pkcs8 == key);
    if (!is_rsa(stem)) continue;
    auto pem = import_public_key(fixture_text(stem + ".pem.pub"), PublicKeyFormat::kPem);
    ASSERT_TRUE(pem) << stem << ": " << pem.error().message();
    EXPECT_TRUE(*pem == key);
  }
}

TEST(PublicKeyExport, Rfc4716HeadersWithContinuationLines) {
  auto key = import_public_key(fixture_text("rfc4716_headers.pub"), PublicKeyFormat::kRfc4716);
  ASSERT_TRUE(key) << key.error().message();
  // What Debian's ssh-keygen -i made of the same file.
  EXPECT_EQ(format_public_key_line(*key, "") + "\n", fixture_text("rfc4716_headers.expected"));
  // CRLF line ends are accepted too.
  std::string crlf;
  for (char c : fixture_text("rfc4716_headers.pub")) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto key2 = import_public_key(crlf, PublicKeyFormat::kRfc4716);
  ASSERT_TRUE(key2) << key2.error().message();
  EXPECT_TRUE(*key2 == *key);
}

TEST(PublicKeyExport, LongCommentsAreCutAsSshKeygenCutsThem) {
  PublicKey key = fixture_pub("ed25519").key;
  std::string longc(100, 'x');
  auto text = export_public_key(key, PublicKeyFormat::kRfc4716, longc);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("\nComment: \"" + std::string(60, 'x') + "\"\n"), std::string::npos) << *text;
}

TEST(PublicKeyExport, ImportErrorsAreClear) {
  struct Case { std::string text; PublicKeyFormat format; Errc code; };
  std::string rfc = fixture_text("ed25519.rfc4716");
  std::string no_end = rfc.substr(0, rfc.find("---- END"));
  const Case cases[] = {
      {"", PublicKeyFormat::kRfc4716, Errc::kInvalidFormat},
      {"hello\n", PublicKeyFormat::kRfc4716, Errc::kInvalidFormat},
      {no_end, PublicKeyFormat::kRfc4716, Errc::kInvalidFormat},
      {"---- BEGIN SSH2 PUBLIC KEY ----\n!!!!\n---- END SSH2 PUBLIC KEY ----\n", PublicKeyFormat::kRfc4716,
       Errc::kInvalidFormat},
      {"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nAAAA\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n",
       PublicKeyFormat::kRfc4716, Errc::kKeyTypeUnsupported},
      {fixture_text("rsa2048.pem.pub"), PublicKeyFormat::kPkcs8, Errc::kInvalidFormat},
      {fixture_text("rsa2048.pkcs8.pub"), PublicKeyFormat::kPem, Errc::kInvalidFormat},
      {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", PublicKeyFormat::kPkcs8, Errc::kInvalidFormat},
  };
  for (const Case& c : cases) {
    auto r = import_public_key(c.text, c.format);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error().message();
    EXPECT_FALSE(r.error().message().empty());
  }
}

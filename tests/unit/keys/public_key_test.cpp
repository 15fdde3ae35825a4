// Public key blobs (RFC 4253/5656/8709) and the one-line format, against the
// .pub files Debian's ssh-keygen wrote (tests/data/openssh).
#include <gtest/gtest.h>

#include <string>

#include "key_fixtures.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/public_key.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test::keys;

namespace {

Bytes pub_blob(const std::string& stem) {
  std::string text = fixture_text(stem + ".pub");
  std::size_t sp1 = text.find(' '), sp2 = text.find(' ', sp1 + 1);
  auto blob = base64_decode(text.substr(sp1 + 1, sp2 - sp1 - 1));
  EXPECT_TRUE(blob);
  return blob ? *blob : Bytes{};
}

// The fields of an ECDSA blob, to build variants of it.
struct EcdsaFields {
  std::string name, curve;
  Bytes point;
};
EcdsaFields ecdsa_fields(const Bytes& blob) {
  wire::Reader r{ByteView(blob)};
  EcdsaFields f;
  f.name = std::string(*r.cstring());
  f.curve = std::string(*r.cstring());
  f.point = to_bytes(*r.string());
  return f;
}
Bytes ecdsa_blob(std::string_view name, std::string_view curve, ByteView point) {
  wire::Writer w;
  w.string(name);
  w.string(curve);
  w.string(point);
  return *std::move(w).finish();
}
Bytes rsa_blob(ByteView e, ByteView n) {
  wire::Writer w;
  w.string("ssh-rsa");
  w.mpint(e);
  w.mpint(n);
  return *std::move(w).finish();
}

}  // namespace

TEST(PublicKey, FixtureBlobsParseAndReencodeIdentically) {
  const std::pair<const char*, unsigned> expected_bits[] = {
      {"ed25519", 256}, {"ecdsa256", 256}, {"ecdsa384", 384}, {"ecdsa521", 521},
      {"rsa1024", 1024}, {"rsa2048", 2048}, {"rsa3072", 3072}};
  for (const auto& [stem, bits] : expected_bits) {
    Bytes blob = pub_blob(stem);
    auto key = PublicKey::from_blob(blob);
    ASSERT_TRUE(key) << stem << ": " << key.error().message();
    EXPECT_EQ(key->blob(), blob) << stem;
    EXPECT_EQ(key->bits(), bits) << stem;
    std::string type_token = fixture_text(std::string(stem) + ".pub").substr(0, key->info().ssh_name.size());
    EXPECT_EQ(key->info().ssh_name, type_token) << stem;
  }
}

TEST(PublicKey, DsaIsRefusedWithAClearMessage) {
  Bytes blob = pub_blob("dsa");
  auto key = PublicKey::from_blob(blob);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::kKeyTypeUnsupported);
  EXPECT_NE(key.error().message().find("DSA keys are not supported"), std::string::npos);
  auto line = parse_public_key_line(fixture_text("dsa.pub"));
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().code, Errc::kKeyTypeUnsupported);
}

TEST(PublicKey, UnknownTypeTrailingDataAndTruncationAreRefused) {
  wire::Writer w;
  w.string("ssh-ed448");
  w.string(Bytes(57, 1));
  auto unknown = PublicKey::from_blob(*std::move(w).finish());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::kKeyTypeUnknown);

  Bytes blob = pub_blob("ed25519");
  Bytes trailing = blob;
  trailing.push_back(0);
  auto t = PublicKey::from_blob(trailing);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::kTrailingData);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    auto k = PublicKey::from_blob(ByteView(blob).first(n));
    ASSERT_FALSE(k) << n;
    EXPECT_FALSE(k.error().message().empty());
  }
}

TEST(PublicKey, Ed25519KeyMustBe32Bytes) {
  for (std::size_t len : {0u, 31u, 33u, 64u}) {
    wire::Writer w;
    w.string("ssh-ed25519");
    w.string(Bytes(len, 7));
    auto k = PublicKey::from_blob(*std::move(w).finish());
    ASSERT_FALSE(k) << len;
    EXPECT_EQ(k.error().code, Errc::kInvalidFormat);
  }
}

TEST(PublicKey, EcdsaPointsAreValidated) {
  EcdsaFields f = ecdsa_fields(pub_blob("ecdsa256"));
  ASSERT_TRUE(PublicKey::from_blob(ecdsa_blob(f.name, f.curve, f.point)));

  Bytes off_curve = f.point;
  off_curve.back() ^= 1;
  auto k1 = PublicKey::from_blob(ecdsa_blob(f.name, f.curve, off_curve));
  ASSERT_FALSE(k1);
  EXPECT_EQ(k1.error().code, Errc::kKeyInvalid);

  Bytes compressed(f.point.begin(), f.point.begin() + 33);
  compressed[0] = static_cast<std::uint8_t>(2 + (f.point.back() & 1));
  auto k2 = PublicKey::from_blob(ecdsa_blob(f.name, f.curve, compressed));
  ASSERT_FALSE(k2);
  EXPECT_EQ(k2.error().code, Errc::kInvalidFormat);

  auto k3 = PublicKey::from_blob(ecdsa_blob(f.name, f.curve, Bytes{0}));  // point at infinity
  ASSERT_FALSE(k3);

  auto k4 = PublicKey::from_blob(ecdsa_blob(f.name, "nistp384", f.point));
  ASSERT_FALSE(k4);
  EXPECT_EQ(k4.error().code, Errc::kInvalidFormat);

  // x = 0 lies on no NIST curve point with a valid y here, and is far too small anyway.
  Bytes small = f.point;
  std::fill(small.begin() + 1, small.begin() + 33, 0);
  EXPECT_FALSE(PublicKey::from_blob(ecdsa_blob(f.name, f.curve, small)));

  // A P-256 point given for P-384 has the wrong length.
  auto k5 = PublicKey::from_blob(ecdsa_blob("ecdsa-sha2-nistp384", "nistp384", f.point));
  ASSERT_FALSE(k5);
}

TEST(PublicKey, RsaBelow1024BitsIsRefused) {
  Bytes e{0x01, 0x00, 0x01};
  for (unsigned bits : {512u, 768u, 1023u}) {
    Bytes n((bits + 7) / 8, 0xff);
    if (bits % 8) n[0] = static_cast<std::uint8_t>((1u << (bits % 8)) - 1);
    auto k = PublicKey::from_blob(rsa_blob(e, n));
    ASSERT_FALSE(k) << bits;
    EXPECT_EQ(k.error().code, Errc::kKeySizeInvalid) << bits;
  }
  Bytes n1024(128, 0xff);
  auto ok = PublicKey::from_blob(rsa_blob(e, n1024));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->bits(), 1024u);
  // Over 16384 bits: the mpint itself is refused.
  EXPECT_FALSE(PublicKey::from_blob(rsa_blob(e, Bytes(2049, 0xff))));
  // Even modulus, even or unit exponent.
  Bytes even(128, 0xff);
  even.back() = 0xfe;
  EXPECT_FALSE(PublicKey::from_blob(rsa_blob(e, even)));
  EXPECT_FALSE(PublicKey::from_blob(rsa_blob(Bytes{1}, n1024)));
  EXPECT_FALSE(PublicKey::from_blob(rsa_blob(Bytes{4}, n1024)));
}

TEST(PublicKey, HugeLengthFieldsAreTruncationErrors) {
  Bytes blob{0xff, 0xff, 0xff, 0xff, 's', 's', 'h'};
  auto k = PublicKey::from_blob(blob);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, Errc::kTruncated);
  wire::Writer w;
  w.string("ssh-rsa");
  w.u32(0xfffffff0);
  auto k2 = PublicKey::from_blob(*std::move(w).finish());
  ASSERT_FALSE(k2);
  EXPECT_EQ(k2.error().code, Errc::kTruncated);
}

TEST(PublicKeyLine, FixturesRoundTrip) {
  for (const std::string& stem : fixture_keys()) {
    std::string text = fixture_text(stem + ".pub");
    auto line = parse_public_key_line(text);
    ASSERT_TRUE(line) << stem << ": " << line.error().message();
    EXPECT_EQ(line->comment, "sshpp " + stem);
    EXPECT_EQ(format_public_key_line(line->key, line->comment) + "\n", text);
    EXPECT_EQ(line->key.blob(), pub_blob(stem));
  }
}

TEST(PublicKeyLine, WhitespaceAndCommentsAreTolerated) {
  std::string text = fixture_text("ed25519.pub");
  std::string core = type_and_blob(text);
  for (std::string variant : {"  \t" + core, core + "\r\n", core, core + " two words  here"}) {
    auto line = parse_public_key_line(variant);
    ASSERT_TRUE(line) << variant << ": " << line.error().message();
    EXPECT_EQ(line->key.blob(), pub_blob("ed25519"));
  }
  EXPECT_EQ(parse_public_key_line(core + " two words  here")->comment, "two words  here");
  EXPECT_EQ(parse_public_key_line(core + "\t\tc")->comment, "c");
  EXPECT_EQ(parse_public_key_line(core)->comment, "");
}

TEST(PublicKeyLine, ParseErrorsAreClear) {
  std::string ed = type_and_blob(fixture_text("ed25519.pub"));
  std::string rsa_b64 = type_and_blob(fixture_text("rsa2048.pub")).substr(8);
  struct Case { std::string line; Errc code; const char* words; };
  const Case cases[] = {
      {"", Errc::kInvalidFormat, "empty"},
      {"   \n", Errc::kInvalidFormat, "empty"},
      {"# ssh-ed25519 AAAA", Errc::kInvalidFormat, "comment"},
      {"ssh-ed25519", Errc::kInvalidFormat, "no key data"},
      {"ssh-ed25519 !!!!", Errc::kInvalidFormat, "base64"},
      {"ssh-foo AAAA", Errc::kKeyTypeUnknown, "ssh-foo"},
      {"ssh-ed25519 " + rsa_b64, Errc::kInvalidFormat, "does not match"},
      {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", Errc::kTruncated, "public key data"},
  };
  for (const Case& c : cases) {
    auto line = parse_public_key_line(c.line);
    ASSERT_FALSE(line) << c.line;
    EXPECT_EQ(line.error().code, c.code) << c.line << ": " << line.error().message();
    EXPECT_NE(line.error().message().find(c.words), std::string::npos) << line.error().message();
  }
}

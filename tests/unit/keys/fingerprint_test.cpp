// Fingerprints, bubblebabble and randomart against the outputs of Debian's ssh-keygen
// committed in tests/data/openssh-fingerprints (see its README for the commands).
#include <gtest/gtest.h>

#include <string>

#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "support/process.hpp"

using namespace sshcore;
using crypto::DigestAlg;
using sshpp::test::read_text;
using sshpp::test::test_data;

namespace {

struct PubFile {
  std::string type;
  Bytes blob;
  std::string comment;
};

// "type base64 comment...\n" split by hand, so the cores can be checked without PublicKey.
PubFile read_pub(const std::string& name) {
  std::string text = read_text(test_data("openssh-fingerprints/" + name + ".pub"));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  PubFile f;
  std::size_t sp1 = text.find(' ');
  std::size_t sp2 = text.find(' ', sp1 + 1);
  f.type = text.substr(0, sp1);
  auto blob = base64_decode(text.substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1));
  EXPECT_TRUE(blob) << name;
  if (blob) f.blob = *blob;
  if (sp2 != std::string::npos) f.comment = text.substr(sp2 + 1);
  return f;
}

std::string expected(const std::string& name, const std::string& suffix) {
  return read_text(test_data("openssh-fingerprints/" + name + "." + suffix));
}

struct KeyCase {
  const char* file;
  const char* short_type;
  unsigned bits;
};
constexpr KeyCase kKeys[] = {
    {"ed25519", "ED25519", 256},   {"ecdsa256", "ECDSA", 256}, {"ecdsa384", "ECDSA", 384},
    {"ecdsa521", "ECDSA", 521},    {"rsa1024", "RSA", 1024},   {"rsa3072", "RSA", 3072},
};

struct AlgCase {
  DigestAlg alg;
  const char* suffix;
};
constexpr AlgCase kAlgs[] = {{DigestAlg::kSha256, "l"},      {DigestAlg::kMd5, "l-md5"},
                             {DigestAlg::kSha1, "l-sha1"},   {DigestAlg::kSha384, "l-sha384"},
                             {DigestAlg::kSha512, "l-sha512"}};

}  // namespace

// The cores need only the blob, the short type name and the size.
TEST(Fingerprint, CoresMatchSshKeygen) {
  for (const KeyCase& k : kKeys) {
    SCOPED_TRACE(k.file);
    PubFile pub = read_pub(k.file);
    for (const AlgCase& a : kAlgs) {
      std::string line = keys::format_fingerprint_line(k.bits, keys::fingerprint_of_blob(pub.blob, a.alg),
                                                       pub.comment, k.short_type);
      EXPECT_EQ(line + "\n", expected(k.file, a.suffix)) << a.suffix;
    }
    std::string bb = keys::format_fingerprint_line(k.bits, keys::bubblebabble_of_blob(pub.blob),
                                                   pub.comment, k.short_type);
    EXPECT_EQ(bb + "\n", expected(k.file, "B"));
    std::string lv = keys::format_fingerprint_line(k.bits, keys::fingerprint_of_blob(pub.blob),
                                                   pub.comment, k.short_type) +
                     "\n" + keys::randomart_of_blob(pub.blob, k.short_type, k.bits) + "\n";
    EXPECT_EQ(lv, expected(k.file, "lv"));
    std::string lv_md5 =
        keys::format_fingerprint_line(k.bits, keys::fingerprint_of_blob(pub.blob, DigestAlg::kMd5),
                                      pub.comment, k.short_type) +
        "\n" + keys::randomart_of_blob(pub.blob, k.short_type, k.bits, DigestAlg::kMd5) + "\n";
    EXPECT_EQ(lv_md5, expected(k.file, "lv-md5"));
  }
}

TEST(Fingerprint, PublicKeyWrappersMatchSshKeygen) {
  for (const KeyCase& k : kKeys) {
    SCOPED_TRACE(k.file);
    PubFile pub = read_pub(k.file);
    auto key = keys::PublicKey::from_blob(pub.blob);
    ASSERT_TRUE(key) << key.error().message();
    EXPECT_EQ(key->info().short_name, k.short_type);
    EXPECT_EQ(key->bits(), k.bits);
    for (const AlgCase& a : kAlgs)
      EXPECT_EQ(keys::fingerprint_line(*key, a.alg, pub.comment) + "\n", expected(k.file, a.suffix));
    EXPECT_EQ(keys::bubblebabble_line(*key, pub.comment) + "\n", expected(k.file, "B"));
    EXPECT_EQ(keys::fingerprint_line(*key, DigestAlg::kSha256, pub.comment) + "\n" +
                  keys::randomart(*key) + "\n",
              expected(k.file, "lv"));
    EXPECT_EQ(keys::fingerprint_line(*key, DigestAlg::kMd5, pub.comment) + "\n" +
                  keys::randomart(*key, DigestAlg::kMd5) + "\n",
              expected(k.file, "lv-md5"));
    EXPECT_EQ(keys::fingerprint(*key), keys::fingerprint_of_blob(pub.blob));
    EXPECT_EQ(keys::bubblebabble(*key), keys::bubblebabble_of_blob(pub.blob));
  }
}

TEST(Fingerprint, NoCommentIsSpelledOut) {
  EXPECT_EQ(keys::format_fingerprint_line(3072, "SHA256:x", "", "RSA"), "3072 SHA256:x no comment (RSA)");
  EXPECT_EQ(keys::format_fingerprint_line(256, "SHA256:x", "a b", "ED25519"), "256 SHA256:x a b (ED25519)");
}

// A certificate's fingerprint is its plain key's; its randomart title "[ED25519-CERT 256]" is
// too long for the border, so OpenSSH falls back to "[ED25519-CERT]".
TEST(Randomart, LongTitleFallsBackToTypeOnly) {
  PubFile plain = read_pub("ed25519");
  std::string out = expected("ed25519-cert", "lv");
  std::string art = out.substr(out.find('\n') + 1);
  EXPECT_EQ(keys::randomart_of_blob(plain.blob, "ED25519-CERT", 256) + "\n", art);
  EXPECT_EQ(out.substr(0, out.find('\n')),
            keys::format_fingerprint_line(256, keys::fingerprint_of_blob(plain.blob), plain.comment,
                                          "ED25519-CERT"));
}

TEST(Randomart, BordersAndLabels) {
  const Bytes nothing;
  std::string art = keys::randomart_of_digest(nothing, "SHA256", "ED25519", 256);
  // No moves: start and end are the same middle square, which shows 'E'.
  EXPECT_EQ(art,
            "+--[ED25519 256]--+\n"
            "|                 |\n"
            "|                 |\n"
            "|                 |\n"
            "|                 |\n"
            "|        E        |\n"
            "|                 |\n"
            "|                 |\n"
            "|                 |\n"
            "|                 |\n"
            "+----[SHA256]-----+");
  // Exactly 17 characters does not trigger the fallback but is cut to 16.
  std::string top = keys::randomart_of_digest(nothing, "MD5", "ABCDEFGHIJKL", 12);
  EXPECT_EQ(top.substr(0, top.find('\n')), "+[ABCDEFGHIJKL 12-+");
  std::string longer = keys::randomart_of_digest(nothing, "AVERYLONGDIGESTNAME", "ABCDEFGHIJKLMNOPQRS", 1);
  EXPECT_EQ(longer.substr(0, longer.find('\n')), "+[ABCDEFGHIJKLMNO-+");
  EXPECT_EQ(longer.substr(longer.rfind('\n') + 1), "+[AVERYLONGDIGEST-+");
}

TEST(Randomart, WalkStopsAtWallsAndSaturates) {
  // 0x00 moves up-left four times per byte: the bishop ends pinned in the top-left corner,
  // which it visits again and again (more than '^' allows) before 'E' overwrites it.
  Bytes zeros(8, 0x00);
  std::string art = keys::randomart_of_digest(zeros, "X", "T", 1);
  std::vector<std::string> rows;
  for (std::size_t at = 0, nl; at <= art.size(); at = nl + 1) {
    nl = art.find('\n', at);
    if (nl == std::string::npos) nl = art.size();
    rows.push_back(art.substr(at, nl - at));
  }
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows[1], "|E....            |");
  EXPECT_EQ(rows[2], "|     .           |");
  EXPECT_EQ(rows[3], "|      .          |");
  EXPECT_EQ(rows[4], "|       .         |");
  EXPECT_EQ(rows[5], "|        S        |");
  // 0xff moves down-right into the bottom-right corner, which saturates at '^'; a final
  // up-left step keeps 'E' from covering it.
  Bytes down(8, 0xff);
  down.push_back(0x3f);  // three more down-right (stuck) then one up-left
  std::string art2 = keys::randomart_of_digest(down, "X", "T", 1);
  EXPECT_NE(art2.find("^|"), std::string::npos) << art2;
}

// Test vectors from the Bubble Babble specification (Antti Huima), which encode raw bytes.
TEST(Bubblebabble, SpecificationVectors) {
  EXPECT_EQ(keys::bubblebabble_of_digest(Bytes{}), "xexax");
  EXPECT_EQ(keys::bubblebabble_of_digest(as_bytes("1234567890")), "xesef-disof-gytuf-katof-movif-baxux");
  EXPECT_EQ(keys::bubblebabble_of_digest(as_bytes("Pineapple")), "xigak-nyryk-humil-bosek-sonax");
}

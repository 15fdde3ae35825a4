// KRLs as Debian's ssh-keygen -k writes them (tests/data/openssh/krl, fixed fixtures, and
// fresh ones made now for every key type), then garbage: truncations, flipped bytes and
// hand-built sections must give an error, never a crash or a silent "not revoked".
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>

#include "key_fixtures.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/krl.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/revoked_keys.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test;
using namespace sshpp::test::keys;

namespace {

// 1 revoked, 0 not, -1 an error: one comparable value for EXPECT_EQ.
int answer(const Result<bool>& r) { return r ? (*r ? 1 : 0) : -1; }

PublicKey krl_key(const std::string& stem) { return fixture_pub("krl/" + stem).key; }
Bytes krl_file(const std::string& name) { return fixture_bytes("krl/" + name); }

Krl parsed(const std::string& name) {
  auto krl = parse_krl(krl_file(name));
  EXPECT_TRUE(krl) << name << ": " << (krl ? "" : krl.error().message());
  return krl ? *krl : Krl{};
}

// The header ssh-keygen writes, then `sections`.
Bytes krl_with(const std::function<void(wire::Writer&)>& sections, std::uint32_t format_version = 1) {
  wire::Writer w;
  w.raw(as_bytes(std::string_view("SSHKRL\n\0", 8)));
  w.u32(format_version);
  w.u64(3);
  w.u64(1700000000);
  w.u64(0);
  w.string(Bytes{});
  w.string(as_bytes("comment"));
  sections(w);
  return *std::move(w).finish();
}

TEST(KrlTest, ExplicitKeySectionFromSshKeygen) {
  Krl krl = parsed("explicit.krl");
  EXPECT_EQ(krl.version, 7u);
  EXPECT_NE(krl.generated_date, 0u);
  ASSERT_EQ(krl.revoked_blobs.size(), 1u);
  EXPECT_TRUE(krl_revokes(krl, krl_key("revoked")));
  EXPECT_FALSE(krl_revokes(krl, krl_key("other")));
  EXPECT_FALSE(krl_revokes(krl, krl_key("by_sha1")));
}

TEST(KrlTest, FingerprintSectionsFromSshKeygen) {
  Krl krl = parsed("fingerprints.krl");
  EXPECT_EQ(krl.version, 8u);
  EXPECT_EQ(krl.revoked_sha1s.size(), 1u);
  EXPECT_EQ(krl.revoked_sha256s.size(), 1u);
  EXPECT_TRUE(krl_revokes(krl, krl_key("by_sha1")));
  EXPECT_TRUE(krl_revokes(krl, krl_key("by_sha256")));
  EXPECT_FALSE(krl_revokes(krl, krl_key("revoked")));
  EXPECT_FALSE(krl_revokes(krl, krl_key("other")));
}

TEST(KrlTest, UpdatedKrlHoldsEverySection) {
  Krl krl = parsed("updated.krl");
  for (const char* stem : {"revoked", "by_sha1", "by_sha256"}) EXPECT_TRUE(krl_revokes(krl, krl_key(stem)));
  EXPECT_FALSE(krl_revokes(krl, krl_key("other")));
}

TEST(KrlTest, CertificateSectionsAreSkipped) {
  Krl krl = parsed("certs.krl");
  EXPECT_EQ(krl.version, 9u);
  EXPECT_TRUE(krl_revokes(krl, krl_key("revoked")));
  EXPECT_FALSE(krl_revokes(krl, krl_key("ca")));  // a CA's serials revoke certificates, not the CA
}

TEST(KrlTest, KeyIsRevokedReadsKrlsAndTextLists) {
  auto revoked = krl_key("revoked");
  auto other = krl_key("other");
  EXPECT_EQ(answer(key_is_revoked(krl_file("explicit.krl"), revoked)), 1);
  EXPECT_EQ(answer(key_is_revoked(krl_file("explicit.krl"), other)), 0);
  EXPECT_EQ(answer(key_is_revoked(krl_file("revoked.pub"), revoked)), 1);
  EXPECT_EQ(answer(key_is_revoked(krl_file("revoked.pub"), other)), 0);
}

TEST(KrlTest, FreshKrlForEveryKeyTypeFromSshKeygen) {
  TempDir dir;
  std::string list;
  std::vector<PrivateKey> keys;
  for (KeyType t : {KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521})
    keys.push_back(*PrivateKey::generate(t));
  keys.push_back(*PrivateKey::generate(KeyType::kRsa, 2048));
  for (const PrivateKey& k : keys) list += format_public_key_line(k.public_key(), "r") + "\n";
  write_text(dir / "revoked.pub", list);
  auto made = run({kKeygen, "-q", "-k", "-f", dir / "krl", dir / "revoked.pub"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto krl = parse_krl(to_bytes(read_text(dir / "krl")));
  ASSERT_TRUE(krl) << krl.error().message();
  for (const PrivateKey& k : keys) EXPECT_TRUE(krl_revokes(*krl, k.public_key())) << k.public_key().info().ssh_name;
  auto fresh = PrivateKey::generate(KeyType::kEd25519);
  EXPECT_FALSE(krl_revokes(*krl, fresh->public_key()));
}

TEST(KrlTest, HandBuiltSectionsFollowTheFormat) {
  auto revoked = krl_key("revoked");
  // A non-critical extension is skipped; the explicit key after it still counts.
  Bytes ok = krl_with([&](wire::Writer& w) {
    w.u8(255);
    w.nested([](wire::Writer& e) {
      e.string(as_bytes("note@example.org"));
      e.boolean(false);
      e.string(as_bytes("x"));
    });
    w.u8(2);
    w.nested([&](wire::Writer& s) { s.string(revoked.blob()); });
  });
  auto krl = parse_krl(ok);
  ASSERT_TRUE(krl) << krl.error().message();
  EXPECT_TRUE(krl_revokes(*krl, revoked));

  std::vector<std::pair<std::string, Bytes>> bad{
      {"format version 2", krl_with([](wire::Writer&) {}, 2)},
      {"unknown section", krl_with([](wire::Writer& w) { w.u8(6); w.string(Bytes{}); })},
      {"signature", krl_with([&](wire::Writer& w) { w.u8(4); w.string(revoked.blob()); w.string(Bytes{1}); })},
      {"critical extension", krl_with([](wire::Writer& w) {
         w.u8(255);
         w.nested([](wire::Writer& e) { e.string(as_bytes("x@example.org")); e.boolean(true); e.string(Bytes{}); });
       })},
      {"short sha1", krl_with([](wire::Writer& w) {
         w.u8(3);
         w.nested([](wire::Writer& s) { s.string(Bytes(19)); });
       })},
      {"long sha256", krl_with([](wire::Writer& w) {
         w.u8(5);
         w.nested([](wire::Writer& s) { s.string(Bytes(33)); });
       })},
      {"trailing byte in an extension", krl_with([](wire::Writer& w) {
         w.u8(255);
         w.nested([](wire::Writer& e) {
           e.string(as_bytes("x@example.org"));
           e.boolean(false);
           e.string(Bytes{});
           e.u8(7);
         });
       })},
  };
  for (const auto& [what, file] : bad) {
    auto r = parse_krl(file);
    ASSERT_FALSE(r) << what;
    EXPECT_NE(r.error().code, Errc::kTruncated) << what << ": " << r.error().message();
    EXPECT_FALSE(r.error().detail.empty()) << what;
    auto checked = key_is_revoked(file, revoked);  // fail closed, in OpenSSH's words
    ASSERT_FALSE(checked) << what;
    EXPECT_EQ(checked.error().detail, "invalid format") << what;
  }
}

TEST(KrlTest, TruncationsAndGarbageNeverPassSilently) {
  Bytes file = krl_file("updated.krl");
  auto revoked = krl_key("revoked");
  for (std::size_t n = 8; n < file.size(); ++n) {
    Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = parse_krl(cut);
    // A cut on a section boundary is a shorter valid KRL; anything else is an error.
    if (r) continue;
    auto checked = key_is_revoked(cut, revoked);
    ASSERT_FALSE(checked) << n;
    EXPECT_TRUE(checked.error().detail == "incomplete message" || checked.error().detail == "invalid format") << n;
  }
  EXPECT_EQ(key_is_revoked(Bytes(file.begin(), file.begin() + 30), revoked).error().detail, "incomplete message");
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    Bytes mutated = file;
    mutated[8 + rng() % (mutated.size() - 8)] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    (void)parse_krl(mutated);  // must not crash; ASan/UBSan build checks the rest
    Bytes random(rng() % 200);
    for (auto& b : random) b = static_cast<std::uint8_t>(rng());
    std::copy_n(file.begin(), std::min<std::size_t>(8, random.size()), random.begin());
    (void)parse_krl(random);
  }
  EXPECT_FALSE(parse_krl(Bytes{}));
  EXPECT_FALSE(parse_krl(as_bytes("SSHKRL\n")));
}

// ---- text lists ----------------------------------------------------------------

TEST(RevokedKeyListTest, CommentsBlankLinesAndLeadingBlanks) {
  auto revoked = krl_key("revoked");
  std::string list = "# lost\n\n   \t\n\t " + fixture_text("krl/revoked.pub");
  EXPECT_EQ(answer(key_in_list(list, revoked)), 1);
  EXPECT_EQ(answer(key_in_list(list, krl_key("other"))), 0);
  EXPECT_EQ(answer(key_in_list("", revoked)), 0);
  // The comment may differ: keys are compared, not lines.
  EXPECT_EQ(answer(key_in_list(format_public_key_line(revoked, "another comment"), revoked)), 1);
}

TEST(RevokedKeyListTest, ForeignTypesSkippedGarbageFails) {
  auto revoked = krl_key("revoked");
  std::string dsa = fixture_text("dsa.pub");
  EXPECT_EQ(answer(key_in_list(dsa + fixture_text("krl/revoked.pub"), revoked)), 1);
  EXPECT_EQ(answer(key_in_list("ssh-ed25519-cert-v01@openssh.com AAAA cert\n", revoked)), 0);
  const std::vector<std::string> bad_lines{"garbage\n", "ssh-ed25519\n", "ssh-ed25519 AAAA\n", "ssh-ed25519 !!!!\n",
                                          "from=\"192.0.2.1\" " + fixture_text("krl/revoked.pub")};
  for (const std::string& bad : bad_lines) {
    auto r = key_in_list(fixture_text("krl/other.pub") + bad, revoked);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().detail, "invalid format") << bad;
  }
}

}  // namespace

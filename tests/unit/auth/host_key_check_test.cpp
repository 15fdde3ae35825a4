// KnownHostsDatabase: ssh's host key lookup (OpenSSH 9.2 hostfile.c check_key_in_hostkeys).
// Debian's own ssh decides the same cases in tests/interop/ssh_client_interop_test.cpp.
#include "sshcore/auth/host_key_check.hpp"

#include <gtest/gtest.h>

#include "../keys/key_fixtures.hpp"

namespace {

using sshcore::auth::HostKeyStatus;
using sshcore::auth::KnownHostsDatabase;
using sshpp::test::keys::fixture_pub;
using sshpp::test::keys::fixture_text;
using sshpp::test::keys::type_and_blob;

std::string key_text(const std::string& stem) { return type_and_blob(fixture_text(stem + ".pub")); }

TEST(HostKeyCheck, NewWhenNothingMatches) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh", "other " + key_text("ed25519") + "\n");
  auto r = db.check("example.org", fixture_pub("ed25519").key);
  EXPECT_EQ(r.status, HostKeyStatus::kNew);
  EXPECT_FALSE(r.found.has_value());
  EXPECT_FALSE(db.knows("example.org"));
  EXPECT_TRUE(db.knows("other"));
}

TEST(HostKeyCheck, OkReportsFileAndLine) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh", "# c\n\nexample.org,10.0.0.1 " + key_text("ed25519") + " comment\n");
  auto r = db.check("example.org", fixture_pub("ed25519").key);
  ASSERT_EQ(r.status, HostKeyStatus::kOk);
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.found->path, "/u/kh");
  EXPECT_EQ(r.found->line, 3u);
}

TEST(HostKeyCheck, PortFormAndHashedNames) {
  const std::string name = sshcore::auth::known_host_name("Example.org", 2222);
  EXPECT_EQ(name, "[Example.org]:2222");
  KnownHostsDatabase db;
  const std::string hashed = sshcore::auth::hash_known_host_name("[example.org]:2222");
  db.add_file("/u/kh", "~/kh", hashed + " " + key_text("ecdsa256") + "\n");
  EXPECT_EQ(db.check("[example.org]:2222", fixture_pub("ecdsa256").key).status, HostKeyStatus::kOk);
  EXPECT_EQ(db.check("example.org", fixture_pub("ecdsa256").key).status, HostKeyStatus::kNew);
}

TEST(HostKeyCheck, ChangedNamesTheLastOffendingEntryEvenOfAnotherType) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh", "host " + key_text("rsa2048") + "\nhost " + key_text("ecdsa256") + "\n");
  auto r = db.check("host", fixture_pub("ed25519").key);
  ASSERT_EQ(r.status, HostKeyStatus::kChanged);
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.found->line, 2u);
  EXPECT_EQ(r.found->key.info().short_name, "ECDSA");
}

TEST(HostKeyCheck, MatchAnywhereWinsOverOtherKeys) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh", "host " + key_text("rsa2048") + "\n");
  db.add_file("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts", "host " + key_text("ed25519") + "\n");
  auto r = db.check("host", fixture_pub("ed25519").key);
  ASSERT_EQ(r.status, HostKeyStatus::kOk);
  EXPECT_EQ(r.found->path, "/etc/ssh/ssh_known_hosts");
}

TEST(HostKeyCheck, RevokedOverridesEverything) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh", "host " + key_text("ed25519") + "\n@revoked * " + key_text("ed25519") + "\n");
  auto r = db.check("host", fixture_pub("ed25519").key);
  EXPECT_EQ(r.status, HostKeyStatus::kRevoked);
  EXPECT_FALSE(r.found);
  // A revoked line for another key does not matter.
  EXPECT_EQ(db.check("host", fixture_pub("ecdsa256").key).status, HostKeyStatus::kChanged);
}

TEST(HostKeyCheck, CertAuthorityLinesAreIgnored) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh", "@cert-authority host " + key_text("rsa2048") + "\n");
  EXPECT_EQ(db.check("host", fixture_pub("ed25519").key).status, HostKeyStatus::kNew);
}

TEST(HostKeyCheck, WildcardsAndNegation) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh", "*.example.org,!bad.example.org " + key_text("ed25519") + "\n");
  EXPECT_EQ(db.check("a.example.org", fixture_pub("ed25519").key).status, HostKeyStatus::kOk);
  EXPECT_EQ(db.check("bad.example.org", fixture_pub("ed25519").key).status, HostKeyStatus::kNew);
}

TEST(HostKeyCheck, OtherNamesListsPlainEntriesHoldingTheKey) {
  KnownHostsDatabase db;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "h" + std::to_string(i) + " " + key_text("ed25519") + "\n";
  text += sshcore::auth::hash_known_host_name("secret") + " " + key_text("ed25519") + "\n";
  text += "@revoked r " + key_text("rsa2048") + "\nx " + key_text("rsa2048") + "\n";
  db.add_file("/root/.ssh/known_hosts", "~/.ssh/known_hosts", text);
  auto names = db.other_names(fixture_pub("ed25519").key);
  ASSERT_EQ(names.size(), 11u);
  EXPECT_EQ(names[0], "~/.ssh/known_hosts:1: h0");
  EXPECT_EQ(names[10], "~/.ssh/known_hosts:11: [hashed name]");
  std::string msg = sshcore::auth::other_names_message(names);
  EXPECT_EQ(msg.substr(0, msg.find('\n')), "This host key is known by the following other names/addresses:");
  EXPECT_NE(msg.find("\n    ~/.ssh/known_hosts:8: h7\n    (3 additional names omitted)"), std::string::npos) << msg;
  EXPECT_EQ(sshcore::auth::other_names_message({}), "This key is not known by any other names.");
}

TEST(HostKeyCheck, GarbageNeverMatches) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh",
              std::string("host\nhost ssh-ed25519\nhost ssh-ed25519 !!!!\n|1|bad|hash ") + key_text("ed25519") +
                  "\n@bogus host " + key_text("ed25519") + "\n\x01\x02\xff host\n");
  EXPECT_EQ(db.check("host", fixture_pub("ed25519").key).status, HostKeyStatus::kNew);
  EXPECT_TRUE(db.other_names(fixture_pub("ecdsa256").key).empty());
}

}  // namespace

namespace {

TEST(HostKeyCheck, KnownKeyTypesInFileOrder) {
  KnownHostsDatabase db;
  db.add_file("/u/kh", "~/kh",
              "host " + key_text("rsa2048") + "\nhost " + key_text("ecdsa256") + "\nhost " + key_text("rsa3072") +
                  "\n@revoked host " + key_text("ed25519") + "\nother " + key_text("ed25519") + "\n");
  auto types = db.known_key_types("host");
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0], sshcore::keys::KeyType::kRsa);
  EXPECT_EQ(types[1], sshcore::keys::KeyType::kEcdsaP256);
}

}  // namespace

// RevokedKeys in LocalAuthPolicy::publickey_allowed(): a listed key is refused before
// authorized_keys is read, with OpenSSH 9.2's ERROR lines (checked against Debian's sshd),
// and a file that cannot be read or understood refuses every key (fail closed). The file
// is a text list of public keys or a KRL made by Debian's ssh-keygen -k.
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "auth_test_fixture.hpp"
#include "authorized_keys_lookup.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/private_key.hpp"
#include "support/process.hpp"

namespace sshd::test {
namespace {

namespace keys = sshcore::keys;

class RevokedKeysTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    for (auto* k : {&revoked_, &other_}) {
      auto g = keys::PrivateKey::generate(keys::KeyType::kEd25519);
      ASSERT_TRUE(g.has_value());
      k->emplace(*g);
    }
    user_ = add_user("rk");
    std::string dir = home_of(user_) + "/.ssh";
    write_file(dir + "/authorized_keys", line(*revoked_) + line(*other_), 0600);
    sshpp::test::run({"chown", "-R", user_ + ":", dir});
    chmod(dir.c_str(), 0700);
    list_ = root_ + "/revoked";
  }
  static std::string line(const keys::PrivateKey& k) {
    return keys::format_public_key_line(k.public_key(), "revoked@test") + "\n";
  }
  bool allowed(const std::string& sshd_config, const keys::PrivateKey& k) {
    auto c = config(sshd_config);
    LocalAuthPolicy p(c, addresses());
    EXPECT_TRUE(p.lookup_user(user_, "ssh-connection").valid);
    return p.publickey_allowed(user_, k.public_key()).allowed;
  }
  std::string revoked_line(const keys::PrivateKey& k) const {
    return "Authentication key ED25519 " + keys::fingerprint(k.public_key()) + " revoked by file " + list_;
  }
  std::string error_line(const keys::PrivateKey& k, const std::string& why) const {
    return "Error checking authentication key ED25519 " + keys::fingerprint(k.public_key()) +
           " in revoked keys file " + list_ + ": " + why;
  }

  std::optional<keys::PrivateKey> revoked_, other_;
  std::string user_, list_;
};

TEST_F(RevokedKeysTest, ListedKeyRefusedWithOpenSshLogLine) {
  write_file(list_, "# revoked on rotation\n\n  " + line(*revoked_), 0644);
  EXPECT_FALSE(allowed("RevokedKeys " + list_ + "\n", *revoked_));
  EXPECT_TRUE(logged(revoked_line(*revoked_))) << log_text();
  // Refused before authorized_keys is consulted, as user_key_allowed() does.
  EXPECT_FALSE(logged("trying public key file")) << log_text();
}

TEST_F(RevokedKeysTest, UnlistedKeyStillAllowed) {
  write_file(list_, line(*revoked_), 0644);
  EXPECT_TRUE(allowed("RevokedKeys " + list_ + "\n", *other_));
  EXPECT_FALSE(logged("revoked")) << log_text();
}

TEST_F(RevokedKeysTest, NoneAndUnsetRevokeNothing) {
  write_file(list_, line(*revoked_), 0644);
  EXPECT_TRUE(allowed("RevokedKeys none\n", *revoked_));
  EXPECT_TRUE(allowed("", *revoked_));
}

TEST_F(RevokedKeysTest, MatchBlockSetsRevokedKeys) {
  write_file(list_, line(*revoked_), 0644);
  EXPECT_FALSE(allowed("Match User " + user_ + "\n  RevokedKeys " + list_ + "\n", *revoked_));
  EXPECT_TRUE(logged(revoked_line(*revoked_))) << log_text();
}

TEST_F(RevokedKeysTest, MissingFileRefusesEveryKey) {
  EXPECT_FALSE(allowed("RevokedKeys " + list_ + "\n", *other_));
  EXPECT_TRUE(logged(error_line(*other_, "No such file or directory"))) << log_text();
}

TEST_F(RevokedKeysTest, UnreadableFileRefusesEveryKey) {
  std::filesystem::create_directories(list_);  // read(2) of a directory: EISDIR
  EXPECT_FALSE(allowed("RevokedKeys " + list_ + "\n", *other_));
  EXPECT_TRUE(logged(error_line(*other_, "Is a directory"))) << log_text();
}

TEST_F(RevokedKeysTest, UnparseableLineRefusesEveryKey) {
  // sshkey_read() knows no key options: an authorized_keys line with options is an error.
  for (const std::string& bad : {std::string("garbage\n"), "from=\"192.0.2.1\" " + line(*revoked_),
                                 std::string("ssh-ed25519 AAAA\n")}) {
    clear_log();
    write_file(list_, line(*revoked_) + bad, 0644);
    EXPECT_FALSE(allowed("RevokedKeys " + list_ + "\n", *other_)) << bad;
    EXPECT_TRUE(logged(error_line(*other_, "invalid format"))) << bad << log_text();
  }
}

TEST_F(RevokedKeysTest, KeysOfTypesWeLackAreSkipped) {
  // OpenSSH reads these as keys; they can never equal an offered key of ours.
  std::string dsa = root_ + "/dsa";
  auto made = sshpp::test::run({"ssh-keygen", "-q", "-t", "dsa", "-N", "", "-f", dsa});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::ifstream in(dsa + ".pub");
  std::string dsa_line;
  std::getline(in, dsa_line);
  ASSERT_TRUE(dsa_line.starts_with("ssh-dss ")) << dsa_line;
  write_file(list_, dsa_line + "\n" + line(*revoked_), 0644);
  EXPECT_TRUE(allowed("RevokedKeys " + list_ + "\n", *other_));
  EXPECT_FALSE(allowed("RevokedKeys " + list_ + "\n", *revoked_));
  EXPECT_TRUE(logged(revoked_line(*revoked_))) << log_text();
}

TEST_F(RevokedKeysTest, KrlFromSshKeygenRevokesItsKeysOnly) {
  auto pub = root_ + "/revoked.pub";
  write_file(pub, line(*revoked_), 0644);
  auto made = sshpp::test::run({"ssh-keygen", "-q", "-k", "-f", list_, pub});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_FALSE(allowed("RevokedKeys " + list_ + "\n", *revoked_));
  EXPECT_TRUE(logged(revoked_line(*revoked_))) << log_text();
  EXPECT_TRUE(allowed("RevokedKeys " + list_ + "\n", *other_));
}

TEST_F(RevokedKeysTest, DamagedKrlRefusesEveryKey) {
  auto pub = root_ + "/revoked.pub";
  write_file(pub, line(*revoked_), 0644);
  auto made = sshpp::test::run({"ssh-keygen", "-q", "-k", "-f", list_, pub});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::filesystem::resize_file(list_, 30);  // inside the header: Debian's sshd says the same
  EXPECT_FALSE(allowed("RevokedKeys " + list_ + "\n", *other_));
  EXPECT_TRUE(logged(error_line(*other_, "incomplete message"))) << log_text();
}

}  // namespace
}  // namespace sshd::test

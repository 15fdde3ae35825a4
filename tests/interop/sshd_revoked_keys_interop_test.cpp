// RevokedKeys through the real binaries: Debian's ssh offers a key our sshd's
// RevokedKeys file names (a text list, or a KRL made by Debian's ssh-keygen -k) and is
// refused although authorized_keys allows it, with the ERROR line Debian's sshd logs;
// the key not listed still logs in.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshpp::test {
namespace {

class SshdRevokedKeysInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(user_.created());
    ASSERT_TRUE(user_.set_password("Corr3ct-horse"));  // a locked account may not log in at all
    for (const std::string name : {"revoked", "good"})
      ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", keys_ / name}).exit_code,
                0);
    user_.write_authorized_keys(read_text(keys_ / "revoked.pub") + read_text(keys_ / "good.pub"));
  }

  // Logs in with `revoked` (refused) and `good` (allowed) against RevokedKeys `list`.
  void expect_only_revoked_refused(const std::string& list) {
    OurSshd sshd(dir_.path(), "UsePAM no\nStrictModes yes\nRevokedKeys " + list + "\n");
    ASSERT_TRUE(sshd.listening()) << sshd.log();

    auto refused = run(sshd.ssh({"-i", keys_ / "revoked", "-o", "BatchMode=yes"}, user_.name(), "echo in"));
    EXPECT_EQ(refused.exit_code, 255) << refused.out << sshd.log();
    EXPECT_NE(refused.err.find("Permission denied (publickey"), std::string::npos) << refused.err;
    std::string line =
        "Authentication key ED25519 " + key_fingerprint(keys_ / "revoked.pub") + " revoked by file " + list;
    EXPECT_TRUE(sshd.wait_for_log(line, std::chrono::seconds(5))) << sshd.log();
    EXPECT_EQ(sshd.log().find("Accepted publickey"), std::string::npos) << sshd.log();

    auto allowed = run(sshd.ssh({"-i", keys_ / "good", "-o", "BatchMode=yes"}, user_.name(), "echo in"));
    EXPECT_EQ(allowed.exit_code, 0) << allowed.err << sshd.log();
    EXPECT_EQ(allowed.out, "in\n");
  }

  TestUser user_{"sshrk"};
  TempDir keys_, dir_;
};

TEST_F(SshdRevokedKeysInteropTest, DebianSshWithAKeyInTheTextListIsRefused) {
  std::string list = keys_ / "revoked_keys";
  write_text(list, "# keys of the lost laptop\n" + read_text(keys_ / "revoked.pub"), 0644);
  expect_only_revoked_refused(list);
}

TEST_F(SshdRevokedKeysInteropTest, DebianSshWithAKeyInAKrlIsRefused) {
  std::string krl = keys_ / "revoked.krl";
  auto made = run({"/usr/bin/ssh-keygen", "-q", "-k", "-f", krl, keys_ / "revoked.pub"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  expect_only_revoked_refused(krl);
}

}  // namespace
}  // namespace sshpp::test

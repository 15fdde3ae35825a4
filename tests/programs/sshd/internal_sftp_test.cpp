// internal-sftp in the session child: when a command counts as internal-sftp
// (session.c's IS_INTERNAL_SFTP and do_exec's choice), and a launched session that
// serves SFTP on its pipes or refuses a non-SFTP session as OpenSSH does.
#include "internal_sftp.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "session_launch.hpp"
#include "session_signals.hpp"
#include "session_test_harness.hpp"
#include "support/temp_dir.hpp"

namespace {

using sshd::InternalSftpMode;
using sshpp::test::TempDir;

TEST(InternalSftp, CommandWordMustBeExactlyInternalSftp) {
  EXPECT_TRUE(sshd::is_internal_sftp("internal-sftp"));
  EXPECT_TRUE(sshd::is_internal_sftp("internal-sftp -l INFO -f LOCAL6"));
  EXPECT_TRUE(sshd::is_internal_sftp("internal-sftp\t-R"));
  EXPECT_FALSE(sshd::is_internal_sftp("internal-sftpd"));
  EXPECT_FALSE(sshd::is_internal_sftp(" internal-sftp"));
  EXPECT_FALSE(sshd::is_internal_sftp("/usr/lib/openssh/sftp-server"));
  EXPECT_FALSE(sshd::is_internal_sftp(""));
}

TEST(InternalSftp, DoExecChoosesServeRefuseOrExec) {
  struct Row {
    std::optional<std::string> requested;
    bool subsystem;
    std::optional<std::string> force, key_force;
    InternalSftpMode want;
  };
  const Row rows[] = {
      {"internal-sftp -l INFO", true, std::nullopt, std::nullopt, InternalSftpMode::kServe},
      {"/usr/lib/openssh/sftp-server", true, "internal-sftp", std::nullopt, InternalSftpMode::kServe},
      {"ls", false, "internal-sftp -R", std::nullopt, InternalSftpMode::kRefuse},
      {std::nullopt, false, "internal-sftp", std::nullopt, InternalSftpMode::kRefuse},
      {"internal-sftp", true, std::nullopt, "internal-sftp -d /x", InternalSftpMode::kServe},
      {"ls", false, std::nullopt, "internal-sftp", InternalSftpMode::kRefuse},
      // An unforced exec of the word is an ordinary command, as in OpenSSH.
      {"internal-sftp", false, std::nullopt, std::nullopt, InternalSftpMode::kNone},
      {"/usr/lib/openssh/sftp-server", true, std::nullopt, std::nullopt, InternalSftpMode::kNone},
      {"internal-sftp", true, "/bin/true", std::nullopt, InternalSftpMode::kNone},
  };
  for (const auto& row : rows) {
    auto c = sshd::resolve_session_command(row.requested, row.subsystem, row.force, row.key_force);
    EXPECT_EQ(c.internal_sftp, row.want) << row.requested.value_or("(shell)") << " forced "
                                         << row.force.value_or(row.key_force.value_or("-"));
  }
}

sshd::SessionSpec spec_for_me(const std::string& home, const std::optional<std::string>& requested,
                              bool subsystem, const std::optional<std::string>& force) {
  sshd::SessionSpec spec;
  spec.user.name = "root";
  spec.user.uid = getuid();
  spec.user.gid = getgid();
  spec.user.home = home;
  spec.user.shell = "/bin/sh";
  spec.command = sshd::resolve_session_command(requested, subsystem, force, std::nullopt);
  spec.environment.remote_address = "192.0.2.7";
  spec.environment.remote_port = 50000;
  spec.motd_path = home + "/no-motd";
  spec.system_rc_path = home + "/no-sshrc";
  return spec;
}

TEST(InternalSftp, SubsystemSessionAnswersInitWithVersion) {
  TempDir home;
  auto session = sshd::launch_session(spec_for_me(home.path(), "internal-sftp -l ERROR", true, std::nullopt));
  ASSERT_TRUE(session.has_value());
  // SSH_FXP_INIT version 3; then EOF ends the server cleanly.
  const std::string init{"\x00\x00\x00\x05\x01\x00\x00\x00\x03", 9};
  auto o = sshpp::test::finish_session(*session, init);
  ASSERT_GE(o.out.size(), 9u) << o.err;
  EXPECT_EQ(o.out[4], '\x02');  // SSH_FXP_VERSION
  EXPECT_EQ(o.out.substr(5, 4), std::string("\x00\x00\x00\x03", 4));
  EXPECT_EQ(o.err, "");  // the log stays on sshd's stderr, not the channel's
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).exit_status, 0u);
}

TEST(InternalSftp, ForcedInternalSftpRefusesAShell) {
  TempDir home;
  auto session = sshd::launch_session(spec_for_me(home.path(), std::nullopt, false, "internal-sftp"));
  ASSERT_TRUE(session.has_value());
  auto o = sshpp::test::finish_session(*session);
  EXPECT_EQ(o.out, "This service allows sftp connections only.\n");
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).exit_status, 1u);
}

}  // namespace

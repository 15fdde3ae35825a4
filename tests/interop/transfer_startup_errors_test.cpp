// sftp and scp when the SFTP session never starts, compared with Debian's programs run
// the same way: a login script that prints to stdout (the server's first "length" is
// text), and an ssh that dies at once. OpenSSH's sftp_init() makes both fatal: exit
// 255 with only the reason, no "Connection closed." from the child watcher and no
// second "sftp connection failed" from scp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transfer_output.hpp"

namespace sshpp::test {
namespace {


class TransferStartupErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    // The -S program: what a login whose rc file prints something looks like.
    noisy_ = tmp_ / "noisy-ssh";
    write_text(noisy_, "#!/bin/sh\nprintf 'Sent from a login script\\n'\nexec /usr/lib/openssh/sftp-server\n", 0755);
    // A server that answers INIT with packet type 101 (not VERSION), then waits.
    wrong_ = tmp_ / "wrong-reply-ssh";
    write_text(wrong_, "#!/bin/sh\nhead -c 9 >/dev/null\nprintf '\\0\\0\\0\\5\\145\\0\\0\\0\\3'\nsleep 2\n", 0755);
    write_text(tmp_ / "file", "payload\n", 0644);
  }

  void expect_same_scp(const std::vector<std::string>& args) {
    std::vector<std::string> theirs_argv{"/usr/bin/scp"}, ours_argv{our_bin("scp")};
    theirs_argv.insert(theirs_argv.end(), args.begin(), args.end());
    ours_argv.insert(ours_argv.end(), args.begin(), args.end());
    auto theirs = run(theirs_argv);
    auto ours = run(ours_argv);
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << args.back();
    EXPECT_EQ(scp_messages(ours.err, our_bin("scp")), scp_messages(theirs.err, "/usr/bin/scp")) << args.back();
    EXPECT_EQ(ours.out, theirs.out);
  }

  TempDir tmp_;
  std::string noisy_, wrong_;
};

TEST_F(TransferStartupErrors, SftpNamesTheLoginScriptAndExits255) {
  RunOptions options;
  options.stdin_data = "pwd\n";
  auto theirs = run({"/usr/bin/sftp", "-S", noisy_, "host"}, options);
  auto ours = run({our_bin("sftp"), "-S", noisy_, "host"}, options);
  EXPECT_EQ(theirs.exit_code, 255);
  EXPECT_EQ(ours.exit_code, 255);
  EXPECT_EQ(ours.err, theirs.err);
  // "Sent" read as a packet length, the cause named in the second line.
  EXPECT_EQ(ours.err,
            "Received message too long 1399156340\r\n"
            "Ensure the remote shell produces no output for non-interactive sessions.\r\n");
}

// A wrong reply to INIT: sftp names it and gives up (exit 255); scp gives up on that
// connection only, a download going on with the next source (exit 1), an upload
// stopping with "Unable to open sftp connection" (exit 255).
TEST_F(TransferStartupErrors, WrongReplyToInitAsDebian) {
  auto theirs = run({"/usr/bin/sftp", "-S", wrong_, "host"});
  auto ours = run({our_bin("sftp"), "-S", wrong_, "host"});
  EXPECT_EQ(ours.exit_code, 255);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_EQ(ours.err, "Invalid packet back from SSH2_FXP_INIT (type 101)\r\nCouldn't initialise connection to server\r\n");
  const std::string file = tmp_ / "file";
  const std::string got = tmp_ / "got";
  expect_same_scp({"-S", wrong_, "host:" + file, "other:" + file, tmp_.path()});
  expect_same_scp({"-S", wrong_, file, "host:" + got});
}

// A -S program that cannot be run: the child's perror() line, then what the parent
// meets: EOF at INIT (fatal), or in -O mode "lost connection" when it waits for the
// sink. Debian's programs race here (SIGPIPE, EOF or SIGCHLD first), so ours are
// checked against the outcome OpenSSH's code gives when the child is simply gone.
TEST_F(TransferStartupErrors, MissingSshProgram) {
  const std::string file = tmp_ / "file";
  const std::string got = tmp_ / "got";
  const std::string perror_line = "/nonexistent/ssh: No such file or directory\n";
  const std::string scp = our_bin("scp");
  for (const auto& args : {std::vector<std::string>{"host:" + file, got}, std::vector<std::string>{file, "host:" + got}}) {
    std::vector<std::string> argv{scp, "-S", "/nonexistent/ssh"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto sftp_mode = run(argv);
    EXPECT_EQ(sftp_mode.exit_code, 255) << args.back();
    EXPECT_EQ(sftp_mode.err, perror_line + scp + ": Connection closed\r\n") << args.back();
  }
  auto legacy_down = run({scp, "-O", "-S", "/nonexistent/ssh", "host:" + file, got});
  EXPECT_EQ(legacy_down.exit_code, 1);
  EXPECT_EQ(legacy_down.err, perror_line);
  auto legacy_up = run({scp, "-O", "-S", "/nonexistent/ssh", file, "host:" + got});
  EXPECT_EQ(legacy_up.exit_code, 1);
  EXPECT_EQ(legacy_up.err, perror_line + "lost connection\n");
  auto sftp = run({our_bin("sftp"), "-S", "/nonexistent/ssh", "host"});
  EXPECT_EQ(sftp.exit_code, 255);
  EXPECT_EQ(sftp.err, "exec: " + perror_line + "\rConnection closed.  \nConnection closed\r\n");
}

// scp -O checks the names it will accept against the request's braces: a pattern that
// cannot be expanded ends the copy before anything moves (exit 255).
TEST_F(TransferStartupErrors, ScpLegacyBadBracePatternAsDebian) {
  const std::string quiet = tmp_ / "quiet-ssh";  // stays up, says nothing
  write_text(quiet, "#!/bin/sh\nexec cat >/dev/null\n", 0755);
  expect_same_scp({"-O", "-S", quiet, "host:/x/{f", tmp_.path()});
  auto ours = run({our_bin("scp"), "-O", "-S", quiet, "host:/x/{f", tmp_.path()});
  EXPECT_EQ(ours.exit_code, 255);
  EXPECT_EQ(ours.err, our_bin("scp") + ": brace_expand: invalid brace pattern \"/x/{f\"\r\n");
}

// An ssh that dies at once races with the INIT that sftp writes and with SIGCHLD, in
// OpenSSH too (Debian's sftp may say "Connection closed." first, or die of SIGPIPE):
// so ours is checked on its own, not against one of Debian's outcomes.
TEST_F(TransferStartupErrors, SftpWhoseSshDiesSaysConnectionClosed) {
  auto ours = run({our_bin("sftp"), "-S", "/bin/false", "host"});
  EXPECT_EQ(ours.exit_code, 255);
  EXPECT_TRUE(ours.err == "Connection closed\r\n" || ours.err == "\rConnection closed.  \nConnection closed\r\n")
      << ours.err;
}

TEST_F(TransferStartupErrors, ScpInSftpModeIsFatalAsOpenSsh) {
  const std::string file = tmp_ / "file";
  const std::string got = tmp_ / "got";
  expect_same_scp({"-S", noisy_, "host:" + file, got});
  expect_same_scp({"-S", noisy_, file, "host:" + got});
  // Two sources: the first failure ends the copy (exit 255), nothing more is tried.
  expect_same_scp({"-S", noisy_, "host:" + file, "other:" + file, tmp_.path()});
  // -O has no start-up exchange of that kind: the text is the peer's, the exit 1.
  expect_same_scp({"-O", "-S", noisy_, "host:" + file, got});
  auto ours = run({our_bin("scp"), "-S", noisy_, "host:" + file, got});
  EXPECT_EQ(ours.exit_code, 255);
  EXPECT_EQ(ours.err, our_bin("scp") + ": Received message too long 1399156340\r\n" + our_bin("scp") +
                          ": Ensure the remote shell produces no output for non-interactive sessions.\r\n");
  // A dead ssh (racy in OpenSSH as above): "Connection closed" alone, exit 255.
  for (const auto& args : {std::vector<std::string>{"host:" + file, got}, std::vector<std::string>{file, "host:" + got},
                           std::vector<std::string>{"host:" + file, "other:" + file, tmp_.path()}}) {
    std::vector<std::string> argv{our_bin("scp"), "-S", "/bin/false"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto dead = run(argv);
    EXPECT_EQ(dead.exit_code, 255) << args.back();
    EXPECT_EQ(dead.err, our_bin("scp") + ": Connection closed\r\n") << args.back();
  }
}

}  // namespace
}  // namespace sshpp::test

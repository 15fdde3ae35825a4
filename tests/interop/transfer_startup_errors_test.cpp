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

namespace sshpp::test {
namespace {

// scp names itself by argv[0] as started ("/usr/bin/scp: ..."); compare without it.
std::string without_program(std::string text, const std::string& program) {
  for (std::size_t at = 0; (at = text.find(program + ": ", at)) != std::string::npos;)
    text.replace(at, program.size(), "scp");
  return text;
}

class TransferStartupErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    // The -S program: what a login whose rc file prints something looks like.
    noisy_ = tmp_ / "noisy-ssh";
    write_text(noisy_, "#!/bin/sh\nprintf 'Sent from a login script\\n'\nexec /usr/lib/openssh/sftp-server\n", 0755);
    write_text(tmp_ / "file", "payload\n", 0644);
  }

  void expect_same_scp(const std::vector<std::string>& args) {
    std::vector<std::string> theirs_argv{"/usr/bin/scp"}, ours_argv{our_bin("scp")};
    theirs_argv.insert(theirs_argv.end(), args.begin(), args.end());
    ours_argv.insert(ours_argv.end(), args.begin(), args.end());
    auto theirs = run(theirs_argv);
    auto ours = run(ours_argv);
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << args.back();
    EXPECT_EQ(without_program(ours.err, our_bin("scp")), without_program(theirs.err, "/usr/bin/scp")) << args.back();
    EXPECT_EQ(ours.out, theirs.out);
  }

  TempDir tmp_;
  std::string noisy_;
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

// Our ssh on its own: what it prints before it talks to a server (-V, -Q, -G, usage,
// connection failures) and its exit codes. Sessions against a server are in
// tests/interop/ssh_client_interop_test.cpp (Debian's sshd).
#include <poll.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <regex>
#include <thread>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/pty_session.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace {

using sshpp::test::our_bin;
using sshpp::test::run;

TEST(SshClient, VersionLineHasOpenSshShape) {
  auto r = run({our_bin("ssh"), "-V"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(std::regex_match(r.err, std::regex(R"(sshpp_0\.1, OpenSSL 3\.[0-9.]+[a-z]? .+\n)"))) << r.err;
}

TEST(SshClient, QueriesOneNamePerLine) {
  auto kex = run({our_bin("ssh"), "-Q", "kex"});
  EXPECT_EQ(kex.exit_code, 0);
  EXPECT_NE(kex.out.find("\ncurve25519-sha256\n"), std::string::npos);
  EXPECT_EQ(kex.out.find(','), std::string::npos);
  EXPECT_TRUE(kex.out.ends_with("\n"));
  auto bad = run({our_bin("ssh"), "-Q", "nothing"});
  EXPECT_EQ(bad.exit_code, 255);
  EXPECT_EQ(bad.err, "Unsupported query \"nothing\"\r\n");
  EXPECT_EQ(run({our_bin("ssh"), "-Q", "KexAlgorithms"}).out, kex.out);
}

TEST(SshClient, DumpShowsCommandLineAndConfig) {
  sshpp::test::TempDir dir;
  sshpp::test::write_text(dir / "cfg", "Host alias\n  HostName real.example.org\n  Port 2022\n");
  auto r = run({our_bin("ssh"), "-G", "-F", dir / "cfg", "-l", "bob", "alias"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nhostname real.example.org\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nport 2022\n"), std::string::npos);
  EXPECT_TRUE(r.out.starts_with("host alias\nuser bob\n")) << r.out.substr(0, 40);
  // No command and stdin not a terminal: OpenSSH's notice comes first, on stderr.
  EXPECT_EQ(r.err, "Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n");
}

TEST(SshClient, UsageAndBadFlagsExit255) {
  auto none = run({our_bin("ssh")});
  EXPECT_EQ(none.exit_code, 255);
  EXPECT_TRUE(none.err.starts_with("usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]")) << none.err;
  EXPECT_EQ(run({our_bin("ssh"), "-p", "70000", "h"}).err, "Bad port '70000'\n");
  auto k = run({our_bin("ssh"), "-F", "none", "-K", "127.0.0.1", "true"});
  EXPECT_EQ(k.exit_code, 255);
  EXPECT_NE(k.err.find("GSSAPI"), std::string::npos);
}

TEST(SshClient, ConnectionFailuresReadLikeOpenSsh) {
  const int port = sshpp::test::free_port();
  auto refused = run({our_bin("ssh"), "-F", "none", "-p", std::to_string(port), "127.0.0.1", "true"});
  EXPECT_EQ(refused.exit_code, 255);
  EXPECT_EQ(refused.err, "ssh: connect to host 127.0.0.1 port " + std::to_string(port) + ": Connection refused\r\n");
  auto unknown = run({our_bin("ssh"), "-F", "none", "no-such-host.invalid", "true"});
  EXPECT_EQ(unknown.exit_code, 255);
  EXPECT_EQ(unknown.err, "ssh: Could not resolve hostname no-such-host.invalid: Name or service not known\r\n");
  auto verbose = run({our_bin("ssh"), "-v", "-F", "none", "-o", "ConnectionAttempts=2", "-p", std::to_string(port),
                      "127.0.0.1", "true"});
  EXPECT_NE(verbose.err.find("debug1: Connecting to 127.0.0.1 [127.0.0.1] port " + std::to_string(port) + ".\r\n"),
            std::string::npos);
  EXPECT_NE(verbose.err.find("debug1: Trying again...\r\n"), std::string::npos);
}

TEST(SshClient, ServerClosingBeforeItsBanner) {
  int port = 0;
  const int listener = sshpp::test::listen_loopback(port);
  ASSERT_GE(listener, 0);
  std::thread server([listener] {
    int fd = sshpp::test::accept_one(listener, std::chrono::seconds(20));
    if (fd < 0) return;
    // Take what the client sent first (its identification, and the KEXINIT we send
    // behind it), until it waits for ours: closing with bytes unread would send a reset
    // ("Connection reset by peer") instead of an end of stream.
    pollfd p{fd, POLLIN, 0};
    char buf[4096];
    while (::poll(&p, 1, 300) == 1 && ::read(fd, buf, sizeof buf) > 0) {
    }
    ::close(fd);
  });
  auto r = run({our_bin("ssh"), "-F", "none", "-p", std::to_string(port), "127.0.0.1", "true"});
  server.join();
  ::close(listener);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.err, "kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 127.0.0.1 port " +
                       std::to_string(port) + "\r\n");
}

TEST(SshClient, BadConfigFileLinesAreReported) {
  sshpp::test::TempDir dir;
  sshpp::test::write_text(dir / "cfg", "Port 22\nNoSuchKeyword x\n");
  auto r = run({our_bin("ssh"), "-G", "-F", dir / "cfg", "h"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find(dir / "cfg" + ": line 2: Bad configuration option: nosuchkeyword\r\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(dir / "cfg" + ": terminating, 1 bad configuration options\r\n"), std::string::npos);
}

// Our ssh against our sshd, as a throw-away user.
class SshClientOurSshd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(user_.created());
    ASSERT_TRUE(user_.set_password("Unl0cked-h4"));  // a locked account may not log in at all
    key_ = dir_ / "id_ed25519";
    ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key_}).exit_code, 0);
    user_.write_authorized_keys(sshpp::test::read_text(key_ + ".pub"));
    sshd_ = std::make_unique<sshpp::test::OurSshd>(dir_.path(), "");
    ASSERT_TRUE(sshd_->listening()) << sshd_->log();
  }
  std::vector<std::string> ours(const std::vector<std::string>& options, const std::string& command = "") {
    std::vector<std::string> o{"-i", key_, "-o", "BatchMode=yes"};
    o.insert(o.end(), options.begin(), options.end());
    auto argv = sshd_->ssh(o, user_.name(), command);
    argv[0] = our_bin("ssh");
    return argv;
  }

  sshpp::test::TempDir dir_;
  sshpp::test::TestUser user_{"sshpph4e"};
  std::string key_;
  std::unique_ptr<sshpp::test::OurSshd> sshd_;
};

TEST_F(SshClientOurSshd, CommandsExitStatusAndStreams) {
  auto r = run(ours({}, "echo out; echo err >&2; exit 7"));
  EXPECT_EQ(r.exit_code, 7) << r.err << sshd_->log();
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  sshpp::test::RunOptions in;
  in.stdin_data.assign(8u * 1024 * 1024, 'q');
  auto echo = run(ours({}, "cat"), in);
  EXPECT_EQ(echo.exit_code, 0) << echo.err;
  EXPECT_TRUE(echo.out == in.stdin_data) << echo.out.size();
  auto big = run(ours({}, "head -c 8388608 /dev/zero >&2"));
  EXPECT_EQ(big.err.size(), 8u * 1024 * 1024);
}

TEST_F(SshClientOurSshd, PtySessionAndEscape) {
  sshpp::test::PtySession pty(ours({"-t"}, "echo READY; cat"));
  ASSERT_TRUE(pty.expect("READY\r\n")) << pty.output() << sshd_->log();
  pty.send("hello\r");
  ASSERT_TRUE(pty.expect("hello\r\n")) << pty.output();
  pty.send("~.");
  EXPECT_EQ(pty.wait(), 255) << pty.output();
  // LogLevel=ERROR (OurSshd::ssh's): no "Connection to ... closed." (ssh prints it at INFO).
  EXPECT_EQ(pty.output().find("Connection to 127.0.0.1 closed."), std::string::npos) << pty.output();
}

}  // namespace

// PamSession against the real Linux-PAM: a throw-away service in /etc/pam.d whose
// session stack is pam_env (a variable from our own file), pam_echo (a message for
// the login text) and pam_exec (a script that notes each call with PAM_TYPE and
// PAM_TTY in a marker file), so every step is seen from the modules' side.
#include "pam_session.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.hpp"

namespace sshd::test {
namespace {

using sshcore::auth::PasswordOutcome;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text, mode_t mode = 0644) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

bool has(const std::vector<std::string>& v, const std::string& entry) {
  return std::find(v.begin(), v.end(), entry) != v.end();
}

class PamSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "installing a PAM service needs root";
    service_ = "sshpp-pam-session-test-" + std::to_string(getpid());
    marker_ = dir_ / "marker";
    write_file(dir_ / "env", "SSHPP_PAM_TEST=from-pam-env\n");
    write_file(dir_ / "note.sh", "#!/bin/sh\necho \"$PAM_TYPE $PAM_USER $PAM_TTY $PAM_RHOST\" >> " + marker_ + "\n",
               0755);
    install(service_, "account required pam_permit.so\n"
                      "session required pam_env.so readenv=1 user_readenv=0 conffile=/dev/null envfile=" +
                          (dir_ / "env") +
                          "\n"
                          "session optional pam_echo.so hello-from-pam-echo\n"
                          "session required pam_exec.so quiet " +
                          (dir_ / "note.sh") + "\n");
  }
  void TearDown() override {
    for (const auto& s : installed_) std::filesystem::remove("/etc/pam.d/" + s);
  }
  void install(const std::string& service, const std::string& text) {
    write_file("/etc/pam.d/" + service, text);
    installed_.push_back(service);
  }
  std::string marker() const { return read_all(marker_); }

  sshpp::test::TempDir dir_;
  std::string service_, marker_;
  std::vector<std::string> installed_;
};

TEST_F(PamSessionTest, RunsTheSessionStackAndExportsItsEnvironment) {
  PamSession pam;
  ASSERT_TRUE(pam.start(service_, "root", "127.0.0.1"));
  auto account = pam.account();
  ASSERT_TRUE(account) << account.error().detail;
  EXPECT_EQ(*account, PasswordOutcome::kAccepted);
  ASSERT_TRUE(pam.establish_credentials());
  EXPECT_TRUE(pam.credentials_established());
  ASSERT_TRUE(pam.set_tty("/dev/pts/77"));
  auto opened = pam.open_session();
  ASSERT_TRUE(opened) << opened.error().detail;
  EXPECT_TRUE(pam.session_open());
  EXPECT_EQ(marker(), "open_session root /dev/pts/77 127.0.0.1\n");
  EXPECT_TRUE(has(pam.environment(), "SSHPP_PAM_TEST=from-pam-env")) << ::testing::PrintToString(pam.environment());
  EXPECT_EQ(pam.take_messages(), "hello-from-pam-echo\n");
  EXPECT_EQ(pam.take_messages(), "");
  pam.close();
  EXPECT_FALSE(pam.session_open());
  EXPECT_EQ(marker(), "open_session root /dev/pts/77 127.0.0.1\nclose_session root /dev/pts/77 127.0.0.1\n");
  EXPECT_TRUE(pam.environment().empty());
  pam.close();  // idempotent: nothing runs twice
  EXPECT_EQ(marker(), "open_session root /dev/pts/77 127.0.0.1\nclose_session root /dev/pts/77 127.0.0.1\n");
}

// Until a pty exists PAM_TTY is "ssh", as OpenSSH sets it (PAM_TTY_KLUDGE).
TEST_F(PamSessionTest, TtyIsSshWithoutAPty) {
  PamSession pam;
  ASSERT_TRUE(pam.start(service_, "root", "192.0.2.7"));
  ASSERT_TRUE(pam.open_session());
  EXPECT_EQ(marker(), "open_session root ssh 192.0.2.7\n");
}

TEST_F(PamSessionTest, DestructionClosesAnOpenSession) {
  {
    PamSession pam;
    ASSERT_TRUE(pam.start(service_, "root", "127.0.0.1"));
    ASSERT_TRUE(pam.open_session());
    PamSession moved = std::move(pam);  // the open session goes with the object
    EXPECT_FALSE(pam.started());
    EXPECT_TRUE(moved.session_open());
  }
  EXPECT_EQ(marker(), "open_session root ssh 127.0.0.1\nclose_session root ssh 127.0.0.1\n");
}

// A forked child's copy forgets the transaction: only the opener closes.
TEST_F(PamSessionTest, AbandonRunsNoCloseStack) {
  // abandon() is for a forked child that leaves through _exit: the stacks and the
  // handle stay the parent's to close.
  PamSession pam;
  ASSERT_TRUE(pam.start(service_, "root", "127.0.0.1"));
  ASSERT_TRUE(pam.open_session());
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    pam.abandon();
    ::_exit(pam.started() ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(marker(), "open_session root ssh 127.0.0.1\n");
  pam.close();
}

TEST_F(PamSessionTest, AccountStackCanRefuse) {
  install(service_ + "-deny", "account required pam_deny.so\nsession required pam_permit.so\n");
  PamSession pam;
  ASSERT_TRUE(pam.start(service_ + "-deny", "root", "127.0.0.1"));
  auto account = pam.account();
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error().detail.rfind("pam_acct_mgmt(): ", 0), 0u) << account.error().detail;
}

TEST_F(PamSessionTest, FailedSessionStackIsAnError) {
  install(service_ + "-fail", "session required pam_deny.so\n");
  PamSession pam;
  ASSERT_TRUE(pam.start(service_ + "-fail", "root", "127.0.0.1"));
  auto opened = pam.open_session();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().detail.rfind("pam_open_session(): ", 0), 0u) << opened.error().detail;
  EXPECT_FALSE(pam.session_open());
  pam.close();
}

// Debian's own /etc/pam.d/sshd: pam_motd marks the session MOTD_SHOWN=pam, which
// is what the sshd interop test looks for. In a child, since pam_loginuid and
// pam_limits change the calling process.
TEST(PamSessionDebian, SshdServiceSetsMotdShown) {
  ASSERT_EQ(geteuid(), 0u);
  ASSERT_TRUE(std::filesystem::exists("/etc/pam.d/sshd"));
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    PamSession pam;
    if (!pam.start("sshd", "root", "127.0.0.1") || !pam.account()) _exit(2);
    (void)pam.establish_credentials();  // pam_unix's setcred: nothing to do for a key login
    if (!pam.open_session()) _exit(3);
    bool shown = has(pam.environment(), "MOTD_SHOWN=pam");
    pam.close();
    _exit(shown ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(PamSessionTest, CallsBeforeStartAreRefused) {
  PamSession pam;
  EXPECT_FALSE(pam.account());
  EXPECT_FALSE(pam.set_tty("/dev/pts/1"));
  EXPECT_FALSE(pam.establish_credentials());
  EXPECT_FALSE(pam.open_session());
  EXPECT_TRUE(pam.environment().empty());
  pam.close();
  ASSERT_TRUE(pam.start(service_, "root", "127.0.0.1"));
  EXPECT_FALSE(pam.start(service_, "root", "127.0.0.1"));  // one transaction per object
}

}  // namespace
}  // namespace sshd::test

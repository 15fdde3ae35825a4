// Sessions of another user, started by root as the monitor does: a throw-away
// account (useradd, removed afterwards) checks the uid/gid switch, the home
// directory, the pty's owner, /etc/nologin, ~/.ssh/rc as the user and ChrootDirectory.
#include <fmt/format.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "pty_allocation.hpp"
#include "session_launch.hpp"
#include "session_signals.hpp"
#include "session_test_harness.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using sshpp::test::finish_session;
using sshpp::test::run;
using sshpp::test::write_text;

class ThrowAwayUser : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(getuid(), 0u) << "these tests create a user and need root";
    name_ = "sshpp_h7_" + std::to_string(getpid());
    home_ = "/run/" + name_ + "-home";
    auto r = sshpp::test::run_account_tool({"useradd", "-M", "-U", "-d", home_, "-s", "/bin/sh", name_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    created_ = true;
    const passwd* pw = getpwnam(name_.c_str());
    ASSERT_NE(pw, nullptr);
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
    fs::create_directories(home_ + "/.ssh");
    for (const auto& p : {home_, home_ + "/.ssh"}) ASSERT_EQ(chown(p.c_str(), uid_, gid_), 0);
  }
  void TearDown() override {
    if (created_) sshpp::test::run_account_tool({"userdel", name_});
    std::error_code ec;
    if (!home_.empty()) fs::remove_all(home_, ec);
    if (!chroot_.empty()) fs::remove_all(chroot_, ec);
  }

  sshd::SessionSpec spec(std::optional<std::string> command) const {
    sshd::SessionSpec s;
    s.user = {name_, uid_, gid_, home_, "/bin/sh"};
    s.command = sshd::resolve_session_command(command, false, std::nullopt, std::nullopt);
    s.environment.remote_address = "127.0.0.1";
    s.environment.local_address = "127.0.0.1";
    s.motd_path = home_ + "/no-motd";
    s.nologin_path = home_ + "/no-nologin";
    s.system_rc_path = home_ + "/no-sshrc";
    return s;
  }

  std::string name_, home_, chroot_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  bool created_ = false;
};

sshpp::test::SessionOutcome run_spec(const sshd::SessionSpec& spec, const std::string& input = {}) {
  auto session = sshd::launch_session(spec);
  EXPECT_TRUE(session.has_value());
  if (!session) return {};
  return finish_session(*session, input);
}

TEST_F(ThrowAwayUser, ChildRunsWithTheUsersIdsHomeAndEnvironment) {
  auto o = run_spec(spec("id -u; id -g; id -G; pwd; echo \"$HOME $USER $LOGNAME $PATH\""));
  EXPECT_EQ(o.out,
            fmt::format("{0}\n{1}\n{1}\n{2}\n{2} {3} {3} /usr/local/bin:/usr/bin:/bin:/usr/games\n",
                        uid_, gid_, home_, name_));
  EXPECT_EQ(o.err, "");
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).exit_status, 0u);
}

TEST_F(ThrowAwayUser, UserRcRunsAsTheUser) {
  write_text(home_ + "/.ssh/rc", "echo \"rc as $(id -u)\"\n", 0644);
  auto o = run_spec(spec("echo after-rc"));
  EXPECT_EQ(o.out, fmt::format("rc as {}\nafter-rc\n", uid_));
}

TEST_F(ThrowAwayUser, NologinRefusesNonRootAndPrintsTheFile) {
  auto s = spec("echo should-not-run");
  write_text(s.nologin_path, "System is going down for maintenance.\n", 0644);
  auto o = run_spec(s);
  EXPECT_EQ(o.out, "");
  // Before it, the log line when sshd logs to stderr (-e), as OpenSSH's child does.
  EXPECT_TRUE(o.err.ends_with("System is going down for maintenance.\n")) << o.err;
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).exit_status, 254u);

  s.use_pam = true;  // PAM's pam_nologin decides instead
  EXPECT_EQ(run_spec(s).out, "should-not-run\n");
}

TEST_F(ThrowAwayUser, PtyBelongsToTheUserWithTtyGroup) {
  auto pty = sshd::allocate_pty();
  ASSERT_TRUE(pty);
  ASSERT_TRUE(sshd::set_pty_owner(pty->slave_path, uid_, gid_));
  auto s = spec("stat -c '%u %g %a' \"$(tty)\"; id -u");
  s.pty = sshd::SessionPtyRef{pty->master.get(), pty->slave.get(), pty->slave_path};
  auto session = sshd::launch_session(s);
  ASSERT_TRUE(session);
  pty->slave.reset();
  auto o = finish_session(*session);
  EXPECT_EQ(o.out, fmt::format("{} 5 620\r\n{}\r\n", uid_, uid_));
  sshd::release_pty(pty->slave_path);
  struct stat st {};
  ASSERT_EQ(stat(pty->slave_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 0777, 0666u);
}

TEST_F(ThrowAwayUser, UnprivilegedServerCannotStartAnotherUsersSession) {
  const pid_t helper = fork();
  ASSERT_NE(helper, -1);
  if (helper == 0) {
    // An sshd running as nobody: only nobody could log in.
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(100);
    auto session = sshd::launch_session(spec("echo should-not-run"));
    if (!session) _exit(101);
    auto o = finish_session(*session);
    _exit(o.out.empty() ? WEXITSTATUS(o.wait_status) : 102);
  }
  int status = 0;
  ASSERT_EQ(waitpid(helper, &status, 0), helper);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 255);  // fatal("Failed to set uids to N.")
}

TEST_F(ThrowAwayUser, ChrootDirectoryConfinesTheSession) {
  // A minimal root: dash and the two libraries it needs.
  chroot_ = "/run/" + name_ + "-root";
  for (const char* file :
       {"/bin/dash", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"}) {
    fs::create_directories(chroot_ + fs::path(file).parent_path().string());
    fs::copy_file(file, chroot_ + file);
    chmod((chroot_ + file).c_str(), 0755);
  }
  fs::create_directories(chroot_ + "/etc");
  write_text(chroot_ + "/etc/marker", "inside\n", 0644);
  auto s = spec("read line < /etc/marker; echo \"$line $PWD\"");
  s.user.shell = "/bin/dash";
  s.chroot_directory = chroot_;
  auto o = run_spec(s);
  EXPECT_EQ(o.out, "inside /\n");
  EXPECT_EQ(o.err, "");  // no "Could not chdir" inside a chroot

  // A chroot the user can write to is refused before anything runs.
  ASSERT_EQ(chmod(chroot_.c_str(), 0777), 0);
  o = run_spec(s);
  EXPECT_EQ(o.out, "");
  EXPECT_NE(o.err.find("bad ownership or modes for chroot directory \"" + chroot_ + "\""),
            std::string::npos)
      << o.err;
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).exit_status, 255u);
}

}  // namespace

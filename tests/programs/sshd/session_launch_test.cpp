// Launching session programs as the current user (root in the test environment):
// separated stdout/stderr, exit codes and signals, pty sessions, login banner, rc files.
#include "session_launch.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pty_allocation.hpp"
#include "session_signals.hpp"
#include "session_test_harness.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using sshpp::test::finish_session;
using sshpp::test::TempDir;
using sshpp::test::write_text;

sshd::SessionSpec spec_for_me(const std::string& home, std::optional<std::string> command) {
  sshd::SessionSpec spec;
  spec.user.name = "root";  // the suite runs as root (DESIGN.md section 7)
  spec.user.uid = getuid();
  spec.user.gid = getgid();
  spec.user.home = home;
  spec.user.shell = "/bin/sh";  // dash: no rc files of its own to blur the picture
  spec.command = sshd::resolve_session_command(command, false, std::nullopt, std::nullopt);
  spec.environment.remote_address = "192.0.2.7";
  spec.environment.remote_port = 50000;
  spec.environment.local_address = "192.0.2.1";
  spec.environment.local_port = 22;
  spec.motd_path = home + "/no-motd";
  spec.system_rc_path = home + "/no-sshrc";
  return spec;
}

sshpp::test::SessionOutcome run_spec(const sshd::SessionSpec& spec, const std::string& input = {}) {
  auto session = sshd::launch_session(spec);
  EXPECT_TRUE(session.has_value());
  if (!session) return {};
  return finish_session(*session, input);
}

TEST(SessionLaunch, CommandSeparatesStdoutAndStderrAndExitStatus) {
  TempDir home;
  auto o = run_spec(spec_for_me(home.path(), "echo out; echo err >&2; exit 3"));
  EXPECT_EQ(o.out, "out\n");
  EXPECT_EQ(o.err, "err\n");
  const auto report = sshd::ExitReport::from_wait_status(o.wait_status);
  ASSERT_TRUE(report.exit_status);
  EXPECT_EQ(*report.exit_status, 3u);
}

TEST(SessionLaunch, ExitZeroAndStdinReachesTheCommand) {
  TempDir home;
  auto o = run_spec(spec_for_me(home.path(), "tr a-z A-Z"), "hello\n");
  EXPECT_EQ(o.out, "HELLO\n");
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).exit_status, 0u);
}

TEST(SessionLaunch, DeathBySignalIsReportedWithTheSshName) {
  TempDir home;
  auto o = run_spec(spec_for_me(home.path(), "kill -TERM $$; sleep 5"));
  const auto report = sshd::ExitReport::from_wait_status(o.wait_status);
  EXPECT_TRUE(report.signalled());
  EXPECT_EQ(report.signal_name, "TERM");
  EXPECT_FALSE(report.core_dumped);
}

TEST(SessionLaunch, SignalRequestReachesTheProcessGroup) {
  TempDir home;
  auto session = sshd::launch_session(spec_for_me(home.path(), "sleep 30 & wait"));
  ASSERT_TRUE(session);
  usleep(200 * 1000);
  EXPECT_FALSE(sshd::signal_session(session->pid, "BOGUS", false));
  EXPECT_FALSE(sshd::signal_session(session->pid, "KILL", true));  // forced/subsystem
  ASSERT_TRUE(sshd::signal_session(session->pid, "KILL", false));
  auto o = finish_session(*session);
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).signal_name, "KILL");
}

TEST(SessionLaunch, SignalNamesFollowRfc4254) {
  EXPECT_EQ(sshd::ssh_signal_name(SIGTERM), "TERM");
  EXPECT_EQ(sshd::ssh_signal_name(SIGSEGV), "SEGV");
  EXPECT_EQ(sshd::ssh_signal_name(SIGWINCH), "SIG@openssh.com");
  EXPECT_EQ(sshd::signal_from_ssh_name("USR1"), SIGUSR1);
  EXPECT_FALSE(sshd::signal_from_ssh_name("SIGTERM"));
  const int dumped = SIGSEGV | 0x80;  // WCOREDUMP bit
  EXPECT_TRUE(sshd::ExitReport::from_wait_status(dumped).core_dumped);
}

TEST(SessionLaunch, ChildGetsTheSessionEnvironmentAndHome) {
  TempDir home;
  auto spec = spec_for_me(home.path(), "pwd; cat /proc/$$/environ | tr '\\0' '\\n'");
  spec.environment.client_variables = {{"LANG", "C.UTF-8"}};
  auto o = run_spec(spec);
  const std::string expected_env =
      "LANG=C.UTF-8\nUSER=root\nLOGNAME=root\nHOME=" + home.path() +
      "\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
      "\nMAIL=/var/mail/root\nSHELL=/bin/sh\n"
      "SSH_CLIENT=192.0.2.7 50000 22\n"
      "SSH_CONNECTION=192.0.2.7 50000 192.0.2.1 22\n";
  EXPECT_EQ(o.out, home.path() + "\n" + expected_env);
  EXPECT_EQ(o.err, "");
}

TEST(SessionLaunch, LoginShellGetsDashArgv0) {
  TempDir home;
  auto o = run_spec(spec_for_me(home.path(), std::nullopt), "echo \"$0\"; exit 7\n");
  EXPECT_EQ(o.out, "-sh\n");
  EXPECT_EQ(sshd::ExitReport::from_wait_status(o.wait_status).exit_status, 7u);
}

TEST(SessionLaunch, MissingHomeIsReportedAndSessionRunsInRoot) {
  auto spec = spec_for_me("/nonexistent-sshpp-home", "pwd");
  auto o = run_spec(spec);
  EXPECT_EQ(
      o.err,
      "Could not chdir to home directory /nonexistent-sshpp-home: No such file or directory\n");
  EXPECT_EQ(o.out, "/\n");
}

TEST(SessionLaunch, ForcedCommandKeepsTheOriginal) {
  TempDir home;
  auto spec = spec_for_me(home.path(), std::nullopt);
  spec.command = sshd::resolve_session_command("ls /secret", false, std::nullopt,
                                               "echo \"forced:$SSH_ORIGINAL_COMMAND\"");
  EXPECT_EQ(sshd::session_type_text(spec.command, "", ""),
            "forced-command (key-option) 'echo \"forced:$SSH_ORIGINAL_COMMAND\"'");
  EXPECT_EQ(run_spec(spec).out, "forced:ls /secret\n");
  EXPECT_EQ(sshd::session_type_text(
                sshd::resolve_session_command(std::nullopt, false, std::nullopt, std::nullopt), "",
                "/dev/pts/4"),
            "shell on pts/4");
  EXPECT_EQ(sshd::session_type_text(sshd::resolve_session_command("/usr/lib/openssh/sftp-server",
                                                                  true, std::nullopt, std::nullopt),
                                    "sftp", ""),
            "subsystem 'sftp'");
}

TEST(SessionLaunch, UserRcRunsBeforeTheCommandUnlessDisabled) {
  TempDir home;
  ASSERT_EQ(mkdir((home / ".ssh").c_str(), 0700), 0);
  write_text(home / ".ssh/rc", "echo user-rc \"$USER\"\n");
  write_text(home / "sshrc", "echo system-rc\n");
  auto spec = spec_for_me(home.path(), "echo command");
  spec.system_rc_path = home / "sshrc";
  EXPECT_EQ(run_spec(spec).out, "user-rc root\ncommand\n");

  spec.permit_user_rc = false;  // no-user-rc / PermitUserRC no: the system file instead
  EXPECT_EQ(run_spec(spec).out, "system-rc\ncommand\n");

  spec.permit_user_rc = true;  // ForceCommand also skips ~/.ssh/rc
  spec.command = sshd::resolve_session_command("x", false, "echo command", std::nullopt);
  EXPECT_EQ(run_spec(spec).out, "system-rc\ncommand\n");
}

TEST(SessionLaunch, SubsystemRunsThroughTheShellWithoutUserRc) {
  TempDir home;
  ASSERT_EQ(mkdir((home / ".ssh").c_str(), 0700), 0);
  write_text(home / ".ssh/rc", "echo user-rc\n");
  auto spec = spec_for_me(home.path(), std::nullopt);
  spec.command =
      sshd::resolve_session_command("/bin/echo subsystem-ran", true, std::nullopt, std::nullopt);
  auto o = run_spec(spec);
  EXPECT_EQ(o.out, "subsystem-ran\n");  // ~/.ssh/rc is skipped for subsystems
}

struct PtyRun {
  std::string output;
  int wait_status = 0;
};

PtyRun run_on_pty(sshd::SessionSpec spec, const std::string& input,
                  std::span<const sshcore::connection::TerminalMode> modes = {}) {
  auto pty = sshd::allocate_pty();
  EXPECT_TRUE(pty.has_value());
  if (!pty) return {};
  EXPECT_TRUE(sshd::set_pty_owner(pty->slave_path, spec.user.uid, spec.user.gid));
  EXPECT_TRUE(sshd::set_window_size(pty->master.get(), {100, 40, 0, 0}));
  EXPECT_TRUE(sshd::apply_terminal_modes(pty->slave.get(), modes));
  spec.pty = sshd::SessionPtyRef{pty->master.get(), pty->slave.get(), pty->slave_path};
  spec.environment.term = "xterm";
  auto session = sshd::launch_session(spec);
  EXPECT_TRUE(session.has_value());
  if (!session) return {};
  pty->slave.reset();  // as OpenSSH's parent does: only the child holds the tty now
  auto o = finish_session(*session, input);
  pty->master.reset();
  return {o.out, o.wait_status};
}

TEST(SessionLaunch, PtySessionHasWindowSizeModesAndControllingTty) {
  TempDir home;
  using sshcore::connection::TerminalMode;
  namespace op = sshcore::connection::tty_op;
  const TerminalMode modes[] = {
      {op::kEcho, 0}, {op::kVintr, 255}, {op::kIspeed, 38400}, {op::kOspeed, 38400}};
  auto r = run_on_pty(
      spec_for_me(home.path(), "stty size; stty -a; tty; echo \"TERM=$TERM TTY=$SSH_TTY\"; exit 4"),
      "", modes);
  EXPECT_NE(r.output.find("40 100\r\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" -echo "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("intr = <undef>"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("speed 38400 baud"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("TERM=xterm TTY=/dev/pts/"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\r\n/dev/pts/"), std::string::npos) << r.output;
  EXPECT_EQ(sshd::ExitReport::from_wait_status(r.wait_status).exit_status, 4u);
}

TEST(SessionLaunch, PtySlaveGetsTtyGroupAndMode0620) {
  auto pty = sshd::allocate_pty();
  ASSERT_TRUE(pty);
  ASSERT_TRUE(sshd::set_pty_owner(pty->slave_path, getuid(), getgid()));
  struct stat st {};
  ASSERT_EQ(stat(pty->slave_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0620u);
  EXPECT_EQ(st.st_gid, 5u);  // Debian's tty group
  if (getuid() == 0) {
    sshd::release_pty(pty->slave_path);
    ASSERT_EQ(stat(pty->slave_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0666u);
    EXPECT_EQ(st.st_uid, 0u);
  }
}

TEST(SessionLaunch, MotdAndLastLoginOnlyForInteractiveLogins) {
  TempDir home;
  write_text(home / "motd", "Welcome to sshpp-motd\n");
  auto spec = spec_for_me(home.path(), std::nullopt);
  spec.motd_path = home / "motd";
  spec.login_message = "Last login: Sat Nov 21 10:00:00 2026 from 192.0.2.7\r\n";
  auto r = run_on_pty(spec, "echo shell-ran; exit\n");
  // The tty echoes the typed line at once, so only the banner's order is fixed. The
  // message's own "\r\n" passes ONLCR, so the client sees "\r\r\n" as with OpenSSH.
  const auto last_login =
      r.output.find("Last login: Sat Nov 21 10:00:00 2026 from 192.0.2.7\r\r\n");
  const auto motd = r.output.find("Welcome to sshpp-motd\r\n");
  const auto shell = r.output.find("shell-ran\r\n");
  ASSERT_NE(last_login, std::string::npos) << r.output;
  ASSERT_NE(motd, std::string::npos) << r.output;
  ASSERT_NE(shell, std::string::npos) << r.output;
  EXPECT_LT(last_login, motd);
  EXPECT_LT(motd, shell);

  spec.print_motd = false;
  r = run_on_pty(spec, "exit\n");
  EXPECT_EQ(r.output.find("sshpp-motd"), std::string::npos) << r.output;
  spec.print_motd = true;

  auto with_command = spec;
  with_command.command =
      sshd::resolve_session_command("echo cmd", false, std::nullopt, std::nullopt);
  r = run_on_pty(with_command, "");
  EXPECT_EQ(r.output, "cmd\r\n");

  write_text(home / ".hushlogin", "");
  r = run_on_pty(spec, "echo shell-ran; exit\n");
  EXPECT_EQ(r.output.find("sshpp-motd"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Last login"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("shell-ran\r\n"), std::string::npos) << r.output;

  // Without a pty there is no banner at all (do_login runs only for ptys).
  unlink((home / ".hushlogin").c_str());
  auto o = run_spec(spec, "echo plain\n");
  EXPECT_EQ(o.out, "plain\n");
}

TEST(SessionLaunch, ChrootPathChecksFollowOpenSsh) {
  EXPECT_TRUE(sshd::check_chroot_path("/"));
  EXPECT_TRUE(sshd::check_chroot_path("/usr"));
  auto relative = sshd::check_chroot_path("usr");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().detail, "chroot path does not begin at root");
  TempDir dir;  // under /tmp, which is world-writable
  auto bad = sshd::check_chroot_path(dir.path());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(
      bad.error().detail.starts_with("bad ownership or modes for chroot directory component \"/"))
      << bad.error().detail;
  auto file = sshd::check_chroot_path("/etc/passwd");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().detail, "chroot path \"/etc/passwd\" is not a directory");
}

TEST(SessionLaunch, ChrootDirectoryTokensExpand) {
  const sshd::UserIdentity alice{"alice", 1000, 1000, "/home/alice", "/bin/sh"};
  EXPECT_EQ(sshd::expand_chroot_directory("/srv/%u/%U", alice).value(), "/srv/alice/1000");
  EXPECT_EQ(sshd::expand_chroot_directory("%h/jail", alice).value(), "/home/alice/jail");
  EXPECT_EQ(sshd::expand_chroot_directory("~/jail", alice).value(), "/home/alice/jail");
  EXPECT_EQ(sshd::expand_chroot_directory("~root/x", alice).value(), "/root/x");
  EXPECT_EQ(sshd::expand_chroot_directory("none", alice).value(), "none");
  EXPECT_FALSE(sshd::expand_chroot_directory("/srv/%q", alice));
  EXPECT_FALSE(sshd::expand_chroot_directory("~no-such-user-sshpp/x", alice));
}

}  // namespace

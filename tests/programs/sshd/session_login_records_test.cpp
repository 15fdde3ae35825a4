// utmp/wtmp/lastlog records for pty sessions, checked with util-linux's utmpdump
// (an independent reader) on scratch files, and the "Last login:" line.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <utmpx.h>

#include <ctime>

#include "login_records.hpp"
#include "pty_allocation.hpp"
#include "session_launch.hpp"
#include "session_test_harness.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using sshpp::test::run;
using sshpp::test::TempDir;
using sshpp::test::write_text;

sshd::LoginRecordFiles scratch_files(const TempDir& dir) {
  sshd::LoginRecordFiles files{dir / "utmp", dir / "wtmp", dir / "lastlog"};
  write_text(files.utmp, "", 0664);  // neither pututxline nor updwtmpx creates its file
  write_text(files.wtmp, "", 0664);
  return files;
}

TEST(LoginRecords, TtyNamesFollowLoginrec) {
  EXPECT_EQ(sshd::tty_line_name("/dev/pts/3"), "pts/3");
  EXPECT_EQ(sshd::tty_id_name("/dev/pts/3"), "ts/3");
  EXPECT_EQ(sshd::tty_id_name("/dev/pts/77"), "s/77");  // the last four, as OpenSSH writes it
  EXPECT_EQ(sshd::tty_id_name("/dev/pts/123"), "/123");
  EXPECT_EQ(sshd::tty_line_name("pts/9"), "pts/9");
}

TEST(LoginRecords, LoginThenLogoutInUtmpAndWtmp) {
  TempDir dir;
  const auto files = scratch_files(dir);
  sshd::LoginRecord record{4242, "alice", 1234, "/dev/pts/77", "client.example", "192.0.2.9"};
  ASSERT_TRUE(sshd::record_login(record, files));

  auto dump = run({"utmpdump", files.utmp});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("[7] [04242] [s/77] [alice   ] [pts/77      ] [client.example"),
            std::string::npos)
      << dump.out;
  EXPECT_NE(dump.out.find("[192.0.2.9      ]"), std::string::npos) << dump.out;

  ASSERT_TRUE(sshd::record_logout(4242, "/dev/pts/77", "alice", files));
  dump = run({"utmpdump", files.utmp});
  EXPECT_NE(dump.out.find("[8] [04242] [s/77]"), std::string::npos) << dump.out;
  EXPECT_EQ(dump.out.find("[7] [04242]"), std::string::npos) << dump.out;  // replaced in place

  auto wtmp = run({"utmpdump", files.wtmp});
  EXPECT_NE(wtmp.out.find("[7] [04242] [s/77] [alice"), std::string::npos) << wtmp.out;
  EXPECT_NE(wtmp.out.find("[8] [04242] [s/77]"), std::string::npos) << wtmp.out;
}

TEST(LoginRecords, LastLoginLineComesFromLastlog) {
  TempDir dir;
  const auto files = scratch_files(dir);
  EXPECT_EQ(sshd::last_login_message(1234, files), "");  // never logged in
  const std::time_t before = std::time(nullptr);
  ASSERT_TRUE(
      sshd::record_login({1, "alice", 1234, "/dev/pts/5", "192.0.2.9", "192.0.2.9"}, files));
  const auto last = sshd::read_last_login(1234, files);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->line, "pts/5");
  EXPECT_EQ(last->host, "192.0.2.9");
  EXPECT_GE(last->time, before);

  char expected[64];
  std::time_t t = last->time;
  std::string c = ctime_r(&t, expected);
  c.pop_back();  // ctime's newline
  EXPECT_EQ(sshd::last_login_message(1234, files), "Last login: " + c + " from 192.0.2.9\r\n");
  EXPECT_EQ(sshd::last_login_message(1235, files), "");  // another uid's slot is empty

  ASSERT_TRUE(sshd::record_login({1, "bob", 7, "/dev/pts/6", "", ""}, files));
  EXPECT_EQ(sshd::last_login_message(7, files).find(" from "), std::string::npos);
}

// The monitor's sequence for a pty session: allocate, record, run, record the logout.
TEST(LoginRecords, PtySessionIsRecordedAndRemoved) {
  TempDir dir;
  const auto files = scratch_files(dir);
  auto pty = sshd::allocate_pty();
  ASSERT_TRUE(pty);
  sshd::SessionSpec spec;
  spec.user = {"root", getuid(), getgid(), dir.path(), "/bin/sh"};
  spec.command.command = "utmpdump " + files.utmp + " 2>/dev/null";
  spec.pty = sshd::SessionPtyRef{pty->master.get(), pty->slave.get(), pty->slave_path};
  spec.motd_path = dir / "no-motd";
  spec.system_rc_path = dir / "no-sshrc";
  auto session = sshd::launch_session(spec);
  ASSERT_TRUE(session);
  pty->slave.reset();
  ASSERT_TRUE(sshd::record_login(
      {session->pid, "root", getuid(), pty->slave_path, "192.0.2.9", "192.0.2.9"}, files));
  const auto seen_by_session = sshpp::test::finish_session(*session).out;
  ASSERT_TRUE(sshd::record_logout(session->pid, pty->slave_path, "root", files));

  const std::string line = "[" + sshd::tty_line_name(pty->slave_path);
  const std::string pid = fmt::format("[{:05}]", session->pid);
  // The child may read utmp before the record lands; the file afterwards may not lie.
  auto dump = run({"utmpdump", files.utmp}).out;
  EXPECT_NE(dump.find("[8] " + pid), std::string::npos) << dump;
  EXPECT_EQ(dump.find("[7] " + pid), std::string::npos) << dump;
  auto wtmp = run({"utmpdump", files.wtmp}).out;
  EXPECT_NE(wtmp.find("[7] " + pid), std::string::npos) << wtmp;
  EXPECT_NE(wtmp.find(line), std::string::npos) << wtmp;
  (void)seen_by_session;
}

TEST(LoginRecords, MissingUtmpIsAnError) {
  TempDir dir;
  sshd::LoginRecordFiles files{dir / "absent/utmp", dir / "wtmp", dir / "lastlog"};
  EXPECT_FALSE(sshd::record_login({1, "alice", 1, "/dev/pts/1", "h", ""}, files));
}

}  // namespace

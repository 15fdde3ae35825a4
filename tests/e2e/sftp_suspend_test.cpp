// sftp stopped by SIGTSTP (OpenSSH's suspchild()): the program it talks to (ssh, or the
// server of -D) is stopped first, then sftp itself; after SIGCONT both go on and the
// session still works. Debian's sftp is held to the same checks.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace {

using namespace std::chrono_literals;
using sshpp::test::our_bin;

// The state letter of /proc/PID/stat ('T' = stopped), '?' when it cannot be read.
char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() ? '?' : text[close + 2];
}

pid_t only_child(pid_t pid) {
  for (int i = 0; i < 100; ++i) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    long child = 0;
    if (in >> child) return static_cast<pid_t>(child);
    std::this_thread::sleep_for(50ms);
  }
  return -1;
}

bool wait_for_state(pid_t pid, char state) {
  for (int i = 0; i < 100; ++i) {
    if (process_state(pid) == state) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

class SftpSuspend : public ::testing::TestWithParam<const char*> {};

TEST_P(SftpSuspend, StopsTheServerThenItselfAndBothGoOn) {
  sshpp::test::TempDir dir;
  std::string fifo = dir.path() + "/commands";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string sftp = std::string(GetParam()) == "ours" ? our_bin("sftp") : "/usr/bin/sftp";
  // Job control as a shell does it: sftp in a process group of its own whose parent is
  // in another group of the same session (BackgroundProcess makes a new session). A group
  // without that is orphaned and the kernel drops stop signals sent to its members.
  const std::string launcher =
      "import os, sys\n"
      "pid = os.fork()\n"
      "if pid == 0:\n"
      "    os.setpgid(0, 0)\n"
      "    os.execv(sys.argv[1], sys.argv[1:])\n"
      "_, status = os.waitpid(pid, 0)\n"
      "sys.exit(os.waitstatus_to_exitcode(status))\n";
  sshpp::test::BackgroundProcess proc(
      {"/usr/bin/python3", "-c", launcher, sftp, "-D", our_bin("sftp-server"), "-b", fifo}, dir.path() + "/sftp.log");
  // Opening the fifo for writing waits until sftp opens it for its batch.
  std::ofstream commands(fifo);
  ASSERT_TRUE(commands.good());
  pid_t sftp_pid = only_child(proc.pid());
  ASSERT_GT(sftp_pid, 1);
  pid_t server = only_child(sftp_pid);
  ASSERT_GT(server, 1);
  ASSERT_TRUE(wait_for_state(server, 'S'));

  ::kill(sftp_pid, SIGTSTP);
  EXPECT_TRUE(wait_for_state(server, 'T')) << "server state " << process_state(server);
  EXPECT_TRUE(wait_for_state(sftp_pid, 'T')) << "sftp state " << process_state(sftp_pid);

  ::kill(server, SIGCONT);
  ::kill(sftp_pid, SIGCONT);
  commands << "pwd\nbye\n";
  commands.close();
  EXPECT_EQ(proc.wait(20s), 0) << proc.log();
  EXPECT_NE(proc.log().find("Remote working directory: "), std::string::npos) << proc.log();
}

std::string which(const ::testing::TestParamInfo<const char*>& p) {
  return std::string(p.param) == "ours" ? "Ours" : "Debian";
}

INSTANTIATE_TEST_SUITE_P(BothSftps, SftpSuspend, ::testing::Values("ours", "debian"), which);

}  // namespace

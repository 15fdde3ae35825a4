// scp interrupted while its ssh runs (OpenSSH's killchild()): SIGINT, SIGTERM or SIGHUP
// reach the ssh too, scp waits for it and exits with status 1, in SFTP mode and with
// -O, exactly as Debian's scp does with the same stand-in ssh.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace {

using namespace std::chrono_literals;
using sshpp::test::our_bin;

struct Case {
  const char* scp;  // "ours" or Debian's
  int signal;
  bool legacy;
};

class ScpKillchild : public ::testing::TestWithParam<Case> {};

// A stand-in ssh: records its pid, then waits (as a real ssh waiting for a slow host).
std::string fake_ssh(const sshpp::test::TempDir& dir) {
  std::string path = dir.path() + "/fake-ssh";
  sshpp::test::write_text(path, "#!/bin/sh\necho $$ > " + dir.path() + "/ssh.pid\nexec sleep 60\n", 0755);
  return path;
}

pid_t wait_for_pid_file(const std::string& path) {
  for (int i = 0; i < 100; ++i) {
    std::string text;
    if (::access(path.c_str(), R_OK) == 0) text = sshpp::test::read_text(path);
    if (!text.empty() && text.back() == '\n') return static_cast<pid_t>(std::stol(text));
    std::this_thread::sleep_for(50ms);
  }
  return -1;
}

TEST_P(ScpKillchild, SignalStopsTheSshAndExitsWithStatusOne) {
  const Case& c = GetParam();
  sshpp::test::TempDir dir;
  std::string scp = std::string(c.scp) == "ours" ? our_bin("scp") : "/usr/bin/scp";
  std::vector<std::string> argv{scp, "-q", "-S", fake_ssh(dir)};
  if (c.legacy) argv.push_back("-O");
  argv.push_back("user@example.invalid:/remote/file");
  argv.push_back(dir.path() + "/local");
  sshpp::test::BackgroundProcess proc(argv, dir.path() + "/scp.log");
  pid_t ssh_pid = wait_for_pid_file(dir.path() + "/ssh.pid");
  ASSERT_GT(ssh_pid, 1) << "the stand-in ssh never started";
  ASSERT_EQ(::kill(ssh_pid, 0), 0);
  // scp sets its handlers right after the fork; give a loaded machine time for that.
  std::this_thread::sleep_for(200ms);
  ::kill(proc.pid(), c.signal);
  EXPECT_EQ(proc.wait(10s), 1) << proc.log();
  // scp waited for its ssh before exiting: the process is gone (reaped), not orphaned.
  EXPECT_EQ(::kill(ssh_pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

std::string name(const ::testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  std::string s = std::string(c.scp) == "ours" ? "Ours" : "Debian";
  s += c.signal == SIGINT ? "Sigint" : c.signal == SIGTERM ? "Sigterm" : "Sighup";
  s += c.legacy ? "Legacy" : "Sftp";
  return s;
}

INSTANTIATE_TEST_SUITE_P(BothScps, ScpKillchild,
                         ::testing::Values(Case{"ours", SIGINT, false}, Case{"ours", SIGTERM, false},
                                           Case{"ours", SIGHUP, true}, Case{"ours", SIGINT, true},
                                           Case{"debian", SIGINT, false}, Case{"debian", SIGTERM, true}),
                         name);

}  // namespace

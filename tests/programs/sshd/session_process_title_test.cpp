// The process title in /proc/PID/cmdline, set by overwriting the real argv area.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "process_title.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// gtest_main keeps argv to itself, so the child rebuilds it from the kernel's
// arg_start/arg_end (fields 48 and 49 of /proc/self/stat): the same strings main got.
std::vector<char*> real_argv() {
  const std::string stat = read_file("/proc/self/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long arg_start = 0, arg_end = 0;
  for (int n = 3; fields >> field; ++n) {
    if (n == 48) arg_start = std::stoul(field);
    if (n == 49) arg_end = std::stoul(field);
  }
  std::vector<char*> argv;
  for (char* p = reinterpret_cast<char*>(arg_start); p < reinterpret_cast<char*>(arg_end);
       p += std::strlen(p) + 1)
    argv.push_back(p);
  argv.push_back(nullptr);
  return argv;
}

TEST(ProcessTitle, PsSeesTheNewTitle) {
  int ready[2], done[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(done), 0);
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto argv = real_argv();
    sshd::init_process_title(static_cast<int>(argv.size() - 1), argv.data());
    const char* home_before = getenv("PATH");
    sshd::set_process_title("{}@{}", "alice", "pts/3");
    // environ was moved away first, so the environment survives the overwrite.
    const bool env_ok = home_before != nullptr && getenv("PATH") != nullptr &&
                        std::string(getenv("PATH")) == home_before;
    (void)!write(ready[1], env_ok ? "1" : "0", 1);
    char c;
    (void)!read(done[0], &c, 1);
    sshd::set_process_title("{} [priv]", "a-much-longer-user-name-than-before");
    (void)!write(ready[1], "2", 1);
    (void)!read(done[0], &c, 1);
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  EXPECT_EQ(c, '1');
  std::string cmdline = read_file("/proc/" + std::to_string(child) + "/cmdline");
  EXPECT_EQ(std::string(cmdline.c_str()), "program_sshd: alice@pts/3");
  ASSERT_EQ(write(done[1], "x", 1), 1);
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  cmdline = read_file("/proc/" + std::to_string(child) + "/cmdline");
  EXPECT_EQ(std::string(cmdline.c_str()),
            "program_sshd: a-much-longer-user-name-than-before [priv]");
  ASSERT_EQ(write(done[1], "x", 1), 1);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
}

}  // namespace

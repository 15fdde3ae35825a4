#include "child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>

namespace scp {
namespace {

// At most a few children live at once (OpenSSH keeps two: do_cmd_pid, do_cmd_pid2).
constexpr int kMaxGuarded = 8;
volatile std::sig_atomic_t g_guarded[kMaxGuarded] = {};

extern "C" void kill_children(int signo) {
  for (int i = 0; i < kMaxGuarded; ++i) {
    pid_t pid = static_cast<pid_t>(g_guarded[i]);
    if (pid <= 1) continue;
    ::kill(pid, signo);
    while (::waitpid(pid, nullptr, 0) == -1 && errno == EINTR) {
    }
  }
  ::_exit(1);
}

}  // namespace

void guard_child(pid_t pid) {
  static bool installed = false;
  if (pid <= 1) return;
  if (!installed) {
    installed = true;
    struct sigaction sa {};
    sa.sa_handler = kill_children;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, s);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
  }
  for (int i = 0; i < kMaxGuarded; ++i) {
    if (g_guarded[i] == 0) {
      g_guarded[i] = pid;
      return;
    }
  }
}

void unguard_child(pid_t pid) {
  for (int i = 0; i < kMaxGuarded; ++i)
    if (g_guarded[i] == pid) g_guarded[i] = 0;
}

pid_t spawn_on_fds(const std::vector<std::string>& argv, int in_fd, int out_fd) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (in_fd >= 0 && in_fd != 0) ::dup2(in_fd, 0);
    if (out_fd >= 0 && out_fd != 1) ::dup2(out_fd, 1);
    ::execvp(args[0], args.data());
    std::perror(args[0]);
    ::_exit(1);
  }
  guard_child(pid);
  return pid;
}

int run_to_completion(const std::vector<std::string>& argv) {
  pid_t pid = spawn_on_fds(argv, -1, -1);
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1)
    if (errno != EINTR) return -1;
  unguard_child(pid);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

bool wait_success(pid_t pid) {
  if (pid <= 0) return false;
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1)
    if (errno != EINTR) return false;
  unguard_child(pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace scp

#include "child_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace scp {

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
  return pid;
}

int run_to_completion(const std::vector<std::string>& argv) {
  pid_t pid = spawn_on_fds(argv, -1, -1);
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1)
    if (errno != EINTR) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

bool wait_success(pid_t pid) {
  if (pid <= 0) return false;
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1)
    if (errno != EINTR) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace scp

#include "sshcore/io/subprocess.hpp"

#include <climits>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sshcore/io/file_io.hpp"

namespace sshcore::io {

namespace {

// Bulk SFTP data crosses these pipes: a 1 MiB pipe (Linux's default maximum for
// unprivileged users) instead of 64 KiB cuts the read/write/poll calls by 16.
constexpr int kPipeSize = 1024 * 1024;

Result<PipeEnds> blocking_pipe(bool large) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(system_error(errno));
  if (large) (void)::fcntl(fds[0], F_SETPIPE_SZ, kPipeSize);  // best effort: a smaller pipe still works
  return PipeEnds{Fd(fds[0]), Fd(fds[1])};
}

// Between fork and exec only async-signal-safe calls: no allocation, no stdio.
[[noreturn]] void exec_child(char* const* argv, int stdin_fd, int stdout_fd, int report_fd) {
  ::signal(SIGPIPE, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(stdin_fd, 0) < 0 || ::dup2(stdout_fd, 1) < 0) {
    int err = errno;
    (void)!::write(report_fd, &err, sizeof err);
    ::_exit(127);
  }
  ::execvp(argv[0], argv);
  int err = errno;
  (void)!::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

}  // namespace

Result<Subprocess> spawn_with_pipes(const std::vector<std::string>& argv) {
  if (argv.empty()) return fail(Errc::kInvalidArgument, "empty command");
  SSH_TRY(to_child, blocking_pipe(true));
  SSH_TRY(from_child, blocking_pipe(true));
  // The exec outcome travels back on a close-on-exec pipe: EOF means exec worked.
  SSH_TRY(report, blocking_pipe(false));
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) return fail(system_error(errno));
  if (pid == 0) exec_child(args.data(), to_child.read.get(), from_child.write.get(), report.write.get());

  report.write.reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report.read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return fail(Errc::kSystem, "exec: " + argv[0] + ": " + std::strerror(child_errno));
  }
  Subprocess p;
  p.pid = pid;
  p.to_child = std::move(to_child.write);
  p.from_child = std::move(from_child.read);
  return p;
}

Result<int> wait_for_exit(pid_t pid) {
  int status = 0;
  for (;;) {
    if (::waitpid(pid, &status, 0) >= 0) break;
    if (errno != EINTR) return fail(system_error(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return fail(Errc::kInternal, "unexpected wait status");
}

std::string program_beside_self(const std::string& name) {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return name;
  std::string path(self, static_cast<std::size_t>(n));
  path.erase(path.rfind('/') + 1);
  path += name;
  return ::access(path.c_str(), X_OK) == 0 ? path : name;
}

}  // namespace sshcore::io

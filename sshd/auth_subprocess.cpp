#include "auth_subprocess.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace sshd {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
  int r = -1, w = -1;
  bool open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    r = fds[0];
    w = fds[1];
    return true;
  }
  void close_both() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
    r = w = -1;
  }
};

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// In the child: only async-signal-safe calls until exec. Reports errno on `report`.
[[noreturn]] void exec_child(const SubprocessSpec& spec, char* const* argv, char* const* envp, int out_w,
                             int err_w, int report) {
  auto die = [report](int e) {
    (void)!write(report, &e, sizeof e);
    _exit(127);
  };
  setpgid(0, 0);
  int devnull = open("/dev/null", O_RDWR);
  if (devnull < 0) die(errno);
  if (dup2(devnull, STDIN_FILENO) < 0 || dup2(out_w, STDOUT_FILENO) < 0) die(errno);
  if (dup2(err_w >= 0 ? err_w : devnull, STDERR_FILENO) < 0) die(errno);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  if (spec.uid && geteuid() == 0) {
    if (setgroups(spec.groups.size(), spec.groups.data()) != 0) die(errno);
    if (setresgid(spec.gid, spec.gid, spec.gid) != 0) die(errno);
    if (setresuid(*spec.uid, *spec.uid, *spec.uid) != 0) die(errno);
  }
  if (spec.exec_fd >= 0) {
    // A "#!" script is read by its interpreter through /dev/fd/N, which must survive exec.
    fcntl(spec.exec_fd, F_SETFD, 0);
    fexecve(spec.exec_fd, argv, envp);
  } else {
    execve(spec.path.c_str(), argv, envp);
  }
  die(errno);
  _exit(127);
}

void drain(int fd, std::string& into, std::size_t limit, bool& open) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      std::size_t keep = std::min<std::size_t>(static_cast<std::size_t>(n), limit - std::min(limit, into.size()));
      into.append(buf, keep);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    open = false;  // EOF or a hard error
    return;
  }
}

}  // namespace

SubprocessOutcome run_subprocess(const SubprocessSpec& spec) {
  SubprocessOutcome outcome;
  Pipe out, err, report;
  if (!out.open() || (spec.capture_stderr && !err.open()) || !report.open()) {
    outcome.error = errno;
    out.close_both();
    err.close_both();
    report.close_both();
    return outcome;
  }
  std::vector<char*> argv = c_strings(spec.argv);
  std::vector<char*> envp = c_strings(spec.env);
  pid_t pid = fork();
  if (pid < 0) {
    outcome.error = errno;
    out.close_both();
    err.close_both();
    report.close_both();
    return outcome;
  }
  if (pid == 0) exec_child(spec, argv.data(), envp.data(), out.w, err.w, report.w);
  setpgid(pid, pid);  // also from the parent, so the kill below cannot race the child's own call
  ::close(out.w);
  out.w = -1;
  if (err.w >= 0) ::close(err.w);
  err.w = -1;
  ::close(report.w);
  report.w = -1;

  fcntl(out.r, F_SETFL, O_NONBLOCK);
  if (err.r >= 0) fcntl(err.r, F_SETFL, O_NONBLOCK);
  bool out_open = true, err_open = err.r >= 0;
  const auto deadline = Clock::now() + spec.timeout;
  bool timed_out = false, exited = false;
  int status = 0;
  // The program's end is what counts, not its streams' (a daemon it started may keep
  // them open): a pidfd wakes poll() when it exits; without one, poll in short steps.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  while (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out.r, POLLIN, 0};
    if (err_open) fds[n++] = {err.r, POLLIN, 0};
    if (pidfd >= 0) fds[n++] = {pidfd, POLLIN, 0};
    int step = pidfd >= 0 ? 1000 : 20;
    int ready = poll(fds, n, static_cast<int>(std::min<long long>(left, step)));
    if (ready < 0 && errno != EINTR) break;
    if (out_open) drain(out.r, outcome.out, spec.max_output, out_open);
    if (err_open) drain(err.r, outcome.err, spec.max_output, err_open);
    pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid) exited = true;
    if (got < 0 && errno == ECHILD) {  // reaped elsewhere: the status is lost, so fail closed
      outcome.error = ECHILD;
      out.close_both();
      err.close_both();
      report.close_both();
      if (pidfd >= 0) ::close(pidfd);
      return outcome;
    }
  }
  if (exited) {  // what it wrote just before exiting
    if (out_open) drain(out.r, outcome.out, spec.max_output, out_open);
    if (err_open) drain(err.r, outcome.err, spec.max_output, err_open);
  } else {
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    kill(-pid, SIGKILL);  // stragglers of the group
  }
  if (pidfd >= 0) ::close(pidfd);
  int exec_errno = 0;
  bool exec_failed = read(report.r, &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  out.close_both();
  err.close_both();
  report.close_both();

  if (timed_out) {
    outcome.end = SubprocessOutcome::End::kTimedOut;
  } else if (exec_failed) {
    outcome.end = SubprocessOutcome::End::kExecFailed;
    outcome.error = exec_errno;
  } else if (WIFEXITED(status)) {
    outcome.end = SubprocessOutcome::End::kExited;
    outcome.status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.end = SubprocessOutcome::End::kSignalled;
    outcome.status = WTERMSIG(status);
  }
  return outcome;
}

std::string describe_outcome(const SubprocessOutcome& o) {
  using End = SubprocessOutcome::End;
  switch (o.end) {
    case End::kExited: return fmt::format("exit {}", o.status);
    case End::kSignalled: return fmt::format("killed by signal {}", o.status);
    case End::kTimedOut: return "timed out";
    case End::kExecFailed: return fmt::format("exec failed: {}", std::strerror(o.error));
    case End::kSpawnFailed: return fmt::format("could not start: {}", std::strerror(o.error));
  }
  return "unknown";
}

}  // namespace sshd

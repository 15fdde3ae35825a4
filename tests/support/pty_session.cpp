#include "support/pty_session.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace sshpp::test {

PtySession::PtySession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                       const std::vector<std::string>& unset_env) {
  master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) {
    ADD_FAILURE() << "posix_openpt: " << std::strerror(errno);
    return;
  }
  const char* slave_name = ::ptsname(master_);
  if (slave_name == nullptr) {
    ADD_FAILURE() << "ptsname: " << std::strerror(errno);
    return;
  }
  std::string slave_path = slave_name;
  pid_ = ::fork();
  if (pid_ < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return;
  }
  if (pid_ == 0) {
    ::setsid();
    int slave = ::open(slave_path.c_str(), O_RDWR);
    if (slave < 0) ::_exit(127);
    ::ioctl(slave, TIOCSCTTY, 0);
    ::dup2(slave, 0);
    ::dup2(slave, 1);
    ::dup2(slave, 2);
    if (slave > 2) ::close(slave);
    for (const auto& name : unset_env) ::unsetenv(name.c_str());
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

PtySession::~PtySession() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (master_ >= 0) ::close(master_);
}

bool PtySession::read_some(int timeout_ms) {
  if (eof_ || master_ < 0) return false;
  pollfd pfd{master_, POLLIN, 0};
  int r = ::poll(&pfd, 1, timeout_ms);
  if (r < 0 && errno == EINTR) return true;
  if (r <= 0) return false;
  char buf[4096];
  ssize_t n = ::read(master_, buf, sizeof buf);
  if (n > 0) {
    output_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  // EIO: every slave descriptor closed, i.e. the program has ended.
  eof_ = true;
  return false;
}

bool PtySession::expect(std::string_view text, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    std::size_t at = output_.find(text, matched_);
    if (at != std::string::npos) {
      matched_ = at + text.size();
      return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || eof_) return false;
    read_some(static_cast<int>(left.count()));
  }
}

void PtySession::send(std::string_view text) {
  while (!text.empty() && master_ >= 0) {
    ssize_t n = ::write(master_, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

int PtySession::wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  for (;;) {
    read_some(50);
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (eof_) ::usleep(1000);
    if (std::chrono::steady_clock::now() > deadline) return -1;
  }
  pid_ = -1;
  while (read_some(50)) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void PtySession::resize(unsigned short rows, unsigned short cols) {
  winsize size{};
  size.ws_row = rows;
  size.ws_col = cols;
  if (master_ >= 0 && ::ioctl(master_, TIOCSWINSZ, &size) != 0)
    ADD_FAILURE() << "TIOCSWINSZ: " << std::strerror(errno);
}

}  // namespace sshpp::test

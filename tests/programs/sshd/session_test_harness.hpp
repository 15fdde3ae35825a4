// Drives a launched session in tests: collects what the child writes and how it ended.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "session_launch.hpp"

namespace sshpp::test {

struct SessionOutcome {
  std::string out, err;  // with a pty, everything arrives in `out`
  int wait_status = 0;
};

// Reads until every stream reports EOF (a pty master reports EIO once the child and
// all slave descriptors are gone), then reaps the child. `input` is written first and
// stdin closed (no pty), or typed into the pty.
inline SessionOutcome finish_session(sshd::RunningSession& s, const std::string& input = {},
                                     int timeout_seconds = 30) {
  SessionOutcome o;
  if (s.stdin_writer) {
    if (!input.empty()) (void)!write(s.stdin_writer.get(), input.data(), input.size());
    s.stdin_writer.reset();
  } else if (s.pty_master && !input.empty()) {
    (void)!write(s.pty_master.get(), input.data(), input.size());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  sshcore::io::Fd* streams[] = {&s.stdout_reader, &s.stderr_reader, &s.pty_master};
  std::string* sinks[] = {&o.out, &o.err, &o.out};
  for (;;) {
    pollfd fds[3];
    int n = 0, map[3];
    for (int i = 0; i < 3; ++i)
      if (*streams[i]) {
        fds[n] = {streams[i]->get(), POLLIN, 0};
        map[n++] = i;
      }
    if (n == 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(s.pid, SIGKILL);  // a hung child fails the test instead of hanging it
      break;
    }
    if (poll(fds, static_cast<nfds_t>(n), 200) <= 0) continue;
    for (int k = 0; k < n; ++k) {
      if (fds[k].revents == 0) continue;
      char buf[4096];
      const ssize_t got = read(fds[k].fd, buf, sizeof buf);
      if (got > 0)
        sinks[map[k]]->append(buf, static_cast<std::size_t>(got));
      else if (got == 0 || (errno != EAGAIN && errno != EINTR))
        streams[map[k]]->reset();
    }
  }
  if (waitpid(s.pid, &o.wait_status, 0) != s.pid) o.wait_status = -1;
  return o;
}

}  // namespace sshpp::test

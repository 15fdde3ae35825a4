#include "preauth_log_relay.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace sshd {

namespace log = sshcore::log;

namespace {

constexpr std::string_view kMark = " [preauth]";

struct Prefix {
  std::string_view text;
  log::Level level;
};
// The stderr shapes of log.cpp; a line without one is INFO-or-above.
constexpr std::array kPrefixes{Prefix{"debug1: ", log::Level::kDebug1}, Prefix{"debug2: ", log::Level::kDebug2},
                               Prefix{"debug3: ", log::Level::kDebug3}};

[[noreturn]] void run_relay(int fd) {
  std::string pending;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      RelayedLine line = parse_relayed_line(std::string_view(pending).substr(0, nl));
      if (!line.text.empty()) log::emit(line.level, line.text);
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty()) {
    RelayedLine line = parse_relayed_line(pending);
    log::emit(line.level, line.text);
  }
  _exit(0);
}

}  // namespace

RelayedLine parse_relayed_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return {log::Level::kInfo, ""};
  log::Level level = log::Level::kInfo;
  for (const auto& p : kPrefixes)
    if (line.starts_with(p.text)) {
      level = p.level;
      line.remove_prefix(p.text.size());
      break;
    }
  std::string text(line);
  if (!text.ends_with(kMark)) text += kMark;  // lines the policy already marked keep one mark
  return {level, std::move(text)};
}

PreauthLogRelay start_preauth_log_relay() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return {};
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(p[0]);
    ::close(p[1]);
    return {};
  }
  if (pid == 0) {
    ::close(p[1]);
    // Nothing of the connection stays open in here: only the pipe and the log.
    int keep = p[0];
    ::close_range(3, static_cast<unsigned>(keep - 1), 0);
    ::close_range(static_cast<unsigned>(keep + 1), ~0u, 0);
    run_relay(keep);
  }
  ::close(p[0]);
  return {sshcore::io::Fd(p[1]), pid};
}

void log_to_relay(PreauthLogRelay& relay) {
  if (!relay.child_end) return;
  ::dup2(relay.child_end.get(), STDERR_FILENO);
  relay.child_end.reset();
  log::Options o;
  o.program = "sshd";
  o.level = log::level();
  log::init(o);  // stderr lines, which the sandbox allows
}

void finish_preauth_log_relay(PreauthLogRelay& relay) {
  relay.child_end.reset();
  if (relay.relay_pid <= 0) return;
  int status;
  while (::waitpid(relay.relay_pid, &status, 0) < 0 && errno == EINTR) {
  }
  relay.relay_pid = -1;
}

}  // namespace sshd

#include "session_signals.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

namespace sshd {

using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

namespace {

struct SignalRow {
  std::string_view name;
  int number;
};
// RFC 4254 section 6.10, in OpenSSH's order.
constexpr SignalRow kSignals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},   {"ILL", SIGILL},
    {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},
    {"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
};

}  // namespace

std::string_view ssh_signal_name(int signal_number) {
  for (const SignalRow& row : kSignals)
    if (row.number == signal_number) return row.name;
  return "SIG@openssh.com";
}

std::optional<int> signal_from_ssh_name(std::string_view name) {
  for (const SignalRow& row : kSignals)
    if (row.name == name) return row.number;
  return std::nullopt;
}

ExitReport ExitReport::from_wait_status(int status) {
  ExitReport report;
  if (WIFSIGNALED(status)) {
    report.signal_name = std::string(ssh_signal_name(WTERMSIG(status)));
    report.core_dumped = WCOREDUMP(status) != 0;
  } else {
    report.exit_status = static_cast<std::uint32_t>(WEXITSTATUS(status));
  }
  return report;
}

Result<void> signal_session(pid_t session_pid, std::string_view ssh_name,
                            bool forced_or_subsystem) {
  const auto number = signal_from_ssh_name(ssh_name);
  if (!number)
    return fail(Errc::kInvalidArgument, fmt::format("unsupported signal \"{}\"", ssh_name));
  if (forced_or_subsystem)
    return fail(
        Errc::kInvalidArgument,
        fmt::format("refusing to send signal {} to forced-command or subsystem session", ssh_name));
  if (session_pid <= 0) return fail(Errc::kInvalidArgument, "no child process");
  if (killpg(session_pid, *number) == -1)
    return fail(Errc::kSystem,
                fmt::format("killpg({}, {}): {}", session_pid, *number, std::strerror(errno)));
  return {};
}

}  // namespace sshd

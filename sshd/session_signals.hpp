// Signals between a session and the client (RFC 4254 6.9 and 6.10): the SSH names
// ("TERM", no "SIG" prefix) of the "signal" request and of "exit-signal", and the
// report sent when the child ends (session.c session_exit_message).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sshcore/base/result.hpp"

namespace sshd {

// OpenSSH's sig2name: the RFC's names, "SIG@openssh.com" for any other signal.
std::string_view ssh_signal_name(int signal_number);
// name2sig: nullopt for a name outside the RFC's list.
std::optional<int> signal_from_ssh_name(std::string_view name);

struct ExitReport {
  // Exactly one of these: "exit-status" with the code, or "exit-signal".
  std::optional<std::uint32_t> exit_status;
  std::string signal_name;  // "TERM", "KILL", ... when signalled
  bool core_dumped = false;

  static ExitReport from_wait_status(int status);
  bool signalled() const { return !exit_status.has_value(); }
};

// The "signal" request: killpg on the session's process group (the child called
// setsid). Refused for forced-command and subsystem sessions, as OpenSSH does, and
// for unknown names. Errors carry OpenSSH's log wording.
sshcore::Result<void> signal_session(pid_t session_pid, std::string_view ssh_name,
                                     bool forced_or_subsystem);

}  // namespace sshd

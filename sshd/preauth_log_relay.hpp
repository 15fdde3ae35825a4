// The pre-auth child's log lines. Its sandbox allows neither syslog's socket calls
// nor opening a log file, and OpenSSH marks every line of that child " [preauth]";
// so, as OpenSSH's monitor forwards its child's log, the child writes its lines into
// a pipe and a small relay process (forked from the monitor, with the daemon's log
// settings) re-emits each one, marked, as it arrives. The monitor itself stays free
// for its synchronous request loop.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "sshcore/base/log.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {

struct PreauthLogRelay {
  sshcore::io::Fd child_end;  // given to the pre-auth child
  pid_t relay_pid = -1;
};

// Forks the relay; child_end is invalid (and logging left alone) when that fails.
PreauthLogRelay start_preauth_log_relay();
// In the pre-auth child: its log lines go to the relay from now on.
void log_to_relay(PreauthLogRelay& relay);
// In the monitor, after the pre-auth child is gone: the relay ends at EOF.
void finish_preauth_log_relay(PreauthLogRelay& relay);

// One line as the child wrote it ("debug1: x\r\n") -> its level and text.
struct RelayedLine {
  sshcore::log::Level level;
  std::string text;  // with " [preauth]" appended
};
RelayedLine parse_relayed_line(std::string_view line);

}  // namespace sshd

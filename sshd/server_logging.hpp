// Where sshd's log lines go (log.c's log_init as sshd.c calls it): stderr with -d/-e
// (with -E a file opened once and put on descriptor 2, as log_redirect_stderr_to),
// otherwise syslog as "sshd[PID]: " under SyslogFacility, at
// LogLevel (which -d and -q have already set through the command line's lines).
#pragma once

#include <optional>
#include <string_view>

#include "command_line.hpp"
#include "sshcore/config/sshd_config.hpp"

namespace sshd {

// Before the configuration is read: stderr (or the -E file) at INFO, or the -d level,
// as sshd.c forces stderr until its host keys are loaded.
void init_early_logging(const CommandLine& command_line);
// After: LogLevel and SyslogFacility from the configuration.
void init_server_logging(const CommandLine& command_line, const sshcore::config::SshdOptions& options);

// -E after daemon(3) pointed stderr at /dev/null: the log file becomes stderr again.
void reattach_log_file();

// LOG_AUTH etc. for a SyslogFacility word (DAEMON USER AUTH AUTHPRIV LOCAL0..7).
std::optional<int> syslog_facility(std::string_view name);

}  // namespace sshd

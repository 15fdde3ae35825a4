#include "server_logging.hpp"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sshcore/base/log.hpp"

namespace sshd {

namespace log = sshcore::log;

namespace {

// -E: the file is opened once (log_redirect_stderr_to) and becomes stderr, so every
// process of the daemon writes to it whatever uid it runs as, the sandboxed one too.
int g_log_file_fd = -1;

log::Options stderr_options(const CommandLine&, log::Level level) {
  log::Options o;
  o.program = "sshd";
  o.level = level;
  return o;
}

}  // namespace

std::optional<int> syslog_facility(std::string_view name) { return log::facility_from_name(name); }

void init_early_logging(const CommandLine& c) {
  if (!c.log_file.empty() && g_log_file_fd < 0) {
    g_log_file_fd = ::open(c.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (g_log_file_fd < 0) {
      log::error("Couldn't open logfile {}: {}", c.log_file, std::strerror(errno));
      std::exit(1);
    }
    reattach_log_file();
  }
  log::Level level = log::Level::kInfo;
  if (c.quiet) level = log::Level::kQuiet;
  if (c.debug > 0) level = static_cast<log::Level>(static_cast<int>(log::Level::kDebug1) + c.debug - 1);
  log::init(stderr_options(c, level));
}

void init_server_logging(const CommandLine& c, const sshcore::config::SshdOptions& options) {
  log::Level level = log::level_from_name(options.value("LogLevel")).value_or(log::Level::kInfo);
  if (c.log_stderr) {
    log::init(stderr_options(c, level));
    return;
  }
  log::Options o;
  o.program = "sshd";
  o.level = level;
  o.sink = log::Sink::kSyslog;
  o.syslog_facility = syslog_facility(options.value("SyslogFacility")).value_or(LOG_AUTH);
  log::init(o);
}

void reattach_log_file() {
  if (g_log_file_fd >= 0) ::dup2(g_log_file_fd, STDERR_FILENO);
}

}  // namespace sshd

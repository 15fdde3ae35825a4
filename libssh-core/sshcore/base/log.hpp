// Logging with OpenSSH's levels and line shapes ("debug1: ...", syslog, -E file).
//
// One process-wide sink: each executable configures it once at start-up, as
// OpenSSH's log_init() does; the core only emits lines.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace sshcore::log {

enum class Level : int { kQuiet = 0, kFatal, kError, kInfo, kVerbose, kDebug1, kDebug2, kDebug3 };
enum class Sink { kStderr, kSyslog, kFile };

// OpenSSH's names: QUIET FATAL ERROR INFO VERBOSE DEBUG DEBUG1 DEBUG2 DEBUG3 (case-insensitive).
std::optional<Level> level_from_name(std::string_view name);
std::string_view level_name(Level level);
// OpenSSH's SyslogFacility names (log.c's log_facilities): DAEMON USER AUTH AUTHPRIV
// LOCAL0..LOCAL7, case-insensitive -> LOG_* value.
std::optional<int> facility_from_name(std::string_view name);

struct Options {
  std::string program = "sshpp";
  Level level = Level::kInfo;
  Sink sink = Sink::kStderr;
  std::string file;          // for Sink::kFile (appended to)
  int syslog_facility = 0;   // LOG_AUTH etc. for Sink::kSyslog; 0 = LOG_USER
};

void init(const Options& options);
// Changes only the level, keeping the sink (internal-sftp's -l inside sshd's log).
void set_level(Level level);
// The sink as configured: sshd's internal-sftp renames its syslog tag ("internal-sftp")
// without reopening what was opened before the chroot.
const Options& current_options();
Level level();
bool enabled(Level level);
void emit(Level level, std::string_view message);

template <class... A>
void fatal(fmt::format_string<A...> f, A&&... a) { emit(Level::kFatal, fmt::format(f, std::forward<A>(a)...)); }
template <class... A>
void error(fmt::format_string<A...> f, A&&... a) { emit(Level::kError, fmt::format(f, std::forward<A>(a)...)); }
template <class... A>
void info(fmt::format_string<A...> f, A&&... a) { emit(Level::kInfo, fmt::format(f, std::forward<A>(a)...)); }
template <class... A>
void verbose(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::kVerbose)) emit(Level::kVerbose, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void debug1(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::kDebug1)) emit(Level::kDebug1, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void debug2(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::kDebug2)) emit(Level::kDebug2, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void debug3(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::kDebug3)) emit(Level::kDebug3, fmt::format(f, std::forward<A>(a)...));
}

}  // namespace sshcore::log

#include "sshcore/base/log.hpp"

#include <syslog.h>

#include <array>
#include <cctype>
#include <cstdio>

namespace sshcore::log {
namespace {
Options g_options;

struct LevelName {
  std::string_view name;
  Level level;
};
constexpr std::array kLevelNames{
    LevelName{"QUIET", Level::kQuiet},   LevelName{"FATAL", Level::kFatal},
    LevelName{"ERROR", Level::kError},   LevelName{"INFO", Level::kInfo},
    LevelName{"VERBOSE", Level::kVerbose}, LevelName{"DEBUG", Level::kDebug1},
    LevelName{"DEBUG1", Level::kDebug1}, LevelName{"DEBUG2", Level::kDebug2},
    LevelName{"DEBUG3", Level::kDebug3},
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The prefix OpenSSH's do_log() puts on stderr lines.
std::string_view stderr_prefix(Level level) {
  switch (level) {
    case Level::kDebug1: return "debug1: ";
    case Level::kDebug2: return "debug2: ";
    case Level::kDebug3: return "debug3: ";
    default: return "";
  }
}

int syslog_priority(Level level) {
  switch (level) {
    case Level::kFatal: return LOG_CRIT;
    case Level::kError: return LOG_ERR;
    case Level::kInfo:
    case Level::kVerbose: return LOG_INFO;
    default: return LOG_DEBUG;
  }
}
}  // namespace

std::optional<Level> level_from_name(std::string_view name) {
  for (const auto& row : kLevelNames)
    if (iequals(row.name, name)) return row.level;
  return std::nullopt;
}

struct FacilityRow {
  std::string_view name;
  int facility;
};
constexpr std::array kFacilities{
    FacilityRow{"DAEMON", LOG_DAEMON}, FacilityRow{"USER", LOG_USER},     FacilityRow{"AUTH", LOG_AUTH},
    FacilityRow{"AUTHPRIV", LOG_AUTHPRIV}, FacilityRow{"LOCAL0", LOG_LOCAL0}, FacilityRow{"LOCAL1", LOG_LOCAL1},
    FacilityRow{"LOCAL2", LOG_LOCAL2}, FacilityRow{"LOCAL3", LOG_LOCAL3}, FacilityRow{"LOCAL4", LOG_LOCAL4},
    FacilityRow{"LOCAL5", LOG_LOCAL5}, FacilityRow{"LOCAL6", LOG_LOCAL6}, FacilityRow{"LOCAL7", LOG_LOCAL7},
};

std::optional<int> facility_from_name(std::string_view name) {
  for (const auto& row : kFacilities)
    if (iequals(row.name, name)) return row.facility;
  return std::nullopt;
}

std::string_view level_name(Level level) {
  for (const auto& row : kLevelNames)
    if (row.level == level) return row.name;
  return "INFO";
}

void init(const Options& options) {
  g_options = options;
  // LOG_NDELAY connects now, so a process that later chroots (sshd's session child,
  // internal-sftp) keeps a working /dev/log socket.
  if (g_options.sink == Sink::kSyslog)
    openlog(g_options.program.c_str(), LOG_PID | LOG_NDELAY, g_options.syslog_facility ? g_options.syslog_facility : LOG_USER);
}

void set_level(Level lvl) { g_options.level = lvl; }
const Options& current_options() { return g_options; }
Level level() { return g_options.level; }
bool enabled(Level lvl) { return static_cast<int>(lvl) <= static_cast<int>(g_options.level); }

void emit(Level lvl, std::string_view message) {
  if (!enabled(lvl) || lvl == Level::kQuiet) return;
  switch (g_options.sink) {
    case Sink::kSyslog:
      syslog(syslog_priority(lvl), "%s%.*s", std::string(stderr_prefix(lvl)).c_str(),
             static_cast<int>(message.size()), message.data());
      return;
    case Sink::kFile:
      if (std::FILE* f = std::fopen(g_options.file.c_str(), "a")) {
        fmt::print(f, "{}{}\n", stderr_prefix(lvl), message);
        std::fclose(f);
        return;
      }
      [[fallthrough]];
    case Sink::kStderr:
      fmt::print(stderr, "{}{}\r\n", stderr_prefix(lvl), message);
      return;
  }
}

}  // namespace sshcore::log

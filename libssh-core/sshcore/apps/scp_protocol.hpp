// The legacy scp/rcp protocol (scp -O, and the remote `scp -t` / `scp -f` modes):
// the control lines a source sends ("C0644 12 name", "D0755 0 dir", "E",
// "T<mtime> 0 <atime> 0", and \1 / \2 error lines) and the sink's checks on them.
// Only parsing and formatting live here, so the parser can be fuzzed without a pipe;
// the program (scp/) does the reading and writing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/result.hpp"

namespace sshcore::apps::scp {

// OpenSSH's sink reads a control line into a 2048-byte buffer: longer lines are cut
// there and the rest is read as the next line, as it does.
inline constexpr std::size_t kMaxControlLine = 2047;

enum class RecordKind : std::uint8_t {
  kTimes,         // T: times for the next C or D record
  kFile,          // C: a regular file follows, `size` bytes then one status byte
  kDirectory,     // D: enter a directory
  kEndDirectory,  // E: leave it
  kWarning,       // \1: an error message, the transfer goes on
  kFatal,         // \2: an error message, the peer gives up
};

struct Record {
  RecordKind kind = RecordKind::kEndDirectory;
  std::uint32_t mode = 0;        // C, D: the four octal digits
  std::uint64_t size = 0;        // C
  std::string name;              // C, D: as received (not yet checked)
  std::uint64_t mtime = 0;       // T
  std::uint64_t atime = 0;       // T
  bool times_in_range = true;    // T: false when a time does not fit time_t (ignored, as OpenSSH)
  std::string message;           // \1, \2: the text after the marker, newline included
};

// Parses one control line: `line` without its trailing '\n'. A bad line fails with
// Errc::kInvalidFormat and OpenSSH's reason text as the detail ("bad mode", "size not
// delimited", "expected control record", ...), which the sink prints as
// "protocol error: <reason>".
Result<Record> parse_record(std::string_view line);

// What a source sends (OpenSSH's formats, each ending in '\n').
std::string format_times(std::int64_t mtime, std::int64_t atime);
std::string format_file(std::uint32_t mode, std::uint64_t size, std::string_view name);
std::string format_directory(std::uint32_t mode, std::string_view name);
inline constexpr std::string_view kEndDirectoryLine = "E\n";

// The mode bits a source sends: set-id and permission bits.
inline constexpr std::uint32_t kFileModeMask = 06777;  // S_ISUID|S_ISGID|S_IRWXU|S_IRWXG|S_IRWXO

// A received name must be one path component: not empty, no '/', not "." or "..".
bool name_is_single_component(std::string_view name);

// Strict filename checking (scp -T turns it off): the requested remote path's last
// component, with {a,b} braces expanded as OpenSSH's brace_expand(), gives the
// patterns a received name must match (fnmatch). A malformed brace pattern fails.
Result<std::vector<std::string>> requested_name_patterns(std::string_view requested_path);
bool name_matches_request(const std::vector<std::string>& patterns, const std::string& name);

}  // namespace sshcore::apps::scp

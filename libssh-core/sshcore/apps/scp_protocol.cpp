#include "sshcore/apps/scp_protocol.hpp"

#include <fnmatch.h>

#include <cinttypes>
#include <cstdio>
#include <limits>

namespace sshcore::apps::scp {
namespace {

constexpr std::uint64_t kMaxSigned64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

auto protocol_error(const char* why) { return fail(Errc::kInvalidFormat, why); }

// strtoull after an isdigit() check: digits only; an overflow saturates, as strtoull does.
std::uint64_t take_unsigned(std::string_view& s) {
  std::uint64_t v = 0;
  bool overflow = false;
  while (!s.empty() && is_digit(s.front())) {
    unsigned d = static_cast<unsigned>(s.front() - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) overflow = true;
    v = overflow ? std::numeric_limits<std::uint64_t>::max() : v * 10 + d;
    s.remove_prefix(1);
  }
  return v;
}

// strtol() for the microsecond fields: leading white space and a sign are accepted;
// with no digits nothing is consumed and the value is 0. Returns false when the
// value is outside 0..999999 (which OpenSSH refuses).
bool take_usec(std::string_view& s) {
  std::string_view t = s;
  while (!t.empty() && is_space(t.front())) t.remove_prefix(1);
  bool negative = false;
  if (!t.empty() && (t.front() == '+' || t.front() == '-')) {
    negative = t.front() == '-';
    t.remove_prefix(1);
  }
  if (t.empty() || !is_digit(t.front())) return true;  // no conversion: 0, nothing consumed
  std::uint64_t v = take_unsigned(t);
  s = t;
  return v == 0 || (!negative && v <= 999999);
}

bool take_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

Result<Record> parse_times(std::string_view s) {
  Record rec;
  rec.kind = RecordKind::kTimes;
  if (s.empty() || !is_digit(s.front())) return protocol_error("mtime.sec not present");
  rec.mtime = take_unsigned(s);
  if (!take_char(s, ' ')) return protocol_error("mtime.sec not delimited");
  if (rec.mtime > kMaxSigned64) rec.times_in_range = false;
  if (!take_usec(s) || !take_char(s, ' ')) return protocol_error("mtime.usec not delimited");
  if (s.empty() || !is_digit(s.front())) return protocol_error("atime.sec not present");
  rec.atime = take_unsigned(s);
  if (!take_char(s, ' ')) return protocol_error("atime.sec not delimited");
  if (rec.atime > kMaxSigned64) rec.times_in_range = false;
  if (!take_usec(s) || !s.empty()) return protocol_error("atime.usec not delimited");
  return rec;
}

Result<Record> parse_file_or_directory(std::string_view line) {
  Record rec;
  rec.kind = line.front() == 'C' ? RecordKind::kFile : RecordKind::kDirectory;
  std::string_view s = line.substr(1);
  for (int i = 0; i < 4; ++i) {
    if (s.empty() || s.front() < '0' || s.front() > '7') return protocol_error("bad mode");
    rec.mode = (rec.mode << 3) | static_cast<std::uint32_t>(s.front() - '0');
    s.remove_prefix(1);
  }
  if (!take_char(s, ' ')) return protocol_error("mode not delimited");
  if (s.empty() || !is_digit(s.front())) return protocol_error("size not present");
  rec.size = take_unsigned(s);
  if (!take_char(s, ' ')) return protocol_error("size not delimited");
  if (rec.size > kMaxSigned64) return protocol_error("size out of range");
  rec.name = std::string(s);
  return rec;
}

}  // namespace

Result<Record> parse_record(std::string_view line) {
  if (line.empty()) return protocol_error("unexpected <newline>");
  switch (line.front()) {
    case '\1':
    case '\2': {
      Record rec;
      rec.kind = line.front() == '\1' ? RecordKind::kWarning : RecordKind::kFatal;
      rec.message = std::string(line.substr(1)) + "\n";
      return rec;
    }
    case 'E': {
      Record rec;
      rec.kind = RecordKind::kEndDirectory;
      return rec;
    }
    case 'T':
      return parse_times(line.substr(1));
    case 'C':
    case 'D':
      return parse_file_or_directory(line);
    default:
      return protocol_error("expected control record");
  }
}

std::string format_times(std::int64_t mtime, std::int64_t atime) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "T%" PRIu64 " 0 %" PRIu64 " 0\n",
                static_cast<std::uint64_t>(mtime < 0 ? 0 : mtime), static_cast<std::uint64_t>(atime < 0 ? 0 : atime));
  return buf;
}

std::string format_file(std::uint32_t mode, std::uint64_t size, std::string_view name) {
  char head[64];
  std::snprintf(head, sizeof head, "C%04o %" PRIu64 " ", static_cast<unsigned>(mode & kFileModeMask), size);
  return std::string(head) + std::string(name) + "\n";
}

std::string format_directory(std::uint32_t mode, std::string_view name) {
  char head[32];
  std::snprintf(head, sizeof head, "D%04o 0 ", static_cast<unsigned>(mode & kFileModeMask));
  // OpenSSH prints the name with %.1024s.
  return std::string(head) + std::string(name.substr(0, 1024)) + "\n";
}

bool name_is_single_component(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos && name != "." && name != "..";
}

namespace {

// The first top-level {..} of `pattern` (backslash escapes, [..] protects, "{}" is
// literal): start and end offsets, npos when there is none; fails when unbalanced.
Result<std::pair<std::size_t, std::size_t>> find_brace(std::string_view p) {
  constexpr auto npos = std::string_view::npos;
  std::size_t start = npos, end = npos;
  bool in_bracket = false;
  int level = 0;
  for (std::size_t i = 0; i < p.size() && end == npos; ++i) {
    switch (p[i]) {
      case '\\':
        if (i + 1 < p.size()) ++i;
        break;
      case '[': in_bracket = true; break;
      case ']': in_bracket = false; break;
      case '{':
        if (in_bracket) break;
        if (i + 1 < p.size() && p[i + 1] == '}') {
          ++i;
          break;
        }
        if (start == npos) start = i;
        ++level;
        break;
      case '}':
        if (in_bracket) break;
        if (start == npos) return fail(Errc::kInvalidFormat, "invalid brace pattern");
        if (--level <= 0) end = i;
        break;
      default: break;
    }
  }
  if (end == npos && (start != npos || in_bracket)) return fail(Errc::kInvalidFormat, "invalid brace pattern");
  return std::pair{start, end};
}

// Expands the first brace of `p` into `out`; returns false when it has none.
Result<bool> expand_one(const std::string& p, std::vector<std::string>& out) {
  SSH_TRY(brace, find_brace(p));
  auto [start, end] = brace;
  if (start == std::string::npos) return false;
  bool in_bracket = false;
  int level = 0;
  std::size_t sel_start = start + 1;
  for (std::size_t i = start + 1; i < end; ++i) {
    switch (p[i]) {
      case '{': if (!in_bracket) ++level; break;
      case '}': if (!in_bracket) --level; break;
      case '[': in_bracket = true; break;
      case ']': in_bracket = false; break;
      case '\\': if (i < end - 1) ++i; break;
      default: break;
    }
    if (p[i] == ',' || i == end - 1) {
      if (in_bracket || level > 0) continue;
      std::size_t sel_end = i == end - 1 ? end : i;
      out.push_back(p.substr(0, start) + p.substr(sel_start, sel_end - sel_start) + p.substr(end + 1));
      sel_start = i + 1;
    }
  }
  if (in_bracket || level > 0) return fail(Errc::kInvalidFormat, "invalid brace pattern");
  return true;
}

}  // namespace

Result<std::vector<std::string>> requested_name_patterns(std::string_view requested_path) {
  // Bounded so that a hostile pattern such as "{a,b}{a,b}..." cannot explode.
  constexpr std::size_t kMaxPatterns = 4096;
  std::vector<std::string> active{std::string(requested_path)}, done;
  while (!active.empty()) {
    std::string p = std::move(active.back());
    active.pop_back();
    SSH_TRY(expanded, expand_one(p, active));
    if (active.size() + done.size() > kMaxPatterns) return fail(Errc::kTooLarge, "too many brace expansions");
    if (expanded) continue;
    std::size_t slash = p.rfind('/');
    done.push_back(slash == std::string::npos ? p : p.substr(slash + 1));
  }
  return done;
}

bool name_matches_request(const std::vector<std::string>& patterns, const std::string& name) {
  if (patterns.empty()) return true;
  for (const std::string& p : patterns)
    if (::fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

}  // namespace sshcore::apps::scp

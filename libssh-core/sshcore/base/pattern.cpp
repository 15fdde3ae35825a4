#include "sshcore/base/pattern.hpp"

#include <vector>

namespace sshcore {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Splits like strsep(",") does: every field, empty ones included; "" gives one empty field.
std::vector<std::string_view> split_commas(std::string_view list) {
  std::vector<std::string_view> out;
  for (;;) {
    std::size_t comma = list.find(',');
    out.push_back(list.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    list.remove_prefix(comma + 1);
  }
}

// strsep() loops in OpenSSH stop at the first empty field.
std::vector<std::string_view> names_until_empty(std::string_view list) {
  std::vector<std::string_view> out;
  for (std::string_view name : split_commas(list)) {
    if (name.empty()) break;
    out.push_back(name);
  }
  return out;
}

std::string filter_list(std::string_view proposal, std::string_view filter, bool deny) {
  std::string out;
  for (std::string_view name : split_commas(proposal)) {
    int r = match_pattern_list(name, filter, false);
    if ((deny && r != 1) || (!deny && r == 1)) {
      if (!out.empty()) out += ',';
      out += name;
    }
  }
  return out;
}

}  // namespace

// Glob matching with a single backtrack point: on a mismatch only the most recent '*' is
// retried one character further. Earlier stars never need revisiting, because whatever the
// later star can absorb makes the earlier choice irrelevant; this keeps the worst case at
// O(|s| * |pattern|) where OpenSSH's recursion can go exponential.
bool match_pattern(std::string_view s, std::string_view pattern) {
  constexpr std::size_t kNone = std::string_view::npos;
  std::size_t si = 0, pi = 0;
  std::size_t star_pi = kNone, star_si = 0;
  while (si < s.size()) {
    if (pi < pattern.size() && pattern[pi] == '*') {
      star_pi = ++pi;
      star_si = si;
    } else if (pi < pattern.size() && (pattern[pi] == '?' || pattern[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (star_pi != kNone) {
      pi = star_pi;
      si = ++star_si;
    } else {
      return false;
    }
  }
  while (pi < pattern.size() && pattern[pi] == '*') ++pi;
  return pi == pattern.size();
}

int match_pattern_list(std::string_view s, std::string_view list, bool case_insensitive) {
  bool got_positive = false;
  std::size_t i = 0;
  std::string lowered;
  while (i < list.size()) {
    bool negated = false;
    if (list[i] == '!') {
      negated = true;
      ++i;
    }
    std::size_t end = list.find(',', i);
    if (end == std::string_view::npos) end = list.size();
    std::string_view sub = list.substr(i, end - i);
    i = end < list.size() ? end + 1 : end;
    if (case_insensitive) {
      lowered = ascii_lowercase(sub);
      sub = lowered;
    }
    if (match_pattern(s, sub)) {
      if (negated) return -1;
      got_positive = true;
    }
  }
  return got_positive ? 1 : 0;
}

int match_hostname(std::string_view host, std::string_view list) {
  return match_pattern_list(ascii_lowercase(host), list, true);
}

std::optional<std::string> match_list(std::string_view client, std::string_view server) {
  std::vector<std::string_view> offered = names_until_empty(server);
  for (std::string_view want : names_until_empty(client))
    for (std::string_view have : offered)
      if (want == have) return std::string(want);
  return std::nullopt;
}

std::string match_filter_denylist(std::string_view proposal, std::string_view filter) {
  return filter_list(proposal, filter, true);
}

std::string match_filter_allowlist(std::string_view proposal, std::string_view filter) {
  return filter_list(proposal, filter, false);
}

std::string ascii_lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace sshcore

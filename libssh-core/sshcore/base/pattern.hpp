// OpenSSH's patterns (ssh_config(5) and sshd_config(5) "PATTERNS"): '*' matches any run of
// characters, '?' exactly one, and a comma-separated list may negate entries with '!'.
// Same answers as OpenSSH's match.c, with two deliberate differences: matching takes
// O(|string| * |pattern|) time at worst (no exponential backtracking), and sub-patterns of
// any length are honoured (OpenSSH answers "no match" for the whole list when one is longer
// than 1022 bytes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sshcore {

// The whole of `s` matches the whole of `pattern`; case-sensitive, no escapes.
bool match_pattern(std::string_view s, std::string_view pattern);

// Matches `s` against each comma-separated sub-pattern of `list`; a sub-pattern starting
// with '!' is negated. Returns -1 when a negated sub-pattern matches (negation wins whatever
// the order), +1 when a positive one matches, 0 otherwise. With case_insensitive the
// sub-patterns are lowercased (ASCII) before matching; `s` is used as given, as in OpenSSH.
// An empty sub-pattern (",a" or "a,,b") matches only the empty string; a trailing comma adds
// none.
int match_pattern_list(std::string_view s, std::string_view list, bool case_insensitive);

// OpenSSH's match_hostname(): the host is lowercased, the list matched case-insensitively.
int match_hostname(std::string_view host, std::string_view list);

// OpenSSH's match_list() for algorithm negotiation: the first name of the comma-separated
// `client` list that the `server` list also holds (exact, case-sensitive). Each list ends at
// its first empty name, as strsep() leaves it in OpenSSH.
std::optional<std::string> match_list(std::string_view client, std::string_view server);

// OpenSSH's match_filter_denylist() / match_filter_allowlist(): the names of the
// comma-separated `proposal` that do not match (deny) or do match (allow) the pattern list
// `filter` (match_pattern_list, case-sensitive; a deny filter drops only positive matches),
// joined with ','.
std::string match_filter_denylist(std::string_view proposal, std::string_view filter);
std::string match_filter_allowlist(std::string_view proposal, std::string_view filter);

// ASCII lowercase, as OpenSSH's lowercase() in the C locale (bytes >= 0x80 unchanged).
std::string ascii_lowercase(std::string_view s);

}  // namespace sshcore

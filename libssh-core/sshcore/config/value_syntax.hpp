// Value syntaxes shared by the config formats, with OpenSSH's (misc.c) rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sshcore::config {

// strcasecmp(a, b) == 0 in the C locale.
bool ascii_iequals(std::string_view a, std::string_view b);

// convtime(): decimal numbers each with an optional s/m/h/d/w unit (either case), summed
// ("1h30m" = 5400); -1 when empty, malformed or above INT_MAX.
long long convtime(std::string_view s);

// atoi_err(): stores a value in 0..INT_MAX, or returns strtonum()'s complaint
// ("missing", "invalid", "too small", "too large") for messages "%s integer value %s.".
std::optional<std::string_view> atoi_error(const std::string* arg, int& out);

// a2port(): 0..65535 in decimal, -1 otherwise (OpenSSH also accepts service names).
int a2port(std::string_view s);

// parse_ipqos() then iptos2str(): the canonical name ("af21", "lowdelay", "0x1c", "none"),
// or nullopt when the word is neither a known name nor a number 0..255.
std::optional<std::string> canonical_ipqos(std::string_view s);

// scan_scaled(): an integer with an optional K/M/G/T suffix (powers of 1024).
std::optional<long long> scan_scaled(std::string_view s);

}  // namespace sshcore::config

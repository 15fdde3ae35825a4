// scp's operands: local paths, [user@]host:[path] (host may be [IPv6]) and
// scp://[user[;params]@]host[:port][/path], parsed as OpenSSH 9.2's scp does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scp {

struct Operand {
  bool remote = false;
  std::optional<std::string> user;
  std::string host;  // brackets of an IPv6 address removed
  int port = -1;     // only from an scp:// URI
  std::string path;  // "." when empty
};

enum class UriParse : std::uint8_t { kNotUri, kParsed, kInvalid };

// OpenSSH's colon(): where the host part ends, or npos for a local name. A leading ':'
// and a '/' before any ':' make the name local; "[...]:" is an IPv6 host.
std::size_t find_host_colon(std::string_view s);

// parse_uri("scp", ...): kNotUri when `s` does not start with "scp://".
UriParse parse_scp_uri(std::string_view s, Operand& out);

// parse_user_host_path(): false when `s` has no host part (a local name).
bool parse_user_host_path(std::string_view s, Operand& out);

// Either form; a local name yields remote = false and path = s. Returns false for an
// invalid URI.
bool parse_operand(std::string_view s, Operand& out);

// OpenSSH's okname(): a user name safe to put on a remote command line.
bool user_name_ok(std::string_view user);

}  // namespace scp

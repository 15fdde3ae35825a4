// authorized_keys options (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): the grammar of
// OpenSSH 9.2's sshauthopt_parse() and the connection checks of auth_authorise_keyopts().
//
//   auto opts = auth::parse_key_options(R"(restrict,pty,command="echo \"hi\"")", zone);
//   if (!opts) log::debug1("{}: bad key options: {}", loc, opts.error().detail);
//
// Error details are OpenSSH's own strings ("unknown key option", "invalid environment
// string", "missing end quote", ...), so the caller can log them as sshd does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/auth/expiry_time.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::auth {

inline constexpr int kTunnelDeviceNone = -1;          // no tunnel= option
inline constexpr int kTunnelDeviceAny = 0x7fffffff;   // tunnel="any" (SSH_TUNID_ANY)
inline constexpr std::size_t kMaxKeyEnvironment = 1024;  // OpenSSH refuses more than 1025 names
inline constexpr std::size_t kMaxKeyPermits = 4096;      // per permitopen / permitlisten list

// struct sshauthopt as parsed from a key line ("keys defaults": everything permitted).
struct KeyOptions {
  bool permit_port_forwarding = true;   // no-port-forwarding / port-forwarding
  bool permit_agent_forwarding = true;  // no-agent-forwarding / agent-forwarding
  bool permit_x11_forwarding = true;    // no-X11-forwarding / X11-forwarding
  bool permit_pty = true;               // no-pty / pty
  bool permit_user_rc = true;           // no-user-rc / user-rc
  bool restricted = false;              // restrict (also refuses capabilities added later)
  bool cert_authority = false;          // cert-authority
  bool no_require_user_presence = false;  // no-touch-required (touch-required clears it)
  bool require_verify = false;            // verify-required (no-verify-required clears it)

  std::optional<std::string> force_command;  // command="..." (may be empty)
  std::optional<std::string> principals;     // principals="a,b" (cert_principals)
  std::optional<std::string> from;           // from="pattern-list" (required_from_host_keys)
  std::uint64_t valid_before = 0;            // expiry-time: the earliest given; 0 = none
  // environment="NAME=value": in file order; a repeated NAME keeps its first value.
  std::vector<std::string> environment;
  // permitopen="host:port" / permitlisten="[host:]port", as written ("*:" prepended to a
  // bare permitlisten port). parse_forward_permission() splits one.
  std::vector<std::string> permit_open;
  std::vector<std::string> permit_listen;
  int force_tunnel_device = kTunnelDeviceNone;  // tunnel="n" or kTunnelDeviceAny

  bool operator==(const KeyOptions&) const = default;
};

// sshauthopt_parse(): `text` is the options field, which ends at the first blank outside a
// quoted value (so a whole line "opts key comment" may be passed). An empty text gives the
// defaults. Errors are Errc::kInvalidFormat with OpenSSH's errstr as detail.
// Deviation: a permitopen/permitlisten port must be numeric or "*" (OpenSSH also looks
// service names up with getservbyname, which the core does not call).
Result<KeyOptions> parse_key_options(std::string_view text, const TimeZone& zone);

// One permitopen / permitlisten entry as sshd installs it: brackets removed from the host,
// port 0 for "*". "host/port" (the old IPv6 form) is read too. nullopt when malformed.
struct ForwardPermission {
  std::string host;
  int port = 0;  // 0 = any port
  bool operator==(const ForwardPermission&) const = default;
};
std::optional<ForwardPermission> parse_forward_permission(std::string_view spec);

// ---- checking a connection against the options ----------------------------------

// One line sshd would log, at its level (the caller passes it to log::emit or drops it).
struct AuthLogLine {
  log::Level level = log::Level::kDebug1;
  std::string text;
  bool operator==(const AuthLogLine&) const = default;
};

struct KeyCheckContext {
  std::string_view user;         // pw->pw_name
  std::string_view remote_ip;    // the peer's address text (IPv4-mapped already unmapped)
  std::string_view remote_host;  // canonical host name with UseDNS, else the address again
  std::int64_t now = 0;          // time(NULL)
  TimeZone zone = TimeZone::system();  // for the "expired at" time in the log
  // sshd_config settings that shape the "key options:" debug line (auth_log_authopts):
  bool permit_user_environment = false;  // PermitUserEnvironment (default no)
  bool allow_tcp_forwarding_local = true;   // AllowTcpForwarding yes|local
  bool allow_tcp_forwarding_remote = true;  // AllowTcpForwarding yes|remote
};

struct KeyOptionsCheck {
  bool allowed = true;
  std::string reason;              // when refused: the most telling log line's text
  std::vector<AuthLogLine> log;    // in OpenSSH's order
};

// auth_authorise_keyopts(): expiry, principals without cert-authority, cert-authority where
// not allowed (authorized_principals files pass allow_cert_authority=false), then from=.
// `loc` is "file:line" as sshd prefixes it. Refusal wording, e.g.:
//   "%s: entry expired at %s"                          (debug1)
//   "%s: Authentication tried for %.100s with correct key but not from a permitted host
//    (host=%.200s, ip=%.200s, required=%.200s)."       (info)
// When allowed, the log holds auth_log_authopts()'s debug1 lines: "%s: key options: agent-forwarding
// command ... x11-forwarding" (OpenSSH's own missing blank before "expires" included), then
// "environment:", "expires at", "authorized principals:", "forced command:", "permitted open:"
// and "permitted listen:" details as the context's settings allow.
KeyOptionsCheck check_key_options(const KeyOptions& options, const KeyCheckContext& context,
                                  std::string_view loc, bool allow_cert_authority = true);

}  // namespace sshcore::auth

// The authorized_keys option grammar, following OpenSSH 9.2's auth-options.c and the
// helpers it uses from misc.c (opt_flag, opt_match, opt_dequote, hpdelim2, a2port, a2tun).
#include "sshcore/auth/key_options.hpp"

#include <fmt/format.h>

#include "sshcore/base/address_match.hpp"

namespace sshcore::auth {
namespace {

constexpr std::size_t kNiMaxHost = 1025;
constexpr long long kTunnelDeviceMax = kTunnelDeviceAny - 2;  // SSH_TUNID_MAX

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (ascii_lower(s[i]) != ascii_lower(prefix[i])) return false;
  return true;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && starts_with_nocase(a, b);
}

bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// opt_flag(): a case-insensitive *prefix* match, optionally after "no-". Returns 1, 0
// (negated) or -1 (not this flag); only a match consumes input.
int opt_flag(std::string_view name, bool allow_negate, std::string_view& s) {
  std::string_view rest = s;
  bool negate = false;
  if (allow_negate && starts_with_nocase(rest, "no-")) {
    rest.remove_prefix(3);
    negate = true;
  }
  if (!starts_with_nocase(rest, name)) return -1;
  rest.remove_prefix(name.size());
  s = rest;
  return negate ? 0 : 1;
}

// opt_match(): "name=" case-insensitively; consumes it.
bool opt_match(std::string_view& s, std::string_view name) {
  if (!starts_with_nocase(s, name) || s.size() <= name.size() || s[name.size()] != '=') return false;
  s.remove_prefix(name.size() + 1);
  return true;
}

// opt_dequote(): a double-quoted value where \" stands for a quote (any other backslash is
// kept as is).
Result<std::string> opt_dequote(std::string_view& s) {
  if (s.empty() || s.front() != '"') return fail(Errc::kInvalidFormat, "missing start quote");
  std::size_t i = 1;
  std::string out;
  while (i < s.size() && s[i] != '"') {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') ++i;
    out += s[i++];
  }
  if (i >= s.size()) return fail(Errc::kInvalidFormat, "missing end quote");
  s.remove_prefix(i + 1);
  return out;
}

// strtonum(s, min, max): strtoll over the whole text (leading blanks and a sign allowed).
std::optional<long long> strtonum(std::string_view s, long long min, long long max) {
  std::size_t i = 0;
  while (i < s.size() && is_c_space(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::size_t digits = i;
  long long v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (v > (max + 9) / 10 + 1) return std::nullopt;  // far out of range already
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i == digits || i != s.size()) return std::nullopt;
  if (negative) v = -v;
  if (v < min || v > max) return std::nullopt;
  return v;
}

// a2port() without the service-name fallback: a number 0..65535, or -1.
int a2port(std::string_view s) {
  auto v = strtonum(s, 0, 65535);
  return v ? static_cast<int>(*v) : -1;
}

// hpdelim2(): splits "host:port", "[v6]:port" or "host/port". `rest` is nullopt when there
// is no delimiter (OpenSSH's NULL); the whole call fails on "[..." without ']' or a ']'
// followed by something other than a delimiter.
struct HostPort {
  std::string_view host;
  std::optional<std::string_view> rest;
};
std::optional<HostPort> hpdelim2(std::string_view s) {
  std::size_t pos = 0;
  if (!s.empty() && s.front() == '[') {
    std::size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    pos = close + 1;
  } else {
    pos = s.find_first_of(":/");
    if (pos == std::string_view::npos) pos = s.size();
  }
  if (pos == s.size()) return HostPort{s, std::nullopt};
  if (s[pos] == ':' || s[pos] == '/') return HostPort{s.substr(0, pos), s.substr(pos + 1)};
  return std::nullopt;
}

// handle_permit(): validates one permitopen / permitlisten value and records it as written.
Result<void> handle_permit(std::string_view& s, bool allow_bare_port, std::vector<std::string>& permits) {
  if (permits.size() > kMaxKeyPermits) return fail(Errc::kInvalidFormat, "too many permission directives");
  SSH_TRY(opt, opt_dequote(s));
  if (allow_bare_port && opt.find(':') == std::string::npos) opt = "*:" + opt;
  auto hp = hpdelim2(opt);
  if (!hp || hp->host.size() >= kNiMaxHost) return fail(Errc::kInvalidFormat, "invalid permission hostname");
  if (!hp->rest || (*hp->rest != "*" && a2port(*hp->rest) <= 0))
    return fail(Errc::kInvalidFormat, "invalid permission port");
  permits.push_back(std::move(opt));
  return {};
}

bool valid_env_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && c != '_') return false;
  }
  return true;
}

Result<void> add_environment(std::string_view& s, KeyOptions& ret) {
  if (ret.environment.size() > kMaxKeyEnvironment)
    return fail(Errc::kInvalidFormat, "too many environment strings");
  SSH_TRY(opt, opt_dequote(s));
  std::size_t eq = opt.find('=');
  if (eq == std::string::npos || !valid_env_name(std::string_view(opt).substr(0, eq)))
    return fail(Errc::kInvalidFormat, "invalid environment string");
  // The first value of a name wins; later ones are dropped without complaint.
  std::string_view prefix = std::string_view(opt).substr(0, eq + 1);
  for (const std::string& e : ret.environment)
    if (std::string_view(e).substr(0, prefix.size()) == prefix) return {};
  ret.environment.push_back(std::move(opt));
  return {};
}

// One option at the front of `s`, consumed; an unknown name consumes nothing.
Result<void> parse_one_option(std::string_view& s, KeyOptions& ret, const TimeZone& zone) {
  int r = 0;
  if ((r = opt_flag("restrict", false, s)) != -1) {
    ret.restricted = true;
    ret.permit_port_forwarding = false;
    ret.permit_agent_forwarding = false;
    ret.permit_x11_forwarding = false;
    ret.permit_pty = false;
    ret.permit_user_rc = false;
  } else if ((r = opt_flag("cert-authority", false, s)) != -1) {
    ret.cert_authority = r == 1;
  } else if ((r = opt_flag("port-forwarding", true, s)) != -1) {
    ret.permit_port_forwarding = r == 1;
  } else if ((r = opt_flag("agent-forwarding", true, s)) != -1) {
    ret.permit_agent_forwarding = r == 1;
  } else if ((r = opt_flag("x11-forwarding", true, s)) != -1) {
    ret.permit_x11_forwarding = r == 1;
  } else if ((r = opt_flag("touch-required", true, s)) != -1) {
    ret.no_require_user_presence = r != 1;
  } else if ((r = opt_flag("verify-required", true, s)) != -1) {
    ret.require_verify = r == 1;
  } else if ((r = opt_flag("pty", true, s)) != -1) {
    ret.permit_pty = r == 1;
  } else if ((r = opt_flag("user-rc", true, s)) != -1) {
    ret.permit_user_rc = r == 1;
  } else if (opt_match(s, "command")) {
    if (ret.force_command) return fail(Errc::kInvalidFormat, "multiple \"command\" clauses");
    SSH_TRY(v, opt_dequote(s));
    ret.force_command = std::move(v);
  } else if (opt_match(s, "principals")) {
    if (ret.principals) return fail(Errc::kInvalidFormat, "multiple \"principals\" clauses");
    SSH_TRY(v, opt_dequote(s));
    ret.principals = std::move(v);
  } else if (opt_match(s, "from")) {
    if (ret.from) return fail(Errc::kInvalidFormat, "multiple \"from\" clauses");
    SSH_TRY(v, opt_dequote(s));
    ret.from = std::move(v);
  } else if (opt_match(s, "expiry-time")) {
    SSH_TRY(v, opt_dequote(s));
    auto t = parse_absolute_time(v, zone);
    if (!t || *t == 0) return fail(Errc::kInvalidFormat, "invalid expires time");
    if (ret.valid_before == 0 || *t < ret.valid_before) ret.valid_before = *t;
  } else if (opt_match(s, "environment")) {
    SSH_TRY_VOID(add_environment(s, ret));
  } else if (opt_match(s, "permitopen")) {
    SSH_TRY_VOID(handle_permit(s, false, ret.permit_open));
  } else if (opt_match(s, "permitlisten")) {
    SSH_TRY_VOID(handle_permit(s, true, ret.permit_listen));
  } else if (opt_match(s, "tunnel")) {
    SSH_TRY(v, opt_dequote(s));
    if (equals_nocase(v, "any")) {
      ret.force_tunnel_device = kTunnelDeviceAny;
    } else {
      auto n = strtonum(v, 0, kTunnelDeviceMax);
      if (!n) return fail(Errc::kInvalidFormat, "invalid tun device");
      ret.force_tunnel_device = static_cast<int>(*n);
    }
  }
  // No clause matched: the separator check below reports "unknown key option".
  return {};
}

std::string cut(std::string_view s, std::size_t n) { return std::string(s.substr(0, n)); }

// auth_log_authopts(): what sshd logs about the options of an entry it accepts.
void log_key_options(const KeyOptions& o, const KeyCheckContext& c, std::string_view loc,
                     std::vector<AuthLogLine>& log) {
  const bool do_env = c.permit_user_environment && !o.environment.empty();
  const bool do_permitopen = !o.permit_open.empty() && c.allow_tcp_forwarding_local;
  const bool do_permitlisten = !o.permit_listen.empty() && c.allow_tcp_forwarding_remote;
  std::string msg = "key options:";
  if (o.permit_agent_forwarding) msg += " agent-forwarding";
  if (o.force_command) msg += " command";
  if (do_env) msg += " environment";
  if (o.valid_before != 0) msg += "expires";  // sic: OpenSSH has no blank here
  if (o.no_require_user_presence) msg += " no-touch-required";
  if (do_permitopen) msg += " permitopen";
  if (do_permitlisten) msg += " permitlisten";
  if (o.permit_port_forwarding) msg += " port-forwarding";
  if (o.principals) msg += " principals";
  if (o.permit_pty) msg += " pty";
  if (o.require_verify) msg += " uv";
  if (o.force_tunnel_device != kTunnelDeviceNone) msg += fmt::format(" tun={}", o.force_tunnel_device);
  if (o.permit_user_rc) msg += " user-rc";
  if (o.permit_x11_forwarding) msg += " x11-forwarding";
  // OpenSSH formats into a 1024-byte buffer.
  log.push_back({log::Level::kDebug1, cut(fmt::format("{}: {}", loc, msg), 1023)});
  auto debug = [&](std::string text) { log.push_back({log::Level::kDebug1, std::move(text)}); };
  if (c.permit_user_environment)
    for (const std::string& e : o.environment) debug(fmt::format("{}: environment: {}", loc, e));
  if (o.valid_before != 0)
    debug(fmt::format("{}: expires at {}", loc, format_absolute_time(o.valid_before, c.zone)));
  if (o.principals) debug(fmt::format("{}: authorized principals: \"{}\"", loc, *o.principals));
  if (o.force_command) debug(fmt::format("{}: forced command: \"{}\"", loc, *o.force_command));
  if (do_permitopen)
    for (const std::string& p : o.permit_open) debug(fmt::format("{}: permitted open: {}", loc, p));
  if (do_permitlisten)
    for (const std::string& p : o.permit_listen) debug(fmt::format("{}: permitted listen: {}", loc, p));
}

}  // namespace

Result<KeyOptions> parse_key_options(std::string_view s, const TimeZone& zone) {
  s = s.substr(0, s.find('\0'));
  KeyOptions ret;
  while (!s.empty() && s.front() != ' ' && s.front() != '\t') {
    SSH_TRY_VOID(parse_one_option(s, ret, zone));
    if (s.empty() || s.front() == ' ' || s.front() == '\t') break;
    if (s.front() != ',') return fail(Errc::kInvalidFormat, "unknown key option");
    s.remove_prefix(1);
    if (s.empty()) return fail(Errc::kInvalidFormat, "unexpected end-of-options");
  }
  return ret;
}

std::optional<ForwardPermission> parse_forward_permission(std::string_view spec) {
  auto hp = hpdelim2(spec);
  if (!hp || !hp->rest) return std::nullopt;
  std::string_view host = hp->host;
  if (!host.empty() && host.front() == '[' && host.back() == ']' && host.size() >= 2)
    host = host.substr(1, host.size() - 2);
  ForwardPermission out{std::string(host), 0};
  if (*hp->rest != "*") {
    int port = a2port(*hp->rest);
    if (port <= 0) return std::nullopt;
    out.port = port;
  }
  return out;
}

KeyOptionsCheck check_key_options(const KeyOptions& options, const KeyCheckContext& context,
                                  std::string_view loc, bool allow_cert_authority) {
  KeyOptionsCheck out;
  auto refuse = [&](log::Level level, std::string text) {
    out.allowed = false;
    out.reason = text;
    out.log.push_back(AuthLogLine{level, std::move(text)});
  };
  if (options.valid_before != 0 && context.now > 0 &&
      options.valid_before < static_cast<std::uint64_t>(context.now)) {
    refuse(log::Level::kDebug1,
           fmt::format("{}: entry expired at {}", loc, format_absolute_time(options.valid_before, context.zone)));
    return out;
  }
  if (options.principals && !options.cert_authority) {
    refuse(log::Level::kDebug1, fmt::format("{}: principals on non-CA key", loc));
    return out;
  }
  if (!allow_cert_authority && options.cert_authority) {
    refuse(log::Level::kDebug1, fmt::format("{}: cert-authority flag invalid here", loc));
    return out;
  }
  if (options.from) {
    int m = match_host_and_ip(context.remote_host, context.remote_ip, *options.from);
    if (m != 1) {
      if (m == -1) out.log.push_back(AuthLogLine{log::Level::kDebug1, fmt::format("{}: invalid from criteria", loc)});
      refuse(log::Level::kInfo,
             fmt::format("{}: Authentication tried for {} with correct key but not from a permitted host "
                         "(host={}, ip={}, required={}).",
                         loc, cut(context.user, 100), cut(context.remote_host, 200), cut(context.remote_ip, 200),
                         cut(*options.from, 200)));
      return out;
    }
  }
  log_key_options(options, context, loc, out.log);
  return out;
}

}  // namespace sshcore::auth

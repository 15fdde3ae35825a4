// How each kind of ssh_config value is read and checked (readconf.c process_config_line of
// OpenSSH 9.2), with its exact messages. The keyword table is ssh_keywords.cpp.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdio>

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/ssh_keywords.hpp"
#include "sshcore/config/value_syntax.hpp"

namespace sshcore::config {
namespace {

using K = SshKwKind;
using O = SshOpt;

bool parse_int(std::string_view s, std::int64_t& out, std::int64_t max = INT_MAX) {
  if (s.empty()) return false;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > max) return false;
  out = v;
  return true;
}

int match_choice(std::span<const SshChoice> choices, std::string_view word) {
  for (const SshChoice& c : choices) {
    if (ascii_lowercase(word) == c.word) return c.value;
  }
  return -1;
}

bool valid_env_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

// "[host]:port", "host:port", "port" or a path: true when well formed.
bool split_endpoint(std::string_view s, std::string& host, std::string& port) {
  if (!s.empty() && s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = std::string(s.substr(1, close - 1));
    port = std::string(s.substr(close + 2));
    return true;
  }
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    host.clear();
    port = std::string(s);
    return true;
  }
  host = std::string(s.substr(0, colon));
  port = std::string(s.substr(colon + 1));
  return host.find(':') == std::string::npos;
}

bool valid_port(std::string_view p, bool allow_zero) {
  std::int64_t v = 0;
  return parse_int(p, v, 65535) && (allow_zero || v > 0);
}

// Normalises one forwarding argument as "-G" prints it: "port", "[host]:port" or a path.
std::optional<std::string> normalise_endpoint(std::string_view s, bool allow_zero_port) {
  if (!s.empty() && s.front() == '/') return std::string(s);
  std::string host, port;
  if (!split_endpoint(s, host, port) || !valid_port(port, allow_zero_port)) return std::nullopt;
  std::int64_t n = 0;
  parse_int(port, n);
  if (host.empty()) return std::to_string(n);
  return "[" + host + "]:" + std::to_string(n);
}

// The connect side needs a host: "host:port" (or a path).
std::optional<std::string> normalise_target(std::string_view s) {
  if (!s.empty() && s.front() == '/') return std::string(s);
  std::string host, port;
  if (!split_endpoint(s, host, port) || host.empty() || !valid_port(port, false)) return std::nullopt;
  std::int64_t n = 0;
  parse_int(port, n);
  return "[" + host + "]:" + std::to_string(n);
}

constexpr std::string_view kFacilities[] = {"DAEMON", "USER",   "AUTH",   "AUTHPRIV", "LOCAL0",
                                            "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4",   "LOCAL5",
                                            "LOCAL6", "LOCAL7"};

bool extra_arguments(const SshLine& l, std::size_t used) {
  if (l.args.size() > used) {
    l.error("keyword " + l.keyword + " extra arguments at end of line");
    return true;
  }
  return false;
}

bool apply_special(const SshKeyword& kw, const SshLine& l, SshOptions& o) {
  const std::vector<std::string>& a = l.args;
  const bool has = !a.empty() && !a[0].empty();
  const std::string arg = has ? a[0] : std::string();
  switch (kw.opt) {
    case O::kAddKeysToAgent: {
      if (!has) {
        l.error("missing argument.");
        l.error("unsupported option");
        return false;
      }
      int value = match_choice(kw.choices, arg);
      std::int64_t life = 0;
      if (value == kAddKeysConfirm && a.size() >= 2) {
        life = convtime(a[1]);
        if (life == -1 || life > INT_MAX) {
          l.error("invalid time value.");
          return false;
        }
      } else if (value == -1 && a.size() == 1) {
        life = convtime(arg);
        if (life == -1 || life > INT_MAX) {
          l.error("unsupported option");
          return false;
        }
        value = kAddKeysYes;
      } else if (value == -1 || a.size() >= 2) {
        l.error("unsupported option");
        return false;
      }
      if (extra_arguments(l, a.size() >= 2 ? 2 : 1)) return false;
      if (l.active && !o.is_set(kw.opt)) {
        o.set(kw.opt, std::int64_t{value});
        o.add_keys_lifetime = life;
      }
      return true;
    }
    case O::kForwardAgent: {
      if (!has) {
        l.error("missing argument.");
        return false;
      }
      int value = match_choice(ssh_flag_choices(), arg);
      if (value == -1 && arg[0] == '$' && !valid_env_name(std::string_view(arg).substr(1))) {
        l.error("Invalid environment name " + arg);
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active && !o.is_set(kw.opt)) {
        if (value == -1) o.set(kw.opt, arg);  // a socket path
        else o.set(kw.opt, std::int64_t{value});
      }
      return true;
    }
    case O::kEscapeChar: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      std::int64_t value;
      const auto* u = reinterpret_cast<const unsigned char*>(arg.data());
      if (arg.size() == 2 && arg[0] == '^' && u[1] >= 64 && u[1] < 128) value = u[1] & 31;
      else if (arg.size() == 1) value = u[0];
      else if (arg == "none") value = -2;
      else {
        l.error("Bad escape character.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, value);
      return true;
    }
    case O::kFingerprintHash: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      // ssh_digest_alg_by_name(): any digest OpenSSH knows, printed upper-case by "-G".
      constexpr std::string_view kDigests[] = {"md5", "sha1", "sha256", "sha384", "sha512"};
      const std::string lw = ascii_lowercase(arg);
      if (std::find(std::begin(kDigests), std::end(kDigests), lw) == std::end(kDigests)) {
        l.error("Invalid hash algorithm \"" + arg + "\".");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      std::string upper;
      for (char c : lw) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      if (l.active) o.set_if_unset(kw.opt, upper);
      return true;
    }
    case O::kLogLevel: {
      auto level = has ? log::level_from_name(arg) : std::nullopt;
      if (!level) {
        l.error("unsupported log level '" + (has ? arg : std::string("<NONE>")) + "'");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, std::string(log::level_name(*level)));
      return true;
    }
    case O::kSyslogFacility: {
      std::string up;
      for (char c : arg) up.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      if (!has || std::find(std::begin(kFacilities), std::end(kFacilities), up) == std::end(kFacilities)) {
        l.error("unsupported log facility '" + (has ? arg : std::string("<NONE>")) + "'");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, up);
      return true;
    }
    case O::kLogVerbose: {
      // OpenSSH 9.2 keeps only the first argument of the first line (its loop checks
      // "nothing stored yet" for every argument); "-G" shows the same.
      if (l.active && !o.is_set(kw.opt) && has) o.set(kw.opt, std::vector<std::string>{arg});
      return true;
    }
    case O::kControlPersist: {
      if (!has) {
        l.error("Missing ControlPersist argument.");
        return false;
      }
      std::int64_t persist, timeout = 0;
      int flag = match_choice(ssh_flag_choices(), arg);
      if (flag != -1) persist = flag;
      else if ((timeout = convtime(arg)) >= 0 && timeout <= INT_MAX) persist = 1;
      else {
        l.error("Bad ControlPersist argument.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active && !o.is_set(kw.opt)) {
        o.set(kw.opt, persist);
        o.control_persist_timeout = timeout;
      }
      return true;
    }
    case O::kIpQos: {
      if (!has) {
        l.error("Bad IPQoS value: (null)");
        return false;
      }
      auto first = canonical_ipqos(arg);
      if (!first) {
        l.error("Bad IPQoS value: " + arg);
        return false;
      }
      std::optional<std::string> second = first;
      if (a.size() >= 2) {
        second = canonical_ipqos(a[1]);
        if (!second) {
          l.error("Bad IPQoS value: " + a[1]);
          return false;
        }
      }
      if (extra_arguments(l, a.size() >= 2 ? 2 : 1)) return false;
      if (l.active && !o.is_set(kw.opt)) o.set(kw.opt, std::vector<std::string>{*first, *second});
      return true;
    }

    case O::kRekeyLimit: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      std::int64_t bytes = 0, secs = 0;
      if (arg != "default") {
        std::optional<long long> scaled = scan_scaled(arg);
        if (!scaled) {
          l.error("Bad number '" + arg + "': Invalid argument");
          return false;
        }
        bytes = *scaled;
        if (bytes != 0 && bytes < 16) {
          l.error("RekeyLimit too small");
          return false;
        }
      }
      if (a.size() >= 2 && a[1] != "default" && a[1] != "none") {
        secs = convtime(a[1]);
        if (secs == -1) {
          l.error("invalid time value.");
          return false;
        }
      }
      if (extra_arguments(l, a.size() >= 2 ? 2 : 1)) return false;
      if (l.active && !o.is_set(kw.opt)) {
        o.set(kw.opt, std::int64_t{1});
        o.rekey_bytes = bytes;
        o.rekey_seconds = secs;
      }
      return true;
    }
    case O::kTunnelDevice: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      auto colon = arg.find(':');
      std::string local = arg.substr(0, colon);
      std::string remote = colon == std::string::npos ? std::string("any") : arg.substr(colon + 1);
      std::int64_t v = 0;
      auto ok = [&](const std::string& w) { return w == "any" || parse_int(w, v, INT_MAX - 1); };
      if (!ok(local) || !ok(remote)) {
        l.error("Bad tun device.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, local + ":" + remote);
      return true;
    }
    case O::kStreamLocalBindMask: {
      if (!has) {
        l.error("Missing StreamLocalBindMask argument.");
        return false;
      }
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), v, 8);
      if (ec != std::errc() || p != arg.data() + arg.size() || v < 0 || v > 0777) {
        l.error("Bad mask.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, v);
      return true;
    }
    case O::kCanonicalizePermittedCnames:
    case O::kPermitRemoteOpen: {
      if (kw.opt == O::kPermitRemoteOpen && !has) {
        l.error("missing permitremoteopen specification");
        return false;
      }
      std::vector<std::string> words;
      for (const std::string& w : a) {
        if (kw.opt == O::kCanonicalizePermittedCnames && w != "none" && w.find(':') == std::string::npos) {
          l.error("Invalid permitted CNAME \"" + w + "\"");
          return false;
        }
        words.push_back(w);
      }
      if (l.active && !o.is_set(kw.opt) && !words.empty()) o.set(kw.opt, std::move(words));
      return true;
    }
    case O::kProxyJump: {
      std::string_view spec = l.rest;
      bool ok = !spec.empty();
      if (spec != "none") {
        std::size_t start = 0;
        while (ok && start <= spec.size()) {
          std::size_t comma = spec.find(',', start);
          std::string_view hop = spec.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
          if (auto at = hop.rfind('@'); at != std::string_view::npos) hop = hop.substr(at + 1);
          std::string host, port;
          if (hop.empty() || hop.find_first_of(" \t#") != std::string_view::npos) ok = false;
          else if (hop.find(':') != std::string_view::npos || hop.front() == '[') {
            ok = split_endpoint(hop, host, port) && !host.empty() && valid_port(port, false);
          }
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
      }
      if (!ok) {
        l.error("Invalid ProxyJump \"" + l.rest + "\"");
        return false;
      }
      if (l.active && !o.is_set(kw.opt) && !o.is_set(O::kProxyCommand)) o.set(kw.opt, l.rest);
      return true;
    }
    case O::kSendEnv: {
      for (const std::string& w : a) {
        std::string_view name = w;
        if (!name.empty() && name.front() == '-') name.remove_prefix(1);
        if (name.empty() || name.find('=') != std::string_view::npos) {
          l.error("Invalid environment name.");
          return false;
        }
        if (!l.active) continue;
        auto& list = o.mutable_list(kw.opt);
        if (w.front() == '-') {
          // "-PATTERN" removes what earlier lines added.
          std::erase_if(list, [&](const std::string& e) { return match_pattern(e, name); });
        } else {
          list.push_back(w);
        }
      }
      return true;
    }
    case O::kSetEnv: {
      std::vector<std::string> words;
      for (const std::string& w : a) {
        if (w.find('=') == std::string::npos || w.front() == '=') {
          l.error("Invalid SetEnv.");
          return false;
        }
        if (std::none_of(words.begin(), words.end(), [&](const std::string& e) {
              return e.substr(0, e.find('=')) == w.substr(0, w.find('='));
            }))
          words.push_back(w);
      }
      // OpenSSH 9.2: the first SetEnv line obtained wins as a whole.
      if (l.active && !o.is_set(kw.opt) && !words.empty()) o.set(kw.opt, std::move(words));
      return true;
    }
    default: break;
  }
  return false;
}


}  // namespace

void SshLine::error(std::string text) const {
  messages->push_back({log::Level::kError, std::string(file) + " line " + std::to_string(line) + ": " + text});
}

bool apply_ssh_keyword(const SshKeyword& kw, const SshLine& l, SshOptions& o) {
  const std::vector<std::string>& a = l.args;
  const bool has = !a.empty() && !a[0].empty();
  const std::string arg = has ? a[0] : std::string();
  switch (kw.kind) {
    case K::kFlag:
    case K::kChoice: {
      if (!has) {
        l.error("missing argument.");
        l.error("unsupported option \"(null)\".");
        return false;
      }
      int value = match_choice(kw.choices, arg);
      if (value == -1) {
        l.error("unsupported option \"" + arg + "\".");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, std::int64_t{value});
      return true;
    }
    case K::kInt: {
      int v = 0;
      const std::string* given = a.empty() ? nullptr : &a[0];
      if (auto complaint = atoi_error(given, v)) {
        l.error("integer value " + std::string(*complaint) + ".");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, std::int64_t{v});
      return true;
    }
    case K::kTime: {
      if (!has) {
        l.error("missing time value.");
        return false;
      }
      std::int64_t v = convtime(arg);
      if (v == -1) {
        l.error("invalid time value.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, v);
      return true;
    }
    case K::kPort: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      const std::int64_t v = a2port(arg);
      if (v <= 0) {
        l.error("Bad port '" + arg + "'.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, v);
      return true;
    }
    case K::kString:
    case K::kAppendOne: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (!l.active) return true;
      if (kw.kind == K::kAppendOne) o.mutable_list(kw.opt).push_back(arg);
      else o.set_if_unset(kw.opt, arg);
      return true;
    }
    case K::kWords: {
      if (l.active && !o.is_set(kw.opt) && !a.empty()) o.set(kw.opt, a);
      return true;
    }
    case K::kCommand: {
      if (!l.active || o.is_set(kw.opt)) return true;
      if (kw.opt == O::kProxyCommand && o.is_set(O::kProxyJump)) return true;
      o.set(kw.opt, l.rest);
      return true;
    }
    case K::kAlgorithms: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      if (!transport::assemble_algorithm_list(kw.algorithms, arg)) {
        std::string_view phrase = kw.opt == O::kCiphers   ? "Bad SSH2 cipher spec"
                                  : kw.opt == O::kMacs    ? "Bad SSH2 MAC spec"
                                  : kw.opt == O::kKexAlgorithms ? "Bad SSH2 KexAlgorithms"
                                                                : "Bad key types";
        l.error(std::string(phrase) + " '" + arg + "'.");
        return false;
      }
      if (extra_arguments(l, 1)) return false;
      if (l.active) o.set_if_unset(kw.opt, arg);
      return true;
    }
    case K::kForward: {
      if (!has) {
        l.error("Missing argument.");
        return false;
      }
      std::optional<std::string> spec;
      std::size_t used = 1;
      if (kw.opt == O::kDynamicForward) {
        spec = normalise_endpoint(arg, false);
      } else if (a.size() < 2) {
        if (kw.opt == O::kLocalForward) {
          l.error("Missing target argument.");
          return false;
        }
        spec = normalise_endpoint(arg, true);  // remote dynamic forwarding
      } else {
        used = 2;
        auto listen = normalise_endpoint(arg, kw.opt == O::kRemoteForward);
        auto target = normalise_target(a[1]);
        if (listen && target) spec = *listen + " " + *target;
      }
      if (!spec) {
        l.error("Bad forwarding specification.");
        return false;
      }
      if (extra_arguments(l, used)) return false;
      if (l.active) o.mutable_list(kw.opt).push_back(*spec);
      return true;
    }
    case K::kSpecial: return apply_special(kw, l, o);
    case K::kDeprecated:
      l.messages->push_back({log::Level::kDebug1, std::string(l.file) + " line " + std::to_string(l.line) +
                                                      ": Deprecated option \"" + l.keyword + "\""});
      return true;
    case K::kUnsupported:
      l.error("Unsupported option \"" + l.keyword + "\"");
      return true;
    case K::kIgnore: return true;
    case K::kHost:
    case K::kMatch:
    case K::kInclude: break;
  }
  return false;
}

}  // namespace sshcore::config

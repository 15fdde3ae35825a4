#include "command_line.hpp"

#include "algorithm_query.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/ssh_options.hpp"
#include "sshcore/transport/algorithm_list.hpp"

namespace ssh {
namespace {

using sshcore::Result;
using sshcore::config::SshConfigParser;
using sshcore::config::SshOptions;
using O = sshcore::config::SshOpt;

constexpr std::string_view kUsage =
    "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]\n"
    "           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]\n"
    "           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]\n"
    "           [-i identity_file] [-J [user@]host[:port]] [-L address]\n"
    "           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]\n"
    "           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]\n"
    "           [-w local_tun[:remote_tun]] destination [command [argument ...]]\n";

// ssh.c's option string; a ':' after a letter means it takes an argument.
constexpr std::string_view kOptString = "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:PQ:R:S:TVw:W:XYy";

// OpenSSH's valid multiplexing commands (-O).
constexpr std::string_view kMuxCommands[] = {"check", "forward", "exit", "stop", "cancel", "proxy"};

struct Getopt {
  const std::vector<std::string>& argv;
  std::size_t index = 1;
  std::size_t place = 0;  // position inside argv[index] (0: start a new word)
  std::string arg;
  char bad = 0;
  bool missing = false;

  // Next option letter, or 0 at the first non-option / "--" (consumed) / end.
  char next(bool& terminated) {
    if (place == 0) {
      if (index >= argv.size()) return 0;
      const std::string& w = argv[index];
      if (w.size() < 2 || w[0] != '-') return 0;
      if (w == "--") {
        ++index;
        terminated = true;
        return 0;
      }
      place = 1;
    }
    const std::string& w = argv[index];
    const char c = w[place++];
    const std::size_t at = kOptString.find(c);
    const bool takes_arg = at != std::string_view::npos && at + 1 < kOptString.size() && kOptString[at + 1] == ':';
    if (c == ':' || at == std::string_view::npos) {
      if (place >= w.size()) advance();
      bad = c;
      return '?';
    }
    if (takes_arg) {
      if (place < w.size()) {
        arg = w.substr(place);
        advance();
      } else {
        advance();
        if (index >= argv.size()) {
          bad = c;
          missing = true;
          return '?';
        }
        arg = argv[index++];
      }
    } else if (place >= w.size()) {
      advance();
    }
    return c;
  }
  void advance() {
    ++index;
    place = 0;
  }
};

// "[bind:]port:host:hostport" -> {"[bind:]port", "host:hostport"} (ssh_config's two words).
std::optional<std::pair<std::string, std::string>> split_forward(std::string_view spec) {
  std::size_t last = spec.rfind(':');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  std::size_t host_end = last;  // spec[host_end] == ':'
  std::size_t host_start;
  if (spec[host_end - 1] == ']') {
    std::size_t open = spec.rfind('[', host_end - 1);
    if (open == std::string_view::npos || open == 0) return std::nullopt;
    host_start = open;
  } else {
    std::size_t prev = spec.rfind(':', host_end - 1);
    if (prev == std::string_view::npos) return std::nullopt;
    host_start = prev + 1;
  }
  if (host_start == 0 || spec[host_start - 1] != ':') return std::nullopt;
  return std::make_pair(std::string(spec.substr(0, host_start - 1)), std::string(spec.substr(host_start)));
}

// ssh.c parse_ssh_uri(): 0 ok, -1 bad URI, 1 not a URI.
int parse_ssh_uri(std::string_view uri, std::optional<std::string>& user, std::string& host, int& port) {
  constexpr std::string_view kScheme = "ssh://";
  if (uri.size() < kScheme.size() || sshcore::ascii_lowercase(uri.substr(0, kScheme.size())) != kScheme) return 1;
  std::string_view rest = uri.substr(kScheme.size());
  // Path components are not allowed; a single trailing '/' is.
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (slash + 1 != rest.size()) return -1;
    rest = rest.substr(0, slash);
  }
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view u = rest.substr(0, at);
    if (u.empty() || u.find(';') != std::string_view::npos) return -1;  // no connection parameters
    user = std::string(u);
    rest = rest.substr(at + 1);
  }
  port = -1;
  if (!rest.empty() && rest[0] == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return -1;
    host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
  } else {
    std::size_t colon = rest.find(':');
    host = std::string(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon);
  }
  if (host.empty()) return -1;
  if (!rest.empty()) {
    if (rest[0] != ':' || rest.size() == 1) return -1;
    int v = 0;
    for (char c : rest.substr(1)) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
      if (v > 65535) return -1;
    }
    if (v <= 0) return -1;
    port = v;
  }
  return 0;
}

int a2port(std::string_view s) {
  if (s.empty()) return -1;
  long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
    if (v > 65535) return -1;
  }
  return v == 0 ? 0 : static_cast<int>(v);
}

bool algorithms_valid(sshcore::transport::AlgorithmKind kind, std::string_view spec) {
  return sshcore::transport::assemble_algorithm_list(kind, spec).has_value();
}

OptionStep set_number(O opt, std::int64_t v) {
  return [opt, v](SshConfigParser&, SshOptions& o) -> Result<void> {
    o.set(opt, v);
    return {};
  };
}
OptionStep set_text(O opt, std::string v) {
  return [opt, v = std::move(v)](SshConfigParser&, SshOptions& o) -> Result<void> {
    o.set(opt, v);
    return {};
  };
}
OptionStep config_line(std::string line) {
  return [line = std::move(line)](SshConfigParser& p, SshOptions&) -> Result<void> {
    return p.apply_command_line(line);
  };
}

CommandLineExit usage_exit() { return CommandLineExit{255, "", std::string(kUsage)}; }
// fatal() and error() end their lines with "\r\n" on stderr; the fprintf()s of ssh.c with "\n".
CommandLineExit fatal_exit(std::string text) { return CommandLineExit{255, "", std::move(text) + "\r\n"}; }
CommandLineExit plain_exit(std::string text) { return CommandLineExit{255, "", std::move(text) + "\n"}; }

}  // namespace

std::string_view usage_text() { return kUsage; }

std::optional<int> parse_escape_char(std::string_view a) {
  const auto* u = reinterpret_cast<const unsigned char*>(a.data());
  if (a.size() == 2 && a[0] == '^' && u[1] >= 64 && u[1] < 128) return u[1] & 31;
  if (a.size() == 1) return u[0];
  if (a == "none") return -2;
  return std::nullopt;
}

Result<CommandLine> parse_command_line(const std::vector<std::string>& argv, const std::string& home,
                                       std::optional<CommandLineExit>& exit_now) {
  CommandLine cl;
  if (!argv.empty()) cl.program = argv[0];
  Getopt g{argv, 1, 0, {}, 0, false};
  bool terminated = false;
  bool have_host = false;
  // The flags that OpenSSH applies as "first value wins" compare against what earlier steps
  // set; these track the command line's own state for -t and -v.
  int request_tty = -1;
  std::vector<std::string> rest;
  auto stop = [&](CommandLineExit e) -> Result<CommandLine> {
    exit_now = std::move(e);
    return cl;
  };

  for (;;) {
    while (char c = g.next(terminated)) {
      const std::string arg = g.arg;
      switch (c) {
        case '1': return stop(fatal_exit("SSH protocol v.1 is no longer supported"));
        case '2': case 'P': break;
        case '4': cl.steps.push_back(set_number(O::kAddressFamily, sshcore::config::kFamilyInet)); break;
        case '6': cl.steps.push_back(set_number(O::kAddressFamily, sshcore::config::kFamilyInet6)); break;
        case 'n': cl.steps.push_back(set_number(O::kStdinNull, 1)); break;
        case 'f':
          cl.steps.push_back(set_number(O::kForkAfterAuthentication, 1));
          cl.steps.push_back(set_number(O::kStdinNull, 1));
          break;
        case 'x': cl.steps.push_back(set_number(O::kForwardX11, 0)); break;
        case 'X': cl.steps.push_back(set_number(O::kForwardX11, 1)); break;
        case 'Y':
          cl.steps.push_back(set_number(O::kForwardX11, 1));
          cl.steps.push_back(set_number(O::kForwardX11Trusted, 1));
          break;
        case 'y': cl.use_syslog = true; break;
        case 'E': cl.log_file = arg; break;
        case 'G': cl.config_test = true; break;
        case 'g': cl.steps.push_back(set_number(O::kGatewayPorts, 1)); break;
        case 'O':
          if (cl.stdio_forward) return stop(fatal_exit("Cannot specify multiplexing command with -W"));
          if (cl.mux_command) return stop(fatal_exit("Multiplexing command already specified"));
          if (std::find(std::begin(kMuxCommands), std::end(kMuxCommands), arg) == std::end(kMuxCommands))
            return stop(fatal_exit("Invalid multiplex command."));
          cl.mux_command = arg;
          break;
        case 'Q': {
          auto answer = query_answer(arg);
          if (!answer) return stop(fatal_exit("Unsupported query \"" + arg + "\""));
          return stop(CommandLineExit{0, *answer + "\n", ""});
        }
        case 'a': cl.steps.push_back(set_number(O::kForwardAgent, 0)); break;
        case 'A': cl.steps.push_back(set_number(O::kForwardAgent, 1)); break;
        case 'k': cl.steps.push_back(set_number(O::kGssapiDelegateCredentials, 0)); break;
        case 'K':
          cl.gssapi = true;
          cl.steps.push_back(set_number(O::kGssapiAuthentication, 1));
          cl.steps.push_back(set_number(O::kGssapiDelegateCredentials, 1));
          break;
        case 'i': {
          std::string p = arg.starts_with("~/") ? home + arg.substr(1) : (arg == "~" ? home : arg);
          struct stat st{};
          if (::stat(p.c_str(), &st) == -1) {
            cl.warnings.push_back("Warning: Identity file " + p + " not accessible: " + std::strerror(errno) + ".");
          } else {
            cl.steps.push_back([p](SshConfigParser&, SshOptions& o) -> Result<void> {
              o.mutable_list(O::kIdentityFile).push_back(p);
              return {};
            });
          }
          break;
        }
        case 'I': cl.steps.push_back(set_text(O::kPkcs11Provider, arg)); break;
        case 'J':
          cl.steps.push_back([arg](SshConfigParser&, SshOptions& o) -> Result<void> {
            if (o.is_set(O::kProxyJump)) return sshcore::fail(sshcore::Errc::kInvalidArgument, "Only a single -J option is permitted");
            if (o.is_set(O::kProxyCommand)) return sshcore::fail(sshcore::Errc::kInvalidArgument, "Cannot specify -J with ProxyCommand");
            o.set(O::kProxyJump, arg);
            return {};
          });
          break;
        case 't':
          request_tty = request_tty == sshcore::config::kTtyYes ? sshcore::config::kTtyForce : sshcore::config::kTtyYes;
          cl.steps.push_back(set_number(O::kRequestTty, request_tty));
          break;
        case 'v':
          if (cl.debug_flag == 0) {
            cl.debug_flag = 1;
          } else if (cl.debug_flag < 3) {
            ++cl.debug_flag;
          }
          cl.steps.push_back(set_text(
              O::kLogLevel, std::string(sshcore::log::level_name(static_cast<sshcore::log::Level>(
                                static_cast<int>(sshcore::log::Level::kDebug1) + cl.debug_flag - 1)))));
          break;
        case 'V': cl.want_version = true; break;
        case 'w': cl.steps.push_back(config_line("TunnelDevice=" + arg)); cl.steps.push_back(set_number(O::kTunnel, sshcore::config::kTunnelPointToPoint)); break;
        case 'W':
          if (cl.stdio_forward) return stop(fatal_exit("stdio forward already specified"));
          if (cl.mux_command) return stop(fatal_exit("Cannot specify stdio forward with -O"));
          cl.stdio_forward = arg;
          cl.steps.push_back(set_number(O::kRequestTty, sshcore::config::kTtyNo));
          cl.steps.push_back(set_number(O::kSessionType, sshcore::config::kSessionNone));
          break;
        case 'q': cl.steps.push_back(set_text(O::kLogLevel, std::string(sshcore::log::level_name(sshcore::log::Level::kQuiet)))); break;
        case 'e': {
          auto e = parse_escape_char(arg);
          if (!e) return stop(plain_exit("Bad escape character '" + arg + "'."));
          cl.steps.push_back(set_number(O::kEscapeChar, *e));
          cl.escape_char_given = true;
          break;
        }
        case 'c': {
          std::string_view check = arg;
          if (!check.empty() && (check[0] == '+' || check[0] == '^')) check.remove_prefix(1);
          if (!algorithms_valid(sshcore::transport::AlgorithmKind::kCipher, check) || check.empty())
            return stop(plain_exit("Unknown cipher type '" + arg + "'"));
          cl.steps.push_back(set_text(O::kCiphers, arg));
          break;
        }
        case 'm':
          if (!algorithms_valid(sshcore::transport::AlgorithmKind::kMac, arg) || arg.empty())
            return stop(plain_exit("Unknown mac type '" + arg + "'"));
          cl.steps.push_back(set_text(O::kMacs, arg));
          break;
        case 'M':
          cl.steps.push_back([](SshConfigParser&, SshOptions& o) -> Result<void> {
            o.set(O::kControlMaster, o.number(O::kControlMaster) == sshcore::config::kCmYes ? sshcore::config::kCmAsk
                                                                                           : sshcore::config::kCmYes);
            return {};
          });
          break;
        case 'p': {
          const int port = a2port(arg);
          if (port <= 0) return stop(plain_exit("Bad port '" + arg + "'"));
          cl.steps.push_back([port](SshConfigParser&, SshOptions& o) -> Result<void> {
            o.set_if_unset(O::kPort, std::int64_t{port});
            return {};
          });
          break;
        }
        case 'l':
          cl.steps.push_back([arg](SshConfigParser&, SshOptions& o) -> Result<void> {
            o.set_if_unset(O::kUser, arg);
            return {};
          });
          break;
        case 'L':
        case 'R': {
          auto parts = split_forward(arg);
          const bool local = c == 'L';
          if (!parts && local) return stop(plain_exit("Bad local forwarding specification '" + arg + "'"));
          if (parts) cl.steps.push_back(config_line(std::string(local ? "LocalForward" : "RemoteForward") + " " +
                                                    parts->first + " " + parts->second));
          else cl.steps.push_back(config_line("RemoteForward " + arg));
          break;
        }
        case 'D': cl.steps.push_back(config_line("DynamicForward " + arg)); break;
        case 'C': cl.steps.push_back(set_number(O::kCompression, 1)); break;
        case 'N':
          cl.steps.push_back([](SshConfigParser&, SshOptions& o) -> Result<void> {
            const auto st = o.number(O::kSessionType);
            if (st != -1 && st != sshcore::config::kSessionNone)
              return sshcore::fail(sshcore::Errc::kInvalidArgument, "Cannot specify -N with -s/SessionType");
            o.set(O::kSessionType, std::int64_t{sshcore::config::kSessionNone});
            o.set(O::kRequestTty, std::int64_t{sshcore::config::kTtyNo});
            return {};
          });
          break;
        case 'T': cl.steps.push_back(set_number(O::kRequestTty, sshcore::config::kTtyNo)); break;
        case 'o': cl.steps.push_back(config_line(arg)); break;
        case 's':
          cl.steps.push_back([](SshConfigParser&, SshOptions& o) -> Result<void> {
            const auto st = o.number(O::kSessionType);
            if (st != -1 && st != sshcore::config::kSessionSubsystem)
              return sshcore::fail(sshcore::Errc::kInvalidArgument, "Cannot specify -s with -N/SessionType");
            o.set(O::kSessionType, std::int64_t{sshcore::config::kSessionSubsystem});
            return {};
          });
          break;
        case 'S': cl.steps.push_back(set_text(O::kControlPath, arg)); break;
        case 'b': cl.steps.push_back(set_text(O::kBindAddress, arg)); break;
        case 'B': cl.steps.push_back(set_text(O::kBindInterface, arg)); break;
        case 'F': cl.config_file = arg; break;
        default: {
          std::string msg = g.missing ? std::string("option requires an argument -- ") + g.bad
                                      : std::string("unknown option -- ") + g.bad;
          if (g.bad == 0) msg.clear();
          return stop(CommandLineExit{255, "", (msg.empty() ? "" : msg + "\r\n") + std::string(kUsage)});
        }
      }
    }
    if (cl.want_version) return cl;  // -V wins over everything after it, as ssh exits at once
    if (g.index < argv.size() && !have_host) {
      const std::string& word = argv[g.index];
      std::optional<std::string> user;
      std::string host;
      int port = -1;
      switch (parse_ssh_uri(word, user, host, port)) {
        case -1: return stop(usage_exit());
        case 0:
          cl.destination_user = user;
          if (port != -1) cl.destination_port = port;
          break;
        default: {
          std::size_t at = word.rfind('@');
          if (at == 0) return stop(usage_exit());
          if (at != std::string::npos) {
            cl.destination_user = word.substr(0, at);
            host = word.substr(at + 1);
          } else {
            host = word;
          }
        }
      }
      cl.destination = host;
      have_host = true;
      ++g.index;
      g.place = 0;
      if (g.index < argv.size() && !terminated) continue;  // options may follow the host
    }
    break;
  }
  if (cl.want_version || cl.query) return cl;
  if (!have_host) return stop(usage_exit());
  for (std::size_t i = g.index; i < argv.size(); ++i) {
    if (i > g.index) cl.command += ' ';
    cl.command += argv[i];
  }
  cl.has_command = g.index < argv.size();
  return cl;
}

Result<void> apply_command_line(const CommandLine& cl, SshConfigParser& parser, SshOptions& options) {
  for (const OptionStep& step : cl.steps) SSH_TRY_VOID(step(parser, options));
  // The destination's user@ and :port come after the flags (ssh.c sets them when unset).
  if (cl.destination_user) options.set_if_unset(O::kUser, *cl.destination_user);
  if (cl.destination_port) options.set_if_unset(O::kPort, std::int64_t{*cl.destination_port});
  return {};
}

}  // namespace ssh

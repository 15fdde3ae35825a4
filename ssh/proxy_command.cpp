#include "proxy_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"

namespace ssh {
namespace {

namespace log = sshcore::log;
using O = sshcore::config::SshOpt;

struct Hop {
  std::optional<std::string> user;
  std::string host;
  int port = -1;
};

// parse_user_host_port(): [user@]host[:port], host possibly in brackets.
std::optional<Hop> parse_hop(std::string_view s) {
  Hop hop;
  if (s.starts_with("ssh://")) s.remove_prefix(6);
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  if (std::size_t at = s.rfind('@'); at != std::string_view::npos) {
    if (at == 0) return std::nullopt;
    hop.user = std::string(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
  std::string_view port_text;
  if (!s.empty() && s[0] == '[') {
    std::size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hop.host = std::string(s.substr(1, close - 1));
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      port_text = rest.substr(1);
    }
  } else {
    std::size_t colon = s.find(':');
    hop.host = std::string(s.substr(0, colon));
    if (colon != std::string_view::npos) port_text = s.substr(colon + 1);
  }
  if (hop.host.empty()) return std::nullopt;
  if (!port_text.empty()) {
    int v = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || v > 65535) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    if (v <= 0 || v > 65535) return std::nullopt;
    hop.port = v;
  }
  return hop;
}

}  // namespace

std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(const std::string& spec) {
  auto hop = parse_hop(spec);
  if (!hop || hop->user || hop->port <= 0) return std::nullopt;
  return std::make_pair(hop->host, static_cast<std::uint16_t>(hop->port));
}

sshcore::Result<std::optional<std::string>> proxy_jump_command(const sshcore::config::SshOptions& options,
                                                               const CommandLine& cl, const std::string& program,
                                                               const std::string& host) {
  const std::string* spec = options.text(O::kProxyJump);
  if (spec == nullptr || sshcore::ascii_lowercase(*spec) == "none") return std::optional<std::string>{};
  if (options.is_set(O::kProxyCommand))
    return sshcore::fail(sshcore::Errc::kInvalidArgument, "inconsistent options: ProxyCommand+ProxyJump");
  const std::size_t comma = spec->rfind(',');
  const std::string last = comma == std::string::npos ? *spec : spec->substr(comma + 1);
  const std::string extra = comma == std::string::npos ? "" : spec->substr(0, comma);
  auto hop = parse_hop(last);
  if (!hop) return sshcore::fail(sshcore::Errc::kInvalidArgument, "Invalid ProxyJump \"" + *spec + "\"");
  const std::string* user = options.text(O::kUser);
  if (hop->host == host && (hop->port <= 0 ? 22 : hop->port) == options.number(O::kPort, 22) &&
      hop->user.value_or(user ? *user : "") == (user ? *user : ""))
    return sshcore::fail(sshcore::Errc::kInvalidArgument, "jumphost loop via " + hop->host);
  // ssh.c: the ssh named by argv[0], or "ssh" from PATH when that is not runnable.
  std::string sshbin = program;
  if (sshbin.find('/') != std::string::npos && ::access(sshbin.c_str(), X_OK) != 0) sshbin = "ssh";
  std::string cmd = sshbin;
  if (hop->user) cmd += " -l " + *hop->user;
  if (hop->port > 0) cmd += " -p " + std::to_string(hop->port);
  if (!extra.empty()) cmd += " -J " + extra;
  if (cl.config_file) cmd += " -F " + *cl.config_file;
  if (cl.debug_flag > 0) cmd += " -" + std::string(static_cast<std::size_t>(cl.debug_flag), 'v');
  cmd += " -W '[%h]:%p' " + hop->host;
  log::debug1("Setting implicit ProxyCommand from ProxyJump: {}", cmd);
  return std::optional<std::string>(cmd);
}

sshcore::Result<HostConnection> connect_via_proxy(const std::string& command, const sshcore::config::SshOptions& options,
                                                  const sshcore::config::SshConfigEnvironment& env,
                                                  const sshcore::config::SshTarget& target) {
  const sshcore::config::SshExpansion how{.tokens = sshcore::config::SshTokenSet::kProxy};
  auto expanded = sshcore::config::expand_ssh_value("exec " + command, how, options, env, target);
  if (!expanded) {
    log::fatal("{}", expanded.error().detail);
    return sshcore::fail(expanded.error());
  }
  log::debug1("Executing proxy command: {}", *expanded);
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
    log::fatal("socketpair: {}", std::strerror(errno));
    return sshcore::fail(sshcore::Errc::kSystem, "socketpair");
  }
  const char* shell_env = std::getenv("SHELL");
  const std::string shell = shell_env != nullptr && *shell_env != '\0' ? shell_env : "/bin/sh";
  const pid_t pid = ::fork();
  if (pid == -1) {
    log::fatal("fork failed: {}", std::strerror(errno));
    ::close(sv[0]);
    ::close(sv[1]);
    return sshcore::fail(sshcore::Errc::kSystem, "fork");
  }
  if (pid == 0) {
    ::dup2(sv[1], STDIN_FILENO);
    ::dup2(sv[1], STDOUT_FILENO);
    ::signal(SIGPIPE, SIG_DFL);  // ssh ignores it; the proxy must not inherit that
    ::execl(shell.c_str(), shell.c_str(), "-c", expanded->c_str(), static_cast<char*>(nullptr));
    std::string err = "exec(" + shell + "): " + std::strerror(errno) + "\r\n";
    (void)::write(STDERR_FILENO, err.data(), err.size());
    ::_exit(1);
  }
  ::close(sv[1]);
  ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  HostConnection c;
  c.fd = sshcore::io::Fd(sv[0]);
  c.port = static_cast<std::uint16_t>(options.number(O::kPort, 22));
  c.proxied = true;
  c.proxy_pid = pid;
  return c;
}

}  // namespace ssh

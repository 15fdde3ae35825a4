#include "ssh_main.hpp"

#include <openssl/crypto.h>
#include <signal.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <iostream>

#include "client_config.hpp"
#include "client_session.hpp"
#include "command_line.hpp"
#include "host_connection.hpp"
#include "proxy_command.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/transport/version_exchange.hpp"

namespace ssh {
namespace {

namespace log = sshcore::log;
using O = sshcore::config::SshOpt;

constexpr int kExitFailure = 255;

struct Facility {
  std::string_view name;
  int value;
};
constexpr Facility kFacilities[] = {
    {"DAEMON", LOG_DAEMON}, {"USER", LOG_USER},     {"AUTH", LOG_AUTH},     {"AUTHPRIV", LOG_AUTHPRIV},
    {"LOCAL0", LOG_LOCAL0}, {"LOCAL1", LOG_LOCAL1}, {"LOCAL2", LOG_LOCAL2}, {"LOCAL3", LOG_LOCAL3},
    {"LOCAL4", LOG_LOCAL4}, {"LOCAL5", LOG_LOCAL5}, {"LOCAL6", LOG_LOCAL6}, {"LOCAL7", LOG_LOCAL7}};

void init_log(const CommandLine& cl, const sshcore::config::SshOptions& options) {
  log::Options lo;
  lo.program = "ssh";
  const std::string* level = options.text(O::kLogLevel);
  lo.level = level != nullptr ? log::level_from_name(*level).value_or(log::Level::kInfo) : log::Level::kInfo;
  if (cl.log_file) {
    lo.sink = log::Sink::kFile;
    lo.file = *cl.log_file;
  } else if (cl.use_syslog) {
    lo.sink = log::Sink::kSyslog;
    if (const std::string* f = options.text(O::kSyslogFacility))
      for (const auto& row : kFacilities)
        if (row.name == *f) lo.syslog_facility = row.value;
  }
  log::init(lo);
}

// The log level the command line alone asks for (-v, -q, -o LogLevel), for messages printed
// while the files are read.
sshcore::Result<sshcore::config::SshOptions> command_line_only(const CommandLine& cl) {
  sshcore::config::SshOptions scratch;
  sshcore::config::SshConfigEnvironment env;
  sshcore::config::SshTarget none{};
  sshcore::config::SshConfigParser parser(env, none, scratch);
  auto r = apply_command_line(cl, parser, scratch);
  if (!r) {
    for (const auto& m : parser.messages()) std::fprintf(stderr, "%s\r\n", m.text.c_str());
    if (parser.messages().empty()) std::fprintf(stderr, "%s\r\n", r.error().detail.c_str());
    return sshcore::fail(r.error());
  }
  return scratch;
}

// ssh.c: whether a pty is requested, and the notice when stdin cannot have one.
bool decide_tty(const CommandLine& cl, const sshcore::config::SshOptions& o) {
  const auto request = o.number(O::kRequestTty, sshcore::config::kTtyAuto);
  bool tty = request == sshcore::config::kTtyYes || request == sshcore::config::kTtyForce;
  if (!cl.has_command && !o.is_set(O::kRemoteCommand)) tty = request != sshcore::config::kTtyNo;
  if (request == sshcore::config::kTtyNo || cl.mux_command ||
      o.number(O::kSessionType, sshcore::config::kSessionDefault) == sshcore::config::kSessionNone)
    tty = false;
  if ((!::isatty(STDIN_FILENO) || o.number(O::kStdinNull, 0) == 1) && request != sshcore::config::kTtyForce) {
    if (tty) log::info("Pseudo-terminal will not be allocated because stdin is not a terminal.");
    tty = false;
  }
  return tty;
}

// Features this ssh does not have yet. Those that would change where or how we connect are
// refused rather than silently skipped.
std::optional<std::string> unsupported_feature(const CommandLine& cl, const sshcore::config::SshOptions& o) {
  if (cl.stdio_forward && !parse_host_port(*cl.stdio_forward)) return "Bad stdio forwarding specification '" + *cl.stdio_forward + "'";
  if (o.number(O::kTunnel, 0) != sshcore::config::kTunnelNo) return "Tunnel forwarding (-w) is not supported by this ssh yet";
  return std::nullopt;
}

// Forwardings this ssh does not carry out yet (agent, X11) are only mentioned in the debug log.
void note_unsupported_forwards(const sshcore::config::SshOptions& o) {
  if (o.number(O::kForwardAgent, 0) == 1 || o.text(O::kForwardAgent) != nullptr)
    log::debug1("agent forwarding is not supported by this ssh yet");
  if (o.number(O::kForwardX11, 0) == 1) log::debug1("X11 forwarding is not supported by this ssh yet");
  // Without multiplexing every ssh is a plain connection, which is what ControlMaster
  // auto/yes amounts to when no master is running.
  if (o.number(O::kControlMaster, 0) != sshcore::config::kCmNo)
    log::debug1("ControlMaster: multiplexing is not supported by this ssh yet; connecting directly");
}

}  // namespace

std::string version_line() {
  return std::string(sshcore::transport::kSoftwareVersion) + ", " + OpenSSL_version(OPENSSL_VERSION);
}

int ssh_main(const std::vector<std::string>& argv) {
  const auto env = machine_config_environment();
  std::optional<CommandLineExit> exit_now;
  auto parsed = parse_command_line(argv, env.home_dir, exit_now);
  if (exit_now) {
    std::fputs(exit_now->out.c_str(), stdout);
    std::fputs(exit_now->err.c_str(), stderr);
    return exit_now->status;
  }
  if (!parsed) return kExitFailure;
  CommandLine& cl = *parsed;
  for (const std::string& w : cl.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (cl.want_version) {
    std::fprintf(stderr, "%s\n", version_line().c_str());
    return 0;
  }
  ::signal(SIGPIPE, SIG_IGN);
  if (cl.use_syslog && cl.log_file) {
    std::fprintf(stderr, "Can't specify both -y and -E\r\n");
    return kExitFailure;
  }
  auto early = command_line_only(cl);
  if (!early) return kExitFailure;
  init_log(cl, *early);
  if (cl.debug_flag > 0) log::info("{}", version_line());

  ConfigPaths paths;
  paths.user_config = env.home_dir + "/.ssh/config";
  auto loaded = load_client_config(cl, env, paths);
  if (!loaded) return kExitFailure;
  ClientConfig& config = *loaded;
  init_log(cl, config.options);

  const bool tty = decide_tty(cl, config.options);
  if (cl.config_test) {
    std::fputs(sshcore::config::dump_ssh_config(config.options, config.target).c_str(), stdout);
    return 0;
  }
  if (cl.has_command && config.options.is_set(O::kRemoteCommand)) {
    log::fatal("Cannot execute command-line and remote command.");
    return kExitFailure;
  }
  if (auto refusal = unsupported_feature(cl, config.options)) {
    log::error("{}", *refusal);
    return kExitFailure;
  }
  note_unsupported_forwards(config.options);
  if (cl.mux_command) {
    log::error("Control socket connect({}): No such file or directory",
               config.options.text(O::kControlPath) ? *config.options.text(O::kControlPath) : "(none)");
    return kExitFailure;
  }
  // GSSAPIAuthentication in a file is ignored (Debian's ssh_config turns it on); asking for it
  // with -K gets a clear refusal.
  if (cl.gssapi) {
    log::error("GSSAPI authentication (-K) is not supported by this ssh");
    return kExitFailure;
  }

  const std::string* hostname = config.options.text(O::kHostname);
  const auto port = static_cast<std::uint16_t>(config.options.number(O::kPort, 22));
  auto jump = proxy_jump_command(config.options, cl, cl.program, hostname != nullptr ? *hostname : cl.destination);
  if (!jump) {
    log::fatal("{}", jump.error().detail);
    return kExitFailure;
  }
  const std::string* proxy = config.options.text(O::kProxyCommand);
  auto connection = *jump ? connect_via_proxy(**jump, config.options, env, config.target)
                    : proxy != nullptr ? connect_via_proxy(*proxy, config.options, env, config.target)
                                       : connect_to_host(hostname != nullptr ? *hostname : cl.destination, port,
                                                         config.options);
  if (!connection) return kExitFailure;
  return run_client_session(config, cl, std::move(*connection), tty, env.home_dir);
}

}  // namespace ssh

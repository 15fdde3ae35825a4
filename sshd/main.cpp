// sshd(8): the front end. Reads the command line and the configuration, loads the
// host keys, then either tests (-t/-T), serves one connection (-i, -d, or the hidden
// per-connection mode the listener re-executes), or listens as the daemon.
#include <fcntl.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "auth_context.hpp"
#include "command_line.hpp"
#include "connection_process.hpp"
#include "host_keys.hpp"
#include "listener.hpp"
#include "process_title.hpp"
#include "server_configuration.hpp"
#include "server_logging.hpp"
#include "startup_limits.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/crypto/sodium_runtime.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {
namespace {

namespace io = sshcore::io;
namespace log = sshcore::log;
namespace config = sshcore::config;

constexpr const char kSelfExe[] = "/proc/self/exe";

int refuse(const CommandLineExit& exit) {
  if (exit.through_log) {
    std::string_view rest = exit.message;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      log::error("{}", rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    return exit.status;
  }
  std::fputs(exit.message.c_str(), exit.status == 0 ? stdout : stderr);
  if (exit.status == 0) std::fflush(stdout);
  return exit.status;
}

// The argv to re-execute with: the original one (which the process title shows),
// then the config file's absolute path as a later -f, which wins over a relative one.
std::vector<std::string> reexec_argv(const CommandLine& cl) {
  std::vector<std::string> args = cl.argv;
  args.push_back("-f");
  args.push_back(cl.config_file);
  return args;
}

std::vector<char*> c_argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// A child about to exec starts with no blocked signals and default dispositions,
// whatever the event loop arranged in this process.
void reset_signals_for_exec() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
}

// The listener's config snapshot, read to EOF from the descriptor it handed over.
std::optional<ConfigSnapshot> read_snapshot(int fd) {
  sshcore::Bytes data;
  std::uint8_t buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
  }
  ::close(fd);
  auto snapshot = ConfigSnapshot::decode(data);
  if (!snapshot) return std::nullopt;
  return std::move(*snapshot);
}

// The connection's socket moves off descriptors 0/1, which get /dev/null (as
// sshd.c does for -i and the re-exec'd child).
io::Fd take_socket_from_stdio() {
  io::Fd sock(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3));
  int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    if (null_fd > STDERR_FILENO) ::close(null_fd);
  }
  return sock;
}

// -T: the effective configuration, for the -C connection when one is given.
int dump_config(const CommandLine& cl, const ServerConfiguration& cfg) {
  if (!cl.connection_spec) {
    std::fputs(cfg.global().dump().c_str(), stdout);
    return 0;
  }
  auto spec = config::parse_connection_spec(*cl.connection_spec);
  if (!spec) {
    std::fprintf(stderr, "%s\n", spec.error().detail.c_str());
    return 1;
  }
  AuthOs os = system_auth_os();
  spec->groups = [os](const std::string& user) -> std::optional<std::vector<std::string>> {
    auto record = os.find_user(user);
    if (!record) return std::nullopt;
    return os.group_names(*record);
  };
  auto options = cfg.for_connection(*spec);
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().detail.c_str());
    return 255;
  }
  std::fputs(options->dump().c_str(), stdout);
  return 0;
}

bool write_pid_file(const std::string& path) {
  if (path.empty() || path == "none") return true;
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    log::error("Couldn't create pid file \"{}\": {}", path, std::strerror(errno));
    return false;
  }
  std::fprintf(f, "%ld\n", static_cast<long>(getpid()));
  std::fclose(f);
  return true;
}

// A fresh image for each connection (DESIGN.md section 6): the socket on 0 and 1,
// the startup pipe and the config snapshot on the descriptors the -R mode expects.
sshcore::Result<pid_t> spawn_reexec(const CommandLine& cl, const ConfigSnapshot& snapshot, io::Fd socket,
                                    io::Fd startup_pipe) {
  int config_pipe[2];
  if (::pipe2(config_pipe, O_CLOEXEC) != 0) return sshcore::fail(sshcore::Errc::kSystem, std::strerror(errno));
  io::Fd config_read(config_pipe[0]), config_write(config_pipe[1]);
  pid_t pid = ::fork();
  if (pid < 0) return sshcore::fail(sshcore::Errc::kSystem, std::strerror(errno));
  if (pid == 0) {
    reset_signals_for_exec();
    // Lift every descriptor above the targets first so no dup2 overwrites another.
    int s = ::fcntl(socket.get(), F_DUPFD_CLOEXEC, 10);
    int p = ::fcntl(startup_pipe.get(), F_DUPFD_CLOEXEC, 10);
    int c = ::fcntl(config_read.get(), F_DUPFD_CLOEXEC, 10);
    if (s < 0 || p < 0 || c < 0 || ::dup2(s, STDIN_FILENO) < 0 || ::dup2(s, STDOUT_FILENO) < 0 ||
        ::dup2(p, kStartupPipeFd) < 0 || ::dup2(c, kConfigSnapshotFd) < 0)
      _exit(1);
    std::vector<std::string> args = reexec_argv(cl);
    args.emplace_back(kRexecFlag);
    auto argv = c_argv(args);
    ::execv(kSelfExe, argv.data());
    _exit(1);
  }
  config_read.reset();
  socket.reset();
  startup_pipe.reset();
  sshcore::Bytes bytes = snapshot.encode();
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(config_write.get(), bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child died; its exit is reaped as any other
    off += static_cast<std::size_t>(n);
  }
  return pid;
}

// -r: the connection is served from a plain fork of the listener.
sshcore::Result<pid_t> spawn_fork(const CommandLine& cl, const ServerConfiguration& cfg,
                                  const std::vector<LoadedHostKey>& keys, Listener& listener, io::Fd socket,
                                  io::Fd startup_pipe) {
  pid_t pid = ::fork();
  if (pid < 0) return sshcore::fail(sshcore::Errc::kSystem, std::strerror(errno));
  if (pid == 0) {
    listener.close_all();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    _exit(run_connection({std::move(socket), std::move(startup_pipe), &cfg, keys, &cl}));
  }
  return pid;
}

int random_below(int n) {
  static std::random_device device;
  return std::uniform_int_distribution<int>(0, n - 1)(device);
}

StartupLimits make_limits(const config::SshdOptions& options) {
  auto max = parse_max_startups(options.value("MaxStartups")).value_or(MaxStartups{});
  auto per_source =
      parse_per_source(options.value("PerSourceMaxStartups"), options.value("PerSourceNetBlockSize"))
          .value_or(PerSourceLimit{});
  return StartupLimits(max, per_source, &random_below);
}

int address_family(const config::SshdOptions& options) {
  std::string_view f = options.value("AddressFamily");
  if (f == "inet") return AF_INET;
  if (f == "inet6") return AF_INET6;
  return AF_UNSPEC;
}

// The daemon's accept loop; returns only to exit (SIGHUP re-executes instead).
int serve(const CommandLine& cl, const ServerConfiguration& cfg, std::vector<LoadedHostKey> keys) {
  const config::SshdOptions& options = cfg.global();
  io::EventLoop loop;
  std::optional<io::Fd> single;  // -d: the one connection served in this process
  std::unique_ptr<Listener> listener;
  auto spawn = [&](io::Fd socket, io::Fd startup_pipe) -> sshcore::Result<pid_t> {
    if (cl.debug > 0) {
      single = std::move(socket);
      loop.stop();
      return getpid();
    }
    if (cl.no_rexec) return spawn_fork(cl, cfg, keys, *listener, std::move(socket), std::move(startup_pipe));
    return spawn_reexec(cl, cfg.snapshot(), std::move(socket), std::move(startup_pipe));
  };
  listener = std::make_unique<Listener>(loop, make_limits(options), spawn);
  if (auto opened = listener->open(listen_addresses(options), address_family(options)); !opened) {
    log::fatal("{}", opened.error().detail);
    return 255;
  }
  std::string joined;
  for (const auto& a : cl.argv) joined += (joined.empty() ? "" : " ") + a;
  listener->set_title(joined, parse_max_startups(options.value("MaxStartups")).value_or(MaxStartups{}));
  std::string pid_file(options.value("PidFile"));
  if (cl.debug == 0) write_pid_file(pid_file);

  int exit_status = 0;
  auto terminate = [&](int signo) {
    log::info("Received signal {}; terminating.", signo);
    listener->close_all();
    if (cl.debug == 0 && pid_file != "none") ::unlink(pid_file.c_str());
    exit_status = signo == SIGTERM ? 0 : 255;
    loop.stop();
  };
  for (int signo : {SIGTERM, SIGINT, SIGQUIT}) (void)loop.watch_signal(signo, terminate);
  (void)loop.watch_signal(SIGHUP, [&](int) {
    log::info("Received SIGHUP; restarting.");
    if (pid_file != "none") ::unlink(pid_file.c_str());
    listener->close_all();
    reset_signals_for_exec();
    std::vector<std::string> args = reexec_argv(cl);
    auto argv = c_argv(args);
    const char* path = args[0].starts_with('/') ? args[0].c_str() : kSelfExe;
    ::execv(path, argv.data());
    log::info("RESTART FAILED: av[0]='{}', error: {}.", args[0], std::strerror(errno));
    std::exit(1);
  });
  (void)loop.watch_signal(SIGCHLD, [](int) {
    int status;
    while (::waitpid(-1, &status, WNOHANG) > 0) {
    }
  });
  if (auto ran = loop.run(); !ran) {
    log::fatal("{}", ran.error().detail);
    return 255;
  }
  if (single) {
    listener->close_all();
    listener.reset();
    // The connection runs with the signal mask and dispositions it would have had
    // as a fresh process.
    for (int signo : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD}) loop.unwatch_signal(signo);
    return run_connection({std::move(*single), io::Fd(), &cfg, std::move(keys), &cl});
  }
  return exit_status;
}

// The libraries read their files now: the pre-auth child's sandbox lets it open none
// (openssl.cnf is otherwise loaded at the first use of a digest).
void initialise_crypto_libraries() {
  OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS,
                      nullptr);
  sshcore::crypto::ensure_sodium();
}

int sshd_main(std::vector<std::string> args) {
  ParsedCommandLine parsed = parse_command_line(args);
  if (parsed.exit) return refuse(*parsed.exit);
  CommandLine& cl = *parsed.line;
  // The listener works from "/" and re-executes itself: a relative -f must still
  // name the same file then (see reexec_argv).
  if (!cl.config_file.starts_with('/')) {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) != nullptr) cl.config_file = std::string(cwd) + "/" + cl.config_file;
  }
  init_early_logging(cl);
  initialise_crypto_libraries();
  if (cl.connection_spec && cl.test < 2) {
    log::fatal("Config test connection parameter (-C) provided without test mode (-T)");
    return 255;
  }

  std::optional<ConfigSnapshot> snapshot;
  if (cl.rexeced) {
    snapshot = read_snapshot(kConfigSnapshotFd);
    if (!snapshot) {
      log::fatal("sshd: no config snapshot from the listener");
      return 255;
    }
  }
  CommandLineExit refusal;
  auto cfg = ServerConfiguration::load(cl, snapshot ? &*snapshot : nullptr, refusal);
  if (!cfg) return refuse(refusal);
  if (!cl.rexeced)
    for (const auto& notice : cfg->notices()) log::info("{}", notice);
  for (const auto& cert : cl.host_certs) {
    std::fprintf(stderr, "Could not load host certificate \"%s\": host certificates are not supported yet\n",
                 cert.c_str());
    return 1;
  }

  std::vector<LoadedHostKey> keys = load_host_keys(cfg->global());
  if (keys.empty()) {
    log::fatal("{}", kNoHostKeysMessage);
    return 1;
  }
  if (cl.test == 2) return dump_config(cl, *cfg);
  if (cl.test == 1) return 0;

  ::signal(SIGPIPE, SIG_IGN);
  if (cl.rexeced || cl.inetd) {
    init_server_logging(cl, cfg->global());
    io::Fd socket = take_socket_from_stdio();
    io::Fd startup_pipe(cl.rexeced ? kStartupPipeFd : -1);
    if (startup_pipe) (void)io::set_cloexec(startup_pipe.get());
    return run_connection({std::move(socket), std::move(startup_pipe), &*cfg, std::move(keys), &cl});
  }
  if (cl.debug == 0 && !cl.no_daemon) {
    if (::daemon(0, 0) != 0) {
      log::fatal("daemon() failed: {}", std::strerror(errno));
      return 255;
    }
    reattach_log_file();
  }
  init_server_logging(cl, cfg->global());
  if (::chdir("/") != 0) log::error("chdir(\"/\"): {}", std::strerror(errno));
  return serve(cl, *cfg, std::move(keys));
}

}  // namespace
}  // namespace sshd

int main(int argc, char** argv) {
  // Per-connection processes are started through /proc/self/exe, which would name
  // them "exe": pgrep, killall and ps -C look for "sshd".
  ::prctl(PR_SET_NAME, "sshd", 0, 0, 0);
  std::vector<std::string> args(argv, argv + argc);
  sshd::init_process_title(argc, argv);
  return sshd::sshd_main(std::move(args));
}

#include "connection_process.hpp"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "local_auth_policy.hpp"
#include "login_records.hpp"
#include "monitor.hpp"
#include "monitor_channel.hpp"
#include "monitor_messages.hpp"
#include "monitor_proxies.hpp"
#include "pam_session.hpp"
#include "preauth_driver.hpp"
#include "preauth_log_relay.hpp"
#include "preauth_sandbox.hpp"
#include "process_title.hpp"
#include "pty_allocation.hpp"
#include "session_launch.hpp"
#include "server_logging.hpp"
#include "server_transport_config.hpp"
#include "user_session_driver.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/io/tcp.hpp"
#include "sshcore/transport/transport_state.hpp"

namespace sshd {

namespace io = sshcore::io;
namespace log = sshcore::log;
namespace auth = sshcore::auth;
namespace transport = sshcore::transport;
using sshcore::Result;

namespace {

// Hidden test hook: the pre-auth child makes a system call its seccomp filter
// forbids right after installing it, so a test can watch the sandbox kill it.
constexpr const char kSandboxProbeEnv[] = "SSHD_TEST_PREAUTH_FORBIDDEN_SYSCALL";

// The pre-auth child's exit status when LoginGraceTime ran out.
constexpr int kGraceExpiredStatus = 3;

std::string current_user_name() {
  struct passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? std::string(pw->pw_name) : std::string();
}

// The monitor's policy: the real one, plus what only the connection process knows.
// It names the user in the monitor's title ("sshd: alice [priv]") and, when sshd
// does not run as root, lets nobody but the running user be valid (DESIGN.md 6.4).
class MonitorPolicy final : public auth::AuthPolicy {
 public:
  explicit MonitorPolicy(LocalAuthPolicy& inner) : inner_(inner), root_(::geteuid() == 0) {}

  auth::UserAuthSettings lookup_user(std::string_view user, std::string_view service) override {
    auth::UserAuthSettings s = inner_.lookup_user(user, service);
    if (!root_ && s.valid && user != current_user_name()) {
      log::info("User {} not allowed because sshd does not run as root (only {} may log in)", user,
                current_user_name());
      s.valid = false;
    }
    set_process_title("{} [priv]", s.valid ? std::string(user) : std::string("unknown"));
    return s;
  }
  bool before_method(std::string_view user, std::string_view method) override {
    return inner_.before_method(user, method);
  }
  auth::KeyAuthorization publickey_allowed(std::string_view user, const sshcore::keys::PublicKey& key) override {
    return inner_.publickey_allowed(user, key);
  }
  bool publickey_verify(std::string_view user, const sshcore::keys::PublicKey& key, std::string_view algorithm,
                        sshcore::ByteView signed_data, sshcore::ByteView signature) override {
    return inner_.publickey_verify(user, key, algorithm, signed_data, signature);
  }
  auth::PasswordOutcome password(std::string_view user, const sshcore::SecretBytes& password) override {
    return inner_.password(user, password);
  }
  auth::KbdintStep kbdint_start(std::string_view user, std::string_view submethods) override {
    return inner_.kbdint_start(user, submethods);
  }
  auth::KbdintStep kbdint_respond(std::string_view user, const std::vector<sshcore::SecretBytes>& r) override {
    return inner_.kbdint_respond(user, r);
  }
  bool hostbased_allowed(std::string_view user, std::string_view client_host, std::string_view client_user,
                         const sshcore::keys::PublicKey& key) override {
    return inner_.hostbased_allowed(user, client_host, client_user, key);
  }
  bool hostbased_verify(std::string_view user, const sshcore::keys::PublicKey& key, std::string_view algorithm,
                        sshcore::ByteView signed_data, sshcore::ByteView signature) override {
    return inner_.hostbased_verify(user, key, algorithm, signed_data, signature);
  }
  void record_attempt(const AttemptRecord& record) override { inner_.record_attempt(record); }

 private:
  LocalAuthPolicy& inner_;
  bool root_;
};

std::vector<std::shared_ptr<sshcore::keys::Signer>> signers_of(const std::vector<LoadedHostKey>& keys) {
  std::vector<std::shared_ptr<sshcore::keys::Signer>> out;
  for (const auto& k : keys) out.push_back(k.signer);
  return out;
}

// The same host keys as the monitor's proxies: the unprivileged processes never hold
// a private host key.
std::vector<std::shared_ptr<sshcore::keys::Signer>> proxy_signers(MonitorChannel& channel,
                                                                   const std::vector<LoadedHostKey>& keys) {
  std::vector<std::shared_ptr<sshcore::keys::Signer>> out;
  for (const auto& k : keys) out.push_back(std::make_shared<MonitorSigner>(channel, k.signer->public_key()));
  return out;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return status;
}

// ChrootDirectory's tokens: %% %h %u %U.
std::string expand_chroot(std::string_view pattern, const UserRecord& user) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    switch (pattern[++i]) {
      case '%': out += '%'; break;
      case 'h': out += user.home; break;
      case 'u': out += user.name; break;
      case 'U': out += std::to_string(user.uid); break;
      default: out += '%'; out += pattern[i]; break;
    }
  }
  return out;
}

// do_setusercontext + permanently_set_uid for the user child; as root it also enters
// ChrootDirectory, so the whole connection layer (and every session) lives inside it.
bool become_user(const UserRecord& user, const sshcore::config::SshdOptions& options) {
  if (::geteuid() != 0) return ::geteuid() == user.uid;
  if (::setgid(user.gid) != 0 || ::initgroups(user.name.c_str(), user.gid) != 0) {
    log::error("setgid/initgroups {}: {}", user.name, std::strerror(errno));
    return false;
  }
  std::string_view chroot_option = options.value("ChrootDirectory");
  if (!chroot_option.empty() && chroot_option != "none") {
    std::string path = expand_chroot(chroot_option, user);
    if (auto safe = check_chroot_path(path); !safe) {
      log::fatal("{}", safe.error().detail);
      return false;
    }
    if (::chroot(path.c_str()) != 0 || ::chdir("/") != 0) {
      log::fatal("chroot(\"{}\"): {}", path, std::strerror(errno));
      return false;
    }
    log::verbose("Changed root directory to \"{}\"", path);
  }
  if (::setresgid(user.gid, user.gid, user.gid) != 0 || ::setresuid(user.uid, user.uid, user.uid) != 0) {
    log::error("permanently_set_uid: {}/{}: {}", user.uid, user.gid, std::strerror(errno));
    return false;
  }
  if (user.uid != 0 && ::setuid(0) == 0) {
    log::error("permanently_set_uid: was able to restore old [e]uid");
    return false;
  }
  return true;
}

// ---- the pre-auth child ------------------------------------------------------------
[[noreturn]] void preauth_child(int socket_fd, MonitorChannel& channel, const ConnectionSetup& setup,
                                const ConnectionAddresses& addresses, std::vector<transport::DhGroup> moduli,
                                PreauthLogRelay& log_relay) {
  set_process_title("{}", "[net]");
  log_to_relay(log_relay);
  if (::geteuid() == 0) {
    if (auto dropped = drop_to_privsep_user(); !dropped) {
      log::fatal("{}", dropped.error().detail);
      _exit(255);
    }
  }
  if (auto sandboxed = install_preauth_seccomp_filter(); !sandboxed) {
    log::fatal("sandbox: {}", sandboxed.error().detail);
    _exit(255);
  }
  if (std::getenv(kSandboxProbeEnv) != nullptr) (void)::getppid();  // not on the allow-list

  const auto& options = setup.config->global();
  MonitorAuthPolicy policy(channel);
  PreauthSettings settings;
  settings.addresses = addresses;
  settings.login_grace_time = std::chrono::seconds(options.number("LoginGraceTime").value_or(120));
  // OpenSSH's grace alarm fires in the monitor, so its line carries no [preauth]
  // mark: the monitor logs it when the child ends with this status.
  settings.on_grace_expired = [] { _exit(kGraceExpiredStatus); };
  settings.on_user = [](const std::string& user, bool valid) {
    set_process_title("{} [net]", valid ? user : std::string("unknown"));
  };
  auto outcome = run_preauth(socket_fd, server_transport_config(options, std::move(moduli)),
                             proxy_signers(channel, setup.host_keys), policy, settings);
  if (!outcome) _exit(255);
  if (auto sent = policy.send_transport_state(std::move(outcome->transport_state), outcome->user,
                                              outcome->key_authorization);
      !sent) {
    log::error("monitor refused the transport state: {}", sent.error().detail);
    _exit(255);
  }
  _exit(0);
}

// ---- the user child ----------------------------------------------------------------
[[noreturn]] void user_child(int socket_fd, MonitorChannel& channel, const ConnectionSetup& setup,
                             PreauthOutcome& outcome, UserSessionContext context,
                             std::vector<transport::DhGroup> moduli) {
  if (!become_user(context.user, context.options)) _exit(255);
  auto config = server_transport_config(context.options, std::move(moduli));
  auto imported = transport::import_transport_state(outcome.transport_state.view(),
                                                    proxy_signers(channel, setup.host_keys), config);
  outcome.transport_state.clear();
  if (!imported) {
    log::error("transport state import failed: {}", imported.error().detail);
    _exit(255);
  }
  (void)(*imported)->enable_delayed_compression();
  context.allocate_pty = [&channel]() -> Result<PtyAllocation> {
    std::vector<io::Fd> fds;
    SSH_TRY(reply, channel.call<PtyAllocateReply>(PtyAllocateRequest{}, &fds));
    if (fds.size() != 2) return sshcore::fail(sshcore::Errc::kInvalidFormat, "monitor: pty without descriptors");
    (void)io::set_nonblocking(fds[0].get());
    (void)io::set_cloexec(fds[0].get());
    (void)io::set_cloexec(fds[1].get());
    return PtyAllocation{std::move(fds[0]), std::move(fds[1]), reply.tty_name};
  };
  _exit(run_user_session(socket_fd, std::move(*imported), std::move(context)));
}

}  // namespace

int run_connection(ConnectionSetup setup) {
  int fd = setup.socket.get();
  // Not a TCP socket (sshd -i behind a pipe): OpenSSH's "UNKNOWN" port 65535.
  const io::SocketAddress kUnknown{"UNKNOWN", 65535};
  auto peer = io::peer_address(fd).value_or(kUnknown);
  auto local = io::local_address(fd).value_or(kUnknown);
  ConnectionAddresses addresses{peer.host, peer.port, local.host, local.port, {}};
  log::verbose("Connection from {} port {} on {} port {} rdomain \"\"", peer.host, peer.port, local.host,
               local.port);
  (void)io::set_tcp_nodelay(fd);
  if (setup.config->global().flag("TCPKeepAlive") && peer.host != kUnknown.host)
    if (auto k = io::set_tcp_keepalive(fd, true); !k) log::error("setsockopt SO_KEEPALIVE: {}", k.error().detail);
  (void)io::set_nonblocking(fd);
  set_process_title("{}", "[accepted]");
  std::vector<transport::DhGroup> moduli = read_moduli();

  // ---- pre-auth: the monitor answers, the child talks to the network.
  auto pair = MonitorChannel::make_pair();
  if (!pair) {
    log::error("socketpair: {}", pair.error().detail);
    return 255;
  }
  MonitorChannel monitor_end = std::move(pair->first);
  MonitorChannel child_end = std::move(pair->second);
  PreauthLogRelay log_relay = start_preauth_log_relay();
  pid_t preauth_pid = ::fork();
  if (preauth_pid < 0) {
    log::error("fork of unprivileged child failed: {}", std::strerror(errno));
    return 255;
  }
  if (preauth_pid == 0) {
    monitor_end.close();
    preauth_child(fd, child_end, setup, addresses, moduli, log_relay);
  }
  child_end.close();
  log_relay.child_end.reset();
  LocalAuthPolicy local_policy(setup.config->sshd_config(), addresses);
  MonitorPolicy policy(local_policy);
  Monitor monitor(monitor_end, policy, signers_of(setup.host_keys));
  auto outcome = monitor.serve_preauth();
  if (!outcome) {
    ::kill(preauth_pid, SIGKILL);
    log::debug1("monitor: {}", outcome.error().detail);
  }
  int status = wait_for(preauth_pid);
  finish_preauth_log_relay(log_relay);
  if (status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
    log::error("privsep_preauth: preauth child terminated by signal {}", WTERMSIG(status));
  if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == kGraceExpiredStatus)
    log::error("Timeout before authentication for {} port {}", addresses.remote_ip, addresses.remote_port);
  if (!outcome) return 255;
  setup.startup_pipe.reset();  // no longer a MaxStartups "startup"

  // ---- post-auth: the user child runs the connection layer as the user.
  if (!local_policy.user() || local_policy.effective_options() == nullptr) {
    log::error("monitor: authenticated without a user record");
    return 255;
  }
  UserSessionContext context;
  context.user = *local_policy.user();
  context.addresses = addresses;
  context.options = *local_policy.effective_options();
  context.key = local_policy.accepted_key();
  bool records = ::geteuid() == 0;
  if (records && context.options.flag("PrintLastLog")) context.login_message = last_login_message(context.user.uid);
  set_process_title("{} [priv]", context.user.name);
  // UsePAM: account, credentials and session stacks run here in the monitor before the
  // user child forks, as OpenSSH's sshd does (pam_limits and pam_loginuid change the
  // calling process, which the child inherits); the stacks close when this ends.
  std::optional<PamSession> pam;
  if (context.options.flag("UsePAM")) {
    pam.emplace();
    if (auto started = pam->start(local_policy.pam_service(), context.user.name, addresses.host_or_ip()); !started) {
      log::error("PAM: {}", started.error().detail);
      return 255;
    }
    if (auto account = pam->account(); !account) {
      log::error("Access denied for user {} by PAM account configuration", context.user.name);
      return 255;
    }
    if (auto credentials = pam->establish_credentials(); !credentials)
      log::debug1("PAM: {}", credentials.error().detail);
    if (auto opened = pam->open_session(); !opened) log::error("PAM: {}", opened.error().detail);
    context.pam_environment = pam->environment();
    context.login_message = pam->take_messages() + context.login_message;  // motd before "Last login"
  }

  auto post_pair = MonitorChannel::make_pair();
  if (!post_pair) return 255;
  monitor_end = std::move(post_pair->first);  // the Monitor keeps serving on the same object
  MonitorChannel user_end = std::move(post_pair->second);
  pid_t user_pid = ::fork();
  if (user_pid < 0) {
    log::error("fork of user child failed: {}", std::strerror(errno));
    return 255;
  }
  if (user_pid == 0) {
    monitor_end.close();
    user_child(fd, user_end, setup, *outcome, std::move(context), std::move(moduli));
  }
  user_end.close();
  setup.socket.reset();

  std::vector<std::string> ttys;
  const UserRecord user = *local_policy.user();
  const std::string remote = addresses.remote_ip;
  monitor.enter_postauth([&]() -> Result<PtyAllocation> {
    SSH_TRY(pty, open_pty());
    if (records) {
      SSH_TRY_VOID(set_pty_owner(pty.tty_name, user.uid, user.gid));
      (void)record_login({user_pid, user.name, user.uid, pty.tty_name, remote, remote});
    }
    ttys.push_back(pty.tty_name);
    return pty;
  });
  while (true) {
    auto served = monitor.serve_one();
    if (!served) {
      if (served.error().code != sshcore::Errc::kTruncated) {
        log::error("monitor: {}", served.error().detail);
        ::kill(user_pid, SIGKILL);
      }
      break;
    }
  }
  (void)wait_for(user_pid);
  if (pam) pam->close();
  for (const auto& tty : ttys) {
    if (!records) continue;
    (void)record_logout(user_pid, tty, user.name);
    release_pty(tty);
  }
  return 0;
}

}  // namespace sshd

#include "client_session.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "client_identities.hpp"
#include "host_key_verifier.hpp"
#include "proxy_command.hpp"
#include "port_forwarding.hpp"
#include "session_channel.hpp"
#include "sshcore/auth/userauth_client.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/connection/connection_session.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/transport/algorithm_list.hpp"
#include "sshcore/transport/transport_session.hpp"

namespace ssh {
namespace {

namespace log = sshcore::log;
using O = sshcore::config::SshOpt;
using sshcore::ByteView;
using sshcore::Bytes;

constexpr int kExitFailure = 255;
constexpr std::size_t kSocketReadSize = 256 * 1024;
// Unsent output above which stdin is not read: a packet or two is enough to keep the
// socket busy, and more would only wait in memory (sshd stops at any backlog).
constexpr std::size_t kMaxSocketBacklog = 512 * 1024;

// SSH_MSG numbers the driver routes: userauth (service accept and 50..79) and connection (80..127).
bool is_userauth_message(std::uint8_t n) { return n == 6 || (n >= 50 && n <= 79); }
bool is_connection_message(std::uint8_t n) { return n >= 80 && n <= 127; }

class ClientSession {
 public:
  ClientSession(ClientConfig& config, const CommandLine& cl, HostConnection connection, bool want_tty,
                std::string home)
      : config_(config),
        cl_(cl),
        conn_(std::move(connection)),
        want_tty_(want_tty),
        home_(std::move(home)),
        env_(machine_config_environment()),
        verifier_(config.options, home_, machine_host_key_io(home_)) {}

  int run();

 private:
  const sshcore::config::SshOptions& opts() const { return config_.options; }
  std::string host() const {
    const std::string* h = opts().text(O::kHostname);
    return h != nullptr ? *h : cl_.destination;
  }
  // ssh_remote_ipaddr()/ssh_remote_port(): "UNKNOWN" and 65535 through a ProxyCommand.
  std::string peer_address() const { return conn_.proxied ? "UNKNOWN" : conn_.address; }
  int peer_port() const { return conn_.proxied ? 65535 : conn_.port; }
  HostKeyTarget key_target() const {
    return {host(), conn_.port, conn_.proxied ? std::nullopt : std::optional<std::string>(conn_.address),
            conn_.loopback};
  }
  sshcore::transport::TransportConfig transport_config();
  sshcore::Result<void> verify_host_key(const sshcore::keys::PublicKey& key);

  void on_socket(sshcore::io::Readiness r);
  void pump_transport();
  void check_rekey_done();
  void handle_transport_event(const sshcore::transport::TransportEvent& ev);
  void on_first_kex();
  void on_authenticated();
  void flush_socket();
  void write_socket();  // what the socket takes now of the transport's output
  void fail_connection(const sshcore::Error& e, bool already_logged = false);
  void quit(int status) {
    if (!quit_) exit_status_ = status;
    quit_ = true;
    loop_.stop();
  }
  void arm_keepalive();
  void drain_connection();
  void send_global(std::string_view name, Bytes body, std::function<void(bool, ByteView)> on_reply);
  void on_session_end(int status);
  void run_local_command();
  void set_ip_qos(bool interactive);

  ClientConfig& config_;
  const CommandLine& cl_;
  HostConnection conn_;
  bool want_tty_;
  std::string home_;
  sshcore::config::SshConfigEnvironment env_;
  HostKeyVerifier verifier_;
  sshcore::io::EventLoop loop_;
  std::unique_ptr<sshcore::transport::TransportSession> transport_;
  std::unique_ptr<TerminalAuthUi> auth_ui_;
  std::unique_ptr<sshcore::auth::UserauthClient> auth_;
  std::unique_ptr<sshcore::connection::ConnectionSession> connection_;
  std::unique_ptr<SessionChannel> session_;
  std::unique_ptr<PortForwarding> forwarding_;
  // Handlers of our want_reply global requests, answered in order (keepalive, tcpip-forward).
  std::deque<std::function<void(bool, ByteView)>> global_replies_;
  std::optional<int> session_done_;  // the session ended; waiting for forwarded connections
  std::vector<sshcore::auth::ClientIdentity> identities_;
  bool host_key_failed_ = false;
  bool kex_done_ = false;
  std::uint32_t kex_count_seen_ = 0;
  bool version_logged_ = false;
  bool quit_ = false;
  int exit_status_ = kExitFailure;
  std::chrono::steady_clock::time_point last_receive_ = std::chrono::steady_clock::now();
  int alive_count_ = 0;
  std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

sshcore::transport::TransportConfig ClientSession::transport_config() {
  sshcore::transport::TransportConfig tc;
  tc.role = sshcore::transport::Role::kClient;
  if (const std::string* v = opts().text(O::kKexAlgorithms)) tc.kex = *v;
  if (const std::string* v = opts().text(O::kCiphers)) tc.ciphers = *v;
  if (const std::string* v = opts().text(O::kMacs)) tc.macs = *v;
  std::string host_keys = opts().text(O::kHostKeyAlgorithms) ? *opts().text(O::kHostKeyAlgorithms)
                                                             : sshcore::transport::default_host_key_algorithms();
  // Only the default list is reordered, as OpenSSH does for a list the user did not write.
  if (host_keys == sshcore::transport::default_algorithms(sshcore::transport::AlgorithmKind::kHostKey))
    host_keys = verifier_.order_host_key_algorithms(key_target(), host_keys);
  tc.host_key_algorithms = host_keys;
  tc.compression = opts().number(O::kCompression, 0) == 1 ? "zlib@openssh.com,zlib,none" : "none";
  tc.rekey_limit_bytes = static_cast<std::uint64_t>(opts().rekey_bytes);
  tc.rekey_interval = std::chrono::seconds(opts().rekey_seconds);
  return tc;
}

sshcore::Result<void> ClientSession::verify_host_key(const sshcore::keys::PublicKey& key) {
  const std::string* fh = opts().text(O::kFingerprintHash);
  const auto alg = fh != nullptr && *fh == "MD5" ? sshcore::crypto::DigestAlg::kMd5 : sshcore::crypto::DigestAlg::kSha256;
  const auto& neg = transport_->negotiated();
  log::debug1("Server host key: {} {}", neg ? neg->host_key_alg : std::string(key.info().ssh_name),
              sshcore::keys::fingerprint(key, alg));
  if (verifier_.verify(key_target(), key)) return {};
  host_key_failed_ = true;
  return sshcore::fail(sshcore::Errc::kInvalidArgument, "Host key verification failed.");
}

void ClientSession::fail_connection(const sshcore::Error& e, bool already_logged) {
  // The transport logs what ended it ("Host key verification failed." among others).
  if (!already_logged)
    log::error("ssh_dispatch_run_fatal: Connection to {} port {}: {}", peer_address(), peer_port(), e.detail);
  flush_socket();
  quit(kExitFailure);
}

void ClientSession::flush_socket() {
  write_socket();
  if (session_ && transport_ && transport_->pending_output().size() <= kMaxSocketBacklog) {
    session_->network_drained();  // stdin may have waited for this
    write_socket();
  }
  const bool more = transport_ && !transport_->pending_output().empty();
  if (loop_.watching(conn_.fd.get()))
    (void)loop_.set_interest(conn_.fd.get(), sshcore::io::kRead | (more ? sshcore::io::kWrite : 0u));
}

void ClientSession::write_socket() {
  while (transport_) {
    ByteView out = transport_->pending_output();
    if (out.empty()) break;
    ssize_t n = ::write(conn_.fd.get(), out.data(), out.size());
    if (n > 0) {
      transport_->consume_output(static_cast<std::size_t>(n));
      bytes_out_ += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
}

void ClientSession::on_first_kex() {
  kex_done_ = true;
  const std::string* user = opts().text(O::kUser);
  sshcore::auth::UserauthClientConfig ac;
  ac.user = user != nullptr ? *user : env_.local_user;
  const std::string* alias = opts().text(O::kHostKeyAlias);
  ac.host = alias != nullptr ? *alias : host();
  if (const std::string* v = opts().text(O::kPreferredAuthentications)) ac.preferred_authentications = *v;
  if (const std::string* v = opts().text(O::kPubkeyAcceptedAlgorithms)) ac.pubkey_accepted_algorithms = *v;
  const bool batch = opts().number(O::kBatchMode, 0) == 1;
  ac.pubkey_authentication = opts().number(O::kPubkeyAuthentication, 1) != 0;
  // BatchMode turns the methods that need a person off (sshconnect2.c batch_flag).
  ac.password_authentication =
      opts().number(O::kPasswordAuthentication, 1) == 1 && !batch && !verifier_.consequences().disable_password;
  ac.kbd_interactive_authentication = opts().number(O::kKbdInteractiveAuthentication, 1) == 1 && !batch &&
                                      !verifier_.consequences().disable_kbd_interactive;
  if (const std::string* v = opts().text(O::kKbdInteractiveDevices)) ac.kbd_interactive_devices = *v;
  ac.number_of_password_prompts = static_cast<int>(opts().number(O::kNumberOfPasswordPrompts, 3));
  ac.identities = std::move(identities_);
  ac.session_id = transport_->session_id();
  ac.server_host_key = transport_->server_host_key();
  ac.server_sig_algs = transport_->server_sig_algs();
  const std::string* level = opts().text(O::kLogLevel);
  const bool show_banner = level == nullptr || log::level_from_name(*level).value_or(log::Level::kInfo) >= log::Level::kInfo;
  auth_ui_ = std::make_unique<TerminalAuthUi>(batch, ac.number_of_password_prompts, show_banner);
  auth_ = std::make_unique<sshcore::auth::UserauthClient>(
      std::move(ac), *auth_ui_, [this](ByteView m) { return transport_->send(m); });
  if (auto r = auth_->start(); !r) fail_connection(r.error());
}

void ClientSession::on_authenticated() {
  log::verbose("Authenticated to {} ([{}]:{}) using \"{}\".", host(), peer_address(), peer_port(), auth_->method_used());
  if (auto r = transport_->enable_delayed_compression(); !r) return fail_connection(r.error());
  // -f / ForkAfterAuthentication: the parent returns to the shell, the child runs the session.
  if (opts().number(O::kForkAfterAuthentication, 0) == 1) {
    flush_socket();
    const pid_t pid = ::fork();
    if (pid == -1) {
      log::error("fork: {}", std::strerror(errno));
      return quit(kExitFailure);
    }
    if (pid != 0) ::_exit(0);
    ::setsid();
  }
  sshcore::connection::ConnectionConfig cc;
  cc.kex_in_progress = [this] { return transport_->kex_in_progress(); };
  connection_ = std::make_unique<sshcore::connection::ConnectionSession>(
      sshcore::transport::Role::kClient, [this](ByteView m) { return transport_->send(m); }, cc);
  connection_->set_message_room({[this](std::size_t n) { return transport_->begin_message(n); },
                                 [this](std::size_t n) { return transport_->finish_message(n); }});
  SessionChannel::Setup setup;
  setup.want_tty = want_tty_;
  setup.command = cl_.command;
  setup.has_command = cl_.has_command;
  setup.escape_char_given = cl_.escape_char_given;
  setup.host = host();
  if (cl_.stdio_forward) setup.stdio_forward = parse_host_port(*cl_.stdio_forward);
  SessionChannel::Hooks hooks;
  hooks.flush = [this] { flush_socket(); };
  hooks.rekey = [this] {
    if (auto r = transport_->request_rekey(); !r) log::debug1("rekey: {}", r.error().detail);
    flush_socket();
  };
  hooks.quit = [this](int status) { on_session_end(status); };
  hooks.backlogged = [this] { return transport_ && transport_->pending_output().size() > kMaxSocketBacklog; };
  run_local_command();
  set_ip_qos(want_tty_);
  session_ = std::make_unique<SessionChannel>(loop_, *connection_, opts(), setup, std::move(hooks));
  forwarding_ = std::make_unique<PortForwarding>(
      loop_, *connection_, opts(), [this] { flush_socket(); },
      [this](std::string_view name, Bytes body, std::function<void(bool, ByteView)> on_reply) {
        send_global(name, std::move(body), std::move(on_reply));
      },
      [this](int status) { quit(status); });
  if (!forwarding_->start()) return quit(kExitFailure);
  if (auto r = session_->start(); !r) fail_connection(r.error());
}

void ClientSession::handle_transport_event(const sshcore::transport::TransportEvent& ev) {
  using K = sshcore::transport::TransportEventKind;
  switch (ev.kind) {
    case K::kKexComplete:
      if (!kex_done_) on_first_kex();
      return;
    case K::kExtInfo:
      if (auth_) auth_->on_ext_info(ev.extensions);
      return;
    case K::kDisconnected:
      log::info("Received disconnect from {} port {}:{}: {}", peer_address(), peer_port(),
                static_cast<std::uint32_t>(ev.reason), ev.description);
      log::info("Disconnected from {} port {}", peer_address(), peer_port());
      if (session_) session_->finish_output();
      return quit(kExitFailure);
    case K::kMessage: break;
  }
  if (ev.message.empty()) return;
  const std::uint8_t n = ev.message[0];
  if (is_userauth_message(n) && auth_ && !auth_->authenticated()) {
    if (auto r = auth_->handle(ev.message); !r) return fail_connection(r.error());
    if (auth_->outcome() == sshcore::auth::UserauthOutcome::kDenied) {
      log::error("{}", auth_->denied_message());
      transport_->disconnect(sshcore::DisconnectReason::kByApplication, "No more authentication methods available");
      flush_socket();
      return quit(kExitFailure);
    }
    if (auth_->authenticated()) on_authenticated();
    return;
  }
  if (is_connection_message(n) && connection_) {
    if (auto r = connection_->handle(ev.message); !r) return fail_connection(r.error());
    // Data views point into this message: drain before the transport moves on.
    drain_connection();
    return;
  }
  log::debug1("unexpected message {} ignored", n);
}

// The transport reports only the first exchange; a finished re-exchange shows in its count.
// Senders refused meanwhile must hear kWindowAvailable now, not at the next message.
void ClientSession::check_rekey_done() {
  if (transport_->kex_count() == kex_count_seen_ || transport_->kex_in_progress()) return;
  kex_count_seen_ = transport_->kex_count();
  if (!connection_) return;
  connection_->on_kex_complete();
  drain_connection();
}

void ClientSession::send_global(std::string_view name, Bytes body, std::function<void(bool, ByteView)> on_reply) {
  if (auto r = connection_->send_global_request(name, body, true); !r) return;
  global_replies_.push_back(std::move(on_reply));
}

// Routes every pending connection event: forwarded connections, global requests and replies
// here, the rest to the session.
void ClientSession::drain_connection() {
  using K = sshcore::connection::ConnectionEventKind;
  while (auto ev = connection_->next_event()) {
    if (ev->kind == K::kGlobalReply) {
      if (!global_replies_.empty()) {
        auto handler = std::move(global_replies_.front());
        global_replies_.pop_front();
        handler(ev->success, ev->reply_data);
      }
      continue;
    }
    if (ev->kind == K::kGlobalRequest) {
      log::debug1("client_input_global_request: rtype {} want_reply {}", ev->global.name, ev->global.want_reply ? 1 : 0);
      if (ev->global.want_reply) (void)connection_->reply_global(false);
      continue;
    }
    if (forwarding_ && forwarding_->handle_event(*ev)) continue;
    session_->handle_event(*ev);
  }
  flush_socket();
  if (session_done_ && (!forwarding_ || forwarding_->open_connections() == 0)) quit(*session_done_);
}

// misc.c ipqos table: DSCP and legacy ToS names for IPQoS.
struct QosName {
  std::string_view name;
  int value;
};
constexpr QosName kQos[] = {
    {"af11", 0x28}, {"af12", 0x30}, {"af13", 0x38}, {"af21", 0x48}, {"af22", 0x50}, {"af23", 0x58},
    {"af31", 0x68}, {"af32", 0x70}, {"af33", 0x78}, {"af41", 0x88}, {"af42", 0x90}, {"af43", 0x98},
    {"cs0", 0x00},  {"cs1", 0x20},  {"cs2", 0x40},  {"cs3", 0x60},  {"cs4", 0x80},  {"cs5", 0xa0},
    {"cs6", 0xc0},  {"cs7", 0xe0},  {"ef", 0xb8},   {"le", 0x04},   {"lowdelay", 0x10},
    {"throughput", 0x08}, {"reliability", 0x04}};

// ssh_packet_set_tos(): the first IPQoS value for interactive sessions, the second for bulk.
void ClientSession::set_ip_qos(bool interactive) {
  if (conn_.proxied) return;
  const auto& qos = opts().list(O::kIpQos);
  if (qos.empty()) return;
  const std::string& name = interactive || qos.size() < 2 ? qos[0] : qos[1];
  if (name == "none") return;
  int value = -1;
  for (const QosName& q : kQos)
    if (q.name == name) value = q.value;
  if (value < 0 && !name.empty() && name.find_first_not_of("0123456789") == std::string::npos) value = std::stoi(name);
  if (value < 0) return;
  const bool v6 = conn_.address.find(':') != std::string::npos;
  log::debug3("set_sock_tos: set socket {} IP_TOS 0x{:02x}", conn_.fd.get(), value);
  if (v6) ::setsockopt(conn_.fd.get(), IPPROTO_IPV6, IPV6_TCLASS, &value, sizeof value);
  else ::setsockopt(conn_.fd.get(), IPPROTO_IP, IP_TOS, &value, sizeof value);
}

// ssh.c ssh_local_cmd(): LocalCommand runs on this machine once authenticated, when
// PermitLocalCommand allows it; %T is "NONE" without a tunnel.
void ClientSession::run_local_command() {
  const std::string* cmd = opts().text(O::kLocalCommand);
  if (cmd == nullptr || opts().number(O::kPermitLocalCommand, 0) != 1) return;
  const sshcore::config::SshExpansion how{.tokens = sshcore::config::SshTokenSet::kLocalCommand, .tilde = false,
                                          .dollars = false, .extra = {{'T', "NONE"}}};
  auto expanded = sshcore::config::expand_ssh_value(*cmd, how, opts(), env_, config_.target);
  if (!expanded) {
    log::error("LocalCommand: {}", expanded.error().detail);
    return;
  }
  log::debug1("Executing command: '{}'", *expanded);
  const char* shell_env = std::getenv("SHELL");
  const std::string shell = shell_env != nullptr && *shell_env != '\0' ? shell_env : "/bin/sh";
  const pid_t pid = ::fork();
  if (pid == -1) {
    log::error("fork: {}", std::strerror(errno));
    return;
  }
  if (pid == 0) {
    // The loop blocks the signals it watches; the command gets a clean mask and SIGPIPE back.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::execl(shell.c_str(), shell.c_str(), "-c", expanded->c_str(), static_cast<char*>(nullptr));
    ::_exit(1);
  }
  while (::waitpid(pid, nullptr, 0) == -1 && errno == EINTR) {
  }
}

// clientloop.c: after the session closes, ssh waits for forwarded connections to finish.
void ClientSession::on_session_end(int status) {
  if (forwarding_ && forwarding_->open_connections() > 0 && status != kExitFailure) {
    session_done_ = status;
    return;
  }
  quit(status);
}

void ClientSession::pump_transport() {
  while (!quit_) {
    auto ev = transport_->next_event();
    if (!ev) {
      // packet.c sshpkt_vfatal(): a failed negotiation names the peer and its offer.
      if (ev.error().code == sshcore::Errc::kNoCommonAlgorithm)
        log::error("Unable to negotiate with {} port {}: {}", peer_address(), peer_port(), ev.error().detail);
      return fail_connection(ev.error(), true);
    }
    if (!version_logged_ && transport_->peer_identification()) {
      version_logged_ = true;
      log::debug1("Authenticating to {}:{} as '{}'", host(), conn_.port,
                  opts().text(O::kUser) ? *opts().text(O::kUser) : env_.local_user);
    }
    if (!*ev) break;
    handle_transport_event(**ev);
    check_rekey_done();
  }
  if (!quit_) check_rekey_done();
  flush_socket();
}

void ClientSession::on_socket(sshcore::io::Readiness r) {
  if (r.writable) flush_socket();
  if (!(r.readable || r.hangup || r.error)) return;
  for (int rounds = 0; rounds < 8 && !quit_; ++rounds) {
    auto room = transport_->receive_buffer(kSocketReadSize);  // read() straight into the input queue
    ssize_t n = ::read(conn_.fd.get(), room.data(), room.size());
    transport_->commit_received(n > 0 ? static_cast<std::size_t>(n) : 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      if (session_) session_->finish_output();
      // packet.c sshpkt_fatal()'s words; before the server's identification line OpenSSH also
      // names the step that failed.
      const int err = errno;
      if (!transport_->peer_identification())
        log::error("kex_exchange_identification: {}",
                   n == 0 ? std::string("Connection closed by remote host") : "read: " + std::string(std::strerror(err)));
      if (n == 0) log::info("Connection closed by {} port {}", peer_address(), peer_port());
      else if (err == ECONNRESET) log::info("Connection reset by {} port {}", peer_address(), peer_port());
      else log::info("Connection to {} port {}: {}", peer_address(), peer_port(), std::strerror(err));
      return quit(kExitFailure);
    }
    last_receive_ = std::chrono::steady_clock::now();
    bytes_in_ += static_cast<std::uint64_t>(n);
    pump_transport();
    if (static_cast<std::size_t>(n) < kSocketReadSize) break;
  }
}

void ClientSession::arm_keepalive() {
  const std::int64_t interval = opts().number(O::kServerAliveInterval, 0);
  if (interval <= 0) return;
  loop_.add_timer_after(std::chrono::seconds(interval), [this, interval] {
    if (quit_) return;
    const auto idle = std::chrono::steady_clock::now() - last_receive_;
    if (idle >= std::chrono::seconds(interval) && connection_) {
      if (++alive_count_ > opts().number(O::kServerAliveCountMax, 3)) {
        log::info("Timeout, server {} not responding.", host());
        if (session_) session_->finish_output();
        return quit(kExitFailure);
      }
      send_global("keepalive@openssh.com", {}, [this](bool, ByteView) { alive_count_ = 0; });
      flush_socket();
    }
    arm_keepalive();
  });
}

int ClientSession::run() {
  // ssh -v's order: identities, our version, then the known-hosts lookup that orders the
  // host key algorithms, then KEXINIT.
  identities_ = load_identities(opts(), env_, config_.target);
  log::debug1("Local version string {}", sshcore::transport::our_identification());
  transport_ = std::make_unique<sshcore::transport::TransportSession>(
      transport_config(), std::vector<std::shared_ptr<sshcore::keys::Signer>>{},
      [this](const sshcore::keys::PublicKey& key) { return verify_host_key(key); });
  transport_->start();
  if (auto w = loop_.watch(conn_.fd.get(), sshcore::io::kRead, [this](sshcore::io::Readiness r) { on_socket(r); });
      !w) {
    log::error("{}", w.error().detail);
    return kExitFailure;
  }
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
    (void)loop_.watch_signal(sig, [this](int signo) {
      if (session_) session_->finish_output();
      log::verbose("Killed by signal {}.", signo);
      quit(kExitFailure);
    });
  }
  arm_keepalive();
  flush_socket();
  while (!quit_) {
    auto r = loop_.run_once(std::chrono::seconds(1));
    if (!r) {
      log::error("poll: {}", r.error().detail);
      quit(kExitFailure);
    }
    if (!quit_ && transport_) {
      if (auto t = transport_->on_timer(std::chrono::steady_clock::now()); !t) fail_connection(t.error(), true);
      else flush_socket();
    }
  }
  int status = exit_status_;
  if (session_) status = session_->finish(exit_status_);
  if (transport_ && !transport_->closed()) {
    transport_->disconnect(sshcore::DisconnectReason::kByApplication, "disconnected by user");
    flush_socket();
  }
  // clientloop.c's closing report.
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  log::verbose("Transferred: sent {}, received {} bytes, in {:.1f} seconds", bytes_out_, bytes_in_, seconds);
  if (seconds > 0)
    log::verbose("Bytes per second: sent {:.1f}, received {:.1f}", static_cast<double>(bytes_out_) / seconds,
                 static_cast<double>(bytes_in_) / seconds);
  if (conn_.proxy_pid > 1) {
    ::kill(conn_.proxy_pid, SIGHUP);
    ::waitpid(conn_.proxy_pid, nullptr, WNOHANG);
  }
  log::debug1("Exit status {}", status == kExitFailure && session_ && !session_->exit_status() ? -1 : status);
  return status;
}

}  // namespace

int run_client_session(ClientConfig& config, const CommandLine& cl, HostConnection connection, bool want_tty,
                       const std::string& home) {
  ClientSession s(config, cl, std::move(connection), want_tty, home);
  return s.run();
}

}  // namespace ssh

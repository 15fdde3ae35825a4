#include "user_session_driver.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "process_title.hpp"
#include "pty_allocation.hpp"
#include "session_environment.hpp"
#include "session_launch.hpp"
#include "session_signals.hpp"
#include "agent_forwarding.hpp"
#include "remote_forwarding.hpp"
#include "tcp_forwarding.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/connection/connection_session.hpp"
#include "sshcore/connection/terminal_modes.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/io/write_backlog.hpp"

namespace sshd {

namespace io = sshcore::io;
namespace log = sshcore::log;
namespace conn = sshcore::connection;
namespace transport = sshcore::transport;
using sshcore::Bytes;
using sshcore::ByteView;
using conn::ChannelId;

namespace {

// One read(2) per 256 KiB from the socket and from a child: bulk transfers are
// bound by system calls and copies on a loaded machine, not by the cipher.
constexpr std::size_t kReadChunk = 256 * 1024;
constexpr std::string_view kKeepalive = "keepalive@openssh.com";

// One channel and what is behind it: a "session" and its program, or a
// "direct-tcpip" and its TCP connection (tcp).
struct Session {
  ChannelId id = 0;
  std::optional<PtyAllocation> pty;
  std::string term;
  ClientEnvironment env;
  pid_t pid = -1;
  bool forced_or_subsystem = false;
  io::Fd in, out, err;  // to the child's stdin; from its stdout / stderr (pty: master dups)
  io::WriteBacklog to_child;  // channel data the child has not taken yet
  bool client_eof = false;
  Bytes pending_out, pending_err;  // read from the child, not yet taken by the channel
  bool out_eof = true, err_eof = true;
  std::optional<int> wait_status;
  bool finished = false;  // EOF, exit report and CLOSE sent
  bool tcp = false;
  bool eof_sent = false;
  std::optional<PendingConnect> connecting;  // tcp: until the connect completes
  io::Fd awaiting_confirmation;              // forwarded-tcpip: until the client accepts
};

std::optional<std::string> unless_none(std::string_view v) {
  if (v.empty() || v == "none") return std::nullopt;
  return std::string(v);
}

class UserSessionDriver {
 public:
  UserSessionDriver(int fd, std::unique_ptr<transport::TransportSession> t, UserSessionContext ctx)
      : fd_(fd),
        transport_(std::move(t)),
        ctx_(std::move(ctx)),
        conn_(conn::Role::kServer, [this](ByteView m) { return transport_->send(m); }, connection_config()),
        remote_(loop_, ctx_.options, ctx_.key ? &ctx_.key->options : nullptr,
                [this](io::Fd socket, conn::ForwardedTcpipOpen open) { open_forwarded(std::move(socket), open); }) {
    conn_.set_message_room({[this](std::size_t n) { return transport_->begin_message(n); },
                          [this](std::size_t n) { return transport_->finish_message(n); }});
  }

  int run() {
    set_process_title("{}@notty", ctx_.user.name);
    (void)loop_.watch(fd_, io::kRead, [this](io::Readiness r) { on_socket(r); });
    (void)loop_.watch_signal(SIGCHLD, [this](int) { reap(); });
    arm_client_alive();
    arm_rekey_timer();  // time-based RekeyLimit and the key exchange deadline
    // Input decoded but not yet delivered at the handoff is processed at once.
    pump();
    flush_network();
    (void)loop_.run();
    for (auto& [id, s] : sessions_)
      if (s->pid > 0 && !s->wait_status) ::kill(-s->pid, SIGHUP);
    (void)flush_transport_now();
    return exit_status_;
  }

 private:
  conn::ConnectionConfig connection_config() {
    conn::ConnectionConfig c;
    c.kex_in_progress = [this] { return transport_->kex_in_progress(); };
    return c;
  }

  std::string remote_id() const {
    return fmt::format("user {} {} port {}", ctx_.user.name, ctx_.addresses.remote_ip, ctx_.addresses.remote_port);
  }

  void end(int status) {
    exit_status_ = status;
    done_ = true;
    loop_.stop();
  }

  // ---- network -------------------------------------------------------------------
  void on_socket(io::Readiness r) {
    if (r.writable) flush_network();
    if (done_) return;
    if (r.readable || r.hangup || r.error) read_network();
  }

  void read_network() {
    auto room = transport_->receive_buffer(kReadChunk);  // read() straight into the input queue
    ssize_t n = ::read(fd_, room.data(), room.size());
    transport_->commit_received(n > 0 ? static_cast<std::size_t>(n) : 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      // sshpkt_fatal's wording for SSH_ERR_SYSTEM_ERROR.
      if (errno == ECONNRESET)
        log::info("Connection reset by {}", remote_id());
      else
        log::info("Connection from {}: {}", remote_id(), std::strerror(errno));
      end(255);
      return;
    }
    if (n == 0) {
      log::info("Connection closed by {}", remote_id());
      end(255);
      return;
    }
    last_input_ = io::EventLoop::Clock::now();
    pump();
    flush_network();
  }

  void flush_network() {
    while (!transport_->pending_output().empty()) {
      ByteView out = transport_->pending_output();
      ssize_t n = ::write(fd_, out.data(), out.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        log::info("Connection reset by {}", remote_id());
        end(255);
        return;
      }
      transport_->consume_output(static_cast<std::size_t>(n));
    }
    if (done_) return;
    if (transport_->closed() && transport_->pending_output().empty()) {
      end(255);
      return;
    }
    bool backlog = !transport_->pending_output().empty();
    (void)loop_.set_interest(fd_, io::kRead | (backlog ? unsigned(io::kWrite) : 0u));
    // Child output waits while the socket is backed up (the transport would only buffer).
    if (backlog != network_backlog_) {
      network_backlog_ = backlog;
      update_all();
    }
  }

  bool flush_transport_now() {
    while (!transport_->pending_output().empty()) {
      ByteView out = transport_->pending_output();
      ssize_t n = ::write(fd_, out.data(), out.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      transport_->consume_output(static_cast<std::size_t>(n));
    }
    return true;
  }

  void pump() {
    while (!done_) {
      auto ev = transport_->next_event();
      if (!ev) {
        // A failed re-key negotiation: the transport leaves the line to us (packet.c's
        // sshpkt_vfatal names the peer); other errors it has logged itself.
        if (ev.error().code == sshcore::Errc::kNoCommonAlgorithm)
          log::error("Unable to negotiate with {} port {}: {}", ctx_.addresses.remote_ip,
                     ctx_.addresses.remote_port, ev.error().detail);
        end(255);
        return;
      }
      if (!*ev) break;
      switch ((*ev)->kind) {
        case transport::TransportEventKind::kKexComplete:
          conn_.on_kex_complete();
          break;
        case transport::TransportEventKind::kExtInfo:
          break;
        case transport::TransportEventKind::kDisconnected:
          log::info("Received disconnect from {} port {}:{}: {}", ctx_.addresses.remote_ip,
                    ctx_.addresses.remote_port, static_cast<std::uint32_t>((*ev)->reason), (*ev)->description);
          log::info("Disconnected from {}", remote_id());
          end(255);
          return;
        case transport::TransportEventKind::kMessage: {
          ByteView m = (*ev)->message;
          if (m.empty() || m[0] < 80 || m[0] > 127) break;  // late userauth requests are ignored
          if (auto r = conn_.handle(m); !r) {
            log::info("Disconnecting {}: {}", remote_id(), r.error().detail);
            transport_->disconnect(sshcore::DisconnectReason::kProtocolError, r.error().detail);
            end(255);
            return;
          }
          while (auto ce = conn_.next_event()) on_connection_event(*ce);
          break;
        }
      }
    }
    update_all();
  }

  // ---- connection events -----------------------------------------------------------
  void on_connection_event(conn::ConnectionEvent& e) {
    switch (e.kind) {
      case conn::ConnectionEventKind::kChannelOpenRequest:
        return on_open(e);
      case conn::ConnectionEventKind::kChannelRequest:
        return on_request(e);
      case conn::ConnectionEventKind::kData:
      case conn::ConnectionEventKind::kExtendedData:
        return on_data(e);
      case conn::ConnectionEventKind::kEof:
        return on_eof(e.channel);
      case conn::ConnectionEventKind::kClose:
        return on_close(e.channel);
      case conn::ConnectionEventKind::kGlobalRequest:
        return on_global_request(e.global);
      case conn::ConnectionEventKind::kOpenConfirmed:
        return on_forward_confirmed(e.channel);
      case conn::ConnectionEventKind::kOpenFailed:
        sessions_.erase(e.channel);  // closes the accepted socket
        return;
      case conn::ConnectionEventKind::kGlobalReply:
        client_alive_timeouts_ = 0;  // any answer proves the client is alive
        return;
      case conn::ConnectionEventKind::kChannelReply:
        client_alive_timeouts_ = 0;
        return;
      case conn::ConnectionEventKind::kWindowAvailable:
        if (auto it = sessions_.find(e.channel); it != sessions_.end()) send_pending(*it->second);
        return;
      default:
        return;
    }
  }

  void on_open(conn::ConnectionEvent& e) {
    if (e.open.type == conn::DirectTcpipOpen::kType) {
      open_direct_tcpip(e);
      return;
    }
    if (e.open.type != conn::SessionOpen::kType) {
      log::debug1("server_input_channel_open: failure {}", e.open.type);
      (void)conn_.reject_open(e.channel, conn::OpenFailureReason::kAdministrativelyProhibited, "open failed");
      return;
    }
    auto max = ctx_.options.number("MaxSessions").value_or(10);
    if (static_cast<long long>(sessions_.size()) >= max) {
      (void)conn_.reject_open(e.channel, conn::OpenFailureReason::kAdministrativelyProhibited, "open failed");
      return;
    }
    if (!conn_.accept_open(e.channel)) return;
    auto s = std::make_unique<Session>();
    s->id = e.channel;
    sessions_[e.channel] = std::move(s);
  }

  // ---- direct-tcpip -------------------------------------------------------------------
  void open_direct_tcpip(conn::ConnectionEvent& e) {
    auto body = e.open.body<conn::DirectTcpipOpen>();
    if (!body) {
      (void)conn_.reject_open(e.channel, conn::OpenFailureReason::kConnectFailed, "bad request");
      return;
    }
    log::debug1("server_request_direct_tcpip: originator {} port {}, target {} port {}", body->originator_address,
                body->originator_port, body->host, body->port);
    const sshcore::auth::KeyOptions* key = ctx_.key ? &ctx_.key->options : nullptr;
    int port = static_cast<int>(body->port);
    if (body->port > 65535 || !direct_tcpip_allowed(ctx_.options, key, body->host, port, body->originator_address,
                                                    static_cast<int>(body->originator_port))) {
      (void)conn_.reject_open(e.channel, conn::OpenFailureReason::kAdministrativelyProhibited, "open failed");
      return;
    }
    auto attempt = start_connect(body->host, port);
    if (!attempt) {
      (void)conn_.reject_open(e.channel, conn::OpenFailureReason::kConnectFailed, attempt.error().detail);
      return;
    }
    auto s = std::make_unique<Session>();
    s->id = e.channel;
    s->tcp = true;
    s->connecting = std::move(*attempt);
    Session& ref = *s;
    sessions_[e.channel] = std::move(s);
    watch_connect(ref);
  }

  void watch_connect(Session& s) {
    ChannelId id = s.id;
    (void)loop_.watch(s.connecting->socket.get(), io::kWrite,
                      [this, id](io::Readiness) { with(id, [&](Session& x) { on_connect_ready(x); }); });
  }

  void on_connect_ready(Session& s) {
    ChannelId id = s.id;
    loop_.unwatch(s.connecting->socket.get());
    auto connected = finish_connect(*s.connecting);
    if (!connected) {
      log::debug1("channel {}: connection failed: {}", id, connected.error().detail);
      (void)conn_.reject_open(id, conn::OpenFailureReason::kConnectFailed, connected.error().detail);
      sessions_.erase(id);  // `s` is gone: nothing below may touch it
      return;
    }
    if (!*connected) {
      watch_connect(s);
      return;
    }
    s.out = std::move(s.connecting->socket);
    s.connecting.reset();
    s.in = io::Fd(::fcntl(s.out.get(), F_DUPFD_CLOEXEC, 3));
    s.out_eof = false;
    if (!conn_.accept_open(id)) return;
    watch_session(s);
  }

  // ---- remote forwarding ----------------------------------------------------------------
  void on_global_request(const conn::MsgGlobalRequest& g) {
    std::optional<Bytes> success;
    if (g.name == conn::TcpipForwardRequest::kType) {
      auto req = g.body<conn::TcpipForwardRequest>();
      if (auto port = req ? remote_.listen(*req) : std::nullopt)
        success = req->bind_port == 0 ? conn::TcpipForwardReply{*port}.encode() : Bytes{};
    } else if (g.name == conn::CancelTcpipForwardRequest::kType) {
      auto req = g.body<conn::CancelTcpipForwardRequest>();
      if (req && remote_.cancel(*req)) success = Bytes{};
    }
    if (g.want_reply) (void)conn_.reply_global(success.has_value(), success.value_or(Bytes{}));
  }

  // session_auth_agent_req: once per connection, shared by its sessions.
  bool agent_request() {
    if (!ctx_.options.flag("AllowAgentForwarding") || ctx_.options.flag("DisableForwarding") ||
        (ctx_.key && !ctx_.key->options.permit_agent_forwarding)) {
      log::debug1("session_auth_agent_req: agent forwarding disabled");
      return false;
    }
    if (agent_) return false;  // OpenSSH: "authentication forwarding requested twice"
    auto started = AgentForwarding::start(loop_, [this](io::Fd socket) {
      auto id = conn_.open_channel(kAgentChannel, ByteView{});
      if (id) adopt_pending(*id, std::move(socket));
    });
    if (!started) return false;
    agent_ = std::move(*started);
    return true;
  }

  void open_forwarded(io::Fd socket, const conn::ForwardedTcpipOpen& open) {
    auto id = conn_.open(open);
    if (id) adopt_pending(*id, std::move(socket));
  }

  // A channel we opened for a local socket: it is pumped once the client confirms.
  void adopt_pending(ChannelId id, io::Fd socket) {
    auto s = std::make_unique<Session>();
    s->id = id;
    s->tcp = true;
    s->awaiting_confirmation = std::move(socket);
    sessions_[id] = std::move(s);
    flush_network();
  }

  void on_forward_confirmed(ChannelId id) {
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !it->second->awaiting_confirmation) return;
    Session& s = *it->second;
    s.out = std::move(s.awaiting_confirmation);
    s.in = io::Fd(::fcntl(s.out.get(), F_DUPFD_CLOEXEC, 3));
    s.out_eof = false;
    watch_session(s);
  }

  void reply(ChannelId id, bool want_reply, bool ok) {
    if (!want_reply) return;
    (void)(ok ? conn_.reply_success(id) : conn_.reply_failure(id));
  }

  void on_request(conn::ConnectionEvent& e) {
    auto it = sessions_.find(e.channel);
    const auto& req = e.request;
    if (it == sessions_.end()) {
      reply(e.channel, req.want_reply, false);
      return;
    }
    Session& s = *it->second;
    bool ok = false;
    if (req.type == conn::PtyRequest::kType) {
      ok = pty_request(s, *req.body<conn::PtyRequest>());
    } else if (req.type == conn::EnvRequest::kType) {
      auto env = *req.body<conn::EnvRequest>();
      ok = s.pid < 0 && s.env.accept(env.name, env.value, ctx_.options.values("AcceptEnv"));
    } else if (req.type == conn::ShellRequest::kType) {
      ok = start(s, std::nullopt, false, "");
    } else if (req.type == conn::ExecRequest::kType) {
      ok = start(s, req.body<conn::ExecRequest>()->command, false, "");
    } else if (req.type == conn::SubsystemRequest::kType) {
      ok = subsystem(s, req.body<conn::SubsystemRequest>()->name);
    } else if (req.type == conn::WindowChangeRequest::kType) {
      auto w = *req.body<conn::WindowChangeRequest>();
      if (s.pty) ok = static_cast<bool>(set_window_size(s.pty->master.get(), {w.cols, w.rows, w.width_px, w.height_px}));
    } else if (req.type == kAgentRequest) {
      ok = agent_request();
    } else if (req.type == conn::SignalRequest::kType) {
      auto sig = *req.body<conn::SignalRequest>();
      if (s.pid > 0 && !s.wait_status) {
        auto r = signal_session(s.pid, sig.signal_name, s.forced_or_subsystem);
        if (!r) log::info("{}", r.error().detail);
        ok = static_cast<bool>(r);
      }
    } else {
      log::debug1("session_input_channel_req: session {} req {}", s.id, req.type);
    }
    reply(e.channel, req.want_reply, ok);
  }

  bool pty_request(Session& s, const conn::PtyRequest& req) {
    if (s.pty || s.pid > 0) return false;
    if (!ctx_.options.flag("PermitTTY") || (ctx_.key && !ctx_.key->options.permit_pty)) {
      log::debug1("Pty allocation disabled.");
      return false;
    }
    if (!ctx_.allocate_pty) return false;
    auto pty = ctx_.allocate_pty();
    if (!pty) {
      log::error("session_pty_req: session {} alloc failed: {}", s.id, pty.error().detail);
      return false;
    }
    if (auto modes = conn::decode_terminal_modes(req.modes); modes)
      (void)apply_terminal_modes(pty->slave.get(), *modes);
    (void)set_window_size(pty->master.get(), {req.cols, req.rows, req.width_px, req.height_px});
    s.term = req.term;
    std::string tty = pty->tty_name;
    if (tty.starts_with("/dev/")) tty = tty.substr(5);
    set_process_title("{}@{}", ctx_.user.name, tty);
    s.pty = std::move(*pty);
    return true;
  }

  bool subsystem(Session& s, const std::string& name) {
    for (const auto& entry : ctx_.options.values("Subsystem")) {
      auto sp = entry.find(' ');
      if (entry.substr(0, sp) != name || sp == std::string::npos) continue;
      std::string command = entry.substr(sp + 1);
      log::info("subsystem request for {} by user {}", name, ctx_.user.name);
      return start(s, command, true, name);
    }
    log::info("subsystem request for {} by user {} failed, subsystem not found", name, ctx_.user.name);
    return false;
  }

  bool start(Session& s, const std::optional<std::string>& requested, bool is_subsystem, const std::string& name) {
    if (s.pid > 0) return false;
    const auto& o = ctx_.options;
    std::optional<std::string> key_command;
    if (ctx_.key) key_command = ctx_.key->options.force_command;
    SessionSpec spec;
    spec.user = UserIdentity{ctx_.user.name, ctx_.user.uid, ctx_.user.gid, ctx_.user.home, ctx_.user.shell};
    spec.command = resolve_session_command(requested, is_subsystem, unless_none(o.value("ForceCommand")), key_command);
    auto& env = spec.environment;
    env.client_variables = s.env.variables();
    env.term = s.term;
    env.remote_address = ctx_.addresses.remote_ip;
    env.remote_port = ctx_.addresses.remote_port;
    env.local_address = ctx_.addresses.local_ip;
    env.local_port = ctx_.addresses.local_port;
    if (const char* tz = std::getenv("TZ")) env.tz = tz;
    env.use_pam = o.flag("UsePAM");
    env.pam_environment = ctx_.pam_environment;
    std::string_view pue = o.value("PermitUserEnvironment");
    env.permit_user_environment = pue != "no";
    if (pue != "no" && pue != "yes") env.permit_user_environment_allowlist = std::string(pue);
    if (ctx_.key) env.key_environment = ctx_.key->options.environment;
    if (agent_) env.auth_socket = agent_->socket_path();
    for (const auto& v : o.values("SetEnv")) env.set_env.push_back(v);
    spec.chroot_directory = "";  // the user child entered ChrootDirectory already
    spec.inside_chroot = !unless_none(o.value("ChrootDirectory")).value_or("").empty();
    spec.permit_user_rc = o.flag("PermitUserRC") && (!ctx_.key || ctx_.key->options.permit_user_rc);
    spec.print_motd = o.flag("PrintMotd");
    spec.use_pam = o.flag("UsePAM");
    if (s.pty) {
      spec.pty = SessionPtyRef{s.pty->master.get(), s.pty->slave.get(), s.pty->tty_name};
      if (!requested && !is_subsystem) spec.login_message = ctx_.login_message;
    }
    std::string tty_short = s.pty ? s.pty->tty_name.substr(s.pty->tty_name.starts_with("/dev/") ? 5 : 0) : "";
    log::verbose("Starting session: {} for {} from {} port {} id {}", session_type_text(spec.command, name, tty_short),
                 ctx_.user.name, ctx_.addresses.remote_ip, ctx_.addresses.remote_port, s.id);
    auto running = launch_session(spec);
    if (!running) {
      log::error("session_exec: {}", running.error().detail);
      return false;
    }
    s.pid = running->pid;
    s.forced_or_subsystem = spec.command.forced || is_subsystem;
    if (s.pty) {
      s.pty->slave.reset();  // the child has its own; EIO on the master then means it is gone
      s.out = std::move(running->pty_master);
      s.in = io::Fd(::fcntl(s.out.get(), F_DUPFD_CLOEXEC, 3));
      s.out_eof = false;
    } else {
      s.in = std::move(running->stdin_writer);
      s.out = std::move(running->stdout_reader);
      s.err = std::move(running->stderr_reader);
      s.out_eof = false;
      s.err_eof = false;
    }
    watch_session(s);
    return true;
  }

  void watch_session(Session& s) {
    ChannelId id = s.id;
    if (s.in) (void)io::set_nonblocking(s.in.get());
    if (s.in) (void)loop_.watch(s.in.get(), io::kNone, [this, id](io::Readiness) { with(id, [&](Session& x) { write_child(x); }); });
    if (s.out) (void)loop_.watch(s.out.get(), io::kRead, [this, id](io::Readiness) { with(id, [&](Session& x) { read_child(x, false); }); });
    if (s.err) (void)loop_.watch(s.err.get(), io::kRead, [this, id](io::Readiness) { with(id, [&](Session& x) { read_child(x, true); }); });
  }

  template <class F>
  void with(ChannelId id, F&& f) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    f(*it->second);
    flush_network();
  }

  // ---- child I/O ---------------------------------------------------------------------
  void read_child(Session& s, bool stderr_stream) {
    io::Fd& fd = stderr_stream ? s.err : s.out;
    Bytes& pending = stderr_stream ? s.pending_err : s.pending_out;
    bool& eof = stderr_stream ? s.err_eof : s.out_eof;
    if (!fd || !pending.empty()) return;
    std::size_t room = std::min<std::size_t>(kReadChunk, conn_.send_window(s.id));
    if (room == 0) {
      update(s);
      return;
    }
    // Output: read() straight into the DATA packet being built, no copy. Stderr is read
    // onto the stack and handed to the channel, which copies it into the packet; only
    // what the channel cannot take now is kept in `pending`.
    std::uint8_t buf[kReadChunk];
    std::span<std::uint8_t> into(buf, room);
    bool direct = false;
    if (!stderr_stream && !s.finished) {
      auto r = conn_.begin_data(s.id, room);
      if (r && r->empty()) {  // key exchange: update() stops reading until kWindowAvailable
        update(s);
        return;
      }
      direct = r.has_value();
      if (direct) into = *r;
    }
    ssize_t n = ::read(fd.get(), into.data(), into.size());
    if (direct) (void)conn_.finish_data(s.id, n > 0 ? static_cast<std::size_t>(n) : 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {  // EOF, or EIO from a pty master whose slave is closed
      eof = true;
      loop_.unwatch(fd.get());
      if (s.pty) {
        loop_.unwatch(s.in.get());
        s.in.reset();
      }
      fd.reset();
      maybe_finish(s);
      return;
    }
    ByteView got(into.data(), static_cast<std::size_t>(n));
    if (!direct && !s.finished) {
      auto taken = stderr_stream ? conn_.send_extended_data(s.id, got) : conn_.send_data(s.id, got);
      if (taken && *taken < got.size()) pending.assign(got.begin() + static_cast<std::ptrdiff_t>(*taken), got.end());
    }
    update(s);
    maybe_finish(s);
  }

  void send_pending(Session& s) {
    for (bool err : {false, true}) {
      Bytes& pending = err ? s.pending_err : s.pending_out;
      if (pending.empty() || s.finished) continue;
      auto taken = err ? conn_.send_extended_data(s.id, pending) : conn_.send_data(s.id, pending);
      if (!taken) {
        pending.clear();
        continue;
      }
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(*taken));
    }
    update(s);
    maybe_finish(s);
  }

  // The child's input is writable again: what waits for it goes on.
  void write_child(Session& s) {
    if (s.in && !s.to_child.empty()) deliver(s, s.to_child.flush(s.in.get()));
    child_input_settled(s);
  }

  // After data, EOF or a write: the child's input is closed once the client sent EOF and
  // everything reached it, and its write interest follows what waits.
  void child_input_settled(Session& s) {
    if (s.to_child.empty() && s.client_eof && s.in && !s.pty) {
      loop_.unwatch(s.in.get());
      if (s.tcp) ::shutdown(s.in.get(), SHUT_WR);  // the peer reads our EOF
      s.in.reset();
    }
    update(s);
    if (s.tcp) maybe_finish(s);
  }

  // Opens the window by what the child took, and by what it will never read when its
  // input failed (it closed it).
  void deliver(Session& s, io::WriteBacklog::Written w) {
    if (w.done_with() > 0) (void)conn_.consume(s.id, w.done_with());
    if (!w.failed) return;
    loop_.unwatch(s.in.get());
    s.in.reset();
    if (s.tcp) s.client_eof = true;  // nothing more can go that way
  }

  void on_data(conn::ConnectionEvent& e) {
    auto it = sessions_.find(e.channel);
    if (it == sessions_.end()) return;
    Session& s = *it->second;
    if (e.kind == conn::ConnectionEventKind::kExtendedData || !s.in) {
      (void)conn_.consume(e.channel, e.data.size());
      return;
    }
    // Straight from the decrypted packet to the child; only what it cannot take now is
    // kept (io/write_backlog.hpp).
    deliver(s, s.to_child.write(s.in.get(), e.data));  // write() already flushed what waited
    child_input_settled(s);
  }

  void on_eof(ChannelId id) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    it->second->client_eof = true;
    child_input_settled(*it->second);
  }

  void on_close(ChannelId id) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    Session& s = *it->second;
    if (!s.tcp)
      log::verbose("Close session: user {} from {} port {} id {}", ctx_.user.name, ctx_.addresses.remote_ip,
                   ctx_.addresses.remote_port, id);
    for (io::Fd* fd : {&s.in, &s.out, &s.err})
      if (*fd) loop_.unwatch(fd->get());
    if (s.connecting && s.connecting->socket) loop_.unwatch(s.connecting->socket.get());
    if (s.pid > 0 && !s.wait_status) ::kill(-s.pid, SIGHUP);
    sessions_.erase(it);
  }

  // Interest follows the windows: read a child only when the channel can take data.
  void update(Session& s) {
    bool can_send = !network_backlog_ && conn_.can_send(s.id);
    if (s.out) (void)loop_.set_interest(s.out.get(), s.pending_out.empty() && can_send ? io::kRead : io::kNone);
    if (s.err) (void)loop_.set_interest(s.err.get(), s.pending_err.empty() && can_send ? io::kRead : io::kNone);
    if (s.in) (void)loop_.set_interest(s.in.get(), s.to_child.empty() ? io::kNone : io::kWrite);
  }

  void update_all() {
    for (auto& [id, s] : sessions_) {
      if (!s->pending_out.empty() || !s->pending_err.empty()) send_pending(*s);
      update(*s);
    }
  }

  void reap() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      for (auto& [id, s] : sessions_)
        if (s->pid == pid) {
          s->wait_status = status;
          maybe_finish(*s);
        }
    }
    flush_network();
  }

  // session_exit_message: EOF, then exit-status or exit-signal, then CLOSE.
  void maybe_finish(Session& s) {
    if (s.tcp) {
      // A forwarded connection ends when both directions have seen EOF.
      if (s.finished || !s.out_eof || !s.pending_out.empty()) return;
      if (!s.eof_sent) {
        s.eof_sent = true;
        (void)conn_.send_eof(s.id);
      }
      if (s.client_eof && (!s.in || s.to_child.empty())) {
        s.finished = true;
        (void)conn_.close(s.id);
      }
      return;
    }
    if (s.finished || !s.wait_status || !s.out_eof || !s.err_eof) return;
    if (!s.pending_out.empty() || !s.pending_err.empty()) return;
    s.finished = true;
    (void)conn_.send_eof(s.id);
    ExitReport report = ExitReport::from_wait_status(*s.wait_status);
    if (report.exit_status) {
      (void)conn_.send_request(s.id, conn::ExitStatusRequest{*report.exit_status}, false);
    } else {
      conn::ExitSignalRequest sig;
      sig.signal_name = report.signal_name;
      sig.core_dumped = report.core_dumped;
      (void)conn_.send_request(s.id, sig, false);
    }
    (void)conn_.close(s.id);
  }

  // ---- timers ------------------------------------------------------------------------
  void arm_client_alive() {
    auto interval = ctx_.options.number("ClientAliveInterval").value_or(0);
    if (interval <= 0) return;
    loop_.add_timer_after(std::chrono::seconds(interval), [this, interval] {
      if (done_) return;
      auto quiet = io::EventLoop::Clock::now() - last_input_;
      if (quiet >= std::chrono::seconds(interval)) {
        auto max = ctx_.options.number("ClientAliveCountMax").value_or(3);
        if (++client_alive_timeouts_ > max) {
          log::info("Timeout, client not responding from {}", remote_id());
          end(255);
          return;
        }
        (void)conn_.send_global_request(kKeepalive, ByteView{}, true);
        flush_network();
      }
      arm_client_alive();
    });
  }

  void arm_rekey_timer() {
    loop_.add_timer_after(std::chrono::seconds(5), [this] {
      if (done_) return;
      if (!transport_->on_timer(std::chrono::steady_clock::now())) {
        end(255);
        return;
      }
      flush_network();
      arm_rekey_timer();
    });
  }

  int fd_;
  io::EventLoop loop_;
  std::unique_ptr<transport::TransportSession> transport_;
  UserSessionContext ctx_;
  conn::ConnectionSession conn_;
  std::map<ChannelId, std::unique_ptr<Session>> sessions_;
  RemoteForwarding remote_;
  std::unique_ptr<AgentForwarding> agent_;
  io::EventLoop::TimePoint last_input_ = io::EventLoop::Clock::now();
  long long client_alive_timeouts_ = 0;
  bool network_backlog_ = false;
  bool done_ = false;
  int exit_status_ = 0;
};

}  // namespace

int run_user_session(int socket_fd, std::unique_ptr<transport::TransportSession> transport,
                     UserSessionContext context) {
  UserSessionDriver driver(socket_fd, std::move(transport), std::move(context));
  return driver.run();
}

}  // namespace sshd

#include "port_forwarding.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sshcore/base/log.hpp"
#include "socks_handshake.hpp"
#include "sshcore/io/tcp.hpp"

namespace ssh {
namespace {

namespace log = sshcore::log;
namespace conn = sshcore::connection;
using O = sshcore::config::SshOpt;
using sshcore::ByteView;

constexpr std::size_t kReadSize = 32 * 1024;

std::pair<std::string, std::string> split_spec(const std::string& spec) {
  const std::size_t sp = spec.find(' ');
  if (sp == std::string::npos) return {spec, ""};
  return {spec.substr(0, sp), spec.substr(sp + 1)};
}

}  // namespace

std::optional<ForwardEndpoint> parse_forward_endpoint(const std::string& text) {
  ForwardEndpoint e;
  std::string port = text;
  if (!text.empty() && text[0] == '[') {
    const std::size_t close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    e.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const long v = std::stol(port);
  if (v > 65535) return std::nullopt;
  e.port = static_cast<std::uint16_t>(v);
  return e;
}

struct PortForwarding::Listener {
  sshcore::io::Fd fd;
  ForwardEndpoint target;
  bool dynamic = false;  // -D: the target comes from the SOCKS request
};

struct PortForwarding::SocksClient {
  sshcore::io::Fd fd;
  SocksHandshake handshake;
  sshcore::Bytes in;
};

struct PortForwarding::Conn {
  sshcore::io::Fd fd;
  bool confirmed = false;
  sshcore::Bytes to_channel;      // read from the socket, not yet taken by the channel
  sshcore::Bytes to_socket;       // from the channel, not yet written
  std::size_t to_socket_off = 0;
  bool socket_eof = false, eof_sent = false, peer_eof = false, shut_wr = false, close_sent = false;
  unsigned interest = 0;
};

PortForwarding::PortForwarding(sshcore::io::EventLoop& loop, conn::ConnectionSession& connection,
                               const sshcore::config::SshOptions& options, std::function<void()> flush,
                               GlobalRequest global, std::function<void(int)> quit)
    : loop_(loop),
      connection_(connection),
      options_(options),
      flush_(std::move(flush)),
      global_(std::move(global)),
      quit_(std::move(quit)) {}

PortForwarding::~PortForwarding() {
  for (auto& l : listeners_) loop_.unwatch(l->fd.get());
  for (auto& [id, c] : conns_) loop_.unwatch(c->fd.get());
  for (auto& [fd, sc] : socks_) loop_.unwatch(fd);
}

bool PortForwarding::exit_on_failure() const { return options_.number(O::kExitOnForwardFailure, 0) == 1; }

bool PortForwarding::start() {
  const bool gateway = options_.number(O::kGatewayPorts, 0) == 1;
  for (const std::string& spec : options_.list(O::kLocalForward)) {
    auto [listen_text, target_text] = split_spec(spec);
    auto listen = parse_forward_endpoint(listen_text);
    auto target = parse_forward_endpoint(target_text);
    if (!listen || !target) {
      log::error("Warning: unix domain socket forwarding is not supported by this ssh yet: {}", spec);
      continue;
    }
    log::debug1("Local connections to {}:{} forwarded to remote address {}:{}",
                listen->host.empty() ? (gateway ? "*" : "LOCALHOST") : listen->host, listen->port, target->host,
                target->port);
    if (!listen_on(*listen, &*target)) {
      log::error("Could not request local forwarding.");
      if (exit_on_failure()) return false;
    }
  }
  for (const std::string& spec : options_.list(O::kDynamicForward)) {
    auto listen = parse_forward_endpoint(spec);
    if (!listen) {
      log::error("Warning: unix domain socket forwarding is not supported by this ssh yet: {}", spec);
      continue;
    }
    log::debug1("Local connections to {}:{} forwarded to remote address socks:0",
                listen->host.empty() ? (gateway ? "*" : "LOCALHOST") : listen->host, listen->port);
    if (!listen_on(*listen, nullptr)) {
      log::error("Could not request local forwarding.");
      if (exit_on_failure()) return false;
    }
  }
  for (const std::string& spec : options_.list(O::kRemoteForward)) {
    auto [listen_text, target_text] = split_spec(spec);
    auto listen = parse_forward_endpoint(listen_text);
    auto target = parse_forward_endpoint(target_text);
    if (!listen || !target) {
      log::error("Warning: this kind of remote forwarding is not supported by this ssh yet: {}", spec);
      continue;
    }
    log::debug1("Remote connections from {}:{} forwarded to local address {}:{}",
                listen->host.empty() ? "LOCALHOST" : listen->host, listen->port, target->host, target->port);
    const std::size_t index = remotes_.size();
    remotes_.push_back(Remote{*listen, *target, 0});
    const std::string bind = listen->host.empty() ? "localhost" : listen->host == "*" ? "" : listen->host;
    conn::TcpipForwardRequest req{bind, listen->port};
    global_(conn::TcpipForwardRequest::kType, req.encode(), [this, index](bool ok, ByteView data) {
      Remote& r = remotes_[index];
      if (!ok) {
        if (exit_on_failure()) {
          log::fatal("Error: remote port forwarding failed for listen port {}", r.listen.port);
          quit_(255);
        } else {
          log::info("Warning: remote port forwarding failed for listen port {}", r.listen.port);
        }
        return;
      }
      r.bound_port = r.listen.port;
      if (r.listen.port == 0) {
        if (auto reply = conn::TcpipForwardReply::decode(data)) {
          r.bound_port = static_cast<std::uint16_t>(reply->bound_port);
          log::info("Allocated port {} for remote forward to {}:{}", r.bound_port, r.target.host, r.target.port);
        }
      }
      log::debug1("remote forward success for: listen {}, connect {}:{}", r.bound_port, r.target.host, r.target.port);
    });
  }
  flush_();
  return true;
}

// channel_setup_fwd_listener_tcpip(): the default bind address is the loopback one (both
// families); "*" (or GatewayPorts with no address) listens everywhere.
bool PortForwarding::listen_on(const ForwardEndpoint& listen, const ForwardEndpoint* target) {
  const bool gateway = options_.number(O::kGatewayPorts, 0) == 1;
  std::vector<std::string> addresses;
  if (listen.host.empty()) addresses = gateway ? std::vector<std::string>{"0.0.0.0", "::"}
                                               : std::vector<std::string>{"127.0.0.1", "::1"};
  else if (listen.host == "*") addresses = {"0.0.0.0", "::"};
  else if (listen.host == "localhost") addresses = {"127.0.0.1", "::1"};
  else addresses = {listen.host};
  bool any = false;
  for (const std::string& a : addresses) {
    auto sock = sshcore::io::listen_tcp(a, listen.port);
    if (!sock) {
      log::debug1("bind [{}]:{}: {}", a, listen.port, sock.error().detail);
      continue;
    }
    log::debug1("Local forwarding listening on {} port {}.", a, sock->port);
    auto l = std::make_unique<Listener>();
    l->fd = std::move(sock->fd);
    if (target != nullptr) l->target = *target;
    l->dynamic = target == nullptr;
    Listener* raw = l.get();
    (void)loop_.watch(raw->fd.get(), sshcore::io::kRead, [this, raw](sshcore::io::Readiness) { on_accept(*raw); });
    listeners_.push_back(std::move(l));
    any = true;
  }
  if (!any) {
    log::error("bind [{}]:{}: Address already in use", addresses.front(), listen.port);
    log::error("channel_setup_fwd_listener_tcpip: cannot listen to port: {}", listen.port);
  }
  return any;
}

void PortForwarding::on_socks_readable(int fd) {
  auto it = socks_.find(fd);
  if (it == socks_.end()) return;
  SocksClient& sc = *it->second;
  std::uint8_t buf[1024];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  auto drop = [&] {
    loop_.unwatch(fd);
    socks_.erase(it);
  };
  if (n <= 0) return drop();
  sc.in.insert(sc.in.end(), buf, buf + n);
  sshcore::Bytes reply;
  const auto state = sc.handshake.feed(sc.in, reply);
  if (!reply.empty()) (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  if (state == SocksHandshake::State::kFailed) {
    log::debug1("channel: socks{} request failed", sc.handshake.version());
    return drop();
  }
  if (state != SocksHandshake::State::kReady) return;
  log::debug1("channel: dynamic request: socks{} host {} port {} command 1", sc.handshake.version(),
              sc.handshake.host(), sc.handshake.port());
  loop_.unwatch(fd);
  sshcore::io::Fd owned = std::move(sc.fd);
  const std::string host = sc.handshake.host();
  const std::uint16_t port = sc.handshake.port();
  sshcore::Bytes early = std::move(sc.in);
  socks_.erase(it);
  open_direct(std::move(owned), host, port, std::move(early));
}

void PortForwarding::open_direct(sshcore::io::Fd fd, const std::string& host, std::uint16_t port,
                                 sshcore::Bytes early_data) {
  auto peer = sshcore::io::peer_address(fd.get());
  conn::DirectTcpipOpen open{host, port, peer ? peer->host : "127.0.0.1", peer ? peer->port : 0u};
  auto id = connection_.open(open);
  if (!id) {
    log::error("channel open: {}", id.error().detail);
    return;
  }
  log::debug1("Connection to port {} forwarding to {} port {} requested.", peer ? peer->port : 0, host, port);
  auto c = std::make_unique<Conn>();
  c->fd = std::move(fd);
  c->to_channel = std::move(early_data);
  conns_[*id] = std::move(c);
  flush_();
}

void PortForwarding::on_accept(Listener& l) {
  auto accepted = sshcore::io::accept_tcp(l.fd.get());
  if (!accepted || !*accepted) return;
  sshcore::io::Fd fd = std::move(**accepted);
  (void)sshcore::io::set_tcp_nodelay(fd.get());
  if (!l.dynamic) return open_direct(std::move(fd), l.target.host, l.target.port, {});
  const int raw = fd.get();
  auto sc = std::make_unique<SocksClient>();
  sc->fd = std::move(fd);
  socks_[raw] = std::move(sc);
  (void)loop_.watch(raw, sshcore::io::kRead, [this, raw](sshcore::io::Readiness) { on_socks_readable(raw); });
}

void PortForwarding::start_pumping(Conn& c) {
  c.confirmed = true;
  for (auto& [id, conn_ptr] : conns_) {
    if (conn_ptr.get() != &c) continue;
    const auto chan = id;
    c.interest = sshcore::io::kRead;
    (void)loop_.watch(c.fd.get(), c.interest, [this, chan](sshcore::io::Readiness r) { on_socket(chan, r); });
  }
  send_pending(c);  // bytes a SOCKS client sent right after its request
}

bool PortForwarding::handle_event(const conn::ConnectionEvent& ev) {
  using K = conn::ConnectionEventKind;
  if (ev.kind == K::kChannelOpenRequest) {
    if (ev.open.type != conn::ForwardedTcpipOpen::kType) return false;
    on_forwarded_open(ev);
    return true;
  }
  auto it = conns_.find(ev.channel);
  if (it == conns_.end()) return false;
  Conn& c = *it->second;
  switch (ev.kind) {
    case K::kOpenConfirmed: start_pumping(c); break;
    case K::kOpenFailed:
      log::error("channel {}: open failed: {}", ev.channel, ev.description);
      loop_.unwatch(c.fd.get());
      conns_.erase(it);
      break;
    case K::kData:
    case K::kExtendedData:
      if (ev.kind == K::kExtendedData) {
        (void)connection_.consume(ev.channel, ev.data.size());
        break;
      }
      c.to_socket.insert(c.to_socket.end(), ev.data.begin(), ev.data.end());
      write_out(c);
      break;
    case K::kEof:
      c.peer_eof = true;
      write_out(c);
      break;
    case K::kClose:
      loop_.unwatch(c.fd.get());
      conns_.erase(it);
      break;
    case K::kWindowAvailable: send_pending(c); break;
    case K::kChannelRequest:
      if (ev.request.want_reply) (void)connection_.reply_failure(ev.channel);
      break;
    default: break;
  }
  flush_();
  return true;
}

void PortForwarding::on_forwarded_open(const conn::ConnectionEvent& ev) {
  auto body = ev.open.body<conn::ForwardedTcpipOpen>();
  const Remote* match = nullptr;
  if (body)
    for (const Remote& r : remotes_)
      if (r.bound_port == body->connected_port || r.listen.port == body->connected_port) match = &r;
  if (match == nullptr) {
    log::error("WARNING: Server requests forwarding for unknown listen_port {}", body ? body->connected_port : 0);
    (void)connection_.reject_open(ev.channel, conn::OpenFailureReason::kAdministrativelyProhibited, "open failed");
    return;
  }
  auto fd = sshcore::io::connect_tcp(match->target.host, match->target.port,
                                     {.timeout = std::chrono::seconds(10)});
  if (!fd) {
    log::info("connect_to {} port {}: failed.", match->target.host, match->target.port);
    (void)connection_.reject_open(ev.channel, conn::OpenFailureReason::kConnectFailed, "Connection refused");
    return;
  }
  (void)sshcore::io::set_tcp_nodelay(fd->get());
  if (auto r = connection_.accept_open(ev.channel); !r) return;
  auto c = std::make_unique<Conn>();
  c->fd = std::move(*fd);
  Conn& ref = *c;
  conns_[ev.channel] = std::move(c);
  start_pumping(ref);
}

void PortForwarding::on_socket(conn::ChannelId id, sshcore::io::Readiness r) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  if (r.writable) write_out(c);
  if ((r.readable || r.hangup || r.error) && !c.socket_eof && c.to_channel.empty()) {
    sshcore::Bytes buf(kReadSize);
    ssize_t n = ::read(c.fd.get(), buf.data(), buf.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      c.socket_eof = true;
    } else {
      buf.resize(static_cast<std::size_t>(n));
      c.to_channel = std::move(buf);
    }
    send_pending(c);
  }
  flush_();
}

void PortForwarding::send_pending(Conn& c) {
  if (!c.confirmed || c.close_sent) return;
  conn::ChannelId id = 0;
  for (auto& [cid, p] : conns_)
    if (p.get() == &c) id = cid;
  if (!c.to_channel.empty()) {
    auto taken = connection_.send_data(id, c.to_channel);
    if (taken) c.to_channel.erase(c.to_channel.begin(), c.to_channel.begin() + static_cast<std::ptrdiff_t>(*taken));
    else c.to_channel.clear();
  }
  if (c.to_channel.empty() && c.socket_eof && !c.eof_sent) {
    c.eof_sent = true;
    (void)connection_.send_eof(id);
  }
  // Reading waits while the channel holds back; EOF stops it for good.
  unsigned want = (c.to_channel.empty() && !c.socket_eof ? sshcore::io::kRead : 0u) |
                  (c.to_socket.size() > c.to_socket_off ? sshcore::io::kWrite : 0u);
  if (want != c.interest) {
    c.interest = want;
    (void)loop_.set_interest(c.fd.get(), want);
  }
  if (c.eof_sent && c.peer_eof && c.to_socket.size() == c.to_socket_off && !c.close_sent) {
    c.close_sent = true;
    (void)connection_.close(id);
  }
}

void PortForwarding::write_out(Conn& c) {
  conn::ChannelId id = 0;
  for (auto& [cid, p] : conns_)
    if (p.get() == &c) id = cid;
  std::size_t written = 0;
  while (c.to_socket.size() > c.to_socket_off) {
    ssize_t n = ::write(c.fd.get(), c.to_socket.data() + c.to_socket_off, c.to_socket.size() - c.to_socket_off);
    if (n > 0) {
      c.to_socket_off += static_cast<std::size_t>(n);
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    // The local end is gone: drop what is left and close the channel.
    written += c.to_socket.size() - c.to_socket_off;
    c.to_socket_off = c.to_socket.size();
    c.socket_eof = true;
    c.peer_eof = true;
    break;
  }
  if (c.to_socket_off == c.to_socket.size()) {
    c.to_socket.clear();
    c.to_socket_off = 0;
    if (c.peer_eof && !c.shut_wr) {
      c.shut_wr = true;
      ::shutdown(c.fd.get(), SHUT_WR);
    }
  }
  if (written > 0 && !c.close_sent) (void)connection_.consume(id, written);
  send_pending(c);
}

void PortForwarding::close_conn(conn::ChannelId id, bool send_close) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  loop_.unwatch(it->second->fd.get());
  if (send_close) (void)connection_.close(id);
  conns_.erase(it);
}

}  // namespace ssh

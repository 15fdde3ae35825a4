#include "remote_forwarding.hpp"

#include <unistd.h>

#include <charconv>

#include "sshcore/base/log.hpp"
#include "sshcore/io/tcp.hpp"

namespace sshd {

namespace io = sshcore::io;
namespace log = sshcore::log;
namespace conn = sshcore::connection;

namespace {

constexpr std::uint32_t kReservedPorts = 1024;  // IPPORT_RESERVED

// A PermitListen / permitlisten= entry: "port", "host:port" or "*" parts.
bool listen_entry_matches(std::string_view entry, const std::string& host, std::uint32_t port) {
  std::string_view h = "*", p = entry;
  if (auto colon = entry.rfind(':'); colon != std::string_view::npos) {
    h = entry.substr(0, colon);
    p = entry.substr(colon + 1);
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  }
  if (h != "*" && h != host) return false;
  if (p == "*") return true;
  std::uint32_t want = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), want);
  return ec == std::errc() && end == p.data() + p.size() && want == port;
}

}  // namespace

RemoteForwarding::RemoteForwarding(io::EventLoop& loop, const sshcore::config::SshdOptions& options,
                                   const sshcore::auth::KeyOptions* key, OnAccept on_accept)
    : loop_(loop), options_(options), key_(key), on_accept_(std::move(on_accept)) {}

RemoteForwarding::~RemoteForwarding() {
  for (auto& f : forwards_)
    for (auto& s : f.sockets) loop_.unwatch(s.get());
}

bool RemoteForwarding::allowed(const std::string& address, std::uint32_t port) const {
  std::string_view allow = options_.value("AllowTcpForwarding");
  if (!(allow == "yes" || allow == "all" || allow == "remote") || options_.flag("DisableForwarding") ||
      (key_ != nullptr && !key_->permit_port_forwarding)) {
    log::debug1("server_input_global_request: tcpip-forward listen {} port {}: forwarding disabled", address, port);
    return false;
  }
  if (port != 0 && port < kReservedPorts && ::geteuid() != 0) {
    log::debug1("bind_permitted: port {} is privileged", port);
    return false;
  }
  bool permitted = false;
  for (const auto& entry : options_.values("PermitListen")) {
    if (entry == "any") permitted = true;
    if (entry == "none") break;
    if (listen_entry_matches(entry, address, port)) permitted = true;
  }
  if (permitted && key_ != nullptr && !key_->permit_listen.empty()) {
    permitted = false;
    for (const auto& entry : key_->permit_listen)
      if (listen_entry_matches(entry, address, port)) permitted = true;
  }
  if (!permitted)
    log::info("Received request to listen on {} port {}, but the request was denied.",
              address.empty() ? "*" : address, port);
  return permitted;
}

// channels.c channel_fwd_bind_addr: loopback unless GatewayPorts says otherwise.
std::vector<std::string> RemoteForwarding::bind_hosts(const std::string& requested) const {
  std::string_view gateway = options_.value("GatewayPorts");
  const std::vector<std::string> loopback{"127.0.0.1", "::1"}, wildcard{"0.0.0.0", "::"};
  if (gateway == "yes") return wildcard;
  if (gateway == "clientspecified") {
    if (requested.empty() || requested == "*") return wildcard;
    if (requested == "localhost") return loopback;
    return {requested};
  }
  return loopback;
}

std::optional<std::uint16_t> RemoteForwarding::listen(const conn::TcpipForwardRequest& request) {
  log::debug1("server_input_global_request: tcpip-forward listen {} port {}", request.bind_address,
              request.bind_port);
  if (request.bind_port > 65535 || !allowed(request.bind_address, request.bind_port)) return std::nullopt;
  Forward f;
  f.requested_address = request.bind_address;
  f.port = static_cast<std::uint16_t>(request.bind_port);
  for (const auto& host : bind_hosts(request.bind_address)) {
    auto sock = io::listen_tcp(host, f.port);
    if (!sock) {
      log::debug1("{}", sock.error().detail);
      continue;
    }
    f.port = sock->port;  // port 0: every address takes the first one's pick
    f.sockets.push_back(std::move(sock->fd));
  }
  if (f.sockets.empty()) return std::nullopt;
  for (auto& s : f.sockets) {
    int fd = s.get();
    std::string requested = f.requested_address;
    std::uint16_t port = f.port;
    (void)loop_.watch(fd, io::kRead, [this, fd, requested, port](io::Readiness) { on_acceptable(fd, requested, port); });
  }
  std::uint16_t port = f.port;
  forwards_.push_back(std::move(f));
  return port;
}

bool RemoteForwarding::cancel(const conn::CancelTcpipForwardRequest& request) {
  for (auto it = forwards_.begin(); it != forwards_.end(); ++it) {
    if (it->requested_address != request.bind_address || it->port != request.bind_port) continue;
    for (auto& s : it->sockets) loop_.unwatch(s.get());
    forwards_.erase(it);
    return true;
  }
  return false;
}

void RemoteForwarding::on_acceptable(int listen_fd, const std::string& requested, std::uint16_t port) {
  auto accepted = io::accept_tcp(listen_fd);
  if (!accepted || !*accepted) return;
  io::Fd socket = std::move(**accepted);
  auto peer = io::peer_address(socket.get()).value_or(io::SocketAddress{"UNKNOWN", 65535});
  conn::ForwardedTcpipOpen open;
  open.connected_address = requested;
  open.connected_port = port;
  open.originator_address = peer.host;
  open.originator_port = peer.port;
  on_accept_(std::move(socket), std::move(open));
}

}  // namespace sshd

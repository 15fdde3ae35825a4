// Remote forwarding (ssh -R: "tcpip-forward" / "cancel-tcpip-forward" global
// requests) as sshd's serverloop.c and channels.c do it: who may listen
// (AllowTcpForwarding, DisableForwarding, PermitListen, the key's
// no-port-forwarding / permitlisten=, privileged ports), where (GatewayPorts), and the
// listening sockets on the user child's event loop. Each accepted connection is
// handed to the driver, which opens a "forwarded-tcpip" channel for it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/auth/key_options.hpp"
#include "sshcore/config/sshd_config.hpp"
#include "sshcore/connection/connection_messages.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {

class RemoteForwarding {
 public:
  using OnAccept = std::function<void(sshcore::io::Fd socket, sshcore::connection::ForwardedTcpipOpen open)>;

  RemoteForwarding(sshcore::io::EventLoop& loop, const sshcore::config::SshdOptions& options,
                   const sshcore::auth::KeyOptions* key, OnAccept on_accept);
  ~RemoteForwarding();
  RemoteForwarding(const RemoteForwarding&) = delete;
  RemoteForwarding& operator=(const RemoteForwarding&) = delete;

  // The port now listening (the kernel's pick for port 0), or nullopt when refused or
  // nothing could be bound.
  std::optional<std::uint16_t> listen(const sshcore::connection::TcpipForwardRequest& request);
  bool cancel(const sshcore::connection::CancelTcpipForwardRequest& request);

 private:
  struct Forward {
    std::string requested_address;  // as the client sent it (goes back in forwarded-tcpip)
    std::uint16_t port = 0;
    std::vector<sshcore::io::Fd> sockets;
  };
  bool allowed(const std::string& address, std::uint32_t port) const;
  std::vector<std::string> bind_hosts(const std::string& requested) const;
  void on_acceptable(int listen_fd, const std::string& requested, std::uint16_t port);

  sshcore::io::EventLoop& loop_;
  const sshcore::config::SshdOptions& options_;
  const sshcore::auth::KeyOptions* key_;
  OnAccept on_accept_;
  std::vector<Forward> forwards_;
};

}  // namespace sshd

// TCP sockets for the listener (sshd), the client (ssh, ssh-keyscan) and the
// forwarding code: listen, accept, connect with a timeout, and addresses printed
// the way OpenSSH prints them ("127.0.0.1", "::1", port as a number).
//
// Every socket returned is non-blocking and close-on-exec, ready for EventLoop.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sshcore/base/result.hpp"
#include "sshcore/io/fd.hpp"

namespace sshcore::io {

struct SocketAddress {
  std::string host;   // numeric, IPv4-mapped IPv6 shown as IPv4 (as OpenSSH does)
  std::uint16_t port = 0;
};

struct ListeningSocket {
  Fd fd;
  std::uint16_t port = 0;  // the port actually bound (the kernel's pick for port 0)
};

// Listens on a numeric `address` ("127.0.0.1", "::1", "0.0.0.0", "::"; empty means
// the wildcard). SO_REUSEADDR is set so a restarted sshd can bind at once;
// IPV6_V6ONLY too, so "::" and "0.0.0.0" can be bound side by side as sshd does.
Result<ListeningSocket> listen_tcp(std::string_view address, std::uint16_t port,
                                   int backlog = 128);

// Accepts one pending connection: nullopt when none is pending (EAGAIN), or an
// error (EMFILE and friends) that the caller logs before trying again later.
Result<std::optional<Fd>> accept_tcp(int listen_fd);

struct ConnectOptions {
  // Per address attempt, as ssh's ConnectTimeout; nullopt waits for the kernel.
  std::optional<std::chrono::milliseconds> timeout;
  int family = AF_UNSPEC;   // AF_INET for -4, AF_INET6 for -6
};

// Resolves `host` (a name or a numeric address) and tries each address in turn
// until one connects. Failures read as ssh's: "connect to host H port P: <strerror>"
// (kSystem; ETIMEDOUT's "Connection timed out" for a timeout) and
// "Could not resolve hostname H: <gai_strerror>" (kNotFound).
Result<Fd> connect_tcp(std::string_view host, std::uint16_t port,
                       const ConnectOptions& options = {});

// Interactive sessions turn off Nagle so keystrokes are not held back.
Result<void> set_tcp_nodelay(int fd, bool on = true);
// SO_KEEPALIVE: the kernel's probes notice a peer that vanished (sshd's TCPKeepAlive).
Result<void> set_tcp_keepalive(int fd, bool on = true);

Result<SocketAddress> peer_address(int fd);
Result<SocketAddress> local_address(int fd);

}  // namespace sshcore::io

// Opening the TCP connection to the server as ssh does (sshconnect.c ssh_connect_direct):
// getaddrinfo with AddressFamily, ConnectionAttempts rounds over every address, BindAddress,
// ConnectTimeout per attempt, TCP_NODELAY and SO_KEEPALIVE (TCPKeepAlive), and OpenSSH's
// messages ("debug1: Connecting to H [A] port P.", "ssh: connect to host H port P: ...").
#pragma once

#include <cstdint>
#include <string>

#include "sshcore/base/result.hpp"
#include "sshcore/config/ssh_options.hpp"
#include "sshcore/io/fd.hpp"

namespace ssh {

struct HostConnection {
  sshcore::io::Fd fd;           // non-blocking, close-on-exec
  std::string address;          // numeric peer address ("127.0.0.1", "::1")
  std::uint16_t port = 0;
  bool loopback = false;
  bool proxied = false;         // through a ProxyCommand: no peer address ("UNKNOWN" port 65535)
  int proxy_pid = -1;           // the ProxyCommand process, sent SIGHUP when ssh ends
};

// Errors have been logged in OpenSSH's words when this fails (ssh then exits 255).
sshcore::Result<HostConnection> connect_to_host(const std::string& host, std::uint16_t port,
                                                const sshcore::config::SshOptions& options);

}  // namespace ssh

// One ssh connection (ssh.c ssh_session2 and clientloop.c) over an open socket or a
// ProxyCommand: the transport with host key verification, user authentication, then the
// session channel (session_channel.hpp), port forwarding (port_forwarding.hpp) and
// ServerAlive keepalives, in one EventLoop. Connection events are routed here: forwarded
// channels, global requests and replies, the rest to the session. Returns ssh's exit status:
// the remote command's, or 255 for ssh's own failures.
#pragma once

#include <string>

#include "client_config.hpp"
#include "command_line.hpp"
#include "host_connection.hpp"

namespace ssh {

int run_client_session(ClientConfig& config, const CommandLine& cl, HostConnection connection, bool want_tty,
                       const std::string& home);

}  // namespace ssh

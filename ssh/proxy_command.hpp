// Reaching the server through a ProxyCommand (sshconnect.c ssh_proxy_connect) or a
// ProxyJump, which ssh turns into the ProxyCommand "ssh -W '[%h]:%p' jumphost" (ssh.c).
#pragma once

#include <optional>
#include <string>

#include "command_line.hpp"
#include "host_connection.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/ssh_config.hpp"

namespace ssh {

// The implicit ProxyCommand of a ProxyJump ("[user@]host[:port][,more hops]"); nullopt when
// ProxyJump is unset or "none". Errors read like OpenSSH's ("Invalid ProxyJump ...").
sshcore::Result<std::optional<std::string>> proxy_jump_command(const sshcore::config::SshOptions& options,
                                                               const CommandLine& cl, const std::string& program,
                                                               const std::string& host);

// Runs "exec COMMAND" (tokens %h %n %p %r expanded) through $SHELL with its standard input
// and output on one end of a socketpair; the other end becomes the connection.
sshcore::Result<HostConnection> connect_via_proxy(const std::string& command, const sshcore::config::SshOptions& options,
                                                  const sshcore::config::SshConfigEnvironment& env,
                                                  const sshcore::config::SshTarget& target);

// "host:port" or "[host]:port" of -W; nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(const std::string& spec);

}  // namespace ssh

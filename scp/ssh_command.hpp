// The command lines scp starts: ssh to run the remote side (OpenSSH 9.2's do_cmd and
// do_cmd2, byte for byte), the remote scp command of the legacy protocol, and the
// ssh that -R runs on the origin host.
#pragma once

#include <string>
#include <vector>

#include "operands.hpp"
#include "scp_options.hpp"

namespace scp {

// -S, else our ssh beside this scp binary, else "ssh" from PATH.
std::string ssh_program(const ScpOptions& o);

// do_cmd(): `program [args] [-p port] [-l user] [-s] -- host command`. With -D the
// program is the sftp server and the arguments are just "sftp-server".
std::vector<std::string> ssh_argv(const ScpOptions& o, const Operand& at, bool subsystem, const std::string& command);

// do_cmd2(): the second ssh of a legacy remote-to-remote copy through this host.
std::vector<std::string> second_ssh_argv(const ScpOptions& o, const Operand& at, const std::string& command);

// -R: `ssh -x -oClearAllForwardings=yes -n [flags] [-p port] [-l user] -- host "scp ..." src user@host:targ`.
std::vector<std::string> remote_remote_argv(const ScpOptions& o, const Operand& from, const Operand& to,
                                            const std::string& scp_command);

// "scp" with " -v", " -r", " -p", " -d" as OpenSSH composes it.
std::string remote_scp_command(const ScpOptions& o, bool target_should_be_directory);

// "<cmd> -t <path>" / "<cmd> -f <path>", with "-- " before a path starting with '-'.
// The path goes to the remote shell unquoted, as OpenSSH 9.2 sends it (so remote
// globbing and ~ work in legacy mode).
std::string remote_sink_command(const std::string& scp_command, const std::string& path);
std::string remote_source_command(const std::string& scp_command, const std::string& path);

}  // namespace scp

#include "ssh_command.hpp"

#include "sshcore/io/subprocess.hpp"

namespace scp {

std::string ssh_program(const ScpOptions& o) {
  if (!o.ssh_program.empty()) return o.ssh_program;
  return sshcore::io::program_beside_self("ssh");
}

namespace {

void add_port_and_user(std::vector<std::string>& argv, const ScpOptions& o, const Operand& at) {
  int port = at.port == -1 ? o.port : at.port;
  if (port != -1) {
    argv.push_back("-p");
    argv.push_back(std::to_string(port));
  }
  if (at.user) {
    argv.push_back("-l");
    argv.push_back(*at.user);
  }
}

}  // namespace

std::vector<std::string> ssh_argv(const ScpOptions& o, const Operand& at, bool subsystem, const std::string& command) {
  std::vector<std::string> argv;
  if (!o.sftp_direct.empty()) {
    // OpenSSH replaces its ssh arguments by "sftp-server" and passes no user.
    argv = {o.sftp_direct};
    Operand no_user = at;
    no_user.user.reset();
    no_user.port = -1;  // only -P reaches the server program, as OpenSSH
    add_port_and_user(argv, o, no_user);
    argv.insert(argv.end(), {"--", at.host, command});
    return argv;
  }
  argv.push_back(ssh_program(o));
  argv.insert(argv.end(), o.ssh_args.begin(), o.ssh_args.end());
  add_port_and_user(argv, o, at);
  if (subsystem) argv.push_back("-s");
  argv.insert(argv.end(), {"--", at.host, command});
  return argv;
}

std::vector<std::string> second_ssh_argv(const ScpOptions& o, const Operand& at, const std::string& command) {
  std::vector<std::string> argv{ssh_program(o)};
  argv.insert(argv.end(), o.ssh_args.begin(), o.ssh_args.end());
  add_port_and_user(argv, o, at);
  argv.insert(argv.end(), {"-oBatchMode=yes", "--", at.host, command});
  return argv;
}

std::vector<std::string> remote_remote_argv(const ScpOptions& o, const Operand& from, const Operand& to,
                                            const std::string& scp_command) {
  std::vector<std::string> argv{ssh_program(o), "-x", "-oClearAllForwardings=yes", "-n"};
  argv.insert(argv.end(), o.remote_remote_args.begin(), o.remote_remote_args.end());
  if (from.port != -1) {
    argv.push_back("-p");
    argv.push_back(std::to_string(from.port));
  }
  if (from.user) {
    argv.push_back("-l");
    argv.push_back(*from.user);
  }
  argv.insert(argv.end(), {"--", from.host, scp_command, from.path,
                           (to.user ? *to.user + "@" : std::string()) + to.host + ":" + to.path});
  return argv;
}

std::string remote_scp_command(const ScpOptions& o, bool target_should_be_directory) {
  std::string cmd = "scp";
  if (o.verbose > 0) cmd += " -v";
  if (o.recursive) cmd += " -r";
  if (o.preserve) cmd += " -p";
  if (target_should_be_directory) cmd += " -d";
  return cmd;
}

std::string remote_sink_command(const std::string& scp_command, const std::string& path) {
  return scp_command + " -t " + (path.starts_with('-') ? "-- " : "") + path;
}

std::string remote_source_command(const std::string& scp_command, const std::string& path) {
  return scp_command + " -f " + (path.starts_with('-') ? "-- " : "") + path;
}

}  // namespace scp

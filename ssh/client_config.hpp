// ssh's configuration: the command line, then ~/.ssh/config (or -F) and /etc/ssh/ssh_config,
// a second pass for "Match final", and the defaults (ssh.c process_config_files and
// fill_default_options), over the core's ssh_config parser with this machine's files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/ssh_config.hpp"

namespace ssh {

// The environment of this process: real files, glob(3), Match exec through the user's shell,
// getenv, passwd home and name, gethostname.
sshcore::config::SshConfigEnvironment machine_config_environment();

struct ClientConfig {
  sshcore::config::SshOptions options;   // finalized
  sshcore::config::SshTarget target;
  std::string host_arg;                  // the destination as given on the command line
};

// Where the files are (tests point these elsewhere).
struct ConfigPaths {
  std::string user_config;                     // ~/.ssh/config
  std::string system_config = "/etc/ssh/ssh_config";
};

// Every message the parser reported goes to the log at its level. Errors have been logged when
// this fails; ssh then exits 255.
sshcore::Result<ClientConfig> load_client_config(const CommandLine& cl,
                                                 const sshcore::config::SshConfigEnvironment& env,
                                                 const ConfigPaths& paths);

// "~" or "~/x" under `home` (OpenSSH's tilde_expand_filename for the current user).
std::string expand_home(const std::string& path, const std::string& home);
// The reverse, for messages: "/root/.ssh/known_hosts" -> "~/.ssh/known_hosts".
std::string tilde_unexpand(const std::string& path, const std::string& home);

}  // namespace ssh

// One client connection, from the accepted socket to the end (sshd.c's main after
// the accept loop, with privsep_preauth / privsep_postauth): the monitor process
// that stays root, the pre-auth child that talks to the network confined, and the
// user child that runs the sessions (DESIGN.md section 6).
#pragma once

#include <vector>

#include "command_line.hpp"
#include "host_keys.hpp"
#include "server_configuration.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {

struct ConnectionSetup {
  sshcore::io::Fd socket;
  // Closed when authentication ends so the listener stops counting this connection
  // against MaxStartups; invalid for -d, -i.
  sshcore::io::Fd startup_pipe;
  const ServerConfiguration* config = nullptr;
  std::vector<LoadedHostKey> host_keys;
  const CommandLine* command_line = nullptr;
};

// Runs the connection to its end; returns the process's exit status.
int run_connection(ConnectionSetup setup);

}  // namespace sshd

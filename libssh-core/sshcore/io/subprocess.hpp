// Subprocess: a child program whose stdin and stdout are pipes we hold, as sftp and
// scp run `ssh -s sftp` (or `-D sftp-server`) and the legacy `scp -t` peer. The
// child's stderr is inherited so ssh's prompts and errors reach the user.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sshcore/base/result.hpp"
#include "sshcore/io/fd.hpp"

namespace sshcore::io {

struct Subprocess {
  pid_t pid = -1;
  Fd to_child;    // the child's stdin
  Fd from_child;  // the child's stdout
};

// Runs argv[0] (searched in PATH when it has no '/'). Descriptors are blocking.
Result<Subprocess> spawn_with_pipes(const std::vector<std::string>& argv);

// The program `name` installed beside the running executable, if there is one,
// else `name` itself (found through PATH when run). sftp and scp use it for ssh:
// OpenSSH's compile in /usr/bin/ssh, ours pair with the ssh of the same build or install.
std::string program_beside_self(const std::string& name);

// Waits for the child and returns its exit status (128 + signal when killed), as a shell reports it.
Result<int> wait_for_exit(pid_t pid);

}  // namespace sshcore::io

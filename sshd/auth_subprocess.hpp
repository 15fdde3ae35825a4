// Running a helper program on behalf of authentication (AuthorizedKeysCommand,
// PreUserauthHook) in the monitor: like OpenSSH's subprocess() in auth.c, but with a
// hard time limit and the whole output captured, so a hung or chatty helper can
// neither stall the connection past its budget nor reach the client.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sshd {

struct SubprocessSpec {
  std::vector<std::string> argv;         // argv[0] is what the program sees as its name
  std::vector<std::string> env;          // "NAME=value"; nothing else is inherited
  std::string path;                      // execve() this path, unless exec_fd is set
  int exec_fd = -1;                      // fexecve() this descriptor (checked beforehand)
  std::optional<uid_t> uid;              // switch to this uid/gid (only when running as root)
  gid_t gid = 0;
  std::vector<gid_t> groups;             // supplementary groups with `uid`
  bool capture_stderr = true;            // else stderr goes to /dev/null
  std::chrono::milliseconds timeout{30000};
  std::size_t max_output = 1 << 20;      // bytes kept per stream; the rest is read and dropped
};

struct SubprocessOutcome {
  enum class End { kExited, kSignalled, kTimedOut, kExecFailed, kSpawnFailed } end = End::kSpawnFailed;
  int status = -1;       // exit status (kExited) or signal number (kSignalled)
  int error = 0;         // errno of the failed exec/spawn
  std::string out;
  std::string err;
  bool success() const { return end == End::kExited && status == 0; }
};

// Forks, runs the program in its own process group with stdin on /dev/null, collects its
// output until it exits, and kills the whole group with SIGKILL once `timeout` passes.
SubprocessOutcome run_subprocess(const SubprocessSpec& spec);

// "exit N", "killed by signal N", "timed out", "exec failed: ..." for log lines.
std::string describe_outcome(const SubprocessOutcome& outcome);

}  // namespace sshd

// The processes scp starts besides the ssh it talks to: the second ssh of a legacy
// remote-to-remote copy (its stdin and stdout are the first ssh's pipes), the ssh of
// -R, and cp(1) for local-to-local copies.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace scp {

// Starts argv with `in_fd` as stdin and `out_fd` as stdout; -1 when fork fails. The
// child is guarded (below) until wait_success or run_to_completion reaps it.
pid_t spawn_on_fds(const std::vector<std::string>& argv, int in_fd, int out_fd);
// Runs argv to completion; its exit status (or 128+signal), -1 when it cannot start.
int run_to_completion(const std::vector<std::string>& argv);
// Waits for `pid`; true when it exited with status 0.
bool wait_success(pid_t pid);

// OpenSSH's killchild(): once a child is guarded, SIGINT, SIGTERM and SIGHUP make scp
// send the same signal to every guarded child (the ssh it talks to, the second ssh of
// a remote-to-remote copy, the ssh of -R or cp), wait for them and exit with status 1,
// so that no ssh outlives an interrupted scp. The first call installs the handlers.
void guard_child(pid_t pid);
// A child that has been reaped: no longer signalled.
void unguard_child(pid_t pid);

}  // namespace scp

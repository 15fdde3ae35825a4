// The pseudo-terminal of a session (OpenSSH's sshpty.c and ttymodes.c): allocation,
// the slave's owner and mode, the client's terminal modes and window size, and the
// child's controlling-tty setup. The monitor (root) allocates and chowns; the user
// child only applies modes and window changes to descriptors it already holds.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>

#include "sshcore/base/result.hpp"
#include "sshcore/connection/terminal_modes.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {

struct Pty {
  sshcore::io::Fd master;  // the session's data flows here (close-on-exec)
  sshcore::io::Fd slave;   // kept open so the modes persist until the child takes it
  std::string slave_path;  // "/dev/pts/3"
};

// openpty(3); both ends close-on-exec, the master non-blocking for the poll loop.
sshcore::Result<Pty> allocate_pty();

// OpenSSH's pty_setowner: owner `uid`, group "tty" and mode 0620 when that group
// exists, else the user's own group and 0600. Needs root unless already so.
sshcore::Result<void> set_pty_owner(const std::string& slave_path, uid_t uid, gid_t user_gid);

// Gives the slave back to root with mode 0666 (sshpty.c pty_release). Errors are
// logged only: the session is over and devpts removes the node anyway.
void release_pty(const std::string& slave_path);

// Applies pty-req modes to the slave's termios (ttymodes.c tty_parse_modes): flags
// set or cleared by a non-zero value, control characters with 255 meaning disabled,
// TTY_OP_ISPEED/OSPEED as baud rates. Modes this system lacks are skipped.
sshcore::Result<void> apply_terminal_modes(
    int tty_fd, std::span<const sshcore::connection::TerminalMode> modes);

// pty-req's and window-change's geometry (TIOCSWINSZ on the master, as OpenSSH).
struct WindowSize {
  std::uint32_t columns = 0, rows = 0, width_pixels = 0, height_pixels = 0;
};
sshcore::Result<void> set_window_size(int pty_fd, const WindowSize& size);

// In the freshly forked child: leaves the old session (setsid), makes the slave the
// controlling tty (TIOCSCTTY) and stdin/stdout/stderr, then closes the extra slave
// descriptor. Returns false (after logging OpenSSH's error) when dup2 fails.
bool make_controlling_tty(int slave_fd, const std::string& slave_path);

}  // namespace sshd

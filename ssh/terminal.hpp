// The local terminal for an interactive session: raw mode entered and left as OpenSSH's
// sshtty.c does, the window size, and the terminal modes sent in "pty-req" (ttymodes.c
// tty_make_modes).
#pragma once

#include <termios.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "sshcore/connection/terminal_modes.hpp"

namespace ssh {

struct WindowSize {
  std::uint32_t cols = 80, rows = 24, width_px = 0, height_px = 0;
};

// TIOCGWINSZ of `fd`; 80x24 when it is not a terminal.
WindowSize window_size(int fd);

// The modes of the terminal on `fd` (nullopt when it is not a terminal): speeds, control
// characters (255 for a disabled one) and flags, in OpenSSH's order.
std::optional<std::vector<sshcore::connection::TerminalMode>> terminal_modes(int fd);

// Puts the terminal on `fd` into raw mode until leave() (or destruction) restores it.
class RawMode {
 public:
  RawMode() = default;
  ~RawMode() { leave(); }
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;

  bool enter(int fd);
  void leave();
  bool active() const { return active_; }

 private:
  int fd_ = -1;
  termios saved_{};
  bool active_ = false;
};

}  // namespace ssh

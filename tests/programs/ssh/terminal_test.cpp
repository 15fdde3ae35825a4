// The local terminal: modes for pty-req and raw mode as OpenSSH's sshtty.c/ttymodes.c.
#include "terminal.hpp"

#include <pty.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

namespace op = sshcore::connection::tty_op;

struct Pty {
  int master = -1, slave = -1;
  Pty() {
    winsize ws{33, 111, 0, 0};
    EXPECT_EQ(::openpty(&master, &slave, nullptr, nullptr, &ws), 0);
  }
  ~Pty() {
    ::close(master);
    ::close(slave);
  }
};

std::uint32_t mode(const std::vector<sshcore::connection::TerminalMode>& modes, std::uint8_t opcode) {
  for (const auto& m : modes)
    if (m.opcode == opcode) return m.value;
  return 0xffffffff;
}

TEST(SshTerminal, WindowSizeAndModesOfAPty) {
  Pty p;
  auto ws = ssh::window_size(p.slave);
  EXPECT_EQ(ws.rows, 33u);
  EXPECT_EQ(ws.cols, 111u);
  auto modes = ssh::terminal_modes(p.slave);
  ASSERT_TRUE(modes);
  EXPECT_EQ(mode(*modes, op::kEcho), 1u);
  EXPECT_EQ(mode(*modes, op::kIcanon), 1u);
  EXPECT_EQ(mode(*modes, op::kVintr), 3u);  // ^C
  EXPECT_EQ(modes->front().opcode, op::kIspeed);
  EXPECT_TRUE(sshcore::connection::encode_terminal_modes(*modes).has_value());
  EXPECT_FALSE(ssh::terminal_modes(p.master + 1000));
}

TEST(SshTerminal, RawModeIsRestored) {
  Pty p;
  {
    ssh::RawMode raw;
    ASSERT_TRUE(raw.enter(p.slave));
    auto modes = ssh::terminal_modes(p.slave);
    EXPECT_EQ(mode(*modes, op::kEcho), 0u);
    EXPECT_EQ(mode(*modes, op::kIcanon), 0u);
    EXPECT_EQ(mode(*modes, op::kIsig), 0u);
    EXPECT_EQ(mode(*modes, op::kOpost), 0u);
  }
  auto after = ssh::terminal_modes(p.slave);
  EXPECT_EQ(mode(*after, op::kEcho), 1u);
  EXPECT_EQ(mode(*after, op::kOpost), 1u);
}

}  // namespace

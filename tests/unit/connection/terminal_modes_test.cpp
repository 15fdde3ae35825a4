#include "sshcore/connection/terminal_modes.hpp"

#include <gtest/gtest.h>

#include <set>

#include "sshcore/base/encoding.hpp"

using namespace sshcore;
using namespace sshcore::connection;

namespace {
Bytes from_hex(std::string_view text) {
  std::string digits;
  for (char c : text)
    if (c != ' ') digits.push_back(c);
  auto b = hex_decode(digits);
  EXPECT_TRUE(b) << text;
  return b ? *b : Bytes{};
}
}  // namespace

TEST(TerminalModes, TableMatchesTheRfc) {
  auto table = terminal_mode_table();
  EXPECT_EQ(table.size(), 56u);  // 18 control chars, 12 input + IUTF8, 13 local, 6 output, 4 control, 2 speeds
  std::set<std::uint8_t> opcodes;
  std::uint8_t previous = 0;
  for (const auto& m : table) {
    EXPECT_GT(m.opcode, previous) << m.name;
    previous = m.opcode;
    EXPECT_LT(m.opcode, tty_op::kFirstUndefined);
    EXPECT_TRUE(opcodes.insert(m.opcode).second);
    EXPECT_EQ(terminal_mode_opcode(m.name), m.opcode);
  }
  EXPECT_EQ(terminal_mode_name(1), "VINTR");
  EXPECT_EQ(terminal_mode_name(18), "VDISCARD");
  EXPECT_EQ(terminal_mode_name(30), "IGNPAR");
  EXPECT_EQ(terminal_mode_name(42), "IUTF8");
  EXPECT_EQ(terminal_mode_name(53), "ECHO");
  EXPECT_EQ(terminal_mode_name(62), "PENDIN");
  EXPECT_EQ(terminal_mode_name(72), "ONLCR");
  EXPECT_EQ(terminal_mode_name(91), "CS8");
  EXPECT_EQ(terminal_mode_name(93), "PARODD");
  EXPECT_EQ(terminal_mode_name(128), "TTY_OP_ISPEED");
  EXPECT_EQ(terminal_mode_name(129), "TTY_OP_OSPEED");
  EXPECT_EQ(terminal_mode_name(0), "");
  EXPECT_EQ(terminal_mode_name(19), "");
  EXPECT_EQ(terminal_mode_name(160), "");
  EXPECT_FALSE(terminal_mode_opcode("TTY_OP_END"));
  EXPECT_FALSE(terminal_mode_opcode("echo"));
}

TEST(TerminalModes, EncodeKnownAnswer) {
  std::vector<TerminalMode> modes = {{tty_op::kVintr, 3}, {tty_op::kIutf8, 1}, {tty_op::kEcho, 0},
                                     {tty_op::kIspeed, 38400}, {tty_op::kOspeed, 38400}};
  auto encoded = encode_terminal_modes(modes);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(hex_encode(*encoded),
            hex_encode(from_hex("01 00000003 2a 00000001 35 00000000 80 00009600 81 00009600 00")));
  auto back = decode_terminal_modes(*encoded);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, modes);
}

TEST(TerminalModes, EmptyListIsJustTheEnd) {
  auto encoded = encode_terminal_modes({});
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, Bytes{0});
  auto empty = decode_terminal_modes({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto end_only = decode_terminal_modes(*encoded);
  ASSERT_TRUE(end_only);
  EXPECT_TRUE(end_only->empty());
}

TEST(TerminalModes, UnwritableOpcodesAreRefused) {
  std::vector<TerminalMode> end = {{0, 1}};
  auto r = encode_terminal_modes(end);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  std::vector<TerminalMode> undefined = {{160, 1}};
  EXPECT_FALSE(encode_terminal_modes(undefined));
  std::vector<TerminalMode> unknown_but_sized = {{159, 1}};
  EXPECT_TRUE(encode_terminal_modes(unknown_but_sized));
}

TEST(TerminalModes, UnknownOpcodesBelow160AreSkippedWithTheirArgument) {
  // opcode 19 (unassigned) with argument 0x35000000 whose first byte looks like ECHO
  auto modes = decode_terminal_modes(from_hex("13 35000000 35 00000001 00"));
  ASSERT_TRUE(modes);
  ASSERT_EQ(modes->size(), 1u);
  EXPECT_EQ((*modes)[0], (TerminalMode{tty_op::kEcho, 1}));
}

TEST(TerminalModes, Opcode160AndAboveStopParsing) {
  auto modes = decode_terminal_modes(from_hex("35 00000001 a0 ffffffff 36 00000001"));
  ASSERT_TRUE(modes);
  ASSERT_EQ(modes->size(), 1u);
  EXPECT_EQ((*modes)[0].opcode, tty_op::kEcho);
  auto at_end = decode_terminal_modes(from_hex("ff"));
  ASSERT_TRUE(at_end);
  EXPECT_TRUE(at_end->empty());
}

TEST(TerminalModes, EndStopsAndMissingEndIsAccepted) {
  auto after_end = decode_terminal_modes(from_hex("35 00000001 00 36 00000001"));
  ASSERT_TRUE(after_end);
  EXPECT_EQ(after_end->size(), 1u);
  auto no_end = decode_terminal_modes(from_hex("35 00000001 36 00000000"));
  ASSERT_TRUE(no_end);
  ASSERT_EQ(no_end->size(), 2u);
  EXPECT_EQ((*no_end)[1], (TerminalMode{tty_op::kEchoe, 0}));
}

TEST(TerminalModes, DuplicatesAreKeptInOrder) {
  auto modes = decode_terminal_modes(from_hex("35 00000001 35 00000000 00"));
  ASSERT_TRUE(modes);
  ASSERT_EQ(modes->size(), 2u);
  EXPECT_EQ((*modes)[1].value, 0u);
}

TEST(TerminalModes, TruncatedArgumentFails) {
  Bytes full = from_hex("35 00000001 80 00009600 00");
  for (std::size_t n : {1u, 2u, 3u, 4u, 6u, 7u, 8u, 9u}) {
    auto r = decode_terminal_modes(ByteView(full).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code, Errc::kTruncated);
  }
  for (std::size_t n : {0u, 5u, 10u, 11u}) EXPECT_TRUE(decode_terminal_modes(ByteView(full).first(n))) << n;
}

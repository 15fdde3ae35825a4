// Encoded terminal modes of a pty-req (RFC 4254 section 8, RFC 8160 for IUTF8):
// a pure mapping between the wire string and (opcode, value) pairs. Turning
// them into a termios (and back) is io/'s job, which knows the local tty.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::connection {

namespace tty_op {
inline constexpr std::uint8_t kEnd = 0;          // TTY_OP_END
inline constexpr std::uint8_t kVintr = 1;
inline constexpr std::uint8_t kVquit = 2;
inline constexpr std::uint8_t kVerase = 3;
inline constexpr std::uint8_t kVkill = 4;
inline constexpr std::uint8_t kVeof = 5;
inline constexpr std::uint8_t kVeol = 6;
inline constexpr std::uint8_t kVeol2 = 7;
inline constexpr std::uint8_t kVstart = 8;
inline constexpr std::uint8_t kVstop = 9;
inline constexpr std::uint8_t kVsusp = 10;
inline constexpr std::uint8_t kVdsusp = 11;
inline constexpr std::uint8_t kVreprint = 12;
inline constexpr std::uint8_t kVwerase = 13;
inline constexpr std::uint8_t kVlnext = 14;
inline constexpr std::uint8_t kVflush = 15;
inline constexpr std::uint8_t kVswtch = 16;
inline constexpr std::uint8_t kVstatus = 17;
inline constexpr std::uint8_t kVdiscard = 18;
inline constexpr std::uint8_t kIgnpar = 30;
inline constexpr std::uint8_t kParmrk = 31;
inline constexpr std::uint8_t kInpck = 32;
inline constexpr std::uint8_t kIstrip = 33;
inline constexpr std::uint8_t kInlcr = 34;
inline constexpr std::uint8_t kIgncr = 35;
inline constexpr std::uint8_t kIcrnl = 36;
inline constexpr std::uint8_t kIuclc = 37;
inline constexpr std::uint8_t kIxon = 38;
inline constexpr std::uint8_t kIxany = 39;
inline constexpr std::uint8_t kIxoff = 40;
inline constexpr std::uint8_t kImaxbel = 41;
inline constexpr std::uint8_t kIutf8 = 42;       // RFC 8160
inline constexpr std::uint8_t kIsig = 50;
inline constexpr std::uint8_t kIcanon = 51;
inline constexpr std::uint8_t kXcase = 52;
inline constexpr std::uint8_t kEcho = 53;
inline constexpr std::uint8_t kEchoe = 54;
inline constexpr std::uint8_t kEchok = 55;
inline constexpr std::uint8_t kEchonl = 56;
inline constexpr std::uint8_t kNoflsh = 57;
inline constexpr std::uint8_t kTostop = 58;
inline constexpr std::uint8_t kIexten = 59;
inline constexpr std::uint8_t kEchoctl = 60;
inline constexpr std::uint8_t kEchoke = 61;
inline constexpr std::uint8_t kPendin = 62;
inline constexpr std::uint8_t kOpost = 70;
inline constexpr std::uint8_t kOlcuc = 71;
inline constexpr std::uint8_t kOnlcr = 72;
inline constexpr std::uint8_t kOcrnl = 73;
inline constexpr std::uint8_t kOnocr = 74;
inline constexpr std::uint8_t kOnlret = 75;
inline constexpr std::uint8_t kCs7 = 90;
inline constexpr std::uint8_t kCs8 = 91;
inline constexpr std::uint8_t kParenb = 92;
inline constexpr std::uint8_t kParodd = 93;
inline constexpr std::uint8_t kIspeed = 128;     // TTY_OP_ISPEED, baud
inline constexpr std::uint8_t kOspeed = 129;     // TTY_OP_OSPEED
// Opcodes from here on are undefined and have no known argument size, so a
// reader must stop at the first one.
inline constexpr std::uint8_t kFirstUndefined = 160;
}  // namespace tty_op

struct TerminalModeInfo {
  std::uint8_t opcode;
  std::string_view name;  // the RFC's name: "VINTR", "ECHO", "TTY_OP_ISPEED"
};
// Every opcode the RFCs define (TTY_OP_END excluded), by increasing opcode.
std::span<const TerminalModeInfo> terminal_mode_table();
// "" for an opcode the table lacks.
std::string_view terminal_mode_name(std::uint8_t opcode);
std::optional<std::uint8_t> terminal_mode_opcode(std::string_view name);

struct TerminalMode {
  std::uint8_t opcode = 0;
  std::uint32_t value = 0;
  bool operator==(const TerminalMode&) const = default;
};

// The mode string with TTY_OP_END appended. Opcode 0 or >= 160 cannot be
// written (the reader would stop there): kInvalidArgument.
Result<Bytes> encode_terminal_modes(std::span<const TerminalMode> modes);

// The known modes in wire order (duplicates kept; the last one wins when
// applied). Unknown opcodes 1..159 are skipped with their argument, an opcode of
// 160 or more ends parsing like TTY_OP_END, and so does the end of the string
// (OpenSSH accepts a string without TTY_OP_END; what follows the end is
// ignored). A truncated argument fails.
Result<std::vector<TerminalMode>> decode_terminal_modes(ByteView encoded);

}  // namespace sshcore::connection

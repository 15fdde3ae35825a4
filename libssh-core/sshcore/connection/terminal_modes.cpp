#include "sshcore/connection/terminal_modes.hpp"

#include <algorithm>
#include <string>

#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::connection {

namespace {

constexpr TerminalModeInfo kModes[] = {
    {tty_op::kVintr, "VINTR"},       {tty_op::kVquit, "VQUIT"},       {tty_op::kVerase, "VERASE"},
    {tty_op::kVkill, "VKILL"},       {tty_op::kVeof, "VEOF"},         {tty_op::kVeol, "VEOL"},
    {tty_op::kVeol2, "VEOL2"},       {tty_op::kVstart, "VSTART"},     {tty_op::kVstop, "VSTOP"},
    {tty_op::kVsusp, "VSUSP"},       {tty_op::kVdsusp, "VDSUSP"},     {tty_op::kVreprint, "VREPRINT"},
    {tty_op::kVwerase, "VWERASE"},   {tty_op::kVlnext, "VLNEXT"},     {tty_op::kVflush, "VFLUSH"},
    {tty_op::kVswtch, "VSWTCH"},     {tty_op::kVstatus, "VSTATUS"},   {tty_op::kVdiscard, "VDISCARD"},
    {tty_op::kIgnpar, "IGNPAR"},     {tty_op::kParmrk, "PARMRK"},     {tty_op::kInpck, "INPCK"},
    {tty_op::kIstrip, "ISTRIP"},     {tty_op::kInlcr, "INLCR"},       {tty_op::kIgncr, "IGNCR"},
    {tty_op::kIcrnl, "ICRNL"},       {tty_op::kIuclc, "IUCLC"},       {tty_op::kIxon, "IXON"},
    {tty_op::kIxany, "IXANY"},       {tty_op::kIxoff, "IXOFF"},       {tty_op::kImaxbel, "IMAXBEL"},
    {tty_op::kIutf8, "IUTF8"},       {tty_op::kIsig, "ISIG"},         {tty_op::kIcanon, "ICANON"},
    {tty_op::kXcase, "XCASE"},       {tty_op::kEcho, "ECHO"},         {tty_op::kEchoe, "ECHOE"},
    {tty_op::kEchok, "ECHOK"},       {tty_op::kEchonl, "ECHONL"},     {tty_op::kNoflsh, "NOFLSH"},
    {tty_op::kTostop, "TOSTOP"},     {tty_op::kIexten, "IEXTEN"},     {tty_op::kEchoctl, "ECHOCTL"},
    {tty_op::kEchoke, "ECHOKE"},     {tty_op::kPendin, "PENDIN"},     {tty_op::kOpost, "OPOST"},
    {tty_op::kOlcuc, "OLCUC"},       {tty_op::kOnlcr, "ONLCR"},       {tty_op::kOcrnl, "OCRNL"},
    {tty_op::kOnocr, "ONOCR"},       {tty_op::kOnlret, "ONLRET"},     {tty_op::kCs7, "CS7"},
    {tty_op::kCs8, "CS8"},           {tty_op::kParenb, "PARENB"},     {tty_op::kParodd, "PARODD"},
    {tty_op::kIspeed, "TTY_OP_ISPEED"}, {tty_op::kOspeed, "TTY_OP_OSPEED"},
};

const TerminalModeInfo* find_mode(std::uint8_t opcode) {
  for (const auto& m : kModes)
    if (m.opcode == opcode) return &m;
  return nullptr;
}

}  // namespace

std::span<const TerminalModeInfo> terminal_mode_table() { return kModes; }

std::string_view terminal_mode_name(std::uint8_t opcode) {
  const TerminalModeInfo* m = find_mode(opcode);
  return m ? m->name : std::string_view();
}

std::optional<std::uint8_t> terminal_mode_opcode(std::string_view name) {
  for (const auto& m : kModes)
    if (m.name == name) return m.opcode;
  return std::nullopt;
}

Result<Bytes> encode_terminal_modes(std::span<const TerminalMode> modes) {
  wire::Writer w;
  for (const auto& m : modes) {
    if (m.opcode == tty_op::kEnd || m.opcode >= tty_op::kFirstUndefined)
      return fail(Errc::kInvalidArgument, "terminal mode opcode " + std::to_string(m.opcode));
    w.u8(m.opcode);
    w.u32(m.value);
  }
  w.u8(tty_op::kEnd);
  return std::move(w).finish();
}

Result<std::vector<TerminalMode>> decode_terminal_modes(ByteView encoded) {
  wire::Reader r(encoded);
  std::vector<TerminalMode> modes;
  while (!r.empty()) {
    SSH_TRY(opcode, r.u8());
    if (opcode == tty_op::kEnd || opcode >= tty_op::kFirstUndefined) break;
    SSH_TRY(value, r.u32());
    if (find_mode(opcode) != nullptr) modes.push_back({opcode, value});
  }
  return modes;
}

}  // namespace sshcore::connection

#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace ssh {
namespace {

namespace op = sshcore::connection::tty_op;

struct CharMode {
  std::uint8_t opcode;
  int index;  // into c_cc
};
// ttymodes.h order; only the characters Linux has.
constexpr CharMode kChars[] = {
    {op::kVintr, VINTR},       {op::kVquit, VQUIT},   {op::kVerase, VERASE}, {op::kVkill, VKILL},
    {op::kVeof, VEOF},         {op::kVeol, VEOL},     {op::kVeol2, VEOL2},   {op::kVstart, VSTART},
    {op::kVstop, VSTOP},       {op::kVsusp, VSUSP},   {op::kVreprint, VREPRINT},
    {op::kVwerase, VWERASE},   {op::kVlnext, VLNEXT}, {op::kVdiscard, VDISCARD},
};

enum class Field : std::uint8_t { kInput, kLocal, kOutput, kControl };
struct FlagMode {
  std::uint8_t opcode;
  Field field;
  tcflag_t bit;
};
constexpr FlagMode kFlags[] = {
    {op::kIgnpar, Field::kInput, IGNPAR},   {op::kParmrk, Field::kInput, PARMRK},
    {op::kInpck, Field::kInput, INPCK},     {op::kIstrip, Field::kInput, ISTRIP},
    {op::kInlcr, Field::kInput, INLCR},     {op::kIgncr, Field::kInput, IGNCR},
    {op::kIcrnl, Field::kInput, ICRNL},     {op::kIuclc, Field::kInput, IUCLC},
    {op::kIxon, Field::kInput, IXON},       {op::kIxany, Field::kInput, IXANY},
    {op::kIxoff, Field::kInput, IXOFF},     {op::kImaxbel, Field::kInput, IMAXBEL},
    {op::kIutf8, Field::kInput, IUTF8},     {op::kIsig, Field::kLocal, ISIG},
    {op::kIcanon, Field::kLocal, ICANON},   {op::kXcase, Field::kLocal, XCASE},
    {op::kEcho, Field::kLocal, ECHO},       {op::kEchoe, Field::kLocal, ECHOE},
    {op::kEchok, Field::kLocal, ECHOK},     {op::kEchonl, Field::kLocal, ECHONL},
    {op::kNoflsh, Field::kLocal, NOFLSH},   {op::kTostop, Field::kLocal, TOSTOP},
    {op::kIexten, Field::kLocal, IEXTEN},   {op::kEchoctl, Field::kLocal, ECHOCTL},
    {op::kEchoke, Field::kLocal, ECHOKE},   {op::kPendin, Field::kLocal, PENDIN},
    {op::kOpost, Field::kOutput, OPOST},    {71, Field::kOutput, OLCUC},
    {72, Field::kOutput, ONLCR},            {73, Field::kOutput, OCRNL},
    {74, Field::kOutput, ONOCR},            {75, Field::kOutput, ONLRET},
    {90, Field::kControl, CS7},             {91, Field::kControl, CS8},
    {92, Field::kControl, PARENB},          {93, Field::kControl, PARODD},
};

tcflag_t field_of(const termios& t, Field f) {
  switch (f) {
    case Field::kInput: return t.c_iflag;
    case Field::kLocal: return t.c_lflag;
    case Field::kOutput: return t.c_oflag;
    case Field::kControl: return t.c_cflag;
  }
  return 0;
}

struct Baud {
  speed_t code;
  std::uint32_t value;
};
constexpr Baud kBauds[] = {{B0, 0},         {B50, 50},         {B75, 75},         {B110, 110},
                           {B134, 134},     {B150, 150},       {B200, 200},       {B300, 300},
                           {B600, 600},     {B1200, 1200},     {B1800, 1800},     {B2400, 2400},
                           {B4800, 4800},   {B9600, 9600},     {B19200, 19200},   {B38400, 38400},
                           {B57600, 57600}, {B115200, 115200}, {B230400, 230400}};

std::uint32_t baud_of(speed_t code) {
  for (const Baud& b : kBauds)
    if (b.code == code) return b.value;
  return 9600;
}

}  // namespace

WindowSize window_size(int fd) {
  WindowSize w;
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0) {
    w.cols = ws.ws_col;
    w.rows = ws.ws_row;
    w.width_px = ws.ws_xpixel;
    w.height_px = ws.ws_ypixel;
  }
  return w;
}

std::optional<std::vector<sshcore::connection::TerminalMode>> terminal_modes(int fd) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return std::nullopt;
  std::vector<sshcore::connection::TerminalMode> modes;
  modes.push_back({op::kIspeed, baud_of(::cfgetispeed(&t))});
  modes.push_back({op::kOspeed, baud_of(::cfgetospeed(&t))});
  for (const CharMode& c : kChars) {
    const cc_t v = t.c_cc[c.index];
    modes.push_back({c.opcode, v == _POSIX_VDISABLE ? 255u : static_cast<std::uint32_t>(v)});
  }
  for (const FlagMode& f : kFlags) {
    const tcflag_t word = field_of(t, f.field);
    // CS7/CS8 are a multi-bit field: compare the whole character size.
    const bool on = (f.bit == CS7 || f.bit == CS8) ? (word & CSIZE) == f.bit : (word & f.bit) != 0;
    modes.push_back({f.opcode, on ? 1u : 0u});
  }
  return modes;
}

bool RawMode::enter(int fd) {
  if (active_) return true;
  if (::tcgetattr(fd, &saved_) != 0) return false;
  termios t = saved_;
  t.c_iflag |= IGNPAR;
  t.c_iflag &= ~(ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXANY | IXOFF | IUCLC);
  t.c_lflag &= ~(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHONL | IEXTEN);
  t.c_oflag &= ~OPOST;
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (::tcsetattr(fd, TCSADRAIN, &t) != 0) return false;
  fd_ = fd;
  active_ = true;
  return true;
}

void RawMode::leave() {
  if (!active_) return;
  int saved_errno = errno;
  ::tcsetattr(fd_, TCSADRAIN, &saved_);
  errno = saved_errno;
  active_ = false;
}

}  // namespace ssh

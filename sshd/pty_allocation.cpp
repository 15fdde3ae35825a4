#include "pty_allocation.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sshcore/base/log.hpp"

namespace sshd {

namespace log = sshcore::log;
namespace op = sshcore::connection::tty_op;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

namespace {

std::string errno_text() { return std::strerror(errno); }

// One row per mode this system knows: either a control character (c_cc index) or a
// flag bit in one of the four termios flag words. Opcodes Linux lacks (VDSUSP,
// VSTATUS, VSWTCH, VFLUSH) are absent, as OpenSSH's #ifdefs leave them out.
enum class ModeKind : std::uint8_t { kChar, kIflag, kLflag, kOflag, kCflag };
struct TermiosMode {
  std::uint8_t opcode;
  ModeKind kind;
  tcflag_t bit_or_index;
};
constexpr TermiosMode kTermiosModes[] = {
    {op::kVintr, ModeKind::kChar, VINTR},       {op::kVquit, ModeKind::kChar, VQUIT},
    {op::kVerase, ModeKind::kChar, VERASE},     {op::kVkill, ModeKind::kChar, VKILL},
    {op::kVeof, ModeKind::kChar, VEOF},         {op::kVeol, ModeKind::kChar, VEOL},
    {op::kVeol2, ModeKind::kChar, VEOL2},       {op::kVstart, ModeKind::kChar, VSTART},
    {op::kVstop, ModeKind::kChar, VSTOP},       {op::kVsusp, ModeKind::kChar, VSUSP},
    {op::kVreprint, ModeKind::kChar, VREPRINT}, {op::kVwerase, ModeKind::kChar, VWERASE},
    {op::kVlnext, ModeKind::kChar, VLNEXT},     {op::kVdiscard, ModeKind::kChar, VDISCARD},
    {op::kIgnpar, ModeKind::kIflag, IGNPAR},    {op::kParmrk, ModeKind::kIflag, PARMRK},
    {op::kInpck, ModeKind::kIflag, INPCK},      {op::kIstrip, ModeKind::kIflag, ISTRIP},
    {op::kInlcr, ModeKind::kIflag, INLCR},      {op::kIgncr, ModeKind::kIflag, IGNCR},
    {op::kIcrnl, ModeKind::kIflag, ICRNL},      {op::kIuclc, ModeKind::kIflag, IUCLC},
    {op::kIxon, ModeKind::kIflag, IXON},        {op::kIxany, ModeKind::kIflag, IXANY},
    {op::kIxoff, ModeKind::kIflag, IXOFF},      {op::kImaxbel, ModeKind::kIflag, IMAXBEL},
    {op::kIutf8, ModeKind::kIflag, IUTF8},      {op::kIsig, ModeKind::kLflag, ISIG},
    {op::kIcanon, ModeKind::kLflag, ICANON},    {op::kXcase, ModeKind::kLflag, XCASE},
    {op::kEcho, ModeKind::kLflag, ECHO},        {op::kEchoe, ModeKind::kLflag, ECHOE},
    {op::kEchok, ModeKind::kLflag, ECHOK},      {op::kEchonl, ModeKind::kLflag, ECHONL},
    {op::kNoflsh, ModeKind::kLflag, NOFLSH},    {op::kTostop, ModeKind::kLflag, TOSTOP},
    {op::kIexten, ModeKind::kLflag, IEXTEN},    {op::kEchoctl, ModeKind::kLflag, ECHOCTL},
    {op::kEchoke, ModeKind::kLflag, ECHOKE},    {op::kPendin, ModeKind::kLflag, PENDIN},
    {op::kOpost, ModeKind::kOflag, OPOST},      {op::kOlcuc, ModeKind::kOflag, OLCUC},
    {op::kOnlcr, ModeKind::kOflag, ONLCR},      {op::kOcrnl, ModeKind::kOflag, OCRNL},
    {op::kOnocr, ModeKind::kOflag, ONOCR},      {op::kOnlret, ModeKind::kOflag, ONLRET},
    {op::kCs7, ModeKind::kCflag, CS7},          {op::kCs8, ModeKind::kCflag, CS8},
    {op::kParenb, ModeKind::kCflag, PARENB},    {op::kParodd, ModeKind::kCflag, PARODD},
};

// ttymodes.c baud_to_speed: the rates the wire carries as plain numbers.
struct BaudRow {
  std::uint32_t baud;
  speed_t speed;
};
constexpr BaudRow kBaudRates[] = {
    {0, B0},           {50, B50},         {75, B75},           {110, B110},       {134, B134},
    {150, B150},       {200, B200},       {300, B300},         {600, B600},       {1200, B1200},
    {1800, B1800},     {2400, B2400},     {4800, B4800},       {9600, B9600},     {19200, B19200},
    {38400, B38400},   {57600, B57600},   {115200, B115200},   {230400, B230400}, {460800, B460800},
    {500000, B500000}, {921600, B921600}, {1000000, B1000000},
};
// Unknown rates fall back to 9600, as baud_to_speed does.
speed_t speed_for_baud(std::uint32_t baud) {
  for (const BaudRow& row : kBaudRates)
    if (row.baud == baud) return row.speed;
  return B9600;
}

tcflag_t* flag_word(termios& tio, ModeKind kind) {
  switch (kind) {
    case ModeKind::kIflag:
      return &tio.c_iflag;
    case ModeKind::kLflag:
      return &tio.c_lflag;
    case ModeKind::kOflag:
      return &tio.c_oflag;
    case ModeKind::kCflag:
      return &tio.c_cflag;
    case ModeKind::kChar:
      break;
  }
  return nullptr;
}

void apply_one(termios& tio, const sshcore::connection::TerminalMode& mode) {
  if (mode.opcode == op::kIspeed) {
    cfsetispeed(&tio, speed_for_baud(mode.value));
    return;
  }
  if (mode.opcode == op::kOspeed) {
    cfsetospeed(&tio, speed_for_baud(mode.value));
    return;
  }
  for (const TermiosMode& row : kTermiosModes) {
    if (row.opcode != mode.opcode) continue;
    if (row.kind == ModeKind::kChar) {
      // special_char_decode: 255 is the wire's "disabled".
      tio.c_cc[row.bit_or_index] =
          mode.value == 255 ? static_cast<cc_t>(_POSIX_VDISABLE) : static_cast<cc_t>(mode.value);
    } else if (mode.value != 0) {
      *flag_word(tio, row.kind) |= row.bit_or_index;
    } else {
      *flag_word(tio, row.kind) &= ~row.bit_or_index;
    }
    return;
  }
}

}  // namespace

Result<Pty> allocate_pty() {
  int master = -1, slave = -1;
  char name[64] = {};
  if (openpty(&master, &slave, name, nullptr, nullptr) == -1)
    return fail(Errc::kSystem, "openpty: " + errno_text());
  Pty pty{sshcore::io::Fd(master), sshcore::io::Fd(slave), name};
  SSH_TRY_VOID(sshcore::io::set_cloexec(pty.master.get()));
  SSH_TRY_VOID(sshcore::io::set_cloexec(pty.slave.get()));
  SSH_TRY_VOID(sshcore::io::set_nonblocking(pty.master.get()));
  return pty;
}

Result<void> set_pty_owner(const std::string& slave_path, uid_t uid, gid_t user_gid) {
  const group* tty_group = getgrnam("tty");
  if (tty_group == nullptr) log::debug1("pty_setowner: no tty group");
  const gid_t gid = tty_group != nullptr ? tty_group->gr_gid : user_gid;
  const mode_t mode = tty_group != nullptr ? 0620 : 0600;

  struct stat st {};
  if (stat(slave_path.c_str(), &st) == -1)
    return fail(Errc::kSystem, "stat(" + slave_path + ") failed: " + errno_text());
  // A read-only /dev is tolerated when the tty already belongs to the user or root,
  // as OpenSSH does.
  if (st.st_uid != uid || st.st_gid != gid) {
    if (chown(slave_path.c_str(), uid, gid) == -1) {
      if (errno == EROFS && (st.st_uid == uid || st.st_uid == 0))
        log::debug1("chown({}, {}, {}) failed: {}", slave_path, uid, gid, errno_text());
      else
        return fail(Errc::kSystem, fmt::format("chown({}, {}, {}) failed: {}", slave_path, uid, gid,
                                               errno_text()));
    }
  }
  if ((st.st_mode & (S_IRWXU | S_IRWXG | S_IRWXO)) != mode) {
    if (chmod(slave_path.c_str(), mode) == -1) {
      if (errno == EROFS && (st.st_mode & (S_IRGRP | S_IROTH)) == 0)
        log::debug1("chmod({}, 0{:o}) failed: {}", slave_path, mode, errno_text());
      else
        return fail(Errc::kSystem,
                    fmt::format("chmod({}, 0{:o}) failed: {}", slave_path, mode, errno_text()));
    }
  }
  return {};
}

void release_pty(const std::string& slave_path) {
  if (chown(slave_path.c_str(), 0, 0) == -1 && errno != ENOENT)
    log::error("chown {} 0 0 failed: {}", slave_path, errno_text());
  if (chmod(slave_path.c_str(), 0666) == -1 && errno != ENOENT)
    log::error("chmod {} 0666 failed: {}", slave_path, errno_text());
}

Result<void> apply_terminal_modes(int tty_fd,
                                  std::span<const sshcore::connection::TerminalMode> modes) {
  termios tio{};
  if (tcgetattr(tty_fd, &tio) == -1) return fail(Errc::kSystem, "tcgetattr: " + errno_text());
  for (const auto& mode : modes) apply_one(tio, mode);  // wire order: the last one wins
  if (tcsetattr(tty_fd, TCSANOW, &tio) == -1)
    return fail(Errc::kSystem, "tcsetattr: " + errno_text());
  return {};
}

Result<void> set_window_size(int pty_fd, const WindowSize& size) {
  winsize w{};
  w.ws_col = static_cast<unsigned short>(size.columns);
  w.ws_row = static_cast<unsigned short>(size.rows);
  w.ws_xpixel = static_cast<unsigned short>(size.width_pixels);
  w.ws_ypixel = static_cast<unsigned short>(size.height_pixels);
  if (ioctl(pty_fd, TIOCSWINSZ, &w) == -1)
    return fail(Errc::kSystem, "ioctl(TIOCSWINSZ): " + errno_text());
  return {};
}

bool make_controlling_tty(int slave_fd, const std::string& slave_path) {
  // sshpty.c pty_make_controlling_tty: drop the old tty, new session, then claim this one.
  if (int fd = open("/dev/tty", O_RDWR | O_NOCTTY); fd >= 0) {
    (void)ioctl(fd, TIOCNOTTY, nullptr);
    close(fd);
  }
  if (setsid() == -1) log::error("setsid: {}", errno_text());
  if (int fd = open("/dev/tty", O_RDWR | O_NOCTTY); fd >= 0) {
    log::error("Failed to disconnect from controlling tty.");
    close(fd);
  }
  if (ioctl(slave_fd, TIOCSCTTY, nullptr) == -1) log::error("ioctl(TIOCSCTTY): {}", errno_text());
  if (int fd = open(slave_path.c_str(), O_RDWR); fd == -1)
    log::error("{}: {}", slave_path, errno_text());
  else
    close(fd);
  if (int fd = open("/dev/tty", O_WRONLY); fd == -1)
    log::error("open /dev/tty failed - could not set controlling tty: {}", errno_text());
  else
    close(fd);

  for (int target = 0; target <= 2; ++target) {
    if (dup2(slave_fd, target) == -1) {
      log::error("dup2 stdin/out/err: {}", errno_text());
      return false;
    }
  }
  if (slave_fd > 2) close(slave_fd);
  return true;
}

}  // namespace sshd

#include "login_records.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <lastlog.h>
#include <sys/time.h>
#include <unistd.h>
#include <utmpx.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sshcore/io/fd.hpp"

namespace sshd {

using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

namespace {

// Fixed-size, not necessarily NUL-terminated fields, as loginrec.c fills them.
template <std::size_t N>
void copy_field(char (&dst)[N], const std::string& src) {
  std::memset(dst, 0, N);
  std::memcpy(dst, src.data(), std::min(N, src.size()));
}
template <std::size_t N>
std::string read_field(const char (&src)[N]) {
  return std::string(src, strnlen(src, N));
}

void set_address(utmpx& ut, const std::string& address) {
  if (address.empty()) return;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    std::memcpy(&ut.ut_addr_v6[0], &v4, sizeof v4);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    // loginrec.c stores a v4-mapped v6 address as the plain v4 one.
    if (IN6_IS_ADDR_V4MAPPED(&v6))
      std::memcpy(&ut.ut_addr_v6[0], &v6.s6_addr[12], 4);
    else
      std::memcpy(ut.ut_addr_v6, &v6, sizeof v6);
  }
}

utmpx make_entry(short type, pid_t pid, const std::string& tty, const std::string& user) {
  utmpx ut{};
  copy_field(ut.ut_id, tty_id_name(tty));
  ut.ut_type = type;
  copy_field(ut.ut_line, tty_line_name(tty));
  timeval now{};
  gettimeofday(&now, nullptr);
  ut.ut_tv.tv_sec = static_cast<decltype(ut.ut_tv.tv_sec)>(now.tv_sec);
  ut.ut_tv.tv_usec = static_cast<decltype(ut.ut_tv.tv_usec)>(now.tv_usec);
  ut.ut_pid = pid;
  copy_field(ut.ut_user, user);
  return ut;
}

Result<void> write_utmp(const utmpx& ut, const LoginRecordFiles& files) {
  if (utmpxname(files.utmp.c_str()) == -1)
    return fail(Errc::kSystem, "utmpxname " + files.utmp + ": " + std::strerror(errno));
  setutxent();
  const bool ok = pututxline(&ut) != nullptr;
  const int saved = errno;
  endutxent();
  utmpxname(_PATH_UTMPX);  // glibc keeps the name process-wide: leave the default behind
  if (!ok) return fail(Errc::kSystem, "pututxline " + files.utmp + ": " + std::strerror(saved));
  updwtmpx(files.wtmp.c_str(), &ut);  // void: glibc gives no error to report
  return {};
}

Result<void> write_lastlog(const LoginRecord& record, std::time_t when,
                           const LoginRecordFiles& files) {
  struct lastlog entry {};
  entry.ll_time = static_cast<decltype(entry.ll_time)>(when);
  copy_field(entry.ll_line, tty_line_name(record.tty));
  copy_field(entry.ll_host, record.host);
  sshcore::io::Fd fd(open(files.lastlog.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail(Errc::kSystem, "lastlog " + files.lastlog + ": " + std::strerror(errno));
  const off_t at = static_cast<off_t>(record.uid) * static_cast<off_t>(sizeof entry);
  if (pwrite(fd.get(), &entry, sizeof entry, at) != static_cast<ssize_t>(sizeof entry))
    return fail(Errc::kSystem, "lastlog write " + files.lastlog + ": " + std::strerror(errno));
  return {};
}

}  // namespace

std::string tty_line_name(const std::string& tty) {
  constexpr std::string_view kDev = "/dev/";
  return tty.starts_with(kDev) ? tty.substr(kDev.size()) : tty;
}

std::string tty_id_name(const std::string& tty) {
  const std::string line = tty_line_name(tty);
  constexpr std::size_t kIdSize = sizeof(utmpx{}.ut_id);
  return line.size() > kIdSize ? line.substr(line.size() - kIdSize) : line;
}

std::optional<LastLogin> read_last_login(uid_t uid, const LoginRecordFiles& files) {
  sshcore::io::Fd fd(open(files.lastlog.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  struct lastlog entry {};
  const off_t at = static_cast<off_t>(uid) * static_cast<off_t>(sizeof entry);
  if (pread(fd.get(), &entry, sizeof entry, at) != static_cast<ssize_t>(sizeof entry))
    return std::nullopt;
  if (entry.ll_time == 0) return std::nullopt;
  return LastLogin{static_cast<std::time_t>(entry.ll_time), read_field(entry.ll_line),
                   read_field(entry.ll_host)};
}

std::string last_login_message(uid_t uid, const LoginRecordFiles& files) {
  const auto last = read_last_login(uid, files);
  if (!last) return {};
  char when[64] = {};
  std::time_t t = last->time;
  tm local{};
  localtime_r(&t, &local);
  std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &local);  // ctime's layout
  if (last->host.empty()) return fmt::format("Last login: {}\r\n", when);
  return fmt::format("Last login: {} from {}\r\n", when, last->host);
}

Result<void> record_login(const LoginRecord& record, const LoginRecordFiles& files) {
  utmpx ut = make_entry(USER_PROCESS, record.pid, record.tty, record.user);
  copy_field(ut.ut_host, record.host);
  set_address(ut, record.remote_address);
  SSH_TRY_VOID(write_utmp(ut, files));
  return write_lastlog(record, static_cast<std::time_t>(ut.ut_tv.tv_sec), files);
}

Result<void> record_logout(pid_t pid, const std::string& tty, const std::string& user,
                           const LoginRecordFiles& files) {
  return write_utmp(make_entry(DEAD_PROCESS, pid, tty, user), files);
}

}  // namespace sshd

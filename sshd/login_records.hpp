// Login accounting for pty sessions (OpenSSH's sshlogin.c and loginrec.c): a
// USER_PROCESS utmpx entry in utmp and wtmp at login, DEAD_PROCESS at logout, the
// lastlog slot of the user, and the "Last login: ..." line shown before the shell.
// The monitor (root) does this; the files belong to root:utmp.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

#include "sshcore/base/result.hpp"

namespace sshd {

struct LoginRecordFiles {
  std::string utmp = "/var/run/utmp";
  std::string wtmp = "/var/log/wtmp";
  std::string lastlog = "/var/log/lastlog";
};

struct LoginRecord {
  pid_t pid = 0;  // the session's child
  std::string user;
  uid_t uid = 0;
  std::string tty;             // "/dev/pts/3"
  std::string host;            // remote name or address (UseDNS decides), ut_host
  std::string remote_address;  // numeric, for ut_addr_v6 ("" = none)
};

struct LastLogin {
  std::time_t time = 0;
  std::string line;  // "pts/3"
  std::string host;
};

// The user's lastlog slot; nullopt when never logged in (time 0) or no file.
std::optional<LastLogin> read_last_login(uid_t uid, const LoginRecordFiles& files = {});

// store_lastlog_message: "Last login: Sat Nov 21 10:00:00 2026 from HOST\r\n" (without
// " from HOST" when the host is empty), or "" when there is none. Read it before
// record_login overwrites the slot.
std::string last_login_message(uid_t uid, const LoginRecordFiles& files = {});

// Writes the login to utmp (pututxline), wtmp (updwtmpx) and lastlog.
sshcore::Result<void> record_login(const LoginRecord& record, const LoginRecordFiles& files = {});

// Marks the tty's utmp entry DEAD_PROCESS and appends the logout to wtmp.
sshcore::Result<void> record_logout(pid_t pid, const std::string& tty, const std::string& user,
                                    const LoginRecordFiles& files = {});

// loginrec.c's line_stripname ("/dev/pts/3" -> "pts/3") and line_abbrevname (the
// last four characters: "ts/3"), which become ut_line and ut_id.
std::string tty_line_name(const std::string& tty);
std::string tty_id_name(const std::string& tty);

}  // namespace sshd

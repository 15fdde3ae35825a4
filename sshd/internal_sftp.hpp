// internal-sftp: sshd serving SFTP in the session child itself, with no program to
// exec (OpenSSH session.c's SUBSYSTEM_INT_SFTP), so an SFTP-only account can live in
// an empty ChrootDirectory with no /bin, /dev or /lib.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace sshd {

// What the session child does with a command (session.c do_exec's choice).
enum class InternalSftpMode {
  kNone,    // exec the command (or the shell) as usual
  kServe,   // a subsystem request whose command is internal-sftp: serve SFTP in-process
  kRefuse,  // ForceCommand internal-sftp on a shell or exec request: "sftp connections only"
};

// IS_INTERNAL_SFTP: the command's first word is exactly "internal-sftp".
bool is_internal_sftp(std::string_view command);

// Who the in-process server serves, as the session child knows it after becoming the user.
struct InternalSftpUser {
  std::string name;
  uid_t uid = 0;
  std::string home;
  std::string remote_address;  // "UNKNOWN" when not known
  int remote_port = 0;
};

// The session child's end for kServe: argv split on spaces (argv[0] "internal-sftp"),
// process title "sshd: USER@internal-sftp", the log sink sshd opened before any chroot
// (stderr as the driver left it, or the syslog socket) kept open, the user's SFTP
// served on descriptors 0 and 1. Never returns.
[[noreturn]] void serve_internal_sftp(const std::string& command, const InternalSftpUser& user);

// kRefuse: OpenSSH's words on stdout and in the log, exit status 1.
[[noreturn]] void refuse_non_sftp_session(const InternalSftpUser& user);

// closefrom(3) that spares the descriptor of sshd's syslog connection (the chroot
// usually has no /dev/log to reconnect to), so internal-sftp's lines reach the log.
void close_descriptors_keeping_syslog();

}  // namespace sshd

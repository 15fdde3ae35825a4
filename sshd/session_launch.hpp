// Starting a session's program (OpenSSH session.c do_exec_pty / do_exec_no_pty /
// do_child): fork, give the child the pty or three pipes, print the login banner of
// an interactive pty login, refuse non-root logins while /etc/nologin exists, become
// the user (initgroups, setgid, ChrootDirectory, setuid), build the environment,
// chdir home, run ~/.ssh/rc or /etc/ssh/sshrc, and exec the user's shell.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "internal_sftp.hpp"
#include "session_environment.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {

struct UserIdentity {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string shell;  // "" means /bin/sh
};

// The session's pty as allocated at pty-req (pty_allocation.hpp). Not owned: the
// caller closes its slave descriptor after launch_session, as OpenSSH's parent does.
struct SessionPtyRef {
  int master_fd = -1;
  int slave_fd = -1;
  std::string slave_path;  // "/dev/pts/3"
};

// What runs, after ForceCommand (config) or command= (key) replaced the client's.
struct SessionCommand {
  std::optional<std::string> command;           // nullopt: the login shell
  std::optional<std::string> original_command;  // SSH_ORIGINAL_COMMAND when forced
  bool forced = false;
  bool forced_by_config = false;  // ForceCommand: also disables ~/.ssh/rc
  bool is_subsystem = false;
  // internal-sftp as the subsystem's or the forced command: served in the child.
  InternalSftpMode internal_sftp = InternalSftpMode::kNone;
};
// session.c do_exec's choice (and session_subsystem_req's internal-sftp test). `requested` is the exec command, the subsystem's
// configured command line (is_subsystem), or nullopt for "shell".
SessionCommand resolve_session_command(const std::optional<std::string>& requested,
                                       bool is_subsystem,
                                       const std::optional<std::string>& force_command,
                                       const std::optional<std::string>& key_force_command);
// The "Starting session: ..." phrase: "shell on pts/3", "command", "subsystem 'sftp'",
// "forced-command (config) 'cmd'", "forced-command (key-option) 'cmd'".
std::string session_type_text(const SessionCommand& command, const std::string& subsystem_name,
                              const std::string& tty);

struct SessionSpec {
  UserIdentity user;
  std::optional<SessionPtyRef> pty;
  SessionCommand command;
  // Everything of the environment but user, home, shell, uid, tty and
  // original_command, which launch_session fills in from the fields above.
  SessionEnvironmentInput environment;
  std::string chroot_directory;  // already %-expanded; "" or "none": no chroot
  // The caller's process entered ChrootDirectory already (sshd's user child): a home
  // missing inside the jail is then normal, and not worth a message.
  bool inside_chroot = false;
  bool permit_user_rc = true;    // PermitUserRC and no no-user-rc key option
  bool print_motd = true;        // PrintMotd
  bool use_pam = false;          // PAM does the nologin check itself
  // Printed before the motd on an interactive pty login: the "Last login: ..." line
  // the monitor read before record_login (empty when PrintLastLog is off).
  std::string login_message;
  std::string motd_path = "/etc/motd";
  std::string nologin_path = "/etc/nologin";
  std::string system_rc_path = "/etc/ssh/sshrc";
};

struct RunningSession {
  pid_t pid = -1;  // also the process group to signal
  // Without a pty: the child's stdin, stdout and stderr (non-blocking, close-on-exec).
  sshcore::io::Fd stdin_writer, stdout_reader, stderr_reader;
  // With a pty: a duplicate of the master for the session's data (the caller keeps
  // its own master for window-change).
  sshcore::io::Fd pty_master;
};

sshcore::Result<RunningSession> launch_session(const SessionSpec& spec);

// ChrootDirectory as configured -> the path to use: a leading "~" or "~/" becomes the
// user's home and "~name" that user's (tilde_expand_filename), then %h %u %U and %%.
// "none" stays "none". Errors read like OpenSSH's ("unknown key %x").
sshcore::Result<std::string> expand_chroot_directory(std::string_view configured,
                                                     const UserIdentity& user);

// OpenSSH's safely_chroot checks, without chrooting: every component of `path` must
// be a root-owned directory not writable by group or others. The error text is
// OpenSSH's fatal message ("bad ownership or modes for chroot directory ...").
sshcore::Result<void> check_chroot_path(const std::string& path);

}  // namespace sshd

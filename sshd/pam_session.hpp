// The PAM account and session stacks of one login (OpenSSH 9.2 auth-pam.c
// do_pam_account, do_pam_setcred, do_pam_session, do_pam_set_tty,
// fetch_pam_environment, sshpam_cleanup). With UsePAM yes sshd runs, in the
// monitor (root) once the user has authenticated, whatever the method:
//
//   start(service, user, rhost)  pam_start; PAM_RHOST; PAM_TTY "ssh" until a pty exists
//   account()                    pam_acct_mgmt (publickey/hostbased logins need it here;
//                                password and keyboard-interactive ran it already)
//   establish_credentials()      pam_setcred(PAM_ESTABLISH_CRED)
//   open_session()               pam_open_session: pam_loginuid, pam_limits, pam_env,
//                                pam_motd (MOTD_SHOWN=pam and the motd text), ...
//   environment()                pam_getenvlist, merged into each session's environment
//   close()                      pam_close_session, pam_setcred(PAM_DELETE_CRED), pam_end
//
// Text the modules show the user (pam_motd's motd, pam_mail's "You have mail") is
// gathered, as sshpam_store_conv gathers it into loginmsg, for the login message;
// a module that asks a question fails, as nobody is there to answer.
//
// Close in the process that opened: a child forked after open_session() calls
// abandon() (or execs) so that its copy never runs the close stack.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pam_handle.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/base/result.hpp"

namespace sshd {

class PamSession {
 public:
  PamSession();
  ~PamSession();
  PamSession(PamSession&&) noexcept;
  PamSession& operator=(PamSession&&) noexcept;
  PamSession(const PamSession&) = delete;
  PamSession& operator=(const PamSession&) = delete;

  // Error details read as OpenSSH's log lines after "PAM: ", e.g.
  // "pam_open_session(): Permission denied".
  sshcore::Result<void> start(const std::string& service, const std::string& user, const std::string& rhost);
  // kAccepted, or kChangeRequired for an expired password (PAM_NEW_AUTHTOK_REQD);
  // an error when the account stack refuses the login.
  sshcore::Result<sshcore::auth::PasswordOutcome> account();
  // The pty's path ("/dev/pts/3") as PAM_TTY, for modules run after it (do_pam_set_tty).
  sshcore::Result<void> set_tty(const std::string& tty);
  sshcore::Result<void> establish_credentials();
  sshcore::Result<void> open_session();
  // "NAME=value" entries the modules set (pam_env, pam_motd, ...); empty before start.
  std::vector<std::string> environment() const;
  // The text gathered from the modules' messages since the last call, one line each.
  std::string take_messages();
  // Closes the session and deletes the credentials when they were set, then ends
  // the transaction. Idempotent.
  void close();
  // For a forked child: forget the handle without running any PAM stack.
  void abandon();

  bool started() const { return static_cast<bool>(handle_); }
  bool session_open() const { return session_open_; }
  bool credentials_established() const { return credentials_established_; }

  struct Conversation;  // opaque: what the conversation function gathers

 private:
  std::unique_ptr<Conversation> conversation_;  // stable address for PAM's appdata_ptr
  PamHandle handle_;
  bool session_open_ = false;
  bool credentials_established_ = false;
};

}  // namespace sshd

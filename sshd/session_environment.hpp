// The environment of a session's child, built as OpenSSH's do_setup_env builds it:
// client "env" requests that passed AcceptEnv first, then USER LOGNAME HOME PATH
// MAIL SHELL TZ TERM DISPLAY SSH_AUTH_SOCK, authorized_keys environment= and
// ~/.ssh/environment (PermitUserEnvironment), PAM's variables, SetEnv, and last the
// connection's own SSH_CLIENT SSH_CONNECTION SSH_TTY SSH_ORIGINAL_COMMAND. Setting a
// name that exists replaces it in place, so the order is that of first appearance.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sshcore/base/result.hpp"

namespace sshd {

// Debian builds OpenSSH with these (debian/rules --with-default-path and
// --with-superuser-path); `env` through Debian's sshd shows them.
inline constexpr std::string_view kUserPath = "/usr/local/bin:/usr/bin:/bin:/usr/games";
inline constexpr std::string_view kSuperUserPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
inline constexpr std::string_view kMailDir = "/var/mail";

// An ordered NAME=value list with child_set_env's replace-in-place rule.
class Environment {
 public:
  void set(std::string_view name, std::string_view value);
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::string>& entries() const { return entries_; }  // "NAME=value"
  // NUL-terminated pointers into entries() for execve; valid while this is unchanged.
  std::vector<char*> envp();

 private:
  std::vector<std::string> entries_;
};

// Variables the client sent with "env" requests, kept only when the name matches an
// AcceptEnv pattern (session_env_req). At most 129 are kept, as in OpenSSH.
class ClientEnvironment {
 public:
  // The reply to the "env" request: true when accepted. `accept_env` holds the
  // AcceptEnv patterns, each matched on its own (not as a comma list).
  bool accept(std::string_view name, std::string_view value,
              const std::vector<std::string>& accept_env);
  const std::vector<std::pair<std::string, std::string>>& variables() const { return vars_; }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

struct SessionEnvironmentInput {
  std::string user, home, shell;  // shell: the passwd shell, "" means /bin/sh
  uid_t uid = 0;
  std::vector<std::pair<std::string, std::string>> client_variables;  // ClientEnvironment
  std::string term;                                                   // pty-req's TERM ("" = none)
  std::string tty;          // "/dev/pts/3" for SSH_TTY ("" = no pty)
  std::string display;      // X11 (not supported yet: stays empty)
  std::string auth_socket;  // SSH_AUTH_SOCK for agent forwarding
  std::string remote_address, local_address;
  int remote_port = 0, local_port = 0;
  std::optional<std::string> original_command;  // when ForceCommand or command= replaced it
  std::optional<std::string> tz;                // sshd's own TZ, passed through
  bool use_pam = false;                         // PAM sets MAIL (pam_mail), so sshd does not
  // PermitUserEnvironment: off, or on with an optional allow-list of name patterns.
  bool permit_user_environment = false;
  std::optional<std::string> permit_user_environment_allowlist;
  std::vector<std::string> key_environment;  // authorized_keys environment="NAME=value"
  std::string user_environment_file;         // "" = HOME/.ssh/environment
  std::vector<std::string> pam_environment;  // NAME=value from the PAM handle
  std::vector<std::string> set_env;          // SetEnv NAME=value
  std::string user_auth_file;                // ExposeAuthInfo: SSH_USER_AUTH
};

// Builds the environment. It reads ~/.ssh/environment, so call it where OpenSSH does:
// in the child after switching to the user. Bad lines are reported on stderr as
// OpenSSH does ("Bad line N in FILE"); more than 1000 lines fail.
sshcore::Result<Environment> build_session_environment(const SessionEnvironmentInput& in);

// read_environment_file alone (empty lines, '#' comments and NAME=value; leading
// blanks skipped; names outside the allow-list ignored). A missing file is no error.
sshcore::Result<void> read_environment_file(Environment& env, const std::string& path,
                                            const std::optional<std::string>& allowlist);

}  // namespace sshd

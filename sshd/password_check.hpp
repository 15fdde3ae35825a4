// Password authentication in the monitor (OpenSSH 9.2 auth-passwd.c auth_password):
// through PAM with UsePAM yes (service name chosen by the daemon, "sshd" by default),
// else getspnam + crypt(3). Invalid users, refused root logins and empty passwords
// without PermitEmptyPasswords still go through the same work and then fail, so the
// time taken does not tell them apart.
#pragma once

#include <string>

#include "auth_context.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/config/sshd_config.hpp"

namespace sshd {

struct PasswordCheck {
  const UserRecord* user = nullptr;  // nullptr: invalid user
  std::string user_name;             // as the client sent it
  const sshcore::config::SshdOptions& options;
  const ConnectionAddresses& connection;
  const AuthOs& os;
  std::string pam_service = "sshd";
};

sshcore::auth::PasswordOutcome check_password(const PasswordCheck& check, const sshcore::SecretBytes& password);

// crypt(3) of `password` with `hash` as the setting, compared in constant time.
// An empty hash matches only an empty password (sys_auth_passwd).
bool crypt_matches(const sshcore::SecretBytes& password, const std::string& hash);

}  // namespace sshd

// Who may try to log in at all, as OpenSSH 9.2's auth.c decides it (getpwnamallow,
// allowed_user, auth_root_allowed), and the per-user settings the userauth engine needs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth_context.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/config/sshd_config.hpp"

namespace sshd {

// platform_locked_account(): a password field that marks the account locked.
bool password_field_locked(std::string_view hash);

// allowed_user(): locked account (UsePAM no only), missing or non-executable shell
// (unless ChrootDirectory), DenyUsers, AllowUsers, DenyGroups, AllowGroups, each refusal
// logged with OpenSSH's line ("User u from h not allowed because listed in DenyUsers").
bool user_allowed(const UserRecord& user, const sshcore::config::SshdOptions& options,
                  const ConnectionAddresses& connection, const AuthOs& os);

// match_user(): "user", "user@host-or-ip-pattern" or "user@cidr"; 1, 0, or -1 when the
// host part is malformed.
int match_user_pattern(std::string_view user, std::string_view host, std::string_view ip, std::string_view pattern);

// auth_root_allowed() for an authenticated root login: logs "Root login accepted for
// forced command." or "ROOT LOGIN REFUSED FROM ADDR port N".
bool root_login_allowed(const sshcore::config::SshdOptions& options, std::string_view method, bool forced_command,
                        const ConnectionAddresses& connection);

// The engine's view of the effective options (Banner read from its file).
sshcore::auth::UserAuthSettings user_auth_settings(const sshcore::config::SshdOptions& options, bool valid);

}  // namespace sshd

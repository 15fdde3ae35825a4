#include "user_access.hpp"

#include <sys/stat.h>

#include <array>

#include "sshcore/base/address_match.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/io/file_io.hpp"

namespace sshd {
namespace {

namespace log = sshcore::log;
using sshcore::config::SshdOptions;

// Debian builds OpenSSH with LOCKED_PASSWD_PREFIX "!"; Solaris-style "*LK*" is refused too.
struct LockMark {
  std::string_view text;
  bool whole;  // the field equals it (else: starts with it)
};
constexpr std::array kLockMarks{LockMark{"!", false}, LockMark{"*LK*", true}, LockMark{"*LOCKED*", false}};

constexpr std::string_view kDefaultShell = "/bin/sh";  // _PATH_BSHELL, for an empty pw_shell

bool groups_match(const std::vector<std::string>& groups, const std::vector<std::string>& patterns) {
  for (const std::string& g : groups)
    for (const std::string& p : patterns)
      if (sshcore::match_pattern(g, p)) return true;
  return false;
}

// The locked check reads the shadow hash when there is one (as getspnam in OpenSSH's
// shadow_pw()), else the passwd field.
std::string password_field(const UserRecord& user, const AuthOs& os) {
  if (os.shadow)
    if (auto sp = os.shadow(user.name)) return sp->hash;
  return user.passwd;
}

bool shell_usable(const UserRecord& user) {
  std::string shell = user.shell.empty() ? std::string(kDefaultShell) : user.shell;
  struct stat st {};
  if (stat(shell.c_str(), &st) == -1) {
    log::info("User {:.100} not allowed because shell {:.100} does not exist", user.name, shell);
    return false;
  }
  if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IXOTH | S_IXUSR | S_IXGRP)) == 0) {
    log::info("User {:.100} not allowed because shell {:.100} is not executable", user.name, shell);
    return false;
  }
  return true;
}

// auth_shadow_acctexpired(): shadow's account expiry date (PAM checks it itself).
bool account_expired(const UserRecord& user, const AuthOs& os) {
  if (!os.shadow || !os.now) return false;
  auto sp = os.shadow(user.name);
  if (!sp || sp->expire < 0) return false;
  if (os.now() / (24 * 60 * 60) < sp->expire) return false;
  log::info("Account {:.100} has expired", user.name);
  return true;
}

}  // namespace

bool password_field_locked(std::string_view hash) {
  for (const LockMark& m : kLockMarks)
    if (m.whole ? hash == m.text : hash.starts_with(m.text)) return true;
  return false;
}

int match_user_pattern(std::string_view user, std::string_view host, std::string_view ip, std::string_view pattern) {
  std::size_t at = pattern.rfind('@');
  if (at == std::string_view::npos) return sshcore::match_pattern(user, pattern) ? 1 : 0;
  if (!sshcore::match_pattern(user, pattern.substr(0, at))) return 0;
  return sshcore::match_host_and_ip(host, ip, pattern.substr(at + 1));
}

bool user_allowed(const UserRecord& user, const SshdOptions& o, const ConnectionAddresses& c, const AuthOs& os) {
  if (!o.flag("UsePAM") && account_expired(user, os)) return false;
  if (!o.flag("UsePAM") && password_field_locked(password_field(user, os))) {
    log::info("User {:.100} not allowed because account is locked", user.name);
    return false;
  }
  std::string_view chroot = o.value("ChrootDirectory");
  if ((chroot.empty() || chroot == "none") && !shell_usable(user)) return false;

  const std::string& host = c.host_or_ip();
  for (const std::string& p : o.values("DenyUsers")) {
    int r = match_user_pattern(user.name, host, c.remote_ip, p);
    if (r < 0) {
      log::error("Invalid DenyUsers pattern \"{:.100}\"", p);  // fatal in OpenSSH: refuse the user
      return false;
    }
    if (r != 0) {
      log::info("User {:.100} from {:.100} not allowed because listed in DenyUsers", user.name, host);
      return false;
    }
  }
  const auto& allow = o.values("AllowUsers");
  if (!allow.empty()) {
    bool listed = false;
    for (const std::string& p : allow) {
      int r = match_user_pattern(user.name, host, c.remote_ip, p);
      if (r < 0) {
        log::error("Invalid AllowUsers pattern \"{:.100}\"", p);
        return false;
      }
      if (r == 1) {
        listed = true;
        break;
      }
    }
    if (!listed) {
      log::info("User {:.100} from {:.100} not allowed because not listed in AllowUsers", user.name, host);
      return false;
    }
  }
  const auto& deny_groups = o.values("DenyGroups");
  const auto& allow_groups = o.values("AllowGroups");
  if (!deny_groups.empty() || !allow_groups.empty()) {
    auto groups = os.group_names ? os.group_names(user) : std::nullopt;
    if (!groups || groups->empty()) {
      log::info("User {:.100} from {:.100} not allowed because not in any group", user.name, host);
      return false;
    }
    if (!deny_groups.empty() && groups_match(*groups, deny_groups)) {
      log::info("User {:.100} from {:.100} not allowed because a group is listed in DenyGroups", user.name, host);
      return false;
    }
    if (!allow_groups.empty() && !groups_match(*groups, allow_groups)) {
      log::info("User {:.100} from {:.100} not allowed because none of user's groups are listed in AllowGroups",
                user.name, host);
      return false;
    }
  }
  return true;
}

bool root_login_allowed(const SshdOptions& o, std::string_view method, bool forced_command,
                        const ConnectionAddresses& c) {
  // -T prints prohibit-password under its old name.
  static constexpr std::string_view kKeyMethods[] = {"publickey", "hostbased", "gssapi-with-mic"};
  std::string_view mode = o.value("PermitRootLogin");
  if (mode == "yes") return true;
  if (mode == "without-password" || mode == "prohibit-password") {
    for (std::string_view m : kKeyMethods)
      if (m == method) return true;
  } else if (mode == "forced-commands-only" && forced_command) {
    log::info("Root login accepted for forced command.");
    return true;
  }
  log::info("ROOT LOGIN REFUSED FROM {:.200} port {}", c.remote_ip, c.remote_port);
  return false;
}

sshcore::auth::UserAuthSettings user_auth_settings(const SshdOptions& o, bool valid) {
  sshcore::auth::UserAuthSettings s;
  s.valid = valid;
  s.permit_none = false;
  s.publickey = o.flag("PubkeyAuthentication");
  s.password = o.flag("PasswordAuthentication");
  s.keyboard_interactive = o.flag("KbdInteractiveAuthentication");
  s.hostbased = o.flag("HostbasedAuthentication");
  for (const std::string& m : o.values("AuthenticationMethods"))
    if (m != "any") s.authentication_methods.push_back(m);
  s.pubkey_accepted_algorithms = std::string(o.value("PubkeyAcceptedAlgorithms"));
  s.hostbased_accepted_algorithms = std::string(o.value("HostbasedAcceptedAlgorithms"));
  if (auto n = o.number("MaxAuthTries")) s.max_auth_tries = static_cast<int>(*n);
  std::string_view banner = o.value("Banner");
  if (!banner.empty() && banner != "none") {
    // OpenSSH sends nothing when the file cannot be read (auth2.c auth2_read_banner).
    if (auto text = sshcore::io::read_file(std::string(banner), 64 * 1024))
      s.banner.assign(reinterpret_cast<const char*>(text->data()), text->size());
  }
  return s;
}

}  // namespace sshd

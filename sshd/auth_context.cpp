#include "auth_context.hpp"

#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <unistd.h>

#include <ctime>

#include <fmt/format.h>

namespace sshd {

std::string ConnectionAddresses::ssh_connection() const {
  return fmt::format("{} {} {} {}", remote_ip, remote_port, local_ip, local_port);
}

namespace {

std::optional<UserRecord> system_find_user(const std::string& name) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return std::nullopt;
  return UserRecord{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir ? pw.pw_dir : "", pw.pw_shell ? pw.pw_shell : "",
                    pw.pw_passwd ? pw.pw_passwd : ""};
}

std::vector<gid_t> system_group_ids(const UserRecord& user) {
  int n = 64;
  std::vector<gid_t> gids(static_cast<std::size_t>(n));
  while (getgrouplist(user.name.c_str(), user.gid, gids.data(), &n) < 0) gids.resize(static_cast<std::size_t>(n));
  gids.resize(static_cast<std::size_t>(n));
  return gids;
}

std::optional<std::vector<std::string>> system_group_names(const UserRecord& user) {
  std::vector<std::string> names;
  for (gid_t gid : system_group_ids(user)) {
    struct group gr {};
    struct group* found = nullptr;
    std::vector<char> buf(16384);
    if (getgrgid_r(gid, &gr, buf.data(), buf.size(), &found) == 0 && found != nullptr) names.emplace_back(gr.gr_name);
  }
  if (names.empty()) return std::nullopt;
  return names;
}

std::optional<ShadowRecord> system_shadow(const std::string& name) {
  struct spwd sp {};
  struct spwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getspnam_r(name.c_str(), &sp, buf.data(), buf.size(), &found) != 0 || found == nullptr) return std::nullopt;
  return ShadowRecord{sp.sp_pwdp ? sp.sp_pwdp : "", sp.sp_lstchg, sp.sp_max, sp.sp_expire};
}

}  // namespace

AuthOs system_auth_os() {
  AuthOs os;
  os.find_user = &system_find_user;
  os.group_names = &system_group_names;
  os.group_ids = &system_group_ids;
  os.shadow = &system_shadow;
  os.now = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  os.daemon_uid = geteuid();
  return os;
}

}  // namespace sshd

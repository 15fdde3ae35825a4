// What sshd's authentication back end knows about one connection and asks of the OS.
// The OS calls are injectable so tests can stand in for getpwnam/getspnam/getgrouplist.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sshd {

struct ConnectionAddresses {
  std::string remote_ip;
  int remote_port = 0;
  std::string local_ip;
  int local_port = 0;
  std::string remote_host;  // canonical name with UseDNS yes; empty: the address is used

  const std::string& host_or_ip() const { return remote_host.empty() ? remote_ip : remote_host; }
  // SSH_CONNECTION's value: "CLIENT_ADDR CLIENT_PORT SERVER_ADDR SERVER_PORT".
  std::string ssh_connection() const;
};

struct UserRecord {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string shell;
  std::string passwd;  // the passwd(5) field, usually "x"
};

struct ShadowRecord {
  std::string hash;          // sp_pwdp
  long last_change = -1;     // sp_lstchg (days since the epoch), -1 unset
  long max_days = -1;        // sp_max
  long expire = -1;          // sp_expire
};

struct AuthOs {
  std::function<std::optional<UserRecord>(const std::string& name)> find_user;
  // The user's group names (primary and supplementary); nullopt when they cannot be read.
  std::function<std::optional<std::vector<std::string>>(const UserRecord& user)> group_names;
  std::function<std::vector<gid_t>(const UserRecord& user)> group_ids;
  std::function<std::optional<ShadowRecord>(const std::string& name)> shadow;
  std::function<std::int64_t()> now;  // time(NULL)
  uid_t daemon_uid = 0;               // geteuid(): the owner PreUserauthHook must have
};

// getpwnam/getgrouplist/getspnam/time.
AuthOs system_auth_os();

}  // namespace sshd

// PreUserauthHook (FEATURES.md HOOK-01..13, seed 002): an administrator's program run by
// the monitor before every authentication method, with the method name and the user
// name as sent. Exit 0 lets the method proceed; anything else refuses it (fail closed).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>

namespace sshd {

struct PreUserauthHookContext {
  std::string path;             // PreUserauthHook's value (absolute)
  std::string ssh_connection;   // "CLIENT_ADDR CLIENT_PORT SERVER_ADDR SERVER_PORT"
  std::string remote_ip;        // for the denial log line
  int remote_port = 0;
  uid_t owner = 0;              // the uid sshd runs as: the file must belong to it
  std::chrono::milliseconds timeout{30000};
};

// Runs the hook once. True: the method may be processed. Logs as HOOK-12 asks:
//   verbose "PreUserauthHook PATH METHOD USER: exit N"        (every run)
//   info    "PreUserauthHook refused METHOD for USER from ADDR port N"   (every denial)
//   error   "PreUserauthHook PATH: bad ownership or modes"   (not run: wrong owner/mode/type)
//   error   "PreUserauthHook PATH METHOD USER: killed by signal 9" / "timed out" / "exec failed: ..."
//   debug1  "PreUserauthHook stdout: LINE" / "PreUserauthHook stderr: LINE"
bool run_preuserauth_hook(const PreUserauthHookContext& context, std::string_view method, std::string_view user);

// The environment the hook gets: PATH and SSH_CONNECTION only.
inline constexpr std::string_view kHookPath = "/usr/bin:/bin";

}  // namespace sshd

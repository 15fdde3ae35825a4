// The user child's event loop (OpenSSH's serverloop.c and session.c after
// authentication): the transport handed over by the pre-auth child, the connection
// engine on top, and for each "session" channel a program started by the session
// launcher, with its output pumped to the channel and the channel's data to its
// input; exit-status / exit-signal when it ends, window-change and signal requests,
// and ClientAliveInterval / ClientAliveCountMax probes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth_context.hpp"
#include "authorized_keys_lookup.hpp"
#include "monitor.hpp"
#include "sshcore/config/sshd_config.hpp"
#include "sshcore/transport/transport_session.hpp"

namespace sshd {

struct UserSessionContext {
  UserRecord user;
  ConnectionAddresses addresses;
  sshcore::config::SshdOptions options;   // effective for this user (Match applied)
  std::optional<AllowedKey> key;          // the authorized_keys line that signed, if any
  std::string login_message;              // "Last login: ..." for interactive pty logins
  std::vector<std::string> pam_environment;  // pam_getenvlist() of the monitor's PAM session
  PtyAllocator allocate_pty;              // through the monitor (it is root)
};

// Runs until the client disconnects or the connection fails; returns the exit status.
int run_user_session(int socket_fd, std::unique_ptr<sshcore::transport::TransportSession> transport,
                     UserSessionContext context);

}  // namespace sshd

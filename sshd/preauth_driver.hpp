// The pre-auth child's event loop: the transport (server role) and the userauth
// engine over the client's socket, until the client authenticates, disconnects or
// LoginGraceTime runs out. Every decision goes through the injected AuthPolicy and
// every host-key signature through the injected Signers (the monitor's proxies
// under privilege separation); this loop only moves bytes and logs.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth_context.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/keys/signer.hpp"
#include "sshcore/transport/transport_session.hpp"

namespace sshd {

struct PreauthSettings {
  ConnectionAddresses addresses;
  std::chrono::seconds login_grace_time{120};  // 0: no limit
  // Told once the client names its user (process title, log preamble).
  std::function<void(const std::string& user, bool valid)> on_user;
  // LoginGraceTime ran out; without it the loop logs OpenSSH's line and ends.
  std::function<void()> on_grace_expired;
};

struct PreauthSuccess {
  std::string user;
  sshcore::auth::KeyAuthorization key_authorization;
  sshcore::SecretBytes transport_state;  // export_transport_state(), output flushed
};

// nullopt: the connection ended before authentication (already logged with
// OpenSSH's lines, the DISCONNECT if any flushed).
std::optional<PreauthSuccess> run_preauth(int socket_fd, sshcore::transport::TransportConfig config,
                                          std::vector<std::shared_ptr<sshcore::keys::Signer>> host_keys,
                                          sshcore::auth::AuthPolicy& policy, const PreauthSettings& settings);

// Writes everything the transport has queued, waiting for the socket as needed.
bool flush_transport(int socket_fd, sshcore::transport::TransportSession& transport);

}  // namespace sshd

// Local forwarding ("direct-tcpip" channels, ssh -L and ProxyJump) as sshd decides and
// opens it: AllowTcpForwarding, DisableForwarding, PermitOpen and the key's
// no-port-forwarding / permitopen= options (channels.c channel_connect_to_port), and a
// non-blocking connect the user child's event loop finishes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sshcore/auth/key_options.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/sshd_config.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {

// True when a direct-tcpip to host:port may be opened. A refusal by PermitOpen or
// permitopen= logs OpenSSH's "Received request from ... but the request was denied.";
// forwarding turned off altogether is only a debug line, as in OpenSSH.
bool direct_tcpip_allowed(const sshcore::config::SshdOptions& options, const sshcore::auth::KeyOptions* key,
                          const std::string& host, int port, const std::string& originator, int originator_port);

// One connect attempt in progress: the candidates left after `socket`.
struct PendingConnect {
  sshcore::io::Fd socket;
  std::vector<std::string> later;  // numeric addresses still to try
  int port = 0;
  int last_error = 0;
};

// Resolves `host` and starts connecting to the first address (EINPROGRESS is fine).
// Fails with kNotFound (resolution) or kSystem (every address refused at once).
sshcore::Result<PendingConnect> start_connect(const std::string& host, int port);
// After the socket became writable: true when connected; false when that address
// failed and the next one is being tried (`attempt` updated); an error when none is
// left (its detail is strerror of the last error).
sshcore::Result<bool> finish_connect(PendingConnect& attempt);

}  // namespace sshd

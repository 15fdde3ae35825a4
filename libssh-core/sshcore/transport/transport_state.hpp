// Privilege separation's handoff of a running transport (DESIGN.md section 6):
// after authentication the pre-auth child serialises its TransportSession, the
// monitor passes the bytes on, and the user child rebuilds the session and goes
// on with the SAME connection, sequence numbers and cipher streams included.
//
// The state holds the session id, the negotiated algorithms, both directions'
// keys with their running IVs (CTR counter, CBC chaining block, GCM invocation
// counter), sequence numbers, rekey counters and limits, strict KEX, ext-info
// results, protected output not yet written and input not yet decoded. It is
// secret (session keys): it lives in SecretBytes and travels only over the
// monitor's socketpair.
//
// A session can be handed off only between key exchanges, with no undelivered
// events and no zlib stream running: zlib@openssh.com starts after
// authentication, so the user child calls enable_delayed_compression() itself.
#pragma once

#include <memory>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/transport/transport_session.hpp"

namespace sshcore::transport {

// kInvalidArgument when the session is not at a point where it can move (key
// exchange running, events not taken, closed or failed, compression active).
Result<SecretBytes> export_transport_state(const TransportSession& session);

// `config.role` must be the exported session's role; the host keys and the
// verifier serve later re-exchanges. Any malformed or inconsistent state is an
// error (kInvalidFormat, kTruncated, ...), never a crash.
Result<std::unique_ptr<TransportSession>> import_transport_state(
    ByteView state, std::vector<std::shared_ptr<keys::Signer>> host_keys, TransportConfig config,
    HostKeyVerifier verify_host_key = {});

// The session id an exported state carries, read without importing it: the
// monitor checks that the child hands over the session whose exchange hash it
// signed.
Result<Bytes> transport_state_session_id(ByteView state);

}  // namespace sshcore::transport

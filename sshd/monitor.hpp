// The monitor's side of privilege separation (DESIGN.md section 6, OpenSSH's
// monitor.c): the root process serves one child's typed requests over the
// monitor channel. Each request is checked against the phase's permission table
// (monitor_messages.hpp) and its own rules, answered by the real AuthPolicy or
// host key, and any request that breaks a rule ends the conversation: the
// caller then kills the child and drops the connection.
//
// The monitor keeps its own account of the authentication: it knows the user it
// looked up, which keys it allowed, and which verify/password/kbdint answers
// were yes (fed through AuthenticationMethods). A child that claims success the
// monitor did not see is refused, so a compromised pre-auth child cannot log in.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "monitor_blob_checks.hpp"
#include "monitor_channel.hpp"
#include "sshcore/auth/auth_methods.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/io/fd.hpp"
#include "sshcore/keys/signer.hpp"

namespace sshd {

// What the monitor hands to the user child after pre-auth.
struct PreauthOutcome {
  sshcore::SecretBytes transport_state;              // export_transport_state() of the child
  std::string user;
  sshcore::auth::KeyAuthorization key_authorization;  // the monitor's own record; allowed == false: no key
  sshcore::Bytes session_id;                          // learnt from the first Sign
};

struct PtyAllocation {
  sshcore::io::Fd master, slave;
  std::string tty_name;
};
using PtyAllocator = std::function<sshcore::Result<PtyAllocation>()>;
// openpty(3): the default allocator.
sshcore::Result<PtyAllocation> open_pty();

class Monitor {
 public:
  Monitor(MonitorChannel& channel, sshcore::auth::AuthPolicy& policy,
          std::vector<std::shared_ptr<sshcore::keys::Signer>> host_keys);

  // Pre-auth: serves requests until the child's TransportState, which it checks
  // against what it saw. Any error is fatal to the connection.
  sshcore::Result<PreauthOutcome> serve_preauth();

  // Post-auth: the user child may re-sign exchange hashes and ask for ptys.
  void enter_postauth(PtyAllocator allocate_pty = &open_pty);
  // One request of the current phase, answered. kTruncated when the child has
  // closed the channel (it exited); any other error is fatal. After an error
  // the monitor's end is closed, so a child waiting for a reply sees the end.
  sshcore::Result<void> serve_one();

  MonitorPhase phase() const { return phase_; }
  const sshcore::Bytes& session_id() const { return session_id_; }

 private:
  using Handler = sshcore::Result<void> (Monitor::*)(sshcore::wire::Reader body);
  struct Route {
    MonitorRequest request;
    Handler handler;
  };
  sshcore::Result<void> serve_request();
  sshcore::Result<void> check_permit(std::uint8_t type);
  sshcore::Result<void> check_user(std::string_view user) const;
  sshcore::Result<void> succeeded(std::string_view method, std::optional<std::string_view> submethod = {});
  sshcore::Result<void> refuse_blob(MonitorRequest request, std::string_view kind, const BlobMismatch& mismatch);
  template <class Reply>
  sshcore::Result<void> reply(MonitorRequest request, const Reply& r, std::span<const int> fds = {}) {
    return channel_.send_message(reply_type(request), r, fds);
  }

  sshcore::Result<void> on_sign(sshcore::wire::Reader body);
  sshcore::Result<void> on_lookup_user(sshcore::wire::Reader body);
  sshcore::Result<void> on_before_method(sshcore::wire::Reader body);
  sshcore::Result<void> on_publickey_allowed(sshcore::wire::Reader body);
  sshcore::Result<void> on_publickey_verify(sshcore::wire::Reader body);
  sshcore::Result<void> on_password(sshcore::wire::Reader body);
  sshcore::Result<void> on_kbdint_start(sshcore::wire::Reader body);
  sshcore::Result<void> on_kbdint_respond(sshcore::wire::Reader body);
  sshcore::Result<void> on_hostbased_allowed(sshcore::wire::Reader body);
  sshcore::Result<void> on_hostbased_verify(sshcore::wire::Reader body);
  sshcore::Result<void> on_record_attempt(sshcore::wire::Reader body);
  sshcore::Result<void> on_transport_state(sshcore::wire::Reader body);
  sshcore::Result<void> on_pty_allocate(sshcore::wire::Reader body);

  MonitorChannel& channel_;
  sshcore::auth::AuthPolicy& policy_;
  std::vector<std::shared_ptr<sshcore::keys::Signer>> host_keys_;
  PtyAllocator allocate_pty_;
  MonitorPhase phase_ = MonitorPhase::kPreauth;
  std::vector<MonitorRequest> retired_;  // kOnce requests already used

  sshcore::Bytes session_id_;
  std::optional<std::string> user_;
  sshcore::auth::UserAuthSettings settings_;
  sshcore::auth::AuthMethodLists methods_;
  struct AllowedKey {
    sshcore::Bytes blob;
    sshcore::auth::KeyAuthorization authorization;
  };
  std::vector<AllowedKey> allowed_keys_;    // publickey_allowed() said yes
  struct AllowedHost {
    sshcore::Bytes blob;
    std::string client_host, client_user;
  };
  std::vector<AllowedHost> allowed_hosts_;  // hostbased_allowed() said yes
  std::optional<sshcore::auth::KeyAuthorization> verified_key_;
  std::optional<std::string> kbdint_submethods_;  // a keyboard-interactive exchange is open
  bool authenticated_ = false;
  bool failure_logged_ = false;  // the refusal that ends the conversation is in the log already
  std::optional<PreauthOutcome> outcome_;
};

}  // namespace sshd

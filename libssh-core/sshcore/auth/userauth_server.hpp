// The server side of user authentication (RFC 4252, RFC 4256, OpenSSH PROTOCOL 3.1)
// as a sans-I/O engine. It answers SERVICE_REQUEST "ssh-userauth" and then every
// USERAUTH_REQUEST / USERAUTH_INFO_RESPONSE, asking the injected AuthPolicy for each
// decision, as OpenSSH's auth2.c does (the policy is the monitor in sshd):
//
//   UserauthServer auth(policy, [&](ByteView m) { return transport.send(m); },
//                       transport.session_id(), host_key_blobs);
//   on kMessage: if (auto r = auth.handle(ev.message); !r) transport.disconnect(r.error().reason, r.error().detail);
//   if (auth.authenticated()) { transport.enable_delayed_compression(); start the connection layer; }
//
// An error from handle() ends the connection: its reason and detail are what
// OpenSSH puts in its DISCONNECT (e.g. kProtocolError "Too many authentication
// failures", "Change of username or service not allowed: (a,ssh-connection) -> (b,ssh-connection)").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/auth/auth_methods.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/auth/userauth_messages.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::auth {

// Sends one message payload (number first): TransportSession::send.
using MessageSink = std::function<Result<void>(ByteView message)>;

struct UserauthServerLimits {
  // OpenSSH's hard cap on USERAUTH_REQUESTs per connection, whatever MaxAuthTries says.
  std::uint32_t max_requests = 1024;
};

class UserauthServer {
 public:
  // `host_key_blobs`: the public host keys this server holds; a
  // publickey-hostbound-v00@openssh.com request must name one of them.
  UserauthServer(AuthPolicy& policy, MessageSink send, Bytes session_id, std::vector<Bytes> host_key_blobs,
                 UserauthServerLimits limits = {});

  // One upper-layer message from the transport: SERVICE_REQUEST (5),
  // USERAUTH_REQUEST (50) or USERAUTH_INFO_RESPONSE (61). Requests after success
  // are ignored, as OpenSSH does. Anything else, or a malformed message, is an error
  // with a DisconnectReason.
  Result<void> handle(ByteView payload);

  bool service_accepted() const { return service_accepted_; }
  bool authenticated() const { return authenticated_; }
  // The user and service of the requests (set from the first USERAUTH_REQUEST).
  const std::string& user() const { return user_; }
  const std::string& service() const { return service_; }
  bool valid_user() const { return settings_.valid; }
  // The settings the policy returned for user(); nullopt before the first request.
  const std::optional<UserAuthSettings>& settings() const { return settings_opt_; }
  // Methods that succeeded, in order ("publickey", "keyboard-interactive:pam"...),
  // as sshd's SSH_USER_AUTH / ExposeAuthInfo would list them.
  const std::vector<std::string>& methods_accepted() const { return methods_accepted_; }
  // The authorized key of the last successful publickey method, and its options.
  const std::optional<keys::PublicKey>& authenticated_key() const { return authenticated_key_; }
  const std::optional<KeyAuthorization>& key_authorization() const { return key_authorization_; }
  // Failed attempts so far (MaxAuthTries counts these).
  std::uint32_t failures() const { return failures_; }
  // handle() failed because of MaxAuthTries (or the request cap): the driver logs
  // "maximum authentication attempts exceeded for [invalid user ]USER from ADDR port N ssh2".
  bool max_tries_exceeded() const { return max_tries_exceeded_; }

 private:
  enum class Outcome : std::uint8_t { kFailure, kSuccess, kPostponed };
  struct MethodRow;
  static const MethodRow* find_method(std::string_view name);
  Result<void> on_service_request(wire::Reader r);
  Result<void> on_userauth_request(wire::Reader r);
  Result<void> on_info_response(wire::Reader r);
  Result<Outcome> method_none(MsgUserauthRequest& req);
  Result<Outcome> method_publickey(MsgUserauthRequest& req);
  Result<Outcome> method_password(MsgUserauthRequest& req);
  Result<Outcome> method_kbdint(MsgUserauthRequest& req);
  Result<Outcome> method_hostbased(MsgUserauthRequest& req);
  Result<Outcome> kbdint_step(KbdintStep step);
  Result<void> finish(Outcome outcome, std::string_view method, std::string_view submethod,
                      const keys::PublicKey* key);
  std::string methods_that_can_continue() const;
  bool method_enabled(std::string_view method) const;
  Result<void> send(const Bytes& message);

  AuthPolicy& policy_;
  MessageSink send_;
  Bytes session_id_;
  std::vector<Bytes> host_key_blobs_;
  UserauthServerLimits limits_;

  bool service_accepted_ = false, authenticated_ = false, banner_sent_ = false;
  bool none_tried_ = false, max_tries_exceeded_ = false;
  bool kbdint_active_ = false;
  std::uint32_t kbdint_expected_ = 0;
  std::string kbdint_submethod_;
  std::uint32_t attempts_ = 0, failures_ = 0;
  std::string user_, service_;
  UserAuthSettings settings_;
  std::optional<UserAuthSettings> settings_opt_;
  AuthMethodLists method_lists_;
  std::vector<std::string> methods_accepted_;
  std::vector<Bytes> keys_used_;   // OpenSSH refuses a key that already succeeded (partial)
  std::optional<keys::PublicKey> authenticated_key_;
  std::optional<KeyAuthorization> key_authorization_;
  std::optional<keys::PublicKey> pending_key_;   // publickey: for record_attempt
};

}  // namespace sshcore::auth

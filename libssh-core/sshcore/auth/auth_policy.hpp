// AuthPolicy: every decision the server's userauth engine needs from outside the
// protocol (DESIGN.md section 6). In sshd the pre-auth child holds an implementation
// that forwards each call to the privileged monitor as one synchronous round trip;
// the monitor's implementation looks users up, reads authorized_keys as the user,
// runs PreUserauthHook, checks passwords through PAM or shadow. Tests use an
// in-memory policy. The engine never trusts itself with a decision: it only asks.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/auth/userauth_messages.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::auth {

// What the server allows for one user, after sshd_config's Match blocks for that
// user are applied. Returned once per user name the client tries (OpenSSH refuses
// a change of user within one connection, as does the engine).
struct UserAuthSettings {
  // False for an unknown, denied (AllowUsers...), or locked account. The engine
  // still runs every method so that timing and replies reveal nothing; each one
  // fails. The policy logs "Invalid user NAME from ADDR port N" itself.
  bool valid = false;
  bool permit_none = false;            // PermitEmptyPasswords with an empty password is separate
  bool publickey = true;               // PubkeyAuthentication
  bool password = true;                // PasswordAuthentication
  bool keyboard_interactive = false;   // KbdInteractiveAuthentication
  bool hostbased = false;              // HostbasedAuthentication
  // AuthenticationMethods: each inner list is a comma list such as
  // "publickey,password" or "keyboard-interactive:pam"; empty means "any".
  std::vector<std::string> authentication_methods;
  std::string pubkey_accepted_algorithms;   // a pattern list; empty: all
  std::string hostbased_accepted_algorithms;
  int max_auth_tries = 6;                   // MaxAuthTries
  std::string banner;                        // sent once before the first reply; empty: none
};

// A public key the policy accepted, with the authorized_keys options that came with it
// (command=, environment=...), already expanded; the user child applies them.
struct KeyAuthorization {
  bool allowed = false;
  std::string options_text;   // the options field as written, for the session
  std::string source;         // e.g. "/home/u/.ssh/authorized_keys:3" for debug logs
};

enum class PasswordOutcome : std::uint8_t { kAccepted, kRejected, kChangeRequired };

// One keyboard-interactive round: prompts to send, or the end.
struct KbdintStep {
  enum class Kind : std::uint8_t { kPrompts, kSuccess, kFailure } kind = Kind::kFailure;
  MsgUserauthInfoRequest request;   // kPrompts
  // The device that ran ("pam", "bsdauth"): matched against AuthenticationMethods'
  // "keyboard-interactive:pam" and shown in logs. Empty: none named.
  std::string submethod;
};

class AuthPolicy {
 public:
  virtual ~AuthPolicy() = default;

  // The user's settings; called when a user name is first seen.
  virtual UserAuthSettings lookup_user(std::string_view user, std::string_view service) = 0;

  // PreUserauthHook: true processes `method` as usual, false refuses it (the engine
  // answers FAILURE and counts the attempt). Called before every method of every
  // request, including "none" and invalid users; not for keyboard-interactive
  // continuation messages (INFO_RESPONSE).
  virtual bool before_method(std::string_view user, std::string_view method) = 0;

  // publickey: is this key allowed for the user (authorized_keys, AuthorizedKeysCommand,
  // options such as from= and expiry-time= already checked)?
  virtual KeyAuthorization publickey_allowed(std::string_view user, const keys::PublicKey& key) = 0;
  // The signature over `signed_data` (built by the engine from the request and the
  // session id; the monitor rebuilds and checks it). True when it verifies and the key
  // was allowed by a previous publickey_allowed() for this user.
  virtual bool publickey_verify(std::string_view user, const keys::PublicKey& key, std::string_view algorithm,
                                ByteView signed_data, ByteView signature) = 0;

  virtual PasswordOutcome password(std::string_view user, const SecretBytes& password) = 0;
  // After kChangeRequired the client sends the old and a new password (RFC 4252
  // section 8). OpenSSH's server never asks for this (it changes expired passwords in
  // the session), so the default refuses.
  virtual PasswordOutcome change_password(std::string_view /*user*/, const SecretBytes& /*old_password*/,
                                          const SecretBytes& /*new_password*/) {
    return PasswordOutcome::kRejected;
  }

  // keyboard-interactive: the first step for `submethods`, then one step per response.
  virtual KbdintStep kbdint_start(std::string_view user, std::string_view submethods) = 0;
  virtual KbdintStep kbdint_respond(std::string_view user, const std::vector<SecretBytes>& responses) = 0;

  // hostbased: key allowed for client host/user (shosts.equiv, ssh_known_hosts), and
  // the signature check, as for publickey.
  virtual bool hostbased_allowed(std::string_view user, std::string_view client_host,
                                 std::string_view client_user, const keys::PublicKey& key) = 0;
  virtual bool hostbased_verify(std::string_view user, const keys::PublicKey& key, std::string_view algorithm,
                                ByteView signed_data, ByteView signature) = 0;

  // Outcome of each attempt, for the log lines sshd prints ("Accepted publickey for
  // USER from ADDR port N ssh2: ED25519 SHA256:...", "Failed password for ...",
  // "Partial publickey for ..."). `key` is set for publickey and hostbased.
  struct AttemptRecord {
    std::string_view user;
    std::string_view method;      // "publickey", "password", "keyboard-interactive", ...
    std::string_view submethod;   // e.g. "pam" for keyboard-interactive/pam
    bool valid_user = false;
    bool success = false;
    bool partial = false;         // success, but AuthenticationMethods needs more
    const keys::PublicKey* key = nullptr;
  };
  virtual void record_attempt(const AttemptRecord& record) = 0;
};

}  // namespace sshcore::auth

// The client side of user authentication (RFC 4252, RFC 4256, OpenSSH PROTOCOL 3.1)
// as a sans-I/O engine that behaves like OpenSSH's sshconnect2.c: SERVICE_REQUEST
// "ssh-userauth" with "none" right behind it (OpenSSH waits for the accept first;
// servers answer in order, so this only saves a round trip), then the methods of
// PreferredAuthentications that the server lists, starting over from the first
// preferred method after a partial success. Public keys whose public half is known are offered first (a query without
// signature) and signed only after PK_OK; keys known only as a private key file are
// loaded and signed straight away.
//
//   UserauthClient auth(config, ui, [&](ByteView m) { return transport.send(m); });
//   on kExtInfo:  auth.on_ext_info(ev.extensions);
//   after the first kKexComplete: auth.start();
//   on kMessage 6 and 50..79: auth.handle(ev.message);
//   auth.outcome(): kSuccess -> transport.enable_delayed_compression(), verbose("Authenticated to %s ([%s]:%d) using \"%s\".", ..., auth.method_used())
//                   kDenied  -> print auth.denied_message() ("user@host: Permission denied (publickey,password).") and exit 255
//
// Debug lines are OpenSSH's ("Authentications that can continue: ...", "Next
// authentication method: ...", "Offering public key: ...", "Server accepts key: ...").
// Prompts are built here exactly as ssh builds them; the UI only reads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sshcore/auth/userauth_messages.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/keys/public_key.hpp"
#include "sshcore/keys/signer.hpp"

namespace sshcore::auth {

// Sends one message payload (number first): TransportSession::send.
using ClientMessageSink = std::function<Result<void>(ByteView message)>;

// ssh's default PreferredAuthentications without GSSAPI (not built) and hostbased
// (off unless HostbasedAuthentication=yes).
inline constexpr std::string_view kDefaultPreferredAuthentications = "publickey,keyboard-interactive,password";
// OpenSSH 9.2's default PubkeyAcceptedAlgorithms for plain keys.
inline constexpr std::string_view kDefaultPubkeyAcceptedAlgorithms =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
    "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256";

struct ClientIdentity {
  // As ssh -v names it: the file name (~/.ssh/id_ed25519) or the agent key's comment.
  std::string label;
  // Known without the private part (a .pub file, the agent): offered with a query first.
  std::optional<keys::PublicKey> public_key;
  // Set when signing needs no UI (agent, key already decrypted); otherwise
  // UserauthClientUi::load_signer is asked when a signature is needed.
  std::shared_ptr<keys::Signer> signer;
  bool user_provided = false;   // -i / IdentityFile: " explicit" in "Offering public key:"
  bool from_agent = false;      // " agent"
};

class UserauthClientUi {
 public:
  virtual ~UserauthClientUi() = default;
  // SSH_MSG_USERAUTH_BANNER's text, raw (ssh prints it to stderr, sanitised, at LogLevel >= INFO).
  virtual void banner(std::string_view text) = 0;
  // Reads a password or a keyboard-interactive response; `prompt` is complete
  // ("user@host's password: ", "(user@host) Password: "). nullopt: EOF / cancelled.
  virtual std::optional<SecretBytes> read_secret(std::string_view prompt, bool echo) = 0;
  // The private half of `identity` (may ask a passphrase: "Enter passphrase for key '...': ").
  // nullptr skips the key, as ssh does when loading fails.
  virtual std::shared_ptr<keys::Signer> load_signer(const ClientIdentity& identity) = 0;
  // The private half of `identity` when it is at hand without asking or warning anyone
  // (an unencrypted key file, readable as it is); nullptr otherwise. Such a key is
  // offered with its signature at once, as OpenSSH does for a key it already holds,
  // instead of a query first: one round trip less. The server sees the same key.
  virtual std::shared_ptr<keys::Signer> signer_without_prompt(const ClientIdentity& identity) {
    (void)identity;
    return nullptr;
  }
};

struct UserauthClientConfig {
  std::string user;                 // the remote user
  std::string host;                 // for prompts and messages: HostKeyAlias, else the host name
  std::string service{kServiceConnection};
  std::string preferred_authentications{kDefaultPreferredAuthentications};
  std::string pubkey_accepted_algorithms{kDefaultPubkeyAcceptedAlgorithms};
  bool pubkey_authentication = true;
  bool password_authentication = true;
  bool kbd_interactive_authentication = true;
  std::string kbd_interactive_devices;   // KbdInteractiveDevices: the submethods field
  int number_of_password_prompts = 3;
  std::vector<ClientIdentity> identities;
  Bytes session_id;
  std::optional<keys::PublicKey> server_host_key;   // for publickey-hostbound
  // From the server's EXT_INFO; also settable later through on_ext_info().
  std::optional<std::string> server_sig_algs;
  bool publickey_hostbound = false;  // EXT_INFO "publickey-hostbound@openssh.com" = "0"
};

enum class UserauthOutcome : std::uint8_t { kInProgress, kSuccess, kDenied };

class UserauthClient {
 public:
  UserauthClient(UserauthClientConfig config, UserauthClientUi& ui, ClientMessageSink send);

  // Records server-sig-algs and publickey-hostbound@openssh.com from an EXT_INFO.
  void on_ext_info(const std::vector<std::pair<std::string, std::string>>& extensions);

  // Sends SERVICE_REQUEST "ssh-userauth".
  Result<void> start();
  // SERVICE_ACCEPT (6) and USERAUTH_* (50..79); other messages are an error
  // (kProtocolError), as are malformed ones.
  Result<void> handle(ByteView payload);

  UserauthOutcome outcome() const { return outcome_; }
  bool authenticated() const { return outcome_ == UserauthOutcome::kSuccess; }
  // The method of the final USERAUTH_SUCCESS ("publickey", "password", ...).
  const std::string& method_used() const { return method_used_; }
  // kDenied: "user@host: Permission denied (publickey,password)." as ssh prints it.
  const std::string& denied_message() const { return denied_message_; }
  // Methods that succeeded with partial success before the end.
  const std::vector<std::string>& partial_methods() const { return partial_methods_; }
  // The identity whose key authenticated (publickey), if any.
  const ClientIdentity* identity_used() const { return identity_used_; }

 private:
  struct Method;
  struct KeyState {
    ClientIdentity identity;
    bool tried = false;
  };
  Result<void> on_service_accept(wire::Reader r);
  Result<void> on_failure(wire::Reader r);
  Result<void> on_success(wire::Reader r);
  Result<void> on_banner(wire::Reader r);
  Result<void> on_method_specific(wire::Reader r);  // 60
  Result<void> on_pk_ok(wire::Reader r);
  Result<void> on_passwd_changereq(wire::Reader r);
  Result<void> on_info_request(wire::Reader r);
  Result<void> next_method(const std::string& authlist);
  // Each returns true when it sent a request (wait for the reply), false when the
  // method has nothing left to try (disabled, go on to the next one).
  Result<bool> try_publickey();
  Result<bool> try_password();
  Result<bool> try_kbdint();
  Result<bool> sign_and_send(KeyState& key, std::shared_ptr<keys::Signer> signer);
  std::optional<std::string> signature_algorithm(const keys::PublicKey& key) const;
  std::string format_identity(const ClientIdentity& id, const keys::PublicKey* key) const;
  Result<void> send(const Bytes& message);
  MsgUserauthRequest request(UserauthMethod method) const;

  UserauthClientConfig config_;
  UserauthClientUi& ui_;
  ClientMessageSink send_;
  UserauthOutcome outcome_ = UserauthOutcome::kInProgress;
  bool started_ = false, service_accepted_ = false;
  std::string current_;              // method awaiting a reply ("" before "none")
  std::string supported_;            // the server's last list
  std::string preferred_rest_;       // what remains of preferred_authentications
  std::vector<std::string> disabled_;
  std::vector<KeyState> keys_;
  std::size_t pending_key_ = 0;      // index of the key of the outstanding publickey request
  int password_attempts_ = 0, kbdint_attempts_ = 0;
  bool info_req_seen_ = false;
  std::string method_used_, denied_message_;
  std::vector<std::string> partial_methods_;
  const ClientIdentity* identity_used_ = nullptr;
};

}  // namespace sshcore::auth

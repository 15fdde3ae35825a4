// Userauth test plumbing: an in-memory AuthPolicy, a scripted client UI, and a pair
// of UserauthClient / UserauthServer engines talking over a TransportPair.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/auth/userauth_client.hpp"
#include "sshcore/auth/userauth_server.hpp"
#include "sshcore/keys/private_key.hpp"
#include "support/transport_pair.hpp"

namespace sshpp::test {

// One user's accounts data for MemoryPolicy.
struct MemoryUser {
  std::string password;
  std::optional<std::string> new_password_required_until_changed;  // kChangeRequired while set
  std::vector<sshcore::keys::PublicKey> authorized_keys;
  // Keyboard-interactive: one round per entry, each a list of (prompt, expected answer).
  std::vector<std::vector<std::pair<std::string, std::string>>> kbdint_rounds;
  std::string kbdint_device = "pam";
};

class MemoryPolicy : public sshcore::auth::AuthPolicy {
 public:
  sshcore::auth::UserAuthSettings settings;   // returned for every known user (valid forced to true)
  std::map<std::string, MemoryUser> users;
  std::vector<std::string> refused_methods;   // before_method answers false for these
  std::vector<std::string> before_method_calls;
  std::vector<std::string> verified_algorithms;   // publickey_verify's algorithm argument
  std::vector<std::string> log;               // "Accepted publickey for u", "Failed password for u", ...
  int lookups = 0;

  sshcore::auth::UserAuthSettings lookup_user(std::string_view user, std::string_view service) override;
  bool before_method(std::string_view user, std::string_view method) override;
  sshcore::auth::KeyAuthorization publickey_allowed(std::string_view user, const sshcore::keys::PublicKey& key) override;
  bool publickey_verify(std::string_view user, const sshcore::keys::PublicKey& key, std::string_view algorithm,
                        sshcore::ByteView signed_data, sshcore::ByteView signature) override;
  sshcore::auth::PasswordOutcome password(std::string_view user, const sshcore::SecretBytes& password) override;
  sshcore::auth::PasswordOutcome change_password(std::string_view user, const sshcore::SecretBytes& old_password,
                                                 const sshcore::SecretBytes& new_password) override;
  sshcore::auth::KbdintStep kbdint_start(std::string_view user, std::string_view submethods) override;
  sshcore::auth::KbdintStep kbdint_respond(std::string_view user,
                                           const std::vector<sshcore::SecretBytes>& responses) override;
  std::vector<sshcore::keys::PublicKey> hostbased_keys;   // allowed for any user from "client.example"
  bool hostbased_allowed(std::string_view user, std::string_view client_host, std::string_view client_user,
                         const sshcore::keys::PublicKey& key) override;
  bool hostbased_verify(std::string_view user, const sshcore::keys::PublicKey& key, std::string_view algorithm,
                        sshcore::ByteView signed_data, sshcore::ByteView signature) override;
  void record_attempt(const AttemptRecord& record) override;

 private:
  MemoryUser* find(std::string_view user);
  std::size_t kbdint_round_ = 0;
};

// Answers prompts from a queue (nullopt when empty) and records what it was asked.
class ScriptedUi : public sshcore::auth::UserauthClientUi {
 public:
  std::deque<std::string> answers;
  std::vector<std::string> prompts;
  std::vector<std::string> banners;
  int signer_loads = 0;
  std::map<std::string, std::shared_ptr<sshcore::keys::Signer>> signers;   // by identity label
  std::set<std::string> unencrypted;  // labels whose signer is at hand without a prompt
  int quiet_loads = 0;

  void banner(std::string_view text) override { banners.emplace_back(text); }
  std::optional<sshcore::SecretBytes> read_secret(std::string_view prompt, bool echo) override;
  std::shared_ptr<sshcore::keys::Signer> load_signer(const sshcore::auth::ClientIdentity& identity) override;
  std::shared_ptr<sshcore::keys::Signer> signer_without_prompt(const sshcore::auth::ClientIdentity& identity) override;
};

// An identity whose private half is loaded through the UI (as a key file would be).
sshcore::auth::ClientIdentity file_identity(ScriptedUi& ui, const std::string& label,
                                            const sshcore::keys::PrivateKey& key, bool with_public = true);
// A generated key per type, cached for the process.
const sshcore::keys::PrivateKey& user_key(sshcore::keys::KeyType type, int index = 0);

class UserauthPair {
 public:
  // Runs the key exchange, then builds both engines. `server_sig_algs`: what the
  // server announces in EXT_INFO (empty: no EXT_INFO, so neither server-sig-algs
  // nor publickey-hostbound).
  UserauthPair(MemoryPolicy& policy, sshcore::auth::UserauthClientConfig config, ScriptedUi& ui,
               std::vector<std::string> server_sig_algs = {"ssh-ed25519", "ecdsa-sha2-nistp256",
                                                           "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                                                           "rsa-sha2-512", "rsa-sha2-256"});

  // start() then move messages until nothing moves or one side fails.
  void run();
  // Feeds one raw payload to the server as if the client had sent it.
  sshcore::Result<void> inject_to_server(sshcore::ByteView payload) { return server_->handle(payload); }

  sshcore::auth::UserauthClient& client() { return *client_; }
  sshcore::auth::UserauthServer& server() { return *server_; }
  TransportPair& transport() { return transport_; }
  std::optional<sshcore::Error> client_error, server_error;
  std::vector<std::uint8_t> client_received;   // message numbers, in order

 private:
  TransportPair transport_;
  std::unique_ptr<sshcore::auth::UserauthClient> client_;
  std::unique_ptr<sshcore::auth::UserauthServer> server_;
  std::size_t client_seen_ = 0, server_seen_ = 0;
};

}  // namespace sshpp::test

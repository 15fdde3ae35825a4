// The monitor's auth::AuthPolicy: every authentication decision sshd makes with the OS
// (users, groups, shadow, PAM, authorized_keys read as the user, AuthorizedKeysCommand,
// PreUserauthHook), from the sshd_config in force for the connection and its Match
// blocks. The pre-auth child reaches it through the monitor; tests call it directly.
//
//   sshd::LocalAuthPolicy policy(config, {"192.0.2.7", 50022, "192.0.2.1", 22});
//   auto settings = policy.lookup_user("alice", "ssh-connection");
//   if (policy.before_method("alice", "publickey") && policy.publickey_allowed("alice", key).allowed) ...
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "auth_context.hpp"
#include "authorized_keys_lookup.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/config/sshd_config.hpp"

namespace sshd {

class KbdintConversation;

struct LocalAuthOptions {
  std::string pam_service = "sshd";                       // Debian's sshd uses its program name
  std::chrono::milliseconds hook_timeout{30000};          // PreUserauthHook, then SIGKILL
  std::chrono::milliseconds keys_command_timeout{30000};  // AuthorizedKeysCommand, then SIGKILL
};

class LocalAuthPolicy final : public sshcore::auth::AuthPolicy {
 public:
  LocalAuthPolicy(const sshcore::config::SshdConfig& config, ConnectionAddresses connection,
                  AuthOs os = system_auth_os(), LocalAuthOptions options = {});
  ~LocalAuthPolicy() override;

  sshcore::auth::UserAuthSettings lookup_user(std::string_view user, std::string_view service) override;
  bool before_method(std::string_view user, std::string_view method) override;
  sshcore::auth::KeyAuthorization publickey_allowed(std::string_view user, const sshcore::keys::PublicKey& key) override;
  bool publickey_verify(std::string_view user, const sshcore::keys::PublicKey& key, std::string_view algorithm,
                        sshcore::ByteView signed_data, sshcore::ByteView signature) override;
  sshcore::auth::PasswordOutcome password(std::string_view user, const sshcore::SecretBytes& password) override;
  sshcore::auth::KbdintStep kbdint_start(std::string_view user, std::string_view submethods) override;
  sshcore::auth::KbdintStep kbdint_respond(std::string_view user,
                                           const std::vector<sshcore::SecretBytes>& responses) override;
  bool hostbased_allowed(std::string_view user, std::string_view client_host, std::string_view client_user,
                         const sshcore::keys::PublicKey& key) override;
  bool hostbased_verify(std::string_view user, const sshcore::keys::PublicKey& key, std::string_view algorithm,
                        sshcore::ByteView signed_data, sshcore::ByteView signature) override;
  void record_attempt(const AttemptRecord& record) override;

  // For the session once authentication succeeded.
  const std::optional<UserRecord>& user() const { return user_; }
  // The options of the authorized_keys line whose key signed (command=, restrict, ...).
  const std::optional<AllowedKey>& accepted_key() const { return accepted_key_; }
  // sshd_config after the Match blocks for the user; nullptr before lookup_user().
  const sshcore::config::SshdOptions* effective_options() const { return options_ ? &*options_ : nullptr; }
  // The password must be changed before a session (expired in shadow or by PAM).
  bool password_change_required() const { return change_required_; }
  // The PAM service the password and keyboard-interactive checks used: the session
  // stack (PamSession) runs under the same name.
  const std::string& pam_service() const { return local_.pam_service; }

 private:
  sshcore::config::SshdOptions options_without_groups(std::string_view user) const;
  bool is_current(std::string_view user) const;
  sshcore::auth::KbdintStep kbdint_finish(sshcore::auth::PasswordOutcome outcome);

  const sshcore::config::SshdConfig& config_;
  ConnectionAddresses connection_;
  AuthOs os_;
  LocalAuthOptions local_;

  std::string user_name_;                              // as the client sent it
  std::optional<UserRecord> user_;                     // set only for a valid user
  std::optional<sshcore::config::SshdOptions> options_;
  std::vector<std::pair<sshcore::Bytes, AllowedKey>> allowed_keys_;  // publickey_allowed() said yes
  std::optional<AllowedKey> accepted_key_;
  bool change_required_ = false;
  std::unique_ptr<KbdintConversation> kbdint_;
  int attempts_ = 0;
  int failures_ = 0;
  bool max_tries_logged_ = false;
};

}  // namespace sshd

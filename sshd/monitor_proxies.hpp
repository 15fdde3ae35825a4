// The pre-auth child's view of the monitor (DESIGN.md section 6): the transport
// gets a keys::Signer and the userauth engine an auth::AuthPolicy, and each call
// becomes one synchronous round trip over the monitor channel. The child decides
// nothing itself. If the monitor refuses or the channel breaks, every later
// answer is a refusal and broken() says so: the child must then exit.
#pragma once

#include <optional>

#include "monitor_channel.hpp"
#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/keys/signer.hpp"

namespace sshd {

class MonitorSigner final : public sshcore::keys::Signer {
 public:
  MonitorSigner(MonitorChannel& channel, sshcore::keys::PublicKey host_key)
      : channel_(channel), host_key_(std::move(host_key)) {}
  const sshcore::keys::PublicKey& public_key() const override { return host_key_; }
  sshcore::Result<sshcore::Bytes> sign(sshcore::ByteView data, std::string_view algorithm) override;

 private:
  MonitorChannel& channel_;
  sshcore::keys::PublicKey host_key_;
};

class MonitorAuthPolicy final : public sshcore::auth::AuthPolicy {
 public:
  explicit MonitorAuthPolicy(MonitorChannel& channel) : channel_(channel) {}

  sshcore::auth::UserAuthSettings lookup_user(std::string_view user, std::string_view service) override;
  bool before_method(std::string_view user, std::string_view method) override;
  sshcore::auth::KeyAuthorization publickey_allowed(std::string_view user,
                                                    const sshcore::keys::PublicKey& key) override;
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

  // The end of pre-auth: hands the exported transport and the outcome over.
  sshcore::Result<void> send_transport_state(sshcore::SecretBytes state, std::string_view user,
                                             const sshcore::auth::KeyAuthorization& key_authorization);

  // The first failure of the channel or a refusal by the monitor, if any.
  const std::optional<sshcore::Error>& broken() const { return broken_; }

 private:
  template <class Reply, class Request>
  std::optional<Reply> ask(const Request& request);

  MonitorChannel& channel_;
  std::optional<sshcore::Error> broken_;
};

}  // namespace sshd

#include "monitor_proxies.hpp"

#include "sshcore/base/log.hpp"

namespace sshd {

using sshcore::Bytes;
using sshcore::ByteView;
using sshcore::Result;
using sshcore::to_bytes;
namespace auth = sshcore::auth;

Result<Bytes> MonitorSigner::sign(ByteView data, std::string_view algorithm) {
  SSH_TRY(reply, channel_.call<SignReply>(SignRequest{host_key_.blob(), to_bytes(data), std::string(algorithm)}));
  return std::move(reply.signature);
}

template <class Reply, class Request>
std::optional<Reply> MonitorAuthPolicy::ask(const Request& request) {
  if (broken_) return std::nullopt;  // a broken conversation answers nothing any more
  auto reply = channel_.call<Reply>(request);
  if (!reply) {
    sshcore::log::error("monitor {}: {}", monitor_request_name(static_cast<std::uint8_t>(Request::kType)),
                        reply.error().detail);
    broken_ = reply.error();
    return std::nullopt;
  }
  return std::move(*reply);
}

auth::UserAuthSettings MonitorAuthPolicy::lookup_user(std::string_view user, std::string_view service) {
  auto r = ask<LookupUserReply>(LookupUserRequest{std::string(user), std::string(service)});
  return r ? std::move(r->settings) : auth::UserAuthSettings{};  // default: not a valid user
}

bool MonitorAuthPolicy::before_method(std::string_view user, std::string_view method) {
  auto r = ask<DecisionReply>(BeforeMethodRequest{std::string(user), std::string(method)});
  return r && r->yes;
}

auth::KeyAuthorization MonitorAuthPolicy::publickey_allowed(std::string_view user,
                                                            const sshcore::keys::PublicKey& key) {
  auto r = ask<KeyAuthorizationReply>(PublickeyAllowedRequest{std::string(user), key.blob()});
  return r ? std::move(r->authorization) : auth::KeyAuthorization{};
}

bool MonitorAuthPolicy::publickey_verify(std::string_view user, const sshcore::keys::PublicKey& key,
                                         std::string_view algorithm, ByteView signed_data, ByteView signature) {
  PublickeyVerifyRequest req;
  req.user = std::string(user);
  req.key_blob = key.blob();
  req.algorithm = std::string(algorithm);
  req.signed_data = to_bytes(signed_data);
  req.signature = to_bytes(signature);
  auto r = ask<DecisionReply>(req);
  return r && r->yes;
}

auth::PasswordOutcome MonitorAuthPolicy::password(std::string_view user, const sshcore::SecretBytes& password) {
  auto r = ask<PasswordReply>(PasswordRequest{std::string(user), password});
  return r ? r->outcome : auth::PasswordOutcome::kRejected;
}

auth::KbdintStep MonitorAuthPolicy::kbdint_start(std::string_view user, std::string_view submethods) {
  auto r = ask<KbdintReply>(KbdintStartRequest{std::string(user), std::string(submethods)});
  return r ? std::move(r->step) : auth::KbdintStep{};  // default: kFailure
}

auth::KbdintStep MonitorAuthPolicy::kbdint_respond(std::string_view user,
                                                   const std::vector<sshcore::SecretBytes>& responses) {
  auto r = ask<KbdintReply>(KbdintRespondRequest{std::string(user), responses});
  return r ? std::move(r->step) : auth::KbdintStep{};
}

bool MonitorAuthPolicy::hostbased_allowed(std::string_view user, std::string_view client_host,
                                          std::string_view client_user, const sshcore::keys::PublicKey& key) {
  auto r = ask<DecisionReply>(
      HostbasedAllowedRequest{std::string(user), std::string(client_host), std::string(client_user), key.blob()});
  return r && r->yes;
}

bool MonitorAuthPolicy::hostbased_verify(std::string_view user, const sshcore::keys::PublicKey& key,
                                         std::string_view algorithm, ByteView signed_data, ByteView signature) {
  HostbasedVerifyRequest req;
  req.user = std::string(user);
  req.key_blob = key.blob();
  req.algorithm = std::string(algorithm);
  req.signed_data = to_bytes(signed_data);
  req.signature = to_bytes(signature);
  auto r = ask<DecisionReply>(req);
  return r && r->yes;
}

void MonitorAuthPolicy::record_attempt(const AttemptRecord& record) {
  RecordAttemptRequest req;
  req.user = std::string(record.user);
  req.method = std::string(record.method);
  req.submethod = std::string(record.submethod);
  req.valid_user = record.valid_user;
  req.success = record.success;
  req.partial = record.partial;
  if (record.key != nullptr) req.key_blob = record.key->blob();
  (void)ask<EmptyReply>(req);
}

Result<void> MonitorAuthPolicy::send_transport_state(sshcore::SecretBytes state, std::string_view user,
                                                     const auth::KeyAuthorization& key_authorization) {
  if (broken_) return sshcore::fail(*broken_);
  TransportStateRequest req{std::move(state), std::string(user), key_authorization};
  SSH_TRY(reply, channel_.call<EmptyReply>(req));
  (void)reply;
  return {};
}

}  // namespace sshd

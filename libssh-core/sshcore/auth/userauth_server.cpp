#include "sshcore/auth/userauth_server.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/keys/key_type.hpp"
#include "sshcore/wire/reader.hpp"

namespace sshcore::auth {
namespace {

unexpected<Error> disconnect(std::string detail, DisconnectReason reason = DisconnectReason::kProtocolError) {
  Error e{Errc::kInvalidFormat, std::move(detail)};
  e.reason = reason;
  return fail(std::move(e));
}

// A decode error becomes a protocol error for the DISCONNECT.
unexpected<Error> malformed(Error e) {
  if (e.reason == DisconnectReason::kNone) e.reason = DisconnectReason::kProtocolError;
  return fail(std::move(e));
}

// The algorithm name inside an SSH signature blob (string alg, string sig).
std::optional<std::string_view> signature_algorithm(ByteView signature) {
  wire::Reader r(signature);
  auto alg = r.cstring();
  if (!alg) return std::nullopt;
  return *alg;
}

}  // namespace

// The methods sshd knows, in OpenSSH's authmethods[] order (which is the order of
// the "can continue" list); `enabled` reads the user's settings.
struct UserauthServer::MethodRow {
  std::string_view name;
  std::string_view synonym;
  bool UserAuthSettings::*enabled;   // nullptr: "none", enabled until first used
  Result<Outcome> (UserauthServer::*run)(MsgUserauthRequest&);
};

namespace {
constexpr std::string_view kTooManyFailures = "Too many authentication failures";
}

UserauthServer::UserauthServer(AuthPolicy& policy, MessageSink send, Bytes session_id,
                               std::vector<Bytes> host_key_blobs, UserauthServerLimits limits)
    : policy_(policy),
      send_(std::move(send)),
      session_id_(std::move(session_id)),
      host_key_blobs_(std::move(host_key_blobs)),
      limits_(limits) {}

Result<void> UserauthServer::send(const Bytes& message) { return send_(ByteView(message)); }

Result<void> UserauthServer::handle(ByteView payload) {
  wire::Reader r(payload);
  auto number = r.u8();
  if (!number) return malformed(std::move(number).error());
  using Handler = Result<void> (UserauthServer::*)(wire::Reader);
  struct Route {
    std::uint8_t number;
    Handler handler;
  };
  static constexpr Route kRoutes[] = {
      {MsgServiceRequest::kNumber, &UserauthServer::on_service_request},
      {MsgUserauthRequest::kNumber, &UserauthServer::on_userauth_request},
      {MsgUserauthInfoResponse::kNumber, &UserauthServer::on_info_response},
  };
  for (const Route& route : kRoutes)
    if (route.number == *number) return (this->*route.handler)(r);
  return disconnect(fmt::format("protocol error: rcvd type {}", *number));
}

Result<void> UserauthServer::on_service_request(wire::Reader r) {
  auto req = MsgServiceRequest::decode(r);
  if (!req) return malformed(std::move(req).error());
  // paramiko repeats the request before each method; OpenSSH accepts that until success.
  if (authenticated_) return disconnect("protocol error: rcvd type 5");
  if (req->service != kServiceUserauth)
    return disconnect(fmt::format("bad service request {}", req->service), DisconnectReason::kServiceNotAvailable);
  service_accepted_ = true;
  return send(MsgServiceAccept{std::string(kServiceUserauth)}.encode());
}

Result<void> UserauthServer::on_userauth_request(wire::Reader r) {
  if (!service_accepted_) return disconnect("protocol error: rcvd type 50");
  if (authenticated_) return {};  // OpenSSH ignores requests after success
  auto decoded = MsgUserauthRequest::decode(r);
  if (!decoded) return malformed(std::move(decoded).error());
  MsgUserauthRequest& req = *decoded;
  if (attempts_ >= limits_.max_requests) {
    max_tries_exceeded_ = true;
    return disconnect(std::string(kTooManyFailures));
  }
  if (attempts_++ == 0) {
    user_ = req.user;
    service_ = req.service;
    settings_ = policy_.lookup_user(user_, service_);
    settings_opt_ = settings_;
    method_lists_ = AuthMethodLists(settings_.authentication_methods);
    log::debug1("userauth-request for user {} service {} method {}", user_, service_, req.method_name());
  } else if (req.user != user_ || req.service != service_) {
    return disconnect(fmt::format("Change of username or service not allowed: ({},{}) -> ({},{})", user_, service_,
                                  req.user, req.service));
  }
  if (!banner_sent_) {
    banner_sent_ = true;
    if (!settings_.banner.empty()) SSH_TRY_VOID(send(MsgUserauthBanner{settings_.banner, ""}.encode()));
  }
  kbdint_active_ = false;  // a new request abandons a keyboard-interactive conversation
  pending_key_.reset();

  const MethodRow* row = find_method(req.method_name());
  std::string canonical = row ? std::string(row->name) : std::string(req.method_name());
  Outcome outcome = Outcome::kFailure;
  if (!policy_.before_method(user_, canonical)) {
    log::debug1("before_method refused {} for {}", canonical, user_);
  } else if (row != nullptr && method_enabled(row->name) && failures_ < static_cast<std::uint32_t>(settings_.max_auth_tries)) {
    log::debug2("input_userauth_request: try method {}", canonical);
    SSH_TRY(o, (this->*row->run)(req));
    outcome = o;
  }
  std::string submethod = canonical == kMethodKeyboardInteractive ? kbdint_submethod_ : std::string();
  return finish(outcome, canonical, submethod, pending_key_ ? &*pending_key_ : nullptr);
}

bool UserauthServer::method_enabled(std::string_view method) const {
  const MethodRow* row = find_method(method);
  if (row == nullptr) return false;
  bool on = row->enabled == nullptr ? !none_tried_ : settings_.*(row->enabled);
  return on && method_lists_.allows(row->name);
}

std::string UserauthServer::methods_that_can_continue() const {
  static constexpr std::string_view kOrder[] = {kMethodPublickey, kMethodPassword, kMethodKeyboardInteractive,
                                                kMethodHostbased};
  std::string out;
  for (std::string_view m : kOrder) {
    if (!method_enabled(m)) continue;
    if (!out.empty()) out += ',';
    out += m;
  }
  return out;
}

Result<void> UserauthServer::finish(Outcome outcome, std::string_view method, std::string_view submethod,
                                    const keys::PublicKey* key) {
  if (outcome == Outcome::kPostponed) return {};
  bool success = outcome == Outcome::kSuccess && settings_.valid;
  std::optional<std::string_view> sub;
  if (!submethod.empty()) sub = submethod;
  if (success && !method_lists_.allows(method, sub)) success = false;  // e.g. kbdint device not listed
  bool partial = false;
  if (success && !method_lists_.record_success(method, sub)) {
    success = false;
    partial = true;
  }
  if (success || partial) {
    methods_accepted_.push_back(sub ? fmt::format("{}:{}", method, *sub) : std::string(method));
    if (key != nullptr) keys_used_.push_back(key->blob());
  }
  AuthPolicy::AttemptRecord record;
  record.user = user_;
  record.method = method;
  record.submethod = submethod;
  record.valid_user = settings_.valid;
  record.success = success;
  record.partial = partial;
  record.key = key;
  policy_.record_attempt(record);

  if (success) {
    authenticated_ = true;
    if (key != nullptr) authenticated_key_ = *key;
    return send(MsgUserauthSuccess{}.encode());
  }
  if (!partial) key_authorization_.reset();
  // The first "none" costs nothing: clients use it to learn the methods.
  if (!partial && (attempts_ > 1 || method != kMethodNone)) ++failures_;
  if (failures_ >= static_cast<std::uint32_t>(std::max(settings_.max_auth_tries, 0))) {
    max_tries_exceeded_ = true;
    return disconnect(std::string(kTooManyFailures));
  }
  MsgUserauthFailure reply;
  std::string list = methods_that_can_continue();
  std::string_view rest = list;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    reply.methods.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  reply.partial_success = partial;
  return send(reply.encode());
}

Result<UserauthServer::Outcome> UserauthServer::method_none(MsgUserauthRequest&) {
  none_tried_ = true;
  return settings_.valid && settings_.permit_none ? Outcome::kSuccess : Outcome::kFailure;
}

Result<UserauthServer::Outcome> UserauthServer::method_publickey(MsgUserauthRequest& req) {
  auto& m = std::get<PublickeyMethod>(req.method);
  const keys::SignatureAlgInfo* alg = keys::find_signature_alg(m.algorithm);
  if (alg == nullptr) {
    log::verbose("userauth_pubkey: unsupported public key algorithm: {}", m.algorithm);
    return Outcome::kFailure;
  }
  auto key = keys::PublicKey::from_blob(m.key_blob);
  if (!key) {
    log::error("userauth_pubkey: parse key: {}", key.error().message());
    return Outcome::kFailure;
  }
  if (key->type() != alg->key_type) {
    log::error("userauth_pubkey: type mismatch for decoded key (received {}, expected {})", key->info().ssh_name,
               m.algorithm);
    return Outcome::kFailure;
  }
  if (std::find(keys_used_.begin(), keys_used_.end(), key->blob()) != keys_used_.end()) {
    log::info("refusing previously-used {} key", key->info().short_name);
    return Outcome::kFailure;
  }
  if (!settings_.pubkey_accepted_algorithms.empty() &&
      match_pattern_list(m.algorithm, settings_.pubkey_accepted_algorithms, false) != 1) {
    log::info("userauth_pubkey: signature algorithm {} not in PubkeyAcceptedAlgorithms", m.algorithm);
    return Outcome::kFailure;
  }
  if (m.host_key) {
    bool ours = std::find(host_key_blobs_.begin(), host_key_blobs_.end(), *m.host_key) != host_key_blobs_.end();
    if (!ours) return disconnect(fmt::format("{} packet contained wrong host key", kMethodPublickeyHostbound));
  }
  pending_key_ = *key;
  if (!settings_.valid) return Outcome::kFailure;
  if (m.signature) {
    auto sig_alg = signature_algorithm(*m.signature);
    if (!sig_alg || *sig_alg != m.algorithm) {
      log::error("userauth_pubkey: signature algorithm mismatch");
      return Outcome::kFailure;
    }
    SSH_TRY(signed_data, publickey_signed_data(session_id_, req));
    KeyAuthorization authz = policy_.publickey_allowed(user_, *key);
    if (!authz.allowed) return Outcome::kFailure;
    if (!policy_.publickey_verify(user_, *key, m.algorithm, signed_data, *m.signature)) return Outcome::kFailure;
    key_authorization_ = std::move(authz);
    return Outcome::kSuccess;
  }
  if (!policy_.publickey_allowed(user_, *key).allowed) return Outcome::kFailure;
  SSH_TRY_VOID(send(MsgUserauthPkOk{m.algorithm, m.key_blob}.encode()));
  return Outcome::kPostponed;
}

Result<UserauthServer::Outcome> UserauthServer::method_password(MsgUserauthRequest& req) {
  auto& m = std::get<PasswordMethod>(req.method);
  // Invalid users are checked too (against nothing), so they cost the same time.
  PasswordOutcome result = m.change ? policy_.change_password(user_, m.password, m.new_password)
                                    : policy_.password(user_, m.password);
  switch (result) {
    case PasswordOutcome::kAccepted:
      return Outcome::kSuccess;
    case PasswordOutcome::kChangeRequired:
      if (!settings_.valid || m.change) return Outcome::kFailure;
      SSH_TRY_VOID(send(MsgUserauthPasswdChangereq{"Password change required.", ""}.encode()));
      return Outcome::kPostponed;
    case PasswordOutcome::kRejected:
      break;
  }
  return Outcome::kFailure;
}

Result<UserauthServer::Outcome> UserauthServer::method_kbdint(MsgUserauthRequest& req) {
  auto& m = std::get<KeyboardInteractiveMethod>(req.method);
  std::string devices = m.submethods;
  // AuthenticationMethods "keyboard-interactive:pam" narrows the devices, as
  // OpenSSH's kbdint_next_device() skips the others.
  if (std::string required = method_lists_.required_submethods(kMethodKeyboardInteractive); !required.empty())
    devices = required;
  return kbdint_step(policy_.kbdint_start(user_, devices));
}

Result<UserauthServer::Outcome> UserauthServer::kbdint_step(KbdintStep step) {
  kbdint_submethod_ = step.submethod;
  switch (step.kind) {
    case KbdintStep::Kind::kPrompts:
      if (step.request.prompts.size() > kMaxPrompts) return Outcome::kFailure;
      kbdint_active_ = true;
      kbdint_expected_ = static_cast<std::uint32_t>(step.request.prompts.size());
      SSH_TRY_VOID(send(step.request.encode()));
      return Outcome::kPostponed;
    case KbdintStep::Kind::kSuccess:
      return Outcome::kSuccess;
    case KbdintStep::Kind::kFailure:
      break;
  }
  return Outcome::kFailure;
}

Result<void> UserauthServer::on_info_response(wire::Reader r) {
  if (!kbdint_active_ || authenticated_) return disconnect("input_userauth_info_response: no kbdintctxt");
  auto resp = MsgUserauthInfoResponse::decode(r);
  if (!resp) return malformed(std::move(resp).error());
  if (resp->responses.size() != kbdint_expected_) return disconnect("input_userauth_info_response: wrong number of replies");
  kbdint_active_ = false;
  SSH_TRY(outcome, kbdint_step(policy_.kbdint_respond(user_, resp->responses)));
  return finish(outcome, kMethodKeyboardInteractive, kbdint_submethod_, nullptr);
}

Result<UserauthServer::Outcome> UserauthServer::method_hostbased(MsgUserauthRequest& req) {
  auto& m = std::get<HostbasedMethod>(req.method);
  const keys::SignatureAlgInfo* alg = keys::find_signature_alg(m.algorithm);
  if (alg == nullptr) return Outcome::kFailure;
  auto key = keys::PublicKey::from_blob(m.key_blob);
  if (!key || key->type() != alg->key_type) return Outcome::kFailure;
  if (!settings_.hostbased_accepted_algorithms.empty() &&
      match_pattern_list(m.algorithm, settings_.hostbased_accepted_algorithms, false) != 1)
    return Outcome::kFailure;
  pending_key_ = *key;
  if (!settings_.valid) return Outcome::kFailure;
  auto sig_alg = signature_algorithm(m.signature);
  if (!sig_alg || *sig_alg != m.algorithm) return Outcome::kFailure;
  SSH_TRY(signed_data, hostbased_signed_data(session_id_, req));
  if (!policy_.hostbased_allowed(user_, m.client_host, m.client_user, *key)) return Outcome::kFailure;
  if (!policy_.hostbased_verify(user_, *key, m.algorithm, signed_data, m.signature)) return Outcome::kFailure;
  return Outcome::kSuccess;
}

const UserauthServer::MethodRow* UserauthServer::find_method(std::string_view name) {
  using S = UserauthServer;
  static const S::MethodRow kMethods[] = {
      {kMethodNone, {}, nullptr, &S::method_none},
      {kMethodPublickey, kMethodPublickeyHostbound, &UserAuthSettings::publickey, &S::method_publickey},
      {kMethodPassword, {}, &UserAuthSettings::password, &S::method_password},
      {kMethodKeyboardInteractive, {}, &UserAuthSettings::keyboard_interactive, &S::method_kbdint},
      {kMethodHostbased, {}, &UserAuthSettings::hostbased, &S::method_hostbased},
  };
  for (const S::MethodRow& row : kMethods)
    if (row.name == name || (!row.synonym.empty() && row.synonym == name)) return &row;
  return nullptr;
}

}  // namespace sshcore::auth

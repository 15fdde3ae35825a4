#include "monitor_messages.hpp"

#include <array>

namespace sshd {
namespace {

using sshcore::Bytes;
using sshcore::ByteView;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;
using sshcore::SecretBytes;
using sshcore::wire::Reader;
using sshcore::wire::Writer;

constexpr std::uint32_t kMaxListEntries = 256;  // methods lists, kbdint responses

Result<std::string> text(Reader& r) {
  SSH_TRY(s, r.cstring());
  return std::string(s);
}
Result<Bytes> bytes(Reader& r) {
  SSH_TRY(s, r.string());
  return sshcore::to_bytes(s);
}
Result<SecretBytes> secret(Reader& r) {
  SSH_TRY(s, r.string());
  return SecretBytes(s);
}
Result<std::uint32_t> count(Reader& r) {
  SSH_TRY(n, r.u32());
  if (n > kMaxListEntries) return fail(Errc::kTooLarge, "monitor message: too many entries");
  return n;
}

void put_authorization(Writer& w, const sshcore::auth::KeyAuthorization& a) {
  w.boolean(a.allowed);
  w.string(a.options_text);
  w.string(a.source);
}
Result<sshcore::auth::KeyAuthorization> get_authorization(Reader& r) {
  sshcore::auth::KeyAuthorization a;
  SSH_TRY(allowed, r.boolean());
  SSH_TRY(options, text(r));
  SSH_TRY(source, text(r));
  a.allowed = allowed;
  a.options_text = std::move(options);
  a.source = std::move(source);
  return a;
}

struct RequestName {
  MonitorRequest request;
  std::string_view name;
};
constexpr std::array kRequestNames{
    RequestName{MonitorRequest::kSign, "sign"},
    RequestName{MonitorRequest::kLookupUser, "lookup user"},
    RequestName{MonitorRequest::kBeforeMethod, "pre-userauth hook"},
    RequestName{MonitorRequest::kPublickeyAllowed, "publickey allowed"},
    RequestName{MonitorRequest::kPublickeyVerify, "publickey verify"},
    RequestName{MonitorRequest::kPassword, "password"},
    RequestName{MonitorRequest::kKbdintStart, "keyboard-interactive start"},
    RequestName{MonitorRequest::kKbdintRespond, "keyboard-interactive respond"},
    RequestName{MonitorRequest::kHostbasedAllowed, "hostbased allowed"},
    RequestName{MonitorRequest::kHostbasedVerify, "hostbased verify"},
    RequestName{MonitorRequest::kRecordAttempt, "record attempt"},
    RequestName{MonitorRequest::kTransportState, "transport state"},
    RequestName{MonitorRequest::kPtyAllocate, "pty allocate"},
};

}  // namespace

std::string_view monitor_request_name(std::uint8_t type) {
  for (const auto& n : kRequestNames)
    if (static_cast<std::uint8_t>(n.request) == (type & ~kReplyFlag)) return n.name;
  return "unknown";
}

std::span<const Permit> permits_for(MonitorPhase phase) {
  if (phase == MonitorPhase::kPreauth) return kPreauthPermits;
  return kPostauthPermits;
}

void SignRequest::encode(Writer& w) const {
  w.string(host_key_blob);
  w.string(data);
  w.string(algorithm);
}
Result<SignRequest> SignRequest::decode(Reader r) {
  SignRequest m;
  SSH_TRY(key, bytes(r));
  SSH_TRY(data, bytes(r));
  SSH_TRY(alg, text(r));
  SSH_TRY_VOID(r.finish("monitor sign request"));
  m.host_key_blob = std::move(key);
  m.data = std::move(data);
  m.algorithm = std::move(alg);
  return m;
}
void SignReply::encode(Writer& w) const { w.string(signature); }
Result<SignReply> SignReply::decode(Reader r) {
  SSH_TRY(sig, bytes(r));
  SSH_TRY_VOID(r.finish("monitor sign reply"));
  return SignReply{std::move(sig)};
}

void LookupUserRequest::encode(Writer& w) const {
  w.string(user);
  w.string(service);
}
Result<LookupUserRequest> LookupUserRequest::decode(Reader r) {
  SSH_TRY(user, text(r));
  SSH_TRY(service, text(r));
  SSH_TRY_VOID(r.finish("monitor lookup user request"));
  return LookupUserRequest{std::move(user), std::move(service)};
}
void LookupUserReply::encode(Writer& w) const {
  const auto& s = settings;
  w.boolean(s.valid);
  w.boolean(s.permit_none);
  w.boolean(s.publickey);
  w.boolean(s.password);
  w.boolean(s.keyboard_interactive);
  w.boolean(s.hostbased);
  w.u32(static_cast<std::uint32_t>(s.authentication_methods.size()));
  for (const auto& m : s.authentication_methods) w.string(m);
  w.string(s.pubkey_accepted_algorithms);
  w.string(s.hostbased_accepted_algorithms);
  w.u32(static_cast<std::uint32_t>(s.max_auth_tries));
  w.string(s.banner);
}
Result<LookupUserReply> LookupUserReply::decode(Reader r) {
  LookupUserReply m;
  auto& s = m.settings;
  SSH_TRY(valid, r.boolean());
  SSH_TRY(permit_none, r.boolean());
  SSH_TRY(publickey, r.boolean());
  SSH_TRY(password, r.boolean());
  SSH_TRY(kbdint, r.boolean());
  SSH_TRY(hostbased, r.boolean());
  s.valid = valid;
  s.permit_none = permit_none;
  s.publickey = publickey;
  s.password = password;
  s.keyboard_interactive = kbdint;
  s.hostbased = hostbased;
  SSH_TRY(n, count(r));
  for (std::uint32_t i = 0; i < n; ++i) {
    SSH_TRY(method, text(r));
    s.authentication_methods.push_back(std::move(method));
  }
  SSH_TRY(pk_algs, text(r));
  SSH_TRY(hb_algs, text(r));
  SSH_TRY(tries, r.u32());
  SSH_TRY(banner, text(r));
  SSH_TRY_VOID(r.finish("monitor lookup user reply"));
  if (tries > 1000000) return fail(Errc::kInvalidFormat, "monitor lookup user reply: MaxAuthTries");
  s.pubkey_accepted_algorithms = std::move(pk_algs);
  s.hostbased_accepted_algorithms = std::move(hb_algs);
  s.max_auth_tries = static_cast<int>(tries);
  s.banner = std::move(banner);
  return m;
}

void BeforeMethodRequest::encode(Writer& w) const {
  w.string(user);
  w.string(method);
}
Result<BeforeMethodRequest> BeforeMethodRequest::decode(Reader r) {
  SSH_TRY(user, text(r));
  SSH_TRY(method, text(r));
  SSH_TRY_VOID(r.finish("monitor pre-userauth hook request"));
  return BeforeMethodRequest{std::move(user), std::move(method)};
}

void DecisionReply::encode(Writer& w) const { w.boolean(yes); }
Result<DecisionReply> DecisionReply::decode(Reader r) {
  SSH_TRY(yes, r.boolean());
  SSH_TRY_VOID(r.finish("monitor decision reply"));
  return DecisionReply{yes};
}

void PublickeyAllowedRequest::encode(Writer& w) const {
  w.string(user);
  w.string(key_blob);
}
Result<PublickeyAllowedRequest> PublickeyAllowedRequest::decode(Reader r) {
  SSH_TRY(user, text(r));
  SSH_TRY(key, bytes(r));
  SSH_TRY_VOID(r.finish("monitor publickey allowed request"));
  return PublickeyAllowedRequest{std::move(user), std::move(key)};
}
void KeyAuthorizationReply::encode(Writer& w) const { put_authorization(w, authorization); }
Result<KeyAuthorizationReply> KeyAuthorizationReply::decode(Reader r) {
  SSH_TRY(a, get_authorization(r));
  SSH_TRY_VOID(r.finish("monitor key authorization reply"));
  return KeyAuthorizationReply{std::move(a)};
}

void SignatureCheck::encode(Writer& w) const {
  w.string(user);
  w.string(key_blob);
  w.string(algorithm);
  w.string(signed_data);
  w.string(signature);
}
Result<SignatureCheck> SignatureCheck::decode(Reader r) {
  SignatureCheck m;
  SSH_TRY(user, text(r));
  SSH_TRY(key, bytes(r));
  SSH_TRY(alg, text(r));
  SSH_TRY(data, bytes(r));
  SSH_TRY(sig, bytes(r));
  SSH_TRY_VOID(r.finish("monitor signature check request"));
  m.user = std::move(user);
  m.key_blob = std::move(key);
  m.algorithm = std::move(alg);
  m.signed_data = std::move(data);
  m.signature = std::move(sig);
  return m;
}
Result<PublickeyVerifyRequest> PublickeyVerifyRequest::decode(Reader r) {
  SSH_TRY(check, SignatureCheck::decode(r));
  return PublickeyVerifyRequest{std::move(check)};
}
Result<HostbasedVerifyRequest> HostbasedVerifyRequest::decode(Reader r) {
  SSH_TRY(check, SignatureCheck::decode(r));
  return HostbasedVerifyRequest{std::move(check)};
}

void PasswordRequest::encode(Writer& w) const {
  w.string(user);
  w.string(password.view());
}
Result<PasswordRequest> PasswordRequest::decode(Reader r) {
  SSH_TRY(user, text(r));
  SSH_TRY(password, secret(r));
  SSH_TRY_VOID(r.finish("monitor password request"));
  return PasswordRequest{std::move(user), std::move(password)};
}
void PasswordReply::encode(Writer& w) const { w.u8(static_cast<std::uint8_t>(outcome)); }
Result<PasswordReply> PasswordReply::decode(Reader r) {
  SSH_TRY(v, r.u8());
  SSH_TRY_VOID(r.finish("monitor password reply"));
  if (v > static_cast<std::uint8_t>(sshcore::auth::PasswordOutcome::kChangeRequired))
    return fail(Errc::kInvalidFormat, "monitor password reply: outcome");
  return PasswordReply{static_cast<sshcore::auth::PasswordOutcome>(v)};
}

void KbdintStartRequest::encode(Writer& w) const {
  w.string(user);
  w.string(submethods);
}
Result<KbdintStartRequest> KbdintStartRequest::decode(Reader r) {
  SSH_TRY(user, text(r));
  SSH_TRY(sub, text(r));
  SSH_TRY_VOID(r.finish("monitor keyboard-interactive start request"));
  return KbdintStartRequest{std::move(user), std::move(sub)};
}
void KbdintRespondRequest::encode(Writer& w) const {
  w.string(user);
  w.u32(static_cast<std::uint32_t>(responses.size()));
  for (const auto& s : responses) w.string(s.view());
}
Result<KbdintRespondRequest> KbdintRespondRequest::decode(Reader r) {
  KbdintRespondRequest m;
  SSH_TRY(user, text(r));
  SSH_TRY(n, count(r));
  m.user = std::move(user);
  for (std::uint32_t i = 0; i < n; ++i) {
    SSH_TRY(s, secret(r));
    m.responses.push_back(std::move(s));
  }
  SSH_TRY_VOID(r.finish("monitor keyboard-interactive respond request"));
  return m;
}
void KbdintReply::encode(Writer& w) const {
  w.u8(static_cast<std::uint8_t>(step.kind));
  if (step.kind == sshcore::auth::KbdintStep::Kind::kPrompts) w.string(step.request.encode());
  w.string(step.submethod);  // the device ("pam"): AuthenticationMethods and the log line name it
}
Result<KbdintReply> KbdintReply::decode(Reader r) {
  using Kind = sshcore::auth::KbdintStep::Kind;
  KbdintReply m;
  SSH_TRY(kind, r.u8());
  if (kind > static_cast<std::uint8_t>(Kind::kFailure))
    return fail(Errc::kInvalidFormat, "monitor keyboard-interactive reply: kind");
  m.step.kind = static_cast<Kind>(kind);
  if (m.step.kind == Kind::kPrompts) {
    SSH_TRY(inner, r.nested());
    SSH_TRY(number, inner.u8());
    if (number != sshcore::auth::MsgUserauthInfoRequest::kNumber)
      return fail(Errc::kInvalidFormat, "monitor keyboard-interactive reply: message");
    SSH_TRY(request, sshcore::auth::MsgUserauthInfoRequest::decode(inner));
    m.step.request = std::move(request);
  }
  SSH_TRY(submethod, text(r));
  m.step.submethod = std::move(submethod);
  SSH_TRY_VOID(r.finish("monitor keyboard-interactive reply"));
  return m;
}

void HostbasedAllowedRequest::encode(Writer& w) const {
  w.string(user);
  w.string(client_host);
  w.string(client_user);
  w.string(key_blob);
}
Result<HostbasedAllowedRequest> HostbasedAllowedRequest::decode(Reader r) {
  SSH_TRY(user, text(r));
  SSH_TRY(host, text(r));
  SSH_TRY(cuser, text(r));
  SSH_TRY(key, bytes(r));
  SSH_TRY_VOID(r.finish("monitor hostbased allowed request"));
  return HostbasedAllowedRequest{std::move(user), std::move(host), std::move(cuser), std::move(key)};
}

void RecordAttemptRequest::encode(Writer& w) const {
  w.string(user);
  w.string(method);
  w.string(submethod);
  w.boolean(valid_user);
  w.boolean(success);
  w.boolean(partial);
  w.boolean(key_blob.has_value());
  w.string(key_blob ? ByteView(*key_blob) : ByteView());
}
Result<RecordAttemptRequest> RecordAttemptRequest::decode(Reader r) {
  RecordAttemptRequest m;
  SSH_TRY(user, text(r));
  SSH_TRY(method, text(r));
  SSH_TRY(sub, text(r));
  SSH_TRY(valid, r.boolean());
  SSH_TRY(success, r.boolean());
  SSH_TRY(partial, r.boolean());
  SSH_TRY(has_key, r.boolean());
  SSH_TRY(key, bytes(r));
  SSH_TRY_VOID(r.finish("monitor record attempt request"));
  m.user = std::move(user);
  m.method = std::move(method);
  m.submethod = std::move(sub);
  m.valid_user = valid;
  m.success = success;
  m.partial = partial;
  if (has_key) m.key_blob = std::move(key);
  return m;
}

Result<EmptyReply> EmptyReply::decode(Reader r) {
  SSH_TRY_VOID(r.finish("monitor empty reply"));
  return EmptyReply{};
}

void TransportStateRequest::encode(Writer& w) const {
  w.string(transport_state.view());
  w.string(user);
  put_authorization(w, key_authorization);
}
Result<TransportStateRequest> TransportStateRequest::decode(Reader r) {
  TransportStateRequest m;
  SSH_TRY(state, secret(r));
  SSH_TRY(user, text(r));
  SSH_TRY(auth, get_authorization(r));
  SSH_TRY_VOID(r.finish("monitor transport state request"));
  m.transport_state = std::move(state);
  m.user = std::move(user);
  m.key_authorization = std::move(auth);
  return m;
}

Result<PtyAllocateRequest> PtyAllocateRequest::decode(Reader r) {
  SSH_TRY_VOID(r.finish("monitor pty allocate request"));
  return PtyAllocateRequest{};
}
void PtyAllocateReply::encode(Writer& w) const { w.string(tty_name); }
Result<PtyAllocateReply> PtyAllocateReply::decode(Reader r) {
  SSH_TRY(name, text(r));
  SSH_TRY_VOID(r.finish("monitor pty allocate reply"));
  return PtyAllocateReply{std::move(name)};
}

}  // namespace sshd

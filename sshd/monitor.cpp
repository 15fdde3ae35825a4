#include "monitor.hpp"

#include <pty.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "sshcore/base/log.hpp"
#include "sshcore/keys/public_key.hpp"
#include "sshcore/transport/transport_state.hpp"

namespace sshd {

using sshcore::Bytes;
using sshcore::ByteView;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;
using sshcore::wire::Reader;
namespace auth = sshcore::auth;

namespace {

// OpenSSH's "hostkeys-prove-00@openssh.com" proof (PROTOCOL 2.5): string type,
// string session id, string host key blob.
constexpr std::string_view kHostkeysProve = "hostkeys-prove-00@openssh.com";
// Exchange hashes: SHA-1, SHA-256, SHA-384, SHA-512 (mm_answer_sign).
constexpr std::array<std::size_t, 4> kHashSizes{20, 32, 48, 64};

sshcore::unexpected<sshcore::Error> refuse(std::string detail) {
  return fail(Errc::kInvalidArgument, std::move(detail));
}

// The keyboard-interactive device as AuthMethodLists wants it: none when unnamed,
// the way the pre-auth engine records the same success.
std::optional<std::string_view> device(const auth::KbdintStep& step) {
  if (step.submethod.empty()) return std::nullopt;
  return step.submethod;
}

bool is_hash_size(std::size_t n) { return std::find(kHashSizes.begin(), kHashSizes.end(), n) != kHashSizes.end(); }

}  // namespace

Result<PtyAllocation> open_pty() {
  int master = -1, slave = -1;
  char name[128] = {};
  if (openpty(&master, &slave, name, nullptr, nullptr) != 0)
    return fail(Errc::kSystem, std::string("openpty: ") + std::strerror(errno));
  return PtyAllocation{sshcore::io::Fd(master), sshcore::io::Fd(slave), name};
}

Monitor::Monitor(MonitorChannel& channel, auth::AuthPolicy& policy,
                 std::vector<std::shared_ptr<sshcore::keys::Signer>> host_keys)
    : channel_(channel), policy_(policy), host_keys_(std::move(host_keys)) {}

void Monitor::enter_postauth(PtyAllocator allocate_pty) {
  phase_ = MonitorPhase::kPostauth;
  allocate_pty_ = std::move(allocate_pty);
  retired_.clear();
}

Result<void> Monitor::check_permit(std::uint8_t type) {
  for (const Permit& p : permits_for(phase_)) {
    if (static_cast<std::uint8_t>(p.request) != type) continue;
    if (std::find(retired_.begin(), retired_.end(), p.request) != retired_.end()) break;
    if ((p.flags & kAfterKeyAllowed) != 0 && allowed_keys_.empty()) break;
    if ((p.flags & kAfterHostAllowed) != 0 && allowed_hosts_.empty()) break;
    if ((p.flags & kAfterKbdintStart) != 0 && !kbdint_submethods_) break;
    if ((p.flags & kOnce) != 0) retired_.push_back(p.request);
    return {};
  }
  return refuse("unpermitted request type " + std::to_string(type) + " (" +
                std::string(monitor_request_name(type)) + ")");
}

Result<void> Monitor::serve_one() {
  auto served = serve_request();
  if (!served) channel_.close();  // the child learns at once that the conversation is over
  return served;
}

Result<void> Monitor::serve_request() {
  static constexpr Route kRoutes[] = {
      {MonitorRequest::kSign, &Monitor::on_sign},
      {MonitorRequest::kLookupUser, &Monitor::on_lookup_user},
      {MonitorRequest::kBeforeMethod, &Monitor::on_before_method},
      {MonitorRequest::kPublickeyAllowed, &Monitor::on_publickey_allowed},
      {MonitorRequest::kPublickeyVerify, &Monitor::on_publickey_verify},
      {MonitorRequest::kPassword, &Monitor::on_password},
      {MonitorRequest::kKbdintStart, &Monitor::on_kbdint_start},
      {MonitorRequest::kKbdintRespond, &Monitor::on_kbdint_respond},
      {MonitorRequest::kHostbasedAllowed, &Monitor::on_hostbased_allowed},
      {MonitorRequest::kHostbasedVerify, &Monitor::on_hostbased_verify},
      {MonitorRequest::kRecordAttempt, &Monitor::on_record_attempt},
      {MonitorRequest::kTransportState, &Monitor::on_transport_state},
      {MonitorRequest::kPtyAllocate, &Monitor::on_pty_allocate},
  };
  SSH_TRY(frame, channel_.read_frame());
  if (!frame.fds.empty()) return refuse("descriptors sent to the monitor");
  SSH_TRY_VOID(check_permit(frame.type));
  for (const Route& r : kRoutes)
    if (static_cast<std::uint8_t>(r.request) == frame.type) return (this->*r.handler)(Reader(frame.body.view()));
  return refuse("unhandled request type " + std::to_string(frame.type));
}

Result<PreauthOutcome> Monitor::serve_preauth() {
  while (!outcome_) {
    if (auto r = serve_one(); !r) {
      // mm_request_receive(): a child that ends without logging in (failed
      // authentication, LoginGraceTime, a peer that hung up) is routine, a debug
      // line at most; anything else it sends that the monitor refuses is an error.
      if (channel_.peer_closed())
        sshcore::log::debug3("monitor: pre-auth child closed the channel");
      else if (!failure_logged_)
        sshcore::log::error("monitor: {}", r.error().detail);
      return fail(std::move(r).error());
    }
  }
  PreauthOutcome out = std::move(*outcome_);
  outcome_.reset();
  return out;
}

Result<void> Monitor::check_user(std::string_view user) const {
  if (!user_) return refuse("request before the user was looked up");
  if (*user_ != user) return refuse("request for another user");
  return {};
}

Result<void> Monitor::succeeded(std::string_view method, std::optional<std::string_view> submethod) {
  if (!settings_.valid) return refuse("success for an invalid user");
  if (methods_.record_success(method, submethod)) authenticated_ = true;
  return {};
}

// mm_answer_keyverify(): a signed blob that is not the request the client made
// can only come from a compromised child. OpenSSH logs why and dies (fatal); the
// monitor answers no, logs the same lines and ends the conversation.
Result<void> Monitor::refuse_blob(MonitorRequest request, std::string_view kind, const BlobMismatch& mismatch) {
  if (mismatch.field == BlobField::kUser)
    sshcore::log::info("wrong user name passed to monitor: expected {} != {}", *user_, mismatch.found);
  if (mismatch.field == BlobField::kHostKey)
    sshcore::log::fatal("monitor_valid_userblob: hostbound hostkey does not match");
  else
    sshcore::log::fatal("mm_answer_keyverify: bad {} signature data blob", kind);
  failure_logged_ = true;
  SSH_TRY_VOID(reply(request, DecisionReply{false}));
  return refuse(fmt::format("bad {} signature data blob: {}", kind, blob_field_name(mismatch.field)));
}

// The monitor signs an exchange hash (the first one becomes the session id) or
// a host key proof for this session; never anything else.
Result<void> Monitor::on_sign(Reader body) {
  SSH_TRY(req, SignRequest::decode(body));
  std::shared_ptr<sshcore::keys::Signer> signer;
  for (const auto& k : host_keys_)
    if (k->public_key().blob() == req.host_key_blob) signer = k;
  if (!signer) return refuse("sign request for a key that is not a host key");
  if (is_hash_size(req.data.size())) {
    if (session_id_.empty()) session_id_ = req.data;
  } else {
    if (session_id_.empty()) return refuse("first sign request is not an exchange hash");
    Reader proof(req.data);
    SSH_TRY(type, proof.cstring());
    SSH_TRY(sid, proof.string());
    SSH_TRY(key, proof.string());
    SSH_TRY_VOID(proof.finish("hostkeys-prove"));
    if (type != kHostkeysProve || !sshcore::constant_time_equal(sid, session_id_) ||
        sshcore::to_bytes(key) != req.host_key_blob)
      return refuse("sign request is neither an exchange hash nor a host key proof for this session");
  }
  SSH_TRY(signature, signer->sign(req.data, req.algorithm));
  return reply(MonitorRequest::kSign, SignReply{std::move(signature)});
}

Result<void> Monitor::on_lookup_user(Reader body) {
  SSH_TRY(req, LookupUserRequest::decode(body));
  if (user_ && *user_ != req.user) return refuse("change of user during authentication");
  if (!user_) {
    user_ = req.user;
    settings_ = policy_.lookup_user(req.user, req.service);
    methods_ = auth::AuthMethodLists(settings_.authentication_methods);
  }
  return reply(MonitorRequest::kLookupUser, LookupUserReply{settings_});
}

Result<void> Monitor::on_before_method(Reader body) {
  SSH_TRY(req, BeforeMethodRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  return reply(MonitorRequest::kBeforeMethod, DecisionReply{policy_.before_method(req.user, req.method)});
}

Result<void> Monitor::on_publickey_allowed(Reader body) {
  SSH_TRY(req, PublickeyAllowedRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  SSH_TRY(key, sshcore::keys::PublicKey::from_blob(req.key_blob));
  auth::KeyAuthorization a = policy_.publickey_allowed(req.user, key);
  if (a.allowed) allowed_keys_.push_back(AllowedKey{req.key_blob, a});
  return reply(MonitorRequest::kPublickeyAllowed, KeyAuthorizationReply{std::move(a)});
}

Result<void> Monitor::on_publickey_verify(Reader body) {
  SSH_TRY(req, PublickeyVerifyRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  auto allowed = std::find_if(allowed_keys_.begin(), allowed_keys_.end(),
                              [&](const AllowedKey& k) { return k.blob == req.key_blob; });
  if (allowed == allowed_keys_.end()) return refuse("publickey verify for a key not allowed");
  // The signed data must be exactly the request a client signs for this session,
  // user and key (monitor_valid_userblob), so no signature is reused for another.
  std::vector<ByteView> host_key_blobs;
  for (const auto& k : host_keys_) host_key_blobs.push_back(k->public_key().blob());
  PublickeyBlobExpectation expect{session_id_, *user_, req.algorithm, req.key_blob, host_key_blobs};
  if (auto mismatch = check_publickey_blob(req.signed_data, expect))
    return refuse_blob(MonitorRequest::kPublickeyVerify, "userkey", *mismatch);
  SSH_TRY(key, sshcore::keys::PublicKey::from_blob(req.key_blob));
  bool ok = policy_.publickey_verify(req.user, key, req.algorithm, req.signed_data, req.signature);
  if (ok) {
    verified_key_ = allowed->authorization;
    SSH_TRY_VOID(succeeded("publickey"));
  }
  return reply(MonitorRequest::kPublickeyVerify, DecisionReply{ok});
}

Result<void> Monitor::on_password(Reader body) {
  SSH_TRY(req, PasswordRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  auth::PasswordOutcome outcome = policy_.password(req.user, req.password);
  if (outcome == auth::PasswordOutcome::kAccepted) SSH_TRY_VOID(succeeded("password"));
  return reply(MonitorRequest::kPassword, PasswordReply{outcome});
}

Result<void> Monitor::on_kbdint_start(Reader body) {
  SSH_TRY(req, KbdintStartRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  auth::KbdintStep step = policy_.kbdint_start(req.user, req.submethods);
  kbdint_submethods_.reset();
  if (step.kind == auth::KbdintStep::Kind::kPrompts) kbdint_submethods_ = req.submethods;
  if (step.kind == auth::KbdintStep::Kind::kSuccess) SSH_TRY_VOID(succeeded("keyboard-interactive", device(step)));
  return reply(MonitorRequest::kKbdintStart, KbdintReply{std::move(step)});
}

Result<void> Monitor::on_kbdint_respond(Reader body) {
  SSH_TRY(req, KbdintRespondRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  auth::KbdintStep step = policy_.kbdint_respond(req.user, req.responses);
  if (step.kind != auth::KbdintStep::Kind::kPrompts) kbdint_submethods_.reset();
  if (step.kind == auth::KbdintStep::Kind::kSuccess) SSH_TRY_VOID(succeeded("keyboard-interactive", device(step)));
  return reply(MonitorRequest::kKbdintRespond, KbdintReply{std::move(step)});
}

Result<void> Monitor::on_hostbased_allowed(Reader body) {
  SSH_TRY(req, HostbasedAllowedRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  SSH_TRY(key, sshcore::keys::PublicKey::from_blob(req.key_blob));
  bool ok = policy_.hostbased_allowed(req.user, req.client_host, req.client_user, key);
  if (ok) allowed_hosts_.push_back(AllowedHost{req.key_blob, req.client_host, req.client_user});
  return reply(MonitorRequest::kHostbasedAllowed, DecisionReply{ok});
}

Result<void> Monitor::on_hostbased_verify(Reader body) {
  SSH_TRY(req, HostbasedVerifyRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  // The latest HostbasedAllowed for this key names the client host and user the
  // blob must carry (OpenSSH keeps hostbased_chost/cuser the same way).
  auto allowed = std::find_if(allowed_hosts_.rbegin(), allowed_hosts_.rend(),
                              [&](const AllowedHost& h) { return h.blob == req.key_blob; });
  if (allowed == allowed_hosts_.rend()) return refuse("hostbased verify for a key not allowed");
  HostbasedBlobExpectation expect{session_id_, *user_, req.algorithm, req.key_blob, allowed->client_host,
                                  allowed->client_user};
  if (auto mismatch = check_hostbased_blob(req.signed_data, expect))
    return refuse_blob(MonitorRequest::kHostbasedVerify, "hostkey", *mismatch);
  SSH_TRY(key, sshcore::keys::PublicKey::from_blob(req.key_blob));
  bool ok = policy_.hostbased_verify(req.user, key, req.algorithm, req.signed_data, req.signature);
  if (ok) SSH_TRY_VOID(succeeded("hostbased"));
  return reply(MonitorRequest::kHostbasedVerify, DecisionReply{ok});
}

Result<void> Monitor::on_record_attempt(Reader body) {
  SSH_TRY(req, RecordAttemptRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  std::optional<sshcore::keys::PublicKey> key;
  if (req.key_blob) {
    SSH_TRY(k, sshcore::keys::PublicKey::from_blob(*req.key_blob));
    key = std::move(k);
  }
  // "none" succeeds without a question to the monitor: only where the policy
  // said an empty authentication is enough.
  if (req.method == "none" && req.success && settings_.permit_none) SSH_TRY_VOID(succeeded("none"));
  auth::AuthPolicy::AttemptRecord record{req.user,       req.method,  req.submethod, req.valid_user,
                                         req.success,    req.partial, key ? &*key : nullptr};
  policy_.record_attempt(record);
  return reply(MonitorRequest::kRecordAttempt, EmptyReply{});
}

Result<void> Monitor::on_transport_state(Reader body) {
  SSH_TRY(req, TransportStateRequest::decode(body));
  SSH_TRY_VOID(check_user(req.user));
  if (!authenticated_) return refuse("transport state from a child that did not authenticate");
  if (req.key_authorization.allowed &&
      (!verified_key_ || verified_key_->options_text != req.key_authorization.options_text))
    return refuse("transport state claims a key the monitor did not verify");
  SSH_TRY(state_session_id, sshcore::transport::transport_state_session_id(req.transport_state.view()));
  if (session_id_.empty() || !sshcore::constant_time_equal(state_session_id, session_id_))
    return refuse("transport state of another session");
  PreauthOutcome out;
  out.transport_state = std::move(req.transport_state);
  out.user = *user_;
  if (verified_key_) out.key_authorization = *verified_key_;
  out.session_id = session_id_;
  SSH_TRY_VOID(reply(MonitorRequest::kTransportState, EmptyReply{}));
  outcome_ = std::move(out);
  return {};
}

Result<void> Monitor::on_pty_allocate(Reader body) {
  SSH_TRY(req, PtyAllocateRequest::decode(body));
  (void)req;
  if (!allocate_pty_) return refuse("no pty allocator");
  SSH_TRY(pty, allocate_pty_());
  const int fds[] = {pty.master.get(), pty.slave.get()};
  return reply(MonitorRequest::kPtyAllocate, PtyAllocateReply{pty.tty_name}, fds);  // ours close after sending
}

}  // namespace sshd

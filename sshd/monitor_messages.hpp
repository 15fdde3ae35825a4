// The privilege-separation protocol between the monitor (root) and its children
// (DESIGN.md section 6, EXAMPLES.md D): one struct per request and per reply,
// one encode/decode shared by both processes, and a permission table per phase.
//
// A frame is u32 length || u8 type || body (monitor_channel.hpp). A request's
// type is its MonitorRequest; the reply to it carries the same type with
// kReplyFlag set. Nothing else travels: a monitor that cannot answer (refused,
// malformed, not permitted now) ends the conversation, and the child dies.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshd {

enum class MonitorRequest : std::uint8_t {
  kSign = 1,
  kLookupUser,
  kBeforeMethod,       // PreUserauthHook
  kPublickeyAllowed,
  kPublickeyVerify,
  kPassword,
  kKbdintStart,
  kKbdintRespond,
  kHostbasedAllowed,
  kHostbasedVerify,
  kRecordAttempt,
  kTransportState,     // the pre-auth child's last word
  kPtyAllocate,        // post-auth: the reply carries the pty's fds
};
inline constexpr std::uint8_t kReplyFlag = 0x80;
inline constexpr std::uint8_t reply_type(MonitorRequest r) { return static_cast<std::uint8_t>(r) | kReplyFlag; }
// The name a log line or error uses for a request type ("unknown" for others).
std::string_view monitor_request_name(std::uint8_t type);

// ---- requests and replies --------------------------------------------------

struct SignRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kSign;
  sshcore::Bytes host_key_blob;
  sshcore::Bytes data;
  std::string algorithm;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<SignRequest> decode(sshcore::wire::Reader r);
};
struct SignReply {
  sshcore::Bytes signature;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<SignReply> decode(sshcore::wire::Reader r);
};

struct LookupUserRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kLookupUser;
  std::string user, service;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<LookupUserRequest> decode(sshcore::wire::Reader r);
};
struct LookupUserReply {
  sshcore::auth::UserAuthSettings settings;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<LookupUserReply> decode(sshcore::wire::Reader r);
};

struct BeforeMethodRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kBeforeMethod;
  std::string user, method;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<BeforeMethodRequest> decode(sshcore::wire::Reader r);
};

// The answer of every yes/no question (BeforeMethod, *Verify, HostbasedAllowed).
struct DecisionReply {
  bool yes = false;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<DecisionReply> decode(sshcore::wire::Reader r);
};

struct PublickeyAllowedRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kPublickeyAllowed;
  std::string user;
  sshcore::Bytes key_blob;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<PublickeyAllowedRequest> decode(sshcore::wire::Reader r);
};
struct KeyAuthorizationReply {
  sshcore::auth::KeyAuthorization authorization;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<KeyAuthorizationReply> decode(sshcore::wire::Reader r);
};

// The shape of both signature checks (publickey and hostbased).
struct SignatureCheck {
  std::string user;
  sshcore::Bytes key_blob;
  std::string algorithm;
  sshcore::Bytes signed_data, signature;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<SignatureCheck> decode(sshcore::wire::Reader r);
};
struct PublickeyVerifyRequest : SignatureCheck {
  static constexpr MonitorRequest kType = MonitorRequest::kPublickeyVerify;
  static sshcore::Result<PublickeyVerifyRequest> decode(sshcore::wire::Reader r);
};
struct HostbasedVerifyRequest : SignatureCheck {
  static constexpr MonitorRequest kType = MonitorRequest::kHostbasedVerify;
  static sshcore::Result<HostbasedVerifyRequest> decode(sshcore::wire::Reader r);
};

struct PasswordRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kPassword;
  std::string user;
  sshcore::SecretBytes password;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<PasswordRequest> decode(sshcore::wire::Reader r);
};
struct PasswordReply {
  sshcore::auth::PasswordOutcome outcome = sshcore::auth::PasswordOutcome::kRejected;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<PasswordReply> decode(sshcore::wire::Reader r);
};

struct KbdintStartRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kKbdintStart;
  std::string user, submethods;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<KbdintStartRequest> decode(sshcore::wire::Reader r);
};
struct KbdintRespondRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kKbdintRespond;
  std::string user;
  std::vector<sshcore::SecretBytes> responses;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<KbdintRespondRequest> decode(sshcore::wire::Reader r);
};
struct KbdintReply {
  sshcore::auth::KbdintStep step;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<KbdintReply> decode(sshcore::wire::Reader r);
};

struct HostbasedAllowedRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kHostbasedAllowed;
  std::string user, client_host, client_user;
  sshcore::Bytes key_blob;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<HostbasedAllowedRequest> decode(sshcore::wire::Reader r);
};

struct RecordAttemptRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kRecordAttempt;
  std::string user, method, submethod;
  bool valid_user = false, success = false, partial = false;
  std::optional<sshcore::Bytes> key_blob;
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<RecordAttemptRequest> decode(sshcore::wire::Reader r);
};

// The acknowledgement of requests that return nothing.
struct EmptyReply {
  void encode(sshcore::wire::Writer&) const {}
  static sshcore::Result<EmptyReply> decode(sshcore::wire::Reader r);
};

// End of pre-auth: the exported transport (transport_state.hpp), and what the
// child claims was authenticated; the monitor checks the claim against what it
// answered itself.
struct TransportStateRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kTransportState;
  sshcore::SecretBytes transport_state;
  std::string user;
  sshcore::auth::KeyAuthorization key_authorization;  // allowed == false: no key was used
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<TransportStateRequest> decode(sshcore::wire::Reader r);
};

struct PtyAllocateRequest {
  static constexpr MonitorRequest kType = MonitorRequest::kPtyAllocate;
  void encode(sshcore::wire::Writer&) const {}
  static sshcore::Result<PtyAllocateRequest> decode(sshcore::wire::Reader r);
};
// The master and slave fds travel beside the frame (SCM_RIGHTS), in that order.
struct PtyAllocateReply {
  std::string tty_name;  // "/dev/pts/N"
  void encode(sshcore::wire::Writer& w) const;
  static sshcore::Result<PtyAllocateReply> decode(sshcore::wire::Reader r);
};

// ---- permission tables -----------------------------------------------------

enum class MonitorPhase : std::uint8_t { kPreauth, kPostauth };
enum PermitFlag : std::uint8_t {
  kOnce = 1,               // retired after its first use
  kAfterKeyAllowed = 2,    // only for a key the monitor itself allowed
  kAfterHostAllowed = 4,   // the same for hostbased
  kAfterKbdintStart = 8,   // only inside a keyboard-interactive exchange
  kEndsPhase = 16,         // the last request of its phase
};
struct Permit {
  MonitorRequest request;
  std::uint8_t flags;
};
inline constexpr Permit kPreauthPermits[] = {
    {MonitorRequest::kSign, 0},
    {MonitorRequest::kLookupUser, 0},
    {MonitorRequest::kBeforeMethod, 0},
    {MonitorRequest::kPublickeyAllowed, 0},
    {MonitorRequest::kPublickeyVerify, kAfterKeyAllowed},
    {MonitorRequest::kPassword, 0},
    {MonitorRequest::kKbdintStart, 0},
    {MonitorRequest::kKbdintRespond, kAfterKbdintStart},
    {MonitorRequest::kHostbasedAllowed, 0},
    {MonitorRequest::kHostbasedVerify, kAfterHostAllowed},
    {MonitorRequest::kRecordAttempt, 0},
    {MonitorRequest::kTransportState, kOnce | kEndsPhase},
};
// The user child may only re-sign exchange hashes (re-keying) and ask for ptys.
inline constexpr Permit kPostauthPermits[] = {
    {MonitorRequest::kSign, 0},
    {MonitorRequest::kPtyAllocate, 0},
};
std::span<const Permit> permits_for(MonitorPhase phase);

// Bounds of one frame's body: the transport state dominates (two queues).
inline constexpr std::size_t kMaxMonitorMessage = 2 * 1024 * 1024;

}  // namespace sshd

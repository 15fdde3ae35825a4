// The connection protocol's messages (RFC 4254, OpenSSH PROTOCOL section 2) and
// the type-specific bodies of channel opens, channel requests and global requests.
//
// Each Msg* struct encodes to a payload starting with its message number; decode
// takes a Reader positioned after the number and refuses trailing bytes. The
// three extensible messages (GLOBAL_REQUEST, CHANNEL_OPEN, CHANNEL_REQUEST) keep
// their type-specific tail as raw bytes, so unknown types pass through and can be
// refused politely; typed bodies (below) read and write that tail.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/error.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/wire/reader.hpp"

namespace sshcore::connection {

namespace msg {
inline constexpr std::uint8_t kGlobalRequest = 80;
inline constexpr std::uint8_t kRequestSuccess = 81;
inline constexpr std::uint8_t kRequestFailure = 82;
inline constexpr std::uint8_t kChannelOpen = 90;
inline constexpr std::uint8_t kChannelOpenConfirmation = 91;
inline constexpr std::uint8_t kChannelOpenFailure = 92;
inline constexpr std::uint8_t kChannelWindowAdjust = 93;
inline constexpr std::uint8_t kChannelData = 94;
inline constexpr std::uint8_t kChannelExtendedData = 95;
inline constexpr std::uint8_t kChannelEof = 96;
inline constexpr std::uint8_t kChannelClose = 97;
inline constexpr std::uint8_t kChannelRequest = 98;
inline constexpr std::uint8_t kChannelSuccess = 99;
inline constexpr std::uint8_t kChannelFailure = 100;
inline constexpr std::uint8_t kFirst = 80, kLast = 127;  // RFC 4250 section 4.1.2
}  // namespace msg

// ---------------------------------------------------------------- messages

struct MsgGlobalRequest {
  static constexpr std::uint8_t kNumber = msg::kGlobalRequest;
  std::string name;
  bool want_reply = false;
  Bytes data;  // request-specific tail
  Bytes encode() const;
  static Result<MsgGlobalRequest> decode(wire::Reader r);
  template <class Body>
  static MsgGlobalRequest make(const Body& body, bool reply) {
    return {std::string(Body::kType), reply, body.encode()};
  }
  // The typed body; fails with kInvalidArgument when `name` is another request.
  template <class Body>
  Result<Body> body() const {
    if (name != Body::kType) return fail(Errc::kInvalidArgument, "global request is " + name);
    return Body::decode(data);
  }
};

struct MsgRequestSuccess {
  static constexpr std::uint8_t kNumber = msg::kRequestSuccess;
  Bytes data;  // request-specific (e.g. the bound port of tcpip-forward with port 0)
  Bytes encode() const;
  static Result<MsgRequestSuccess> decode(wire::Reader r);
};

struct MsgRequestFailure {
  static constexpr std::uint8_t kNumber = msg::kRequestFailure;
  Bytes encode() const;
  static Result<MsgRequestFailure> decode(wire::Reader r);
};

struct MsgChannelOpen {
  static constexpr std::uint8_t kNumber = msg::kChannelOpen;
  std::string type;
  std::uint32_t sender_channel = 0;
  std::uint32_t initial_window = 0;
  std::uint32_t max_packet = 0;
  Bytes data;  // channel-type-specific tail
  Bytes encode() const;
  static Result<MsgChannelOpen> decode(wire::Reader r);
  template <class Body>
  static MsgChannelOpen make(const Body& body, std::uint32_t sender, std::uint32_t window,
                             std::uint32_t packet) {
    return {std::string(Body::kType), sender, window, packet, body.encode()};
  }
  template <class Body>
  Result<Body> body() const {
    if (type != Body::kType) return fail(Errc::kInvalidArgument, "channel type is " + type);
    return Body::decode(data);
  }
};

struct MsgChannelOpenConfirmation {
  static constexpr std::uint8_t kNumber = msg::kChannelOpenConfirmation;
  std::uint32_t recipient_channel = 0;
  std::uint32_t sender_channel = 0;
  std::uint32_t initial_window = 0;
  std::uint32_t max_packet = 0;
  Bytes data;  // channel-type-specific tail (none of the defined types has one)
  Bytes encode() const;
  static Result<MsgChannelOpenConfirmation> decode(wire::Reader r);
};

// RFC 4254 section 5.1.
enum class OpenFailureReason : std::uint32_t {
  kAdministrativelyProhibited = 1,
  kConnectFailed = 2,
  kUnknownChannelType = 3,
  kResourceShortage = 4,
};
// "SSH_OPEN_CONNECT_FAILED", or "" for a code outside the RFC's table.
std::string_view open_failure_reason_name(std::uint32_t reason);
// OpenSSH's wording in its logs ("connect failed"), "unknown reason" otherwise.
std::string_view open_failure_reason_text(std::uint32_t reason);

struct MsgChannelOpenFailure {
  static constexpr std::uint8_t kNumber = msg::kChannelOpenFailure;
  std::uint32_t recipient_channel = 0;
  std::uint32_t reason = 0;  // kept as a number: peers send codes beyond the RFC's four
  std::string description;
  std::string language;
  Bytes encode() const;
  static Result<MsgChannelOpenFailure> decode(wire::Reader r);
};

struct MsgChannelWindowAdjust {
  static constexpr std::uint8_t kNumber = msg::kChannelWindowAdjust;
  std::uint32_t recipient_channel = 0;
  std::uint32_t bytes_to_add = 0;
  Bytes encode() const;
  static Result<MsgChannelWindowAdjust> decode(wire::Reader r);
};

// The bulk path: decode returns a view into the payload (valid while the payload
// is), and encode_into lets a sender build the payload in its own buffer.
struct MsgChannelData {
  static constexpr std::uint8_t kNumber = msg::kChannelData;
  static constexpr std::size_t kHeaderSize = 1 + 4 + 4;  // number, channel, length
  std::uint32_t recipient_channel = 0;
  ByteView data;
  Bytes encode() const;
  void encode_into(Bytes& out) const;  // appends the payload
  // The payload without its data bytes: a two-part sink sends it ahead of `data`.
  std::array<std::uint8_t, kHeaderSize> header() const;
  static Result<MsgChannelData> decode(wire::Reader r);
};

inline constexpr std::uint32_t kExtendedDataStderr = 1;  // SSH_EXTENDED_DATA_STDERR

struct MsgChannelExtendedData {
  static constexpr std::uint8_t kNumber = msg::kChannelExtendedData;
  static constexpr std::size_t kHeaderSize = 1 + 4 + 4 + 4;
  std::uint32_t recipient_channel = 0;
  std::uint32_t data_type = kExtendedDataStderr;
  ByteView data;  // a view, as in MsgChannelData
  Bytes encode() const;
  void encode_into(Bytes& out) const;
  std::array<std::uint8_t, kHeaderSize> header() const;
  static Result<MsgChannelExtendedData> decode(wire::Reader r);
};

struct MsgChannelEof {
  static constexpr std::uint8_t kNumber = msg::kChannelEof;
  std::uint32_t recipient_channel = 0;
  Bytes encode() const;
  static Result<MsgChannelEof> decode(wire::Reader r);
};

struct MsgChannelClose {
  static constexpr std::uint8_t kNumber = msg::kChannelClose;
  std::uint32_t recipient_channel = 0;
  Bytes encode() const;
  static Result<MsgChannelClose> decode(wire::Reader r);
};

struct MsgChannelRequest {
  static constexpr std::uint8_t kNumber = msg::kChannelRequest;
  std::uint32_t recipient_channel = 0;
  std::string type;
  bool want_reply = false;
  Bytes data;  // request-type-specific tail
  Bytes encode() const;
  static Result<MsgChannelRequest> decode(wire::Reader r);
  template <class Body>
  static MsgChannelRequest make(std::uint32_t recipient, const Body& body, bool reply) {
    return {recipient, std::string(Body::kType), reply, body.encode()};
  }
  template <class Body>
  Result<Body> body() const {
    if (type != Body::kType) return fail(Errc::kInvalidArgument, "channel request is " + type);
    return Body::decode(data);
  }
};

struct MsgChannelSuccess {
  static constexpr std::uint8_t kNumber = msg::kChannelSuccess;
  std::uint32_t recipient_channel = 0;
  Bytes encode() const;
  static Result<MsgChannelSuccess> decode(wire::Reader r);
};

struct MsgChannelFailure {
  static constexpr std::uint8_t kNumber = msg::kChannelFailure;
  std::uint32_t recipient_channel = 0;
  Bytes encode() const;
  static Result<MsgChannelFailure> decode(wire::Reader r);
};

// ---------------------------------------------------------------- typed bodies
// Each body has kType (its name on the wire), encode() giving the tail and
// decode(tail) refusing trailing bytes.

// Channel opens (RFC 4254 sections 6.1, 6.3.2, 7.2; OpenSSH PROTOCOL 2.4).
struct SessionOpen {
  static constexpr std::string_view kType = "session";
  Bytes encode() const;
  static Result<SessionOpen> decode(ByteView tail);
};
struct DirectTcpipOpen {
  static constexpr std::string_view kType = "direct-tcpip";
  std::string host;  // where to connect
  std::uint32_t port = 0;
  std::string originator_address;
  std::uint32_t originator_port = 0;
  Bytes encode() const;
  static Result<DirectTcpipOpen> decode(ByteView tail);
};
struct ForwardedTcpipOpen {
  static constexpr std::string_view kType = "forwarded-tcpip";
  std::string connected_address;  // the address that was forwarded
  std::uint32_t connected_port = 0;
  std::string originator_address;
  std::uint32_t originator_port = 0;
  Bytes encode() const;
  static Result<ForwardedTcpipOpen> decode(ByteView tail);
};
struct X11Open {
  static constexpr std::string_view kType = "x11";
  std::string originator_address;
  std::uint32_t originator_port = 0;
  Bytes encode() const;
  static Result<X11Open> decode(ByteView tail);
};
struct DirectStreamlocalOpen {
  static constexpr std::string_view kType = "direct-streamlocal@openssh.com";
  std::string socket_path;
  std::string reserved;  // sent empty, ignored
  std::uint32_t reserved_number = 0;
  Bytes encode() const;
  static Result<DirectStreamlocalOpen> decode(ByteView tail);
};
struct ForwardedStreamlocalOpen {
  static constexpr std::string_view kType = "forwarded-streamlocal@openssh.com";
  std::string socket_path;
  std::string reserved;
  Bytes encode() const;
  static Result<ForwardedStreamlocalOpen> decode(ByteView tail);
};

// Channel requests (RFC 4254 section 6, RFC 4335, OpenSSH PROTOCOL 2.1, 2.6).
struct PtyRequest {
  static constexpr std::string_view kType = "pty-req";
  std::string term;  // TERM, e.g. "xterm-256color"
  std::uint32_t cols = 0, rows = 0, width_px = 0, height_px = 0;
  Bytes modes;  // encoded terminal modes (terminal_modes.hpp)
  Bytes encode() const;
  static Result<PtyRequest> decode(ByteView tail);
};
struct X11Request {
  static constexpr std::string_view kType = "x11-req";
  bool single_connection = false;
  std::string auth_protocol;  // "MIT-MAGIC-COOKIE-1"
  std::string auth_cookie;    // hex
  std::uint32_t screen = 0;
  Bytes encode() const;
  static Result<X11Request> decode(ByteView tail);
};
struct EnvRequest {
  static constexpr std::string_view kType = "env";
  std::string name, value;
  Bytes encode() const;
  static Result<EnvRequest> decode(ByteView tail);
};
struct ShellRequest {
  static constexpr std::string_view kType = "shell";
  Bytes encode() const;
  static Result<ShellRequest> decode(ByteView tail);
};
struct ExecRequest {
  static constexpr std::string_view kType = "exec";
  std::string command;  // arbitrary bytes
  Bytes encode() const;
  static Result<ExecRequest> decode(ByteView tail);
};
struct SubsystemRequest {
  static constexpr std::string_view kType = "subsystem";
  std::string name;
  Bytes encode() const;
  static Result<SubsystemRequest> decode(ByteView tail);
};
struct WindowChangeRequest {
  static constexpr std::string_view kType = "window-change";
  std::uint32_t cols = 0, rows = 0, width_px = 0, height_px = 0;
  Bytes encode() const;
  static Result<WindowChangeRequest> decode(ByteView tail);
};
struct XonXoffRequest {
  static constexpr std::string_view kType = "xon-xoff";
  bool client_can_do = false;
  Bytes encode() const;
  static Result<XonXoffRequest> decode(ByteView tail);
};
struct SignalRequest {
  static constexpr std::string_view kType = "signal";
  std::string signal_name;  // without "SIG": "TERM", "INFO"
  Bytes encode() const;
  static Result<SignalRequest> decode(ByteView tail);
};
struct ExitStatusRequest {
  static constexpr std::string_view kType = "exit-status";
  std::uint32_t exit_status = 0;
  Bytes encode() const;
  static Result<ExitStatusRequest> decode(ByteView tail);
};
struct ExitSignalRequest {
  static constexpr std::string_view kType = "exit-signal";
  std::string signal_name;  // without "SIG"
  bool core_dumped = false;
  std::string error_message;
  std::string language;
  Bytes encode() const;
  static Result<ExitSignalRequest> decode(ByteView tail);
};
struct BreakRequest {
  static constexpr std::string_view kType = "break";
  std::uint32_t length_ms = 0;
  Bytes encode() const;
  static Result<BreakRequest> decode(ByteView tail);
};
struct EowRequest {
  static constexpr std::string_view kType = "eow@openssh.com";
  Bytes encode() const;
  static Result<EowRequest> decode(ByteView tail);
};
// Both a channel request and a global request by this name exist; neither has a body.
struct KeepaliveRequest {
  static constexpr std::string_view kType = "keepalive@openssh.com";
  Bytes encode() const;
  static Result<KeepaliveRequest> decode(ByteView tail);
};

// Global requests (RFC 4254 section 7, OpenSSH PROTOCOL 2.2, 2.4, 2.5).
struct TcpipForwardRequest {
  static constexpr std::string_view kType = "tcpip-forward";
  std::string bind_address;
  std::uint32_t bind_port = 0;
  Bytes encode() const;
  static Result<TcpipForwardRequest> decode(ByteView tail);
};
// The REQUEST_SUCCESS body answering a tcpip-forward with port 0.
struct TcpipForwardReply {
  std::uint32_t bound_port = 0;
  Bytes encode() const;
  static Result<TcpipForwardReply> decode(ByteView data);
};
struct CancelTcpipForwardRequest {
  static constexpr std::string_view kType = "cancel-tcpip-forward";
  std::string bind_address;
  std::uint32_t bind_port = 0;
  Bytes encode() const;
  static Result<CancelTcpipForwardRequest> decode(ByteView tail);
};
struct StreamlocalForwardRequest {
  static constexpr std::string_view kType = "streamlocal-forward@openssh.com";
  std::string socket_path;
  Bytes encode() const;
  static Result<StreamlocalForwardRequest> decode(ByteView tail);
};
struct CancelStreamlocalForwardRequest {
  static constexpr std::string_view kType = "cancel-streamlocal-forward@openssh.com";
  std::string socket_path;
  Bytes encode() const;
  static Result<CancelStreamlocalForwardRequest> decode(ByteView tail);
};
struct NoMoreSessionsRequest {
  static constexpr std::string_view kType = "no-more-sessions@openssh.com";
  Bytes encode() const;
  static Result<NoMoreSessionsRequest> decode(ByteView tail);
};
// The server's host keys after authentication: one string per public key blob,
// until the end of the message.
struct HostkeysRequest {
  static constexpr std::string_view kType = "hostkeys-00@openssh.com";
  std::vector<Bytes> blobs;
  Bytes encode() const;
  static Result<HostkeysRequest> decode(ByteView tail);
};
// The client asks the server to prove it holds these keys (same layout).
struct HostkeysProveRequest {
  static constexpr std::string_view kType = "hostkeys-prove-00@openssh.com";
  std::vector<Bytes> blobs;
  Bytes encode() const;
  static Result<HostkeysProveRequest> decode(ByteView tail);
};

}  // namespace sshcore::connection

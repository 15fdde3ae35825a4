// The connection protocol (RFC 4254, OpenSSH PROTOCOL section 2) as one sans-I/O
// engine for both roles (DESIGN.md section 2):
//
//   ConnectionConfig config;   // (not designated initializers: -Wmissing-field-initializers)
//   config.kex_in_progress = [&] { return transport.kex_in_progress(); };
//   ConnectionSession conn(Role::kServer, [&](ByteView m) { return transport.send(m); }, config);
//   // for each transport kMessage with number 80..127:
//   SSH_TRY_VOID(conn.handle(ev.message));
//   while (auto e = conn.next_event()) { ... }   // drain before the next handle()
//
// Outgoing messages go straight to the sink (the transport), one message per call.
// An error from handle() ends the connection: it carries DisconnectReason
// kProtocolError and OpenSSH's wording; the driver disconnects with it. Once an
// error was returned, every later handle() returns it again.
//
// Data: a kData/kExtendedData event's `data` is a view into the payload given to
// handle() (zero copy): valid until that payload changes, i.e. until the driver's
// next transport call. The driver writes it out and calls consume(channel, n) as the
// bytes leave its buffers; that drives window adjusts (window_policy.hpp).
//
// Sending: send_data() never queues. It writes as many DATA packets as the peer's
// window allows (split at the peer's max packet, at most kMaxDataChunk each) and
// returns how many bytes it took; the caller keeps the rest and retries after a
// kWindowAvailable event for that channel. While the transport is in a key exchange
// (config.kex_in_progress) it takes nothing (the transport would only buffer it),
// and on_kex_complete() emits kWindowAvailable for channels refused meanwhile.
// Control messages (requests, EOF, CLOSE, adjusts) are never refused.
//
// Handled inside (never shown to the driver), as OpenSSH does:
//   - global keepalive@openssh.com and channel keepalive@openssh.com: REQUEST_FAILURE /
//     CHANNEL_FAILURE when a reply is wanted (any reply proves liveness);
//   - server: no-more-sessions@openssh.com (success if a reply is wanted); a later
//     "session" open ends the connection ("Possible attack: attempt to open a session
//     after additional sessions disabled", sshd's serverloop.c);
//   - opens beyond config.max_channels: OPEN_FAILURE resource shortage;
//   - a peer's CLOSE is answered with our CLOSE at once (RFC 4254 5.3), the channel
//     is freed and kClose is emitted;
//   - malformed bodies of known channel request types end the connection, so the
//     driver's request.body<PtyRequest>() etc. always succeed for known types.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/connection/channel.hpp"
#include "sshcore/connection/connection_messages.hpp"
#include "sshcore/connection/window_policy.hpp"
#include "sshcore/transport/version_exchange.hpp"

namespace sshcore::connection {

using transport::Role;

struct ConnectionConfig {
  std::size_t max_channels = 1024;  // open + opening + awaiting accept; more: resource shortage
  WindowConfig window;              // default for every channel (per-channel override below)
  std::function<bool()> kex_in_progress;           // empty: never
  std::function<Clock::time_point()> now;          // empty: steady_clock (tests inject)
};

enum class ConnectionEventKind : std::uint8_t {
  kChannelOpenRequest,  // peer opened `channel` (open: type + body<T>()); accept_open / reject_open
  kOpenConfirmed,       // our open of `channel` succeeded
  kOpenFailed,          // our open failed (failure_reason, description); `channel` is freed
  kChannelRequest,      // request (type, want_reply, body<T>()); if want_reply: reply_success/failure
  kChannelReply,        // answer to our want_reply channel request (success), in order
  kData,                // data on `channel` (view, see above)
  kExtendedData,        // data_type (1 = stderr) and data
  kEof,                 // peer sent EOF on `channel`
  kClose,               // CLOSE went both ways: `channel` is freed (its id may be reused)
  kGlobalRequest,       // global (name, want_reply, body<T>()); if want_reply: reply_global
  kGlobalReply,         // answer to our want_reply global request (success, reply_data), in order
  kWindowAvailable,     // `channel` can take data again after a refused send_data
};

struct ConnectionEvent {
  ConnectionEventKind kind{};
  ChannelId channel = 0;
  MsgChannelOpen open;                 // kChannelOpenRequest
  MsgChannelRequest request;           // kChannelRequest (recipient_channel = our id)
  MsgGlobalRequest global;             // kGlobalRequest
  std::uint32_t failure_reason = 0;    // kOpenFailed (OpenFailureReason values and beyond)
  std::string description;             // kOpenFailed
  bool success = false;                // kChannelReply, kGlobalReply
  Bytes reply_data;                    // kGlobalReply: REQUEST_SUCCESS body (tcpip-forward port)
  ByteView data;                       // kData, kExtendedData
  std::uint32_t data_type = 0;         // kExtendedData
};

class ConnectionSession {
 public:
  using Sink = std::function<Result<void>(ByteView message)>;
  // Room for one message written in place in the packet being built, then finished
  // with its real length, 0 meaning none (TransportSession::begin_message and
  // finish_message): channel data is then copied at most once, straight into the packet.
  struct MessageRoom {
    std::function<std::span<std::uint8_t>(std::size_t max_len)> begin;
    std::function<Result<void>(std::size_t len)> finish;
  };

  ConnectionSession(Role role, Sink sink, ConnectionConfig config = {});
  // Without it, data messages are built whole in a scratch buffer and given to `sink`.
  void set_message_room(MessageRoom room) { room_ = std::move(room); }
  ~ConnectionSession();
  ConnectionSession(const ConnectionSession&) = delete;
  ConnectionSession& operator=(const ConnectionSession&) = delete;

  // One message, number first (80..127; unassigned numbers 101..127 are ignored).
  Result<void> handle(ByteView message);
  std::optional<ConnectionEvent> next_event();

  // ---- channels we open
  Result<ChannelId> open_session(std::optional<WindowConfig> window = {});
  Result<ChannelId> open_channel(std::string_view type, ByteView type_data,
                                 std::optional<WindowConfig> window = {});
  template <class Body>  // DirectTcpipOpen, ForwardedTcpipOpen, X11Open, ...
  Result<ChannelId> open(const Body& body, std::optional<WindowConfig> window = {}) {
    Bytes tail = body.encode();
    return open_channel(Body::kType, tail, window);
  }
  // ---- the peer's opens (kChannelOpenRequest)
  Result<void> accept_open(ChannelId channel, std::optional<WindowConfig> window = {});
  Result<void> reject_open(ChannelId channel, OpenFailureReason reason, std::string_view description);

  // ---- channel requests
  Result<void> send_request(ChannelId channel, std::string_view type, ByteView body, bool want_reply);
  template <class Body>  // PtyRequest, ExecRequest, ExitStatusRequest, ...
  Result<void> send_request(ChannelId channel, const Body& body, bool want_reply) {
    Bytes tail = body.encode();
    return send_request(channel, Body::kType, tail, want_reply);
  }
  // Answer the oldest unanswered want_reply request of the channel.
  Result<void> reply_success(ChannelId channel);
  Result<void> reply_failure(ChannelId channel);

  // ---- global requests
  Result<void> send_global_request(std::string_view name, ByteView body, bool want_reply);
  template <class Body>  // TcpipForwardRequest, NoMoreSessionsRequest, ...
  Result<void> send_global_request(const Body& body, bool want_reply) {
    Bytes tail = body.encode();
    return send_global_request(Body::kType, tail, want_reply);
  }
  // Answer the oldest unanswered want_reply global request; data: REQUEST_SUCCESS body.
  Result<void> reply_global(bool success, ByteView data = {});

  // ---- data (see the header comment): returns the bytes taken, possibly 0.
  Result<std::size_t> send_data(ChannelId channel, ByteView data);
  Result<std::size_t> send_extended_data(ChannelId channel, ByteView data,
                                         std::uint32_t data_type = kExtendedDataStderr);
  // Channel data with no copy: room for up to `max` bytes in the DATA packet being
  // built (no more than the window and the peer's packet size take now), for the
  // driver to read() into; then finish_data() with the count written, 0 to send
  // nothing. No other call may come between the two. An empty span means nothing may
  // be sent now and counts as a refused send_data() (kWindowAvailable follows).
  Result<std::span<std::uint8_t>> begin_data(ChannelId channel, std::size_t max);
  Result<void> finish_data(ChannelId channel, std::size_t n);
  Result<void> send_eof(ChannelId channel);  // once; later calls do nothing
  Result<void> close(ChannelId channel);     // once; kClose follows the peer's CLOSE
  // The application has written n received bytes of `channel` out (data or extended).
  Result<void> consume(ChannelId channel, std::size_t n);
  // The transport finished a key exchange: refused senders get kWindowAvailable.
  void on_kex_complete();

  // ---- queries
  bool can_send(ChannelId channel) const;          // open, no EOF sent, window > 0, not in KEX
  std::size_t send_window(ChannelId channel) const;  // peer's window now (0 if unknown)
  const Channel* channel(ChannelId channel) const;  // nullptr: no such channel
  std::size_t channel_count() const { return channels_.size(); }
  std::vector<ChannelId> channel_ids() const;       // ascending (e.g. for the ~# escape)
  bool no_more_sessions() const { return no_more_sessions_; }
  Role role() const { return role_; }

 private:
  using Handler = Result<void> (ConnectionSession::*)(wire::Reader&);
  struct Route { std::uint8_t number; Handler handler; };
  Result<void> dispatch(ByteView message);
  Result<void> on_global_request(wire::Reader& r);
  Result<void> on_request_success(wire::Reader& r);
  Result<void> on_request_failure(wire::Reader& r);
  Result<void> on_channel_open(wire::Reader& r);
  Result<void> on_open_confirmation(wire::Reader& r);
  Result<void> on_open_failure(wire::Reader& r);
  Result<void> on_window_adjust(wire::Reader& r);
  Result<void> on_data(wire::Reader& r);
  Result<void> on_extended_data(wire::Reader& r);
  Result<void> on_eof(wire::Reader& r);
  Result<void> on_close(wire::Reader& r);
  Result<void> on_channel_request(wire::Reader& r);
  Result<void> on_channel_success(wire::Reader& r);
  Result<void> on_channel_failure(wire::Reader& r);

  Result<Channel*> open_channel_for(std::uint32_t id, std::string_view what);
  Result<void> receive_data(Channel& c, ByteView data, std::uint32_t data_type, bool extended);
  Result<std::size_t> write_data(ChannelId id, ByteView data, std::uint32_t data_type, bool extended);
  Result<void> reply_channel(ChannelId id, bool success);
  Result<void> flush_channel_replies(Channel& c);
  Result<void> flush_global_replies();
  Result<void> send_adjust(Channel& c, std::uint32_t bytes);
  Result<ChannelId> allocate(std::string type, ChannelState state, const WindowConfig& window);
  void free_channel(ChannelId id);
  Channel* find(ChannelId id);
  const Channel* find(ChannelId id) const;
  bool kex_busy() const { return config_.kex_in_progress && config_.kex_in_progress(); }
  Clock::time_point now() const { return config_.now ? config_.now() : Clock::now(); }
  Result<void> emit(ByteView message);

  Role role_;
  Sink sink_;
  MessageRoom room_;
  std::span<std::uint8_t> data_room_;  // begin_data()'s, header included, until finish_data()
  ConnectionConfig config_;
  std::map<ChannelId, std::unique_ptr<Channel>> channels_;
  std::deque<ConnectionEvent> events_;
  std::uint32_t our_globals_awaiting_reply_ = 0;
  struct GlobalReplySlot {
    bool ready = false;
    bool success = false;
    Bytes data;
  };
  std::deque<GlobalReplySlot> peer_globals_awaiting_reply_;  // answered in order (as Channel's)
  struct PeerOpen {
    std::uint32_t sender = 0, window = 0, max_packet = 0;
  };
  std::map<ChannelId, PeerOpen> awaiting_accept_;
  bool no_more_sessions_ = false;
  std::optional<Error> error_;
  Bytes scratch_;  // reused DATA payload buffer: header + data, one copy before the transport
};

}  // namespace sshcore::connection

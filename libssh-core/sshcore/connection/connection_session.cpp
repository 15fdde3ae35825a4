#include "sshcore/connection/connection_session.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "sshcore/base/log.hpp"

namespace sshcore::connection {
namespace {

// A data message's header at the front of `room`; returns its size.
template <class DataMessage>
std::size_t write_header(std::span<std::uint8_t> room, const DataMessage& m) {
  auto head = m.header();
  std::memcpy(room.data(), head.data(), head.size());
  return head.size();
}

unexpected<Error> protocol_error(std::string detail) {
  return fail(Error{Errc::kInvalidFormat, std::move(detail), DisconnectReason::kProtocolError});
}

// channels.c channel_from_packet_id's wording.
unexpected<Error> unknown_channel(std::string_view what, std::uint32_t id) {
  return protocol_error(std::string(what) + " packet referred to nonexistent channel " + std::to_string(id));
}

template <class Body>
Result<void> check_body(ByteView tail) {
  auto body = Body::decode(tail);
  if (!body) return fail(std::move(body).error());
  return {};
}

// Channel request types whose bodies we know: a malformed one ends the connection
// (OpenSSH's session.c parses them with sshpkt_get_* and disconnects on error), so
// drivers may decode them without a failure path.
struct KnownRequest {
  std::string_view type;
  Result<void> (*check)(ByteView tail);
};
constexpr KnownRequest kKnownRequests[] = {
    {PtyRequest::kType, &check_body<PtyRequest>},
    {X11Request::kType, &check_body<X11Request>},
    {EnvRequest::kType, &check_body<EnvRequest>},
    {ShellRequest::kType, &check_body<ShellRequest>},
    {ExecRequest::kType, &check_body<ExecRequest>},
    {SubsystemRequest::kType, &check_body<SubsystemRequest>},
    {WindowChangeRequest::kType, &check_body<WindowChangeRequest>},
    {XonXoffRequest::kType, &check_body<XonXoffRequest>},
    {SignalRequest::kType, &check_body<SignalRequest>},
    {ExitStatusRequest::kType, &check_body<ExitStatusRequest>},
    {ExitSignalRequest::kType, &check_body<ExitSignalRequest>},
    {BreakRequest::kType, &check_body<BreakRequest>},
    {EowRequest::kType, &check_body<EowRequest>},
    {KeepaliveRequest::kType, &check_body<KeepaliveRequest>},
};

template <class Msg>
Bytes encoded(const Msg& m) {
  return m.encode();
}

}  // namespace

ConnectionSession::ConnectionSession(Role role, Sink sink, ConnectionConfig config)
    : role_(role), sink_(std::move(sink)), config_(std::move(config)) {}

ConnectionSession::~ConnectionSession() = default;

Result<void> ConnectionSession::emit(ByteView message) {
  if (!sink_) return fail(Errc::kInternal, "connection: no sink");
  return sink_(message);
}

Channel* ConnectionSession::find(ChannelId id) {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}
const Channel* ConnectionSession::find(ChannelId id) const {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}
const Channel* ConnectionSession::channel(ChannelId id) const { return find(id); }

std::optional<ConnectionEvent> ConnectionSession::next_event() {
  if (events_.empty()) return std::nullopt;
  ConnectionEvent ev = std::move(events_.front());
  events_.pop_front();
  return ev;
}

// ------------------------------------------------------------------ receiving

Result<void> ConnectionSession::handle(ByteView message) {
  if (error_) return fail(*error_);
  auto done = dispatch(message);
  if (done) return {};
  Error e = std::move(done).error();
  if (e.reason == DisconnectReason::kNone) e.reason = DisconnectReason::kProtocolError;
  error_ = e;
  return fail(std::move(e));
}

Result<void> ConnectionSession::dispatch(ByteView message) {
  static constexpr Route kRoutes[] = {
      {msg::kGlobalRequest, &ConnectionSession::on_global_request},
      {msg::kRequestSuccess, &ConnectionSession::on_request_success},
      {msg::kRequestFailure, &ConnectionSession::on_request_failure},
      {msg::kChannelOpen, &ConnectionSession::on_channel_open},
      {msg::kChannelOpenConfirmation, &ConnectionSession::on_open_confirmation},
      {msg::kChannelOpenFailure, &ConnectionSession::on_open_failure},
      {msg::kChannelWindowAdjust, &ConnectionSession::on_window_adjust},
      {msg::kChannelData, &ConnectionSession::on_data},
      {msg::kChannelExtendedData, &ConnectionSession::on_extended_data},
      {msg::kChannelEof, &ConnectionSession::on_eof},
      {msg::kChannelClose, &ConnectionSession::on_close},
      {msg::kChannelRequest, &ConnectionSession::on_channel_request},
      {msg::kChannelSuccess, &ConnectionSession::on_channel_success},
      {msg::kChannelFailure, &ConnectionSession::on_channel_failure},
  };
  wire::Reader r(message);
  SSH_TRY(number, r.u8());
  for (const Route& route : kRoutes)
    if (route.number == number) return (this->*route.handler)(r);
  if (number >= msg::kFirst && number <= msg::kLast) {
    log::debug1("connection: ignoring unassigned message {}", number);
    return {};
  }
  return fail(Errc::kInvalidArgument, "message " + std::to_string(number) + " is not a connection message");
}

Result<void> ConnectionSession::on_global_request(wire::Reader& r) {
  SSH_TRY(m, MsgGlobalRequest::decode(r));
  log::debug1("{}_input_global_request: rtype {} want_reply {}",
              role_ == Role::kServer ? "server" : "client", m.name, m.want_reply ? 1 : 0);
  // Answered here, as serverloop.c/clientloop.c do: keepalive is refused (any
  // answer shows liveness); no-more-sessions (server) accepted and remembered.
  std::optional<bool> automatic;
  if (m.name == KeepaliveRequest::kType) automatic = false;
  if (m.name == NoMoreSessionsRequest::kType && role_ == Role::kServer) {
    no_more_sessions_ = true;
    automatic = true;
  }
  if (automatic) {
    if (!m.want_reply) return {};
    peer_globals_awaiting_reply_.push_back({true, *automatic, {}});
    return flush_global_replies();
  }
  if (m.want_reply) peer_globals_awaiting_reply_.push_back({});
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kGlobalRequest;
  ev.global = std::move(m);
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_request_success(wire::Reader& r) {
  SSH_TRY(m, MsgRequestSuccess::decode(r));
  if (our_globals_awaiting_reply_ == 0) {
    log::debug1("connection: unexpected global request success");  // clientloop.c ignores it too
    return {};
  }
  --our_globals_awaiting_reply_;
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kGlobalReply;
  ev.success = true;
  ev.reply_data = std::move(m.data);
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_request_failure(wire::Reader& r) {
  SSH_TRY_VOID(MsgRequestFailure::decode(r));
  if (our_globals_awaiting_reply_ == 0) {
    log::debug1("connection: unexpected global request failure");
    return {};
  }
  --our_globals_awaiting_reply_;
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kGlobalReply;
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_channel_open(wire::Reader& r) {
  SSH_TRY(m, MsgChannelOpen::decode(r));
  log::debug1("{}_input_channel_open: ctype {} rchan {} win {} max {}",
              role_ == Role::kServer ? "server" : "client", m.type, m.sender_channel, m.initial_window,
              m.max_packet);
  if (role_ == Role::kServer && no_more_sessions_ && m.type == SessionOpen::kType)
    return protocol_error("Possible attack: attempt to open a session after additional sessions disabled");
  if (channels_.size() >= config_.max_channels) {
    log::info("connection: refusing {} channel: {} channels open", m.type, channels_.size());
    MsgChannelOpenFailure refuse{m.sender_channel,
                                 static_cast<std::uint32_t>(OpenFailureReason::kResourceShortage),
                                 "open failed", ""};
    return emit(encoded(refuse));
  }
  SSH_TRY(id, allocate(m.type, ChannelState::kAwaitingAccept, config_.window));
  awaiting_accept_[id] = PeerOpen{m.sender_channel, m.initial_window, m.max_packet};
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kChannelOpenRequest;
  ev.channel = id;
  ev.open = std::move(m);
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_open_confirmation(wire::Reader& r) {
  SSH_TRY(m, MsgChannelOpenConfirmation::decode(r));
  Channel* c = find(m.recipient_channel);
  if (c == nullptr) return unknown_channel("open confirmation", m.recipient_channel);
  if (c->state() != ChannelState::kOpening)
    return protocol_error("Received open confirmation for non-opening channel " +
                          std::to_string(m.recipient_channel) + ".");
  c->set_open(m.sender_channel, m.initial_window, m.max_packet);
  log::debug2("channel {}: open confirm rwindow {} rmax {}", c->local_id(), m.initial_window, m.max_packet);
  if (c->close_sent()) {
    // close() came while the open was in flight: finish it now.
    return emit(encoded(MsgChannelClose{c->remote_id()}));
  }
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kOpenConfirmed;
  ev.channel = c->local_id();
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_open_failure(wire::Reader& r) {
  SSH_TRY(m, MsgChannelOpenFailure::decode(r));
  Channel* c = find(m.recipient_channel);
  if (c == nullptr) return unknown_channel("open failure", m.recipient_channel);
  if (c->state() != ChannelState::kOpening)
    return protocol_error("Received open failure for non-opening channel " + std::to_string(m.recipient_channel) +
                          ".");
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kOpenFailed;
  ev.channel = c->local_id();
  ev.failure_reason = m.reason;
  ev.description = std::move(m.description);
  free_channel(c->local_id());
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_window_adjust(wire::Reader& r) {
  SSH_TRY(m, MsgChannelWindowAdjust::decode(r));
  Channel* c = find(m.recipient_channel);
  if (c == nullptr || !c->is_open()) {
    // channels.c: an adjust may race with a close; it is logged, not fatal.
    log::info("Received window adjust for non-open channel {}.", m.recipient_channel);
    return {};
  }
  log::debug2("channel {}: rcvd adjust {}", c->local_id(), m.bytes_to_add);
  SSH_TRY_VOID(c->add_remote_window(m.bytes_to_add));
  if (c->blocked && c->next_chunk_limit() > 0 && !kex_busy()) {
    c->blocked = false;
    ConnectionEvent ev;
    ev.kind = ConnectionEventKind::kWindowAvailable;
    ev.channel = c->local_id();
    events_.push_back(std::move(ev));
  }
  return {};
}

Result<Channel*> ConnectionSession::open_channel_for(std::uint32_t id, std::string_view what) {
  Channel* c = find(id);
  if (c == nullptr) return unknown_channel(what, id);
  if (!c->is_open())
    return protocol_error("channel " + std::to_string(id) + ": " + std::string(what) + " on a channel not open");
  return c;
}

Result<void> ConnectionSession::on_data(wire::Reader& r) {
  SSH_TRY(m, MsgChannelData::decode(r));
  SSH_TRY(c, open_channel_for(m.recipient_channel, "data"));
  return receive_data(*c, m.data, 0, false);
}

Result<void> ConnectionSession::on_extended_data(wire::Reader& r) {
  SSH_TRY(m, MsgChannelExtendedData::decode(r));
  SSH_TRY(c, open_channel_for(m.recipient_channel, "extended data"));
  return receive_data(*c, m.data, m.data_type, true);
}

Result<void> ConnectionSession::receive_data(Channel& c, ByteView data, std::uint32_t data_type, bool extended) {
  if (c.eof_received())
    return protocol_error("channel " + std::to_string(c.local_id()) + ": rcvd data after EOF");
  if (data.size() > UINT32_MAX) return protocol_error("channel data too long");
  auto n = static_cast<std::uint32_t>(data.size());
  ReceiveWindow& w = c.receive_window();
  std::uint32_t credit = w.credit();
  switch (w.on_receive(n, now())) {
    case ReceiveWindow::Verdict::kAccept:
      break;
    case ReceiveWindow::Verdict::kDropTooBig:
      log::info("channel {}: rcvd big packet {}, maxpack {}", c.local_id(), n, w.max_packet());
      return {};
    case ReceiveWindow::Verdict::kDropOverWindow:
      log::info("channel {}: rcvd too much data {}, win {}/{} (excess {})", c.local_id(), n, credit, w.window(),
                w.excess());
      return {};
    case ReceiveWindow::Verdict::kFatal:
      log::info("channel {}: rcvd too much data {}, win {}/{} (excess {})", c.local_id(), n, credit, w.window(),
                w.excess());
      return protocol_error("channel " + std::to_string(c.local_id()) + ": peer ignored channel window");
  }
  bool unwanted = c.close_sent() || (extended && data_type != kExtendedDataStderr);
  if (extended && data_type != kExtendedDataStderr) log::info("channel {}: bad ext data", c.local_id());
  if (unwanted || n == 0) {
    // Nobody reads it, but the peer paid window for it: give it back.
    if (auto adjust = w.on_consume(n, now()); adjust && !c.close_sent()) return send_adjust(c, *adjust);
    return {};
  }
  ConnectionEvent ev;
  ev.kind = extended ? ConnectionEventKind::kExtendedData : ConnectionEventKind::kData;
  ev.channel = c.local_id();
  ev.data = data;
  ev.data_type = data_type;
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_eof(wire::Reader& r) {
  SSH_TRY(m, MsgChannelEof::decode(r));
  SSH_TRY(c, open_channel_for(m.recipient_channel, "ieof"));
  if (c->eof_received()) {
    log::info("channel {}: duplicate EOF ignored", c->local_id());
    return {};
  }
  log::debug2("channel {}: rcvd eof", c->local_id());
  c->mark_eof_received();
  if (c->close_sent()) return {};
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kEof;
  ev.channel = c->local_id();
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_close(wire::Reader& r) {
  SSH_TRY(m, MsgChannelClose::decode(r));
  SSH_TRY(c, open_channel_for(m.recipient_channel, "oclose"));
  log::debug2("channel {}: rcvd close", c->local_id());
  c->mark_close_received();
  if (!c->close_sent()) {
    // RFC 4254 5.3: answered once, at once.
    c->mark_close_sent();
    SSH_TRY_VOID(emit(encoded(MsgChannelClose{c->remote_id()})));
  }
  ChannelId id = c->local_id();
  free_channel(id);
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kClose;
  ev.channel = id;
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_channel_request(wire::Reader& r) {
  SSH_TRY(m, MsgChannelRequest::decode(r));
  SSH_TRY(c, open_channel_for(m.recipient_channel, "channel request"));
  log::debug1("{}_input_channel_req: channel {} rtype {} reply {}",
              role_ == Role::kServer ? "server" : "client", c->local_id(), m.type, m.want_reply ? 1 : 0);
  for (const KnownRequest& known : kKnownRequests) {
    if (known.type != m.type) continue;
    if (auto ok = known.check(m.data); !ok)
      return protocol_error("channel " + std::to_string(c->local_id()) + ": bad " + m.type +
                            " request: " + ok.error().message());
    break;
  }
  // Keepalives are refused here (any answer proves liveness), and a channel we
  // already closed has nobody left to ask.
  if (m.type == KeepaliveRequest::kType || c->close_sent()) {
    if (!m.want_reply) return {};
    c->peer_requests_awaiting_reply.push_back({true, false});
    return flush_channel_replies(*c);
  }
  if (m.want_reply) c->peer_requests_awaiting_reply.push_back({});
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kChannelRequest;
  ev.channel = c->local_id();
  ev.request = std::move(m);
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_channel_success(wire::Reader& r) {
  SSH_TRY(m, MsgChannelSuccess::decode(r));
  SSH_TRY(c, open_channel_for(m.recipient_channel, "status confirm"));
  if (c->our_requests_awaiting_reply == 0) {
    log::debug1("channel {}: unexpected channel success", c->local_id());
    return {};
  }
  --c->our_requests_awaiting_reply;
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kChannelReply;
  ev.channel = c->local_id();
  ev.success = true;
  events_.push_back(std::move(ev));
  return {};
}

Result<void> ConnectionSession::on_channel_failure(wire::Reader& r) {
  SSH_TRY(m, MsgChannelFailure::decode(r));
  SSH_TRY(c, open_channel_for(m.recipient_channel, "status confirm"));
  if (c->our_requests_awaiting_reply == 0) {
    log::debug1("channel {}: unexpected channel failure", c->local_id());
    return {};
  }
  --c->our_requests_awaiting_reply;
  ConnectionEvent ev;
  ev.kind = ConnectionEventKind::kChannelReply;
  ev.channel = c->local_id();
  events_.push_back(std::move(ev));
  return {};
}

// ------------------------------------------------------------------ channels

Result<ChannelId> ConnectionSession::allocate(std::string type, ChannelState state, const WindowConfig& window) {
  // The lowest free number, as OpenSSH does: ids stay small and readable in logs.
  ChannelId id = 0;
  for (const auto& [used, channel] : channels_) {
    if (used != id) break;
    ++id;
  }
  channels_.emplace(id, std::make_unique<Channel>(id, std::move(type), state, window));
  return id;
}

void ConnectionSession::free_channel(ChannelId id) {
  log::debug2("channel {}: free", id);
  channels_.erase(id);
  awaiting_accept_.erase(id);
}

Result<ChannelId> ConnectionSession::open_session(std::optional<WindowConfig> window) {
  return open_channel(SessionOpen::kType, {}, window);
}

Result<ChannelId> ConnectionSession::open_channel(std::string_view type, ByteView type_data,
                                                  std::optional<WindowConfig> window) {
  if (channels_.size() >= config_.max_channels) return fail(Errc::kTooLarge, "too many channels");
  SSH_TRY(id, allocate(std::string(type), ChannelState::kOpening, window.value_or(config_.window)));
  const ReceiveWindow& w = find(id)->receive_window();
  MsgChannelOpen m{std::string(type), id, w.window(), w.max_packet(), to_bytes(type_data)};
  if (auto sent = emit(encoded(m)); !sent) {
    free_channel(id);
    return fail(std::move(sent).error());
  }
  return id;
}

Result<void> ConnectionSession::accept_open(ChannelId id, std::optional<WindowConfig> window) {
  Channel* c = find(id);
  auto peer = awaiting_accept_.find(id);
  if (c == nullptr || peer == awaiting_accept_.end())
    return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": no open to accept");
  if (window) c->receive_window() = ReceiveWindow(*window);
  PeerOpen p = peer->second;
  awaiting_accept_.erase(peer);
  c->set_open(p.sender, p.window, p.max_packet);
  const ReceiveWindow& w = c->receive_window();
  return emit(encoded(MsgChannelOpenConfirmation{p.sender, id, w.window(), w.max_packet(), {}}));
}

Result<void> ConnectionSession::reject_open(ChannelId id, OpenFailureReason reason, std::string_view description) {
  auto peer = awaiting_accept_.find(id);
  if (peer == awaiting_accept_.end())
    return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": no open to reject");
  std::uint32_t sender = peer->second.sender;
  free_channel(id);
  return emit(encoded(MsgChannelOpenFailure{sender, static_cast<std::uint32_t>(reason), std::string(description), ""}));
}

// ------------------------------------------------------------------ requests

Result<void> ConnectionSession::send_request(ChannelId id, std::string_view type, ByteView body, bool want_reply) {
  Channel* c = find(id);
  if (c == nullptr || !c->is_open() || c->close_sent())
    return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": not open for requests");
  if (want_reply) ++c->our_requests_awaiting_reply;
  return emit(encoded(MsgChannelRequest{c->remote_id(), std::string(type), want_reply, to_bytes(body)}));
}

Result<void> ConnectionSession::reply_success(ChannelId id) { return reply_channel(id, true); }
Result<void> ConnectionSession::reply_failure(ChannelId id) { return reply_channel(id, false); }

Result<void> ConnectionSession::reply_channel(ChannelId id, bool success) {
  Channel* c = find(id);
  if (c == nullptr) return {};  // closed meanwhile: nobody to answer
  for (Channel::ReplySlot& slot : c->peer_requests_awaiting_reply) {
    if (slot.ready) continue;
    slot = {true, success};
    return flush_channel_replies(*c);
  }
  return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": no request awaits a reply");
}

Result<void> ConnectionSession::flush_channel_replies(Channel& c) {
  auto& slots = c.peer_requests_awaiting_reply;
  while (!slots.empty() && slots.front().ready) {
    bool success = slots.front().success;
    slots.pop_front();
    if (c.close_sent() && c.close_received()) continue;
    SSH_TRY_VOID(success ? emit(encoded(MsgChannelSuccess{c.remote_id()}))
                         : emit(encoded(MsgChannelFailure{c.remote_id()})));
  }
  return {};
}

Result<void> ConnectionSession::send_global_request(std::string_view name, ByteView body, bool want_reply) {
  if (want_reply) ++our_globals_awaiting_reply_;
  return emit(encoded(MsgGlobalRequest{std::string(name), want_reply, to_bytes(body)}));
}

Result<void> ConnectionSession::reply_global(bool success, ByteView data) {
  for (GlobalReplySlot& slot : peer_globals_awaiting_reply_) {
    if (slot.ready) continue;
    slot = {true, success, to_bytes(data)};
    return flush_global_replies();
  }
  return fail(Errc::kInvalidArgument, "no global request awaits a reply");
}

Result<void> ConnectionSession::flush_global_replies() {
  while (!peer_globals_awaiting_reply_.empty() && peer_globals_awaiting_reply_.front().ready) {
    GlobalReplySlot slot = std::move(peer_globals_awaiting_reply_.front());
    peer_globals_awaiting_reply_.pop_front();
    SSH_TRY_VOID(slot.success ? emit(encoded(MsgRequestSuccess{std::move(slot.data)}))
                              : emit(encoded(MsgRequestFailure{})));
  }
  return {};
}

// ------------------------------------------------------------------ data

Result<std::size_t> ConnectionSession::send_data(ChannelId id, ByteView data) {
  return write_data(id, data, 0, false);
}

Result<std::size_t> ConnectionSession::send_extended_data(ChannelId id, ByteView data, std::uint32_t data_type) {
  return write_data(id, data, data_type, true);
}

Result<std::size_t> ConnectionSession::write_data(ChannelId id, ByteView data, std::uint32_t data_type,
                                                  bool extended) {
  Channel* c = find(id);
  if (c == nullptr || !c->may_send_data())
    return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": not open for data");
  if (kex_busy()) {
    c->blocked = true;
    return std::size_t{0};
  }
  std::size_t sent = 0;
  while (sent < data.size()) {
    std::uint32_t limit = c->next_chunk_limit();
    if (limit == 0) break;
    std::uint32_t n = static_cast<std::uint32_t>(std::min<std::size_t>(limit, data.size() - sent));
    ByteView chunk = data.subspan(sent, n);
    if (room_.begin) {
      // Header and data go straight into the packet: the data's only copy.
      auto room = room_.begin(MsgChannelData::kHeaderSize + (extended ? 4 : 0) + n);
      auto head_size = extended ? write_header(room, MsgChannelExtendedData{c->remote_id(), data_type, chunk})
                                : write_header(room, MsgChannelData{c->remote_id(), chunk});
      std::memcpy(room.data() + head_size, chunk.data(), n);
      SSH_TRY_VOID(room_.finish(head_size + n));
    } else {
      // One copy into a reused buffer, header and data together; the transport encrypts from it.
      scratch_.clear();
      if (extended)
        MsgChannelExtendedData{c->remote_id(), data_type, chunk}.encode_into(scratch_);
      else
        MsgChannelData{c->remote_id(), chunk}.encode_into(scratch_);
      SSH_TRY_VOID(emit(scratch_));
    }
    c->spend_remote_window(n);
    sent += n;
  }
  if (sent < data.size()) c->blocked = true;
  return sent;
}

Result<std::span<std::uint8_t>> ConnectionSession::begin_data(ChannelId id, std::size_t max) {
  Channel* c = find(id);
  if (c == nullptr || !c->may_send_data())
    return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": not open for data");
  std::size_t n = kex_busy() ? 0 : std::min<std::size_t>(max, c->next_chunk_limit());
  if (n == 0) {
    c->blocked = true;
    return std::span<std::uint8_t>{};
  }
  constexpr std::size_t kHead = MsgChannelData::kHeaderSize;
  if (room_.begin) {
    data_room_ = room_.begin(kHead + n);
  } else {
    scratch_.resize(kHead + n);
    data_room_ = scratch_;
  }
  return data_room_.subspan(kHead);
}

Result<void> ConnectionSession::finish_data(ChannelId id, std::size_t n) {
  constexpr std::size_t kHead = MsgChannelData::kHeaderSize;
  Channel* c = find(id);
  auto room = std::exchange(data_room_, {});
  if (room.size() < kHead || n > room.size() - kHead || c == nullptr)
    return fail(Errc::kInternal, "channel " + std::to_string(id) + ": finish_data without begin_data");
  if (n == 0) return room_.begin ? room_.finish(0) : Result<void>{};
  write_header(room, MsgChannelData{c->remote_id(), ByteView(room.data() + kHead, n)});
  if (room_.begin) {
    SSH_TRY_VOID(room_.finish(kHead + n));
  } else {
    SSH_TRY_VOID(emit(ByteView(room.data(), kHead + n)));
  }
  c->spend_remote_window(static_cast<std::uint32_t>(n));
  return {};
}

Result<void> ConnectionSession::send_eof(ChannelId id) {
  Channel* c = find(id);
  if (c == nullptr || !c->is_open())
    return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": not open");
  if (c->eof_sent() || c->close_sent()) return {};
  c->mark_eof_sent();
  log::debug2("channel {}: send eof", id);
  return emit(encoded(MsgChannelEof{c->remote_id()}));
}

Result<void> ConnectionSession::close(ChannelId id) {
  Channel* c = find(id);
  if (c == nullptr) return fail(Errc::kInvalidArgument, "channel " + std::to_string(id) + ": no such channel");
  if (c->close_sent()) return {};
  switch (c->state()) {
    case ChannelState::kAwaitingAccept:
      return reject_open(id, OpenFailureReason::kAdministrativelyProhibited, "open failed");
    case ChannelState::kOpening:
      c->mark_close_sent();  // CLOSE goes out when the confirmation gives us the peer's id
      return {};
    case ChannelState::kOpen:
      break;
  }
  c->mark_close_sent();
  log::debug2("channel {}: send close", id);
  return emit(encoded(MsgChannelClose{c->remote_id()}));
}

Result<void> ConnectionSession::send_adjust(Channel& c, std::uint32_t bytes) {
  log::debug2("channel {}: window {} sent adjust {}", c.local_id(), c.receive_window().credit() - bytes, bytes);
  return emit(encoded(MsgChannelWindowAdjust{c.remote_id(), bytes}));
}

Result<void> ConnectionSession::consume(ChannelId id, std::size_t n) {
  Channel* c = find(id);
  if (c == nullptr || !c->is_open()) return {};  // freed meanwhile: nothing to return
  auto bytes = static_cast<std::uint32_t>(std::min<std::size_t>(n, UINT32_MAX));
  auto adjust = c->receive_window().on_consume(bytes, now());
  // After the peer's EOF or our CLOSE no more data comes: an adjust would be noise.
  if (!adjust || c->eof_received() || c->close_sent()) return {};
  return send_adjust(*c, *adjust);
}

void ConnectionSession::on_kex_complete() {
  for (auto& [id, c] : channels_) {
    if (!c->blocked || c->next_chunk_limit() == 0) continue;
    c->blocked = false;
    ConnectionEvent ev;
    ev.kind = ConnectionEventKind::kWindowAvailable;
    ev.channel = id;
    events_.push_back(std::move(ev));
  }
}

bool ConnectionSession::can_send(ChannelId id) const {
  const Channel* c = find(id);
  return c != nullptr && c->next_chunk_limit() > 0 && !kex_busy();
}

std::vector<ChannelId> ConnectionSession::channel_ids() const {
  std::vector<ChannelId> ids;
  ids.reserve(channels_.size());
  for (const auto& entry : channels_) ids.push_back(entry.first);
  return ids;
}

std::size_t ConnectionSession::send_window(ChannelId id) const {
  const Channel* c = find(id);
  return c != nullptr && c->is_open() ? c->remote_window() : 0;
}

}  // namespace sshcore::connection

#include "sshcore/connection/connection_messages.hpp"

#include "sshcore/wire/writer.hpp"

namespace sshcore::connection {

namespace {

Bytes done(wire::Writer& w) { return *std::move(w).finish(); }

// Strings that carry free text or binary (descriptions, commands, paths, values).
Result<std::string> text_field(wire::Reader& r) {
  SSH_TRY(s, r.string());
  return to_string(s);
}

// Names on the wire (request and channel types) are US-ASCII without NUL.
Result<std::string> name_field(wire::Reader& r) {
  SSH_TRY(s, r.cstring());
  return std::string(s);
}

// The single-channel messages share one layout.
Bytes encode_channel_only(std::uint8_t number, std::uint32_t channel) {
  wire::Writer w;
  w.u8(number);
  w.u32(channel);
  return done(w);
}

Result<std::uint32_t> decode_channel_only(wire::Reader r, std::string_view what) {
  SSH_TRY(channel, r.u32());
  SSH_TRY_VOID(r.finish(what));
  return channel;
}

template <class Body>
Result<Body> decode_empty(ByteView tail) {
  SSH_TRY_VOID(wire::Reader(tail).finish(Body::kType));
  return Body{};
}

Bytes encode_blob_list(const std::vector<Bytes>& blobs) {
  wire::Writer w;
  for (const auto& b : blobs) w.string(b);
  return done(w);
}

Result<std::vector<Bytes>> decode_blob_list(ByteView tail) {
  wire::Reader r(tail);
  std::vector<Bytes> blobs;
  while (!r.empty()) {
    SSH_TRY(blob, r.string());
    blobs.push_back(to_bytes(blob));
  }
  return blobs;
}

}  // namespace

// ---------------------------------------------------------------- messages

Bytes MsgGlobalRequest::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(name);
  w.boolean(want_reply);
  w.raw(data);
  return done(w);
}

Result<MsgGlobalRequest> MsgGlobalRequest::decode(wire::Reader r) {
  SSH_TRY(request, name_field(r));
  SSH_TRY(reply, r.boolean());
  SSH_TRY(tail, r.raw(r.remaining()));
  MsgGlobalRequest m{std::move(request), reply, to_bytes(tail)};
  SSH_TRY_VOID(r.finish("SSH_MSG_GLOBAL_REQUEST"));
  return m;
}

Bytes MsgRequestSuccess::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.raw(data);
  return done(w);
}

Result<MsgRequestSuccess> MsgRequestSuccess::decode(wire::Reader r) {
  SSH_TRY(tail, r.raw(r.remaining()));
  MsgRequestSuccess m{to_bytes(tail)};
  SSH_TRY_VOID(r.finish("SSH_MSG_REQUEST_SUCCESS"));
  return m;
}

Bytes MsgRequestFailure::encode() const { return Bytes{kNumber}; }

Result<MsgRequestFailure> MsgRequestFailure::decode(wire::Reader r) {
  SSH_TRY_VOID(r.finish("SSH_MSG_REQUEST_FAILURE"));
  return MsgRequestFailure{};
}

Bytes MsgChannelOpen::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(type);
  w.u32(sender_channel);
  w.u32(initial_window);
  w.u32(max_packet);
  w.raw(data);
  return done(w);
}

Result<MsgChannelOpen> MsgChannelOpen::decode(wire::Reader r) {
  SSH_TRY(channel_type, name_field(r));
  SSH_TRY(sender, r.u32());
  SSH_TRY(window, r.u32());
  SSH_TRY(packet, r.u32());
  SSH_TRY(tail, r.raw(r.remaining()));
  MsgChannelOpen m{std::move(channel_type), sender, window, packet, to_bytes(tail)};
  SSH_TRY_VOID(r.finish("SSH_MSG_CHANNEL_OPEN"));
  return m;
}

Bytes MsgChannelOpenConfirmation::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.u32(recipient_channel);
  w.u32(sender_channel);
  w.u32(initial_window);
  w.u32(max_packet);
  w.raw(data);
  return done(w);
}

Result<MsgChannelOpenConfirmation> MsgChannelOpenConfirmation::decode(wire::Reader r) {
  SSH_TRY(recipient, r.u32());
  SSH_TRY(sender, r.u32());
  SSH_TRY(window, r.u32());
  SSH_TRY(packet, r.u32());
  SSH_TRY(tail, r.raw(r.remaining()));
  MsgChannelOpenConfirmation m{recipient, sender, window, packet, to_bytes(tail)};
  SSH_TRY_VOID(r.finish("SSH_MSG_CHANNEL_OPEN_CONFIRMATION"));
  return m;
}

namespace {
struct ReasonRow {
  OpenFailureReason code;
  std::string_view name;
  std::string_view text;
};
constexpr ReasonRow kReasons[] = {
    {OpenFailureReason::kAdministrativelyProhibited, "SSH_OPEN_ADMINISTRATIVELY_PROHIBITED",
     "administratively prohibited"},
    {OpenFailureReason::kConnectFailed, "SSH_OPEN_CONNECT_FAILED", "connect failed"},
    {OpenFailureReason::kUnknownChannelType, "SSH_OPEN_UNKNOWN_CHANNEL_TYPE", "unknown channel type"},
    {OpenFailureReason::kResourceShortage, "SSH_OPEN_RESOURCE_SHORTAGE", "resource shortage"},
};
const ReasonRow* find_reason(std::uint32_t reason) {
  for (const auto& row : kReasons)
    if (static_cast<std::uint32_t>(row.code) == reason) return &row;
  return nullptr;
}
}  // namespace

std::string_view open_failure_reason_name(std::uint32_t reason) {
  const ReasonRow* row = find_reason(reason);
  return row ? row->name : std::string_view();
}

std::string_view open_failure_reason_text(std::uint32_t reason) {
  const ReasonRow* row = find_reason(reason);
  return row ? row->text : std::string_view("unknown reason");
}

Bytes MsgChannelOpenFailure::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.u32(recipient_channel);
  w.u32(reason);
  w.string(description);
  w.string(language);
  return done(w);
}

Result<MsgChannelOpenFailure> MsgChannelOpenFailure::decode(wire::Reader r) {
  SSH_TRY(recipient, r.u32());
  SSH_TRY(code, r.u32());
  SSH_TRY(description, text_field(r));
  SSH_TRY(language, text_field(r));
  SSH_TRY_VOID(r.finish("SSH_MSG_CHANNEL_OPEN_FAILURE"));
  return MsgChannelOpenFailure{recipient, code, std::move(description), std::move(language)};
}

Bytes MsgChannelWindowAdjust::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.u32(recipient_channel);
  w.u32(bytes_to_add);
  return done(w);
}

Result<MsgChannelWindowAdjust> MsgChannelWindowAdjust::decode(wire::Reader r) {
  SSH_TRY(recipient, r.u32());
  SSH_TRY(add, r.u32());
  SSH_TRY_VOID(r.finish("SSH_MSG_CHANNEL_WINDOW_ADJUST"));
  return MsgChannelWindowAdjust{recipient, add};
}

std::array<std::uint8_t, MsgChannelData::kHeaderSize> MsgChannelData::header() const {
  std::array<std::uint8_t, kHeaderSize> h{};
  h[0] = kNumber;
  store_be32(h.data() + 1, recipient_channel);
  store_be32(h.data() + 5, static_cast<std::uint32_t>(data.size()));
  return h;
}

void MsgChannelData::encode_into(Bytes& out) const {
  out.reserve(out.size() + kHeaderSize + data.size());
  append(out, header());
  append(out, data);
}

Bytes MsgChannelData::encode() const {
  Bytes out;
  encode_into(out);
  return out;
}

Result<MsgChannelData> MsgChannelData::decode(wire::Reader r) {
  SSH_TRY(recipient, r.u32());
  SSH_TRY(data, r.string());
  SSH_TRY_VOID(r.finish("SSH_MSG_CHANNEL_DATA"));
  return MsgChannelData{recipient, data};
}

std::array<std::uint8_t, MsgChannelExtendedData::kHeaderSize> MsgChannelExtendedData::header() const {
  std::array<std::uint8_t, kHeaderSize> h{};
  h[0] = kNumber;
  store_be32(h.data() + 1, recipient_channel);
  store_be32(h.data() + 5, data_type);
  store_be32(h.data() + 9, static_cast<std::uint32_t>(data.size()));
  return h;
}

void MsgChannelExtendedData::encode_into(Bytes& out) const {
  out.reserve(out.size() + kHeaderSize + data.size());
  append(out, header());
  append(out, data);
}

Bytes MsgChannelExtendedData::encode() const {
  Bytes out;
  encode_into(out);
  return out;
}

Result<MsgChannelExtendedData> MsgChannelExtendedData::decode(wire::Reader r) {
  SSH_TRY(recipient, r.u32());
  SSH_TRY(type, r.u32());
  SSH_TRY(data, r.string());
  SSH_TRY_VOID(r.finish("SSH_MSG_CHANNEL_EXTENDED_DATA"));
  return MsgChannelExtendedData{recipient, type, data};
}

Bytes MsgChannelEof::encode() const { return encode_channel_only(kNumber, recipient_channel); }
Result<MsgChannelEof> MsgChannelEof::decode(wire::Reader r) {
  SSH_TRY(channel, decode_channel_only(r, "SSH_MSG_CHANNEL_EOF"));
  return MsgChannelEof{channel};
}

Bytes MsgChannelClose::encode() const { return encode_channel_only(kNumber, recipient_channel); }
Result<MsgChannelClose> MsgChannelClose::decode(wire::Reader r) {
  SSH_TRY(channel, decode_channel_only(r, "SSH_MSG_CHANNEL_CLOSE"));
  return MsgChannelClose{channel};
}

Bytes MsgChannelRequest::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.u32(recipient_channel);
  w.string(type);
  w.boolean(want_reply);
  w.raw(data);
  return done(w);
}

Result<MsgChannelRequest> MsgChannelRequest::decode(wire::Reader r) {
  SSH_TRY(recipient, r.u32());
  SSH_TRY(request, name_field(r));
  SSH_TRY(reply, r.boolean());
  SSH_TRY(tail, r.raw(r.remaining()));
  MsgChannelRequest m{recipient, std::move(request), reply, to_bytes(tail)};
  SSH_TRY_VOID(r.finish("SSH_MSG_CHANNEL_REQUEST"));
  return m;
}

Bytes MsgChannelSuccess::encode() const { return encode_channel_only(kNumber, recipient_channel); }
Result<MsgChannelSuccess> MsgChannelSuccess::decode(wire::Reader r) {
  SSH_TRY(channel, decode_channel_only(r, "SSH_MSG_CHANNEL_SUCCESS"));
  return MsgChannelSuccess{channel};
}

Bytes MsgChannelFailure::encode() const { return encode_channel_only(kNumber, recipient_channel); }
Result<MsgChannelFailure> MsgChannelFailure::decode(wire::Reader r) {
  SSH_TRY(channel, decode_channel_only(r, "SSH_MSG_CHANNEL_FAILURE"));
  return MsgChannelFailure{channel};
}

// ---------------------------------------------------------------- channel opens

Bytes SessionOpen::encode() const { return {}; }
Result<SessionOpen> SessionOpen::decode(ByteView tail) { return decode_empty<SessionOpen>(tail); }

Bytes DirectTcpipOpen::encode() const {
  wire::Writer w;
  w.string(host);
  w.u32(port);
  w.string(originator_address);
  w.u32(originator_port);
  return done(w);
}

Result<DirectTcpipOpen> DirectTcpipOpen::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(host, text_field(r));
  SSH_TRY(port, r.u32());
  SSH_TRY(originator, text_field(r));
  SSH_TRY(originator_port, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return DirectTcpipOpen{std::move(host), port, std::move(originator), originator_port};
}

Bytes ForwardedTcpipOpen::encode() const {
  wire::Writer w;
  w.string(connected_address);
  w.u32(connected_port);
  w.string(originator_address);
  w.u32(originator_port);
  return done(w);
}

Result<ForwardedTcpipOpen> ForwardedTcpipOpen::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(connected, text_field(r));
  SSH_TRY(connected_port, r.u32());
  SSH_TRY(originator, text_field(r));
  SSH_TRY(originator_port, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return ForwardedTcpipOpen{std::move(connected), connected_port, std::move(originator), originator_port};
}

Bytes X11Open::encode() const {
  wire::Writer w;
  w.string(originator_address);
  w.u32(originator_port);
  return done(w);
}

Result<X11Open> X11Open::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(originator, text_field(r));
  SSH_TRY(originator_port, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return X11Open{std::move(originator), originator_port};
}

Bytes DirectStreamlocalOpen::encode() const {
  wire::Writer w;
  w.string(socket_path);
  w.string(reserved);
  w.u32(reserved_number);
  return done(w);
}

Result<DirectStreamlocalOpen> DirectStreamlocalOpen::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(path, text_field(r));
  SSH_TRY(reserved, text_field(r));
  SSH_TRY(reserved_number, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return DirectStreamlocalOpen{std::move(path), std::move(reserved), reserved_number};
}

Bytes ForwardedStreamlocalOpen::encode() const {
  wire::Writer w;
  w.string(socket_path);
  w.string(reserved);
  return done(w);
}

Result<ForwardedStreamlocalOpen> ForwardedStreamlocalOpen::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(path, text_field(r));
  SSH_TRY(reserved, text_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return ForwardedStreamlocalOpen{std::move(path), std::move(reserved)};
}

// ---------------------------------------------------------------- channel requests

Bytes PtyRequest::encode() const {
  wire::Writer w;
  w.string(term);
  w.u32(cols);
  w.u32(rows);
  w.u32(width_px);
  w.u32(height_px);
  w.string(modes);
  return done(w);
}

Result<PtyRequest> PtyRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(term, text_field(r));
  SSH_TRY(cols, r.u32());
  SSH_TRY(rows, r.u32());
  SSH_TRY(width, r.u32());
  SSH_TRY(height, r.u32());
  SSH_TRY(modes, r.string());
  SSH_TRY_VOID(r.finish(kType));
  return PtyRequest{std::move(term), cols, rows, width, height, to_bytes(modes)};
}

Bytes X11Request::encode() const {
  wire::Writer w;
  w.boolean(single_connection);
  w.string(auth_protocol);
  w.string(auth_cookie);
  w.u32(screen);
  return done(w);
}

Result<X11Request> X11Request::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(single, r.boolean());
  SSH_TRY(protocol, text_field(r));
  SSH_TRY(cookie, text_field(r));
  SSH_TRY(screen, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return X11Request{single, std::move(protocol), std::move(cookie), screen};
}

Bytes EnvRequest::encode() const {
  wire::Writer w;
  w.string(name);
  w.string(value);
  return done(w);
}

Result<EnvRequest> EnvRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(variable, text_field(r));
  SSH_TRY(value, text_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return EnvRequest{std::move(variable), std::move(value)};
}

Bytes ShellRequest::encode() const { return {}; }
Result<ShellRequest> ShellRequest::decode(ByteView tail) { return decode_empty<ShellRequest>(tail); }

Bytes ExecRequest::encode() const {
  wire::Writer w;
  w.string(command);
  return done(w);
}

Result<ExecRequest> ExecRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(command, text_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return ExecRequest{std::move(command)};
}

Bytes SubsystemRequest::encode() const {
  wire::Writer w;
  w.string(name);
  return done(w);
}

Result<SubsystemRequest> SubsystemRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(subsystem, text_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return SubsystemRequest{std::move(subsystem)};
}

Bytes WindowChangeRequest::encode() const {
  wire::Writer w;
  w.u32(cols);
  w.u32(rows);
  w.u32(width_px);
  w.u32(height_px);
  return done(w);
}

Result<WindowChangeRequest> WindowChangeRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(cols, r.u32());
  SSH_TRY(rows, r.u32());
  SSH_TRY(width, r.u32());
  SSH_TRY(height, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return WindowChangeRequest{cols, rows, width, height};
}

Bytes XonXoffRequest::encode() const { return Bytes{static_cast<std::uint8_t>(client_can_do ? 1 : 0)}; }

Result<XonXoffRequest> XonXoffRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(can_do, r.boolean());
  SSH_TRY_VOID(r.finish(kType));
  return XonXoffRequest{can_do};
}

Bytes SignalRequest::encode() const {
  wire::Writer w;
  w.string(signal_name);
  return done(w);
}

Result<SignalRequest> SignalRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(signal, name_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return SignalRequest{std::move(signal)};
}

Bytes ExitStatusRequest::encode() const {
  wire::Writer w;
  w.u32(exit_status);
  return done(w);
}

Result<ExitStatusRequest> ExitStatusRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(status, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return ExitStatusRequest{status};
}

Bytes ExitSignalRequest::encode() const {
  wire::Writer w;
  w.string(signal_name);
  w.boolean(core_dumped);
  w.string(error_message);
  w.string(language);
  return done(w);
}

Result<ExitSignalRequest> ExitSignalRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(signal, name_field(r));
  SSH_TRY(core, r.boolean());
  SSH_TRY(message, text_field(r));
  SSH_TRY(language, text_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return ExitSignalRequest{std::move(signal), core, std::move(message), std::move(language)};
}

Bytes BreakRequest::encode() const {
  wire::Writer w;
  w.u32(length_ms);
  return done(w);
}

Result<BreakRequest> BreakRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(length, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return BreakRequest{length};
}

Bytes EowRequest::encode() const { return {}; }
Result<EowRequest> EowRequest::decode(ByteView tail) { return decode_empty<EowRequest>(tail); }

Bytes KeepaliveRequest::encode() const { return {}; }
Result<KeepaliveRequest> KeepaliveRequest::decode(ByteView tail) {
  return decode_empty<KeepaliveRequest>(tail);
}

// ---------------------------------------------------------------- global requests

Bytes TcpipForwardRequest::encode() const {
  wire::Writer w;
  w.string(bind_address);
  w.u32(bind_port);
  return done(w);
}

Result<TcpipForwardRequest> TcpipForwardRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(address, text_field(r));
  SSH_TRY(port, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return TcpipForwardRequest{std::move(address), port};
}

Bytes TcpipForwardReply::encode() const {
  wire::Writer w;
  w.u32(bound_port);
  return done(w);
}

Result<TcpipForwardReply> TcpipForwardReply::decode(ByteView data) {
  wire::Reader r(data);
  SSH_TRY(port, r.u32());
  SSH_TRY_VOID(r.finish("tcpip-forward reply"));
  return TcpipForwardReply{port};
}

Bytes CancelTcpipForwardRequest::encode() const {
  wire::Writer w;
  w.string(bind_address);
  w.u32(bind_port);
  return done(w);
}

Result<CancelTcpipForwardRequest> CancelTcpipForwardRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(address, text_field(r));
  SSH_TRY(port, r.u32());
  SSH_TRY_VOID(r.finish(kType));
  return CancelTcpipForwardRequest{std::move(address), port};
}

Bytes StreamlocalForwardRequest::encode() const {
  wire::Writer w;
  w.string(socket_path);
  return done(w);
}

Result<StreamlocalForwardRequest> StreamlocalForwardRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(path, text_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return StreamlocalForwardRequest{std::move(path)};
}

Bytes CancelStreamlocalForwardRequest::encode() const {
  wire::Writer w;
  w.string(socket_path);
  return done(w);
}

Result<CancelStreamlocalForwardRequest> CancelStreamlocalForwardRequest::decode(ByteView tail) {
  wire::Reader r(tail);
  SSH_TRY(path, text_field(r));
  SSH_TRY_VOID(r.finish(kType));
  return CancelStreamlocalForwardRequest{std::move(path)};
}

Bytes NoMoreSessionsRequest::encode() const { return {}; }
Result<NoMoreSessionsRequest> NoMoreSessionsRequest::decode(ByteView tail) {
  return decode_empty<NoMoreSessionsRequest>(tail);
}

Bytes HostkeysRequest::encode() const { return encode_blob_list(blobs); }
Result<HostkeysRequest> HostkeysRequest::decode(ByteView tail) {
  SSH_TRY(blobs, decode_blob_list(tail));
  return HostkeysRequest{std::move(blobs)};
}

Bytes HostkeysProveRequest::encode() const { return encode_blob_list(blobs); }
Result<HostkeysProveRequest> HostkeysProveRequest::decode(ByteView tail) {
  SSH_TRY(blobs, decode_blob_list(tail));
  return HostkeysProveRequest{std::move(blobs)};
}

}  // namespace sshcore::connection

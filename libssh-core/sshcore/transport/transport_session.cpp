#include "sshcore/transport/transport_session.hpp"

#include <cstring>
#include <utility>

#include "sshcore/base/log.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/keys/key_type.hpp"
#include "sshcore/transport/compat_banner.hpp"
#include "sshcore/transport/kex_round.hpp"
#include "sshcore/transport/transport_messages.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {
namespace {
constexpr std::uint64_t kMaxPacketsPerKey = std::uint64_t{1} << 31;  // OpenSSH's MAX_PACKETS
constexpr std::size_t kMaxHeldBytes = 64 * 1024 * 1024;              // bound on messages held during KEX

unexpected<Error> protocol_error(std::string detail) {
  Error e{Errc::kInvalidFormat, std::move(detail)};
  e.reason = DisconnectReason::kProtocolError;
  return fail(std::move(e));
}

bool is_kex_message(std::uint8_t n) {
  return n == msg::kKexInit || n == msg::kNewKeys || (n >= msg::kKexFirst && n <= msg::kKexLast);
}
}  // namespace

std::string default_host_key_algorithms() {
  return "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
}

TransportSession::TransportSession(TransportConfig config, std::vector<std::shared_ptr<keys::Signer>> host_keys,
                                   HostKeyVerifier verify_host_key)
    : config_(std::move(config)),
      host_keys_(std::move(host_keys)),
      verify_host_key_(std::move(verify_host_key)),
      our_id_(our_identification(config_.identification_comment)),
      version_(config_.role == Role::kServer ? Role::kServer : Role::kClient) {}

TransportSession::~TransportSession() { secure_wipe(message_scratch_.data(), message_scratch_.size()); }

std::string TransportSession::our_kexinit_kex_list() const {
  std::string list = config_.kex;
  if (kex_count_ == 0) {  // pseudo-algorithms belong to the initial exchange only
    bool server = config_.role == Role::kServer;
    list += ',';
    list += server ? kExtInfoServer : kExtInfoClient;
    list += ',';
    list += server ? kStrictKexServer : kStrictKexClient;
  }
  return list;
}

std::string TransportSession::our_host_key_list() const {
  std::string wanted = config_.host_key_algorithms.empty() ? default_host_key_algorithms()
                                                           : config_.host_key_algorithms;
  if (config_.role == Role::kClient) return wanted;
  std::string out;  // a server offers only algorithms it holds a key for
  std::string_view rest = wanted;
  while (!rest.empty()) {
    std::string_view name = rest.substr(0, rest.find(','));
    rest = name.size() == rest.size() ? std::string_view() : rest.substr(name.size() + 1);
    const keys::SignatureAlgInfo* sig = keys::find_signature_alg(name);
    bool held = false;
    for (const auto& k : host_keys_) held = held || (sig != nullptr && k->public_key().type() == sig->key_type);
    if (!held) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

void TransportSession::start() {
  if (started_) return;
  started_ = true;
  ident_out_ = our_id_ + "\r\n";
  if (auto r = start_kex(); !r) error_ = r.error();
}

void TransportSession::receive(ByteView bytes) {
  if (closed_ || error_) return;
  if (!peer_) {
    std::size_t used = 0;
    auto r = version_.feed(bytes, used);
    if (!r) {
      log::error("{}", r.error().detail);
      error_ = r.error();
      closed_ = true;  // no packet layer yet: nothing to send, the driver just closes
      return;
    }
    if (!r->has_value()) return;
    peer_ = std::move(**r);
    // kex_exchange_identification() prints at most 100 characters ("%.100s").
    log::debug1("Remote protocol version {}.{}, remote software version {}", peer_->major, peer_->minor,
                peer_->software_version().substr(0, 100));
    // Only for the debug line: sshpp needs none of compat.c's work-arounds.
    (void)compat_banner(peer_->software_version());
    bytes = bytes.subspan(used);
  }
  decoder_.receive(bytes);
}

std::span<std::uint8_t> TransportSession::receive_buffer(std::size_t n) {
  // Until the peer's identification line is in, bytes go through the version exchange.
  receive_in_place_ = peer_.has_value() && !closed_ && !error_;
  if (receive_in_place_) return decoder_.receive_buffer(n);
  receive_scratch_.resize(n);
  return receive_scratch_;
}

void TransportSession::commit_received(std::size_t n) {
  if (!std::exchange(receive_in_place_, false)) return receive(ByteView(receive_scratch_.data(), n));
  decoder_.commit_received(n);
}

unexpected<Error> TransportSession::fatal(Error e) {
  // What ended the session, in OpenSSH's words. A negotiation failure is the
  // driver's to report: OpenSSH names the peer ("Unable to negotiate with ADDR
  // port N: ..."), which only the driver knows.
  if (!error_) {
    if (e.code == Errc::kNoCommonAlgorithm) log::debug1("{}", e.detail);
    else log::error("{}", e.detail);
  }
  if (!closed_) {
    DisconnectReason reason = e.reason == DisconnectReason::kNone ? DisconnectReason::kProtocolError : e.reason;
    if (e.reason == DisconnectReason::kNone) e.reason = reason;
    MsgDisconnect d{reason, e.detail};
    (void)encoder_.encode(d.encode());
    closed_ = true;
  }
  error_ = e;
  return fail(std::move(e));
}

Result<std::optional<TransportEvent>> TransportSession::next_event() {
  while (true) {
    if (!events_.empty()) {
      TransportEvent ev = std::move(events_.front());
      events_.pop_front();
      return ev;
    }
    if (error_) return fail(*error_);
    if (closed_ || !peer_) return std::optional<TransportEvent>();
    auto packet = decoder_.next_packet();
    if (!packet) return fatal(std::move(packet).error());
    if (!packet->has_value()) return std::optional<TransportEvent>();
    ByteView payload = (*packet)->payload;
    if (payload.empty()) return fatal(protocol_error("empty packet"));
    std::uint8_t number = payload[0];
    // Messages for the layers above: delivered as views into the decoder.
    bool upper = number == msg::kServiceRequest || number == msg::kServiceAccept || number >= 50;
    if (upper && number != msg::kPing && number != msg::kPong) {
      if (session_id_.empty() || (kex_ && kex_->initial()))
        return fatal(protocol_error("unexpected message type " + std::to_string(number) +
                                    " before key exchange completed"));
      TransportEvent ev{TransportEventKind::kMessage, payload, {}, {}, {}};
      if (auto r = maybe_rekey(); !r) return fatal(std::move(r).error());
      return ev;
    }
    if (auto r = handle_packet(payload, (*packet)->sequence_number); !r) return fatal(std::move(r).error());
  }
}

Result<void> TransportSession::handle_packet(ByteView payload, std::uint32_t seq) {
  std::uint8_t number = payload[0];
  wire::Reader body(payload.subspan(1));
  bool initial_kex = session_id_.empty() || (kex_ && kex_->initial());
  // Strict KEX (PROTOCOL 1.9): nothing but the key exchange itself until the
  // first NEWKEYS, so no message can be injected into the unprotected stream.
  // A DISCONNECT only ends the session, so it is heard (with its reason).
  if (strict_ && initial_kex && !is_kex_message(number) && number != msg::kDisconnect)
    return protocol_error("strict KEX violation: unexpected message type " + std::to_string(number) +
                          " during initial key exchange");
  if (ignore_next_kex_packet_ && number >= msg::kKexFirst && number <= msg::kKexLast) {
    ignore_next_kex_packet_ = false;  // the peer guessed the wrong method
    return {};
  }
  switch (number) {
    case msg::kDisconnect: {
      SSH_TRY(d, MsgDisconnect::decode(body));
      closed_ = true;
      events_.push_back(TransportEvent{TransportEventKind::kDisconnected, {}, d.reason, d.description, {}});
      return {};
    }
    case msg::kIgnore:
      return {};
    case msg::kUnimplemented: {
      SSH_TRY(which, body.u32());
      log::debug1("Received SSH2_MSG_UNIMPLEMENTED for {}", which);
      return {};
    }
    case msg::kDebug: {
      SSH_TRY(display, body.boolean());
      SSH_TRY(text, body.string());
      (void)display;
      log::debug1("Remote: {}", as_chars(text));
      return {};
    }
    case msg::kExtInfo: {
      SSH_TRY(info, MsgExtInfo::decode(body));
      for (const auto& [name, value] : info.extensions) {
        log::debug1("kex_input_ext_info: {}=<{}>", name, value);
        if (name == "server-sig-algs" && config_.role == Role::kClient) server_sig_algs_ = value;
      }
      events_.push_back(TransportEvent{TransportEventKind::kExtInfo, {}, {}, {}, std::move(info.extensions)});
      return {};
    }
    case msg::kKexInit:
      if (!kex_) SSH_TRY_VOID(start_kex());  // the peer starts a re-exchange
      return kex_->on_peer_kexinit(payload, seq);
    case msg::kNewKeys: {
      if (!kex_) return protocol_error("kex protocol error: unexpected SSH2_MSG_NEWKEYS");
      SSH_TRY_VOID(body.finish("SSH2_MSG_NEWKEYS"));
      SSH_TRY(inbound, kex_->on_newkeys());
      SSH_TRY_VOID(decoder_.set_protection(std::move(inbound), kex_->inbound_compression()));
      if (compression_enabled_) SSH_TRY_VOID(decoder_.enable_delayed_compression());
      if (strict_) decoder_.reset_sequence_number();
      return newkeys_received();
    }
    case msg::kPing: {
      SSH_TRY(data, body.string());
      if (kex_ || session_id_.empty()) return {};  // OpenSSH answers only outside key exchange
      wire::Writer w;
      w.u8(msg::kPong);
      w.string(data);
      SSH_TRY(pong, std::move(w).finish());
      return send_now(pong);
    }
    case msg::kPong:
      return {};
    default:
      if (number >= msg::kKexFirst && number <= msg::kKexLast) {
        if (!kex_ || !kex_->peer_kexinit_received())
          return protocol_error("kex protocol error: type " + std::to_string(number));
        return kex_->on_kex_message(payload);
      }
      // An unknown transport-range message: tell the peer, as RFC 4253 section 11.4 asks.
      wire::Writer w;
      w.u8(msg::kUnimplemented);
      w.u32(seq);
      SSH_TRY(reply, std::move(w).finish());
      return send_now(reply);
  }
}

Result<void> TransportSession::start_kex() {
  if (kex_) return {};
  kex_ = std::make_unique<KexRound>(*this, session_id_.empty());
  kex_started_ = std::chrono::steady_clock::now();
  return kex_->send_kexinit();
}

Result<void> TransportSession::send_now(ByteView payload) {
  if (closed_) return protocol_error("session closed");
  return encoder_.encode(payload);
}

Result<void> TransportSession::newkeys_sent(std::unique_ptr<PacketProtection> protection, CompressionMode mode) {
  SSH_TRY_VOID(encoder_.set_protection(std::move(protection), mode));
  if (compression_enabled_) SSH_TRY_VOID(encoder_.enable_delayed_compression());
  if (strict_) encoder_.reset_sequence_number();
  if (kex_->initial() && config_.role == Role::kServer && kex_->algs().peer_ext_info &&
      !config_.server_sig_algs.empty()) {
    std::string algs;
    for (const auto& a : config_.server_sig_algs) algs += (algs.empty() ? "" : ",") + a;
    MsgExtInfo info{{{"server-sig-algs", algs}, {"publickey-hostbound@openssh.com", "0"}, {"ping@openssh.com", "0"}}};
    SSH_TRY_VOID(send_now(info.encode()));
  }
  while (!held_.empty()) {  // what the layers above sent during the exchange
    SSH_TRY_VOID(encoder_.encode(held_.front()));
    held_.pop_front();
  }
  if (kex_->done()) return newkeys_received();
  return {};
}

Result<void> TransportSession::newkeys_received() {
  if (!kex_->done()) return {};
  negotiated_ = kex_->algs();
  // OpenSSH's default RekeyLimit: 2^(2*block bytes) blocks for 16-byte ciphers,
  // 1 GiB for smaller blocks (RFC 4344 section 3.2), lowered by a byte limit.
  std::size_t block = encoder_.protection().block_size();
  rekey_blocks_limit_ = block >= 16 ? (std::uint64_t{1} << std::min<std::size_t>(block * 2, 62))
                                    : (std::uint64_t{1} << 30) / block;
  if (config_.rekey_limit_bytes != 0)
    rekey_blocks_limit_ = std::min<std::uint64_t>(rekey_blocks_limit_, config_.rekey_limit_bytes / block);
  ++kex_count_;
  kex_.reset();
  last_kex_ = std::chrono::steady_clock::now();
  // Every exchange, not only the first: producers that held data back while
  // kex_in_progress() was true resume on this event (kex_count() tells which).
  events_.push_back(TransportEvent{TransportEventKind::kKexComplete, {}, {}, {}, {}});
  return {};
}

Result<void> TransportSession::maybe_rekey() {
  if (kex_ || rekey_blocks_limit_ == 0) return {};
  const auto& out = encoder_.counters();
  const auto& in = decoder_.counters();
  if (out.blocks > rekey_blocks_limit_ || in.blocks > rekey_blocks_limit_ || out.packets > kMaxPacketsPerKey ||
      in.packets > kMaxPacketsPerKey) {
    log::debug1("rekeying after {} blocks out, {} blocks in", out.blocks, in.blocks);
    return start_kex();
  }
  return {};
}

Result<void> TransportSession::send(ByteView message) {
  if (error_) return fail(*error_);
  if (closed_) return protocol_error("session closed");
  if (message.empty()) return protocol_error("empty message");
  if (kex_ && (kex_->initial() || !kex_->newkeys_sent())) {
    std::size_t held = 0;
    for (const auto& m : held_) held += m.size();
    if (held + message.size() > kMaxHeldBytes) return protocol_error("too much data held during key exchange");
    held_.push_back(to_bytes(message));
    return {};
  }
  if (auto r = encoder_.encode(message); !r) return fatal(std::move(r).error());
  if (auto r = maybe_rekey(); !r) return fatal(std::move(r).error());
  return {};
}

Result<void> TransportSession::send(ByteView head, ByteView tail) {
  if (head.size() + tail.size() == 0) return send(ByteView());  // the usual "empty message" error
  auto room = begin_message(head.size() + tail.size());
  if (!head.empty()) std::memcpy(room.data(), head.data(), head.size());
  if (!tail.empty()) std::memcpy(room.data() + head.size(), tail.data(), tail.size());
  return finish_message(head.size() + tail.size());
}

std::span<std::uint8_t> TransportSession::begin_message(std::size_t max_len) {
  message_in_place_ = !error_ && !closed_ && !(kex_ && (kex_->initial() || !kex_->newkeys_sent()));
  if (message_in_place_) return encoder_.begin_payload(max_len);
  if (message_scratch_.size() < max_len) {
    secure_wipe(message_scratch_.data(), message_scratch_.size());
    message_scratch_ = Bytes(max_len);
  }
  return {message_scratch_.data(), max_len};
}

Result<void> TransportSession::finish_message(std::size_t len) {
  if (!message_in_place_) return len == 0 ? Result<void>{} : send(ByteView(message_scratch_.data(), len));
  message_in_place_ = false;
  if (len == 0) {
    encoder_.cancel_payload();
    return {};
  }
  if (auto r = encoder_.finish_payload(len); !r) return fatal(std::move(r).error());
  if (auto r = maybe_rekey(); !r) return fatal(std::move(r).error());
  return {};
}

bool TransportSession::kex_in_progress() const { return kex_ != nullptr || !held_.empty(); }

Result<void> TransportSession::request_rekey() {
  if (error_) return fail(*error_);
  if (session_id_.empty()) return {};  // the initial exchange is still running
  if (auto r = start_kex(); !r) return fatal(std::move(r).error());
  return {};
}

Result<void> TransportSession::on_timer(std::chrono::steady_clock::time_point now) {
  if (error_) return fail(*error_);
  if (kex_ && config_.kex_timeout.count() > 0 && now - kex_started_ >= config_.kex_timeout) {
    Error e{Errc::kInvalidArgument,
            "Timeout during key exchange: no progress for " + std::to_string(config_.kex_timeout.count()) + " seconds"};
    e.reason = DisconnectReason::kKeyExchangeFailed;
    return fatal(std::move(e));
  }
  if (config_.rekey_interval.count() > 0 && !kex_ && !session_id_.empty() &&
      now - last_kex_ >= config_.rekey_interval)
    return request_rekey();
  return {};
}

Result<void> TransportSession::enable_delayed_compression() {
  compression_enabled_ = true;
  SSH_TRY_VOID(encoder_.enable_delayed_compression());
  return decoder_.enable_delayed_compression();
}

void TransportSession::disconnect(DisconnectReason reason, std::string_view description) {
  if (closed_) return;
  MsgDisconnect d{reason, std::string(description)};
  (void)encoder_.encode(d.encode());
  closed_ = true;
}

ByteView TransportSession::pending_output() const {
  if (!ident_out_.empty()) return as_bytes(ident_out_);
  return encoder_.pending_output();
}

void TransportSession::consume_output(std::size_t n) {
  if (!ident_out_.empty()) {
    std::size_t k = std::min(n, ident_out_.size());
    ident_out_.erase(0, k);
    n -= k;
  }
  if (n != 0) encoder_.consume_output(n);
}

}  // namespace sshcore::transport

#include "sshcore/transport/transport_state.hpp"

#include <chrono>

#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {
namespace {

constexpr std::string_view kStateMagic = "sshpp-transport-state-v1";
constexpr std::size_t kMaxStateSize = 4 * kPacketMaxSize;  // two queues of at most a few packets

unexpected<Error> bad_state(std::string detail) {
  return fail(Errc::kInvalidFormat, "transport state: " + std::move(detail));
}

void write_direction_algs(wire::Writer& w, const DirectionAlgs& d) {
  w.string(d.cipher != nullptr ? d.cipher->name : std::string_view());
  w.string(d.mac != nullptr ? d.mac->name : std::string_view());
  w.string(d.compression != nullptr ? d.compression->name : std::string_view());
}

Result<DirectionAlgs> read_direction_algs(wire::Reader& r) {
  SSH_TRY(cipher, r.cstring());
  SSH_TRY(mac, r.cstring());
  SSH_TRY(compression, r.cstring());
  DirectionAlgs d;
  d.cipher = find_cipher(cipher);
  d.mac = mac.empty() ? nullptr : find_mac(mac);
  d.compression = find_compression(compression);
  if (d.cipher == nullptr || (!mac.empty() && d.mac == nullptr) || d.compression == nullptr)
    return bad_state("unknown algorithm");
  return d;
}

Result<void> write_direction(wire::Writer& w, const PacketProtection& p, const CodecHandoff& c) {
  SSH_TRY(keys, p.export_keys());
  w.string(p.cipher_name());
  w.string(p.mac_name());
  w.string(keys.iv.view());
  w.string(keys.enc_key.view());
  w.string(keys.mac_key.view());
  w.u32(c.sequence_number);
  w.u64(c.counters.packets);
  w.u64(c.counters.blocks);
  w.u64(c.counters.bytes);
  w.u64(c.total_bytes);
  w.string(c.queued);
  w.boolean(c.packet_length.has_value());
  w.u32(c.packet_length.value_or(0));
  return {};
}

struct DirectionState {
  std::unique_ptr<PacketProtection> protection;
  CodecHandoff codec;
};

Result<DirectionState> read_direction(wire::Reader& r, PacketDirection direction) {
  SSH_TRY(cipher_name, r.cstring());
  SSH_TRY(mac_name, r.cstring());
  DirectionKeys keys;
  SSH_TRY(iv, r.string());
  SSH_TRY(enc_key, r.string());
  SSH_TRY(mac_key, r.string());
  keys.iv = SecretBytes(iv);
  keys.enc_key = SecretBytes(enc_key);
  keys.mac_key = SecretBytes(mac_key);
  const CipherAlg* cipher = find_cipher(cipher_name);
  const MacAlg* mac = mac_name.empty() ? nullptr : find_mac(mac_name);
  if (cipher == nullptr || cipher->name == "none" || (!mac_name.empty() && mac == nullptr))
    return bad_state("unknown or unprotected cipher");
  SSH_TRY(protection, PacketProtection::create(*cipher, mac, keys, direction));
  DirectionState d{std::move(protection), {}};
  SSH_TRY(seq, r.u32());
  SSH_TRY(packets, r.u64());
  SSH_TRY(blocks, r.u64());
  SSH_TRY(bytes, r.u64());
  SSH_TRY(total, r.u64());
  SSH_TRY(queued, r.string());
  SSH_TRY(has_length, r.boolean());
  SSH_TRY(length, r.u32());
  d.codec.sequence_number = seq;
  d.codec.counters = TrafficCounters{packets, blocks, bytes};
  d.codec.total_bytes = total;
  d.codec.queued = to_bytes(queued);
  if (has_length) d.codec.packet_length = length;
  return d;
}

}  // namespace

// The one place that sees TransportSession's members from outside (a friend).
struct TransportStateCodec {
  static Result<SecretBytes> save(const TransportSession& s) {
    if (!s.started_ || !s.peer_ || s.session_id_.empty() || !s.negotiated_)
      return fail(Errc::kInvalidArgument, "transport state: no key exchange completed");
    if (s.kex_ || !s.held_.empty() || !s.events_.empty() || s.error_ || s.closed_ || !s.ident_out_.empty())
      return fail(Errc::kInvalidArgument, "transport state: session busy or closed, cannot hand off");
    SSH_TRY(out_codec, s.encoder_.handoff());
    SSH_TRY(in_codec, s.decoder_.handoff());

    wire::Writer w(kMaxStateSize, wire::Wipe::kYes);
    w.string(kStateMagic);
    w.u8(s.config_.role == Role::kServer ? 1 : 0);
    w.string(s.session_id_);
    w.string(s.peer_->line);
    w.u32(static_cast<std::uint32_t>(s.peer_->major));
    w.u32(static_cast<std::uint32_t>(s.peer_->minor));
    w.string(s.peer_->software);
    w.string(s.peer_->comment);
    const NegotiatedAlgs& n = *s.negotiated_;
    w.string(n.kex != nullptr ? n.kex->name : std::string_view());
    w.string(n.host_key_alg);
    write_direction_algs(w, n.client_to_server);
    write_direction_algs(w, n.server_to_client);
    w.boolean(n.strict_kex);
    w.boolean(n.peer_ext_info);
    w.boolean(n.ignore_guessed_packet);
    w.boolean(s.server_host_key_.has_value());
    w.string(s.server_host_key_ ? ByteView(s.server_host_key_->blob()) : ByteView());
    w.boolean(s.server_sig_algs_.has_value());
    w.string(s.server_sig_algs_.value_or(std::string()));
    w.u32(s.kex_count_);
    w.boolean(s.strict_);
    w.boolean(s.ignore_next_kex_packet_);
    w.boolean(s.compression_enabled_);
    w.u64(s.rekey_blocks_limit_);
    auto since = std::chrono::steady_clock::now() - s.last_kex_;
    w.u64(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(since).count()));
    SSH_TRY_VOID(write_direction(w, s.encoder_.protection(), out_codec));
    SSH_TRY_VOID(write_direction(w, s.decoder_.protection(), in_codec));
    return std::move(w).finish_secret();
  }

  static Result<std::unique_ptr<TransportSession>> load(ByteView state,
                                                        std::vector<std::shared_ptr<keys::Signer>> host_keys,
                                                        TransportConfig config, HostKeyVerifier verify) {
    wire::Reader r(state);
    SSH_TRY(magic, r.string());
    if (as_chars(magic) != kStateMagic) return bad_state("not a transport state");
    SSH_TRY(role, r.u8());
    if (role > 1 || (role == 1) != (config.role == Role::kServer)) return bad_state("role mismatch");
    const bool server = role == 1;
    auto s = std::make_unique<TransportSession>(std::move(config), std::move(host_keys), std::move(verify));
    SSH_TRY(session_id, r.string());
    if (session_id.empty() || session_id.size() > 64) return bad_state("bad session id");
    s->session_id_ = to_bytes(session_id);
    PeerIdentification peer;
    SSH_TRY(line, r.cstring());
    SSH_TRY(major, r.u32());
    SSH_TRY(minor, r.u32());
    SSH_TRY(software, r.cstring());
    SSH_TRY(comment, r.cstring());
    peer.line = std::string(line);
    peer.major = static_cast<int>(major & 0xff);
    peer.minor = static_cast<int>(minor & 0xff);
    peer.software = std::string(software);
    peer.comment = std::string(comment);
    s->peer_ = std::move(peer);

    NegotiatedAlgs n;
    SSH_TRY(kex, r.cstring());
    n.kex = find_kex(kex);
    if (n.kex == nullptr) return bad_state("unknown kex");
    SSH_TRY(host_key_alg, r.cstring());
    n.host_key_alg = std::string(host_key_alg);
    SSH_TRY(c2s, read_direction_algs(r));
    SSH_TRY(s2c, read_direction_algs(r));
    n.client_to_server = c2s;
    n.server_to_client = s2c;
    SSH_TRY(strict_kex, r.boolean());
    SSH_TRY(peer_ext_info, r.boolean());
    SSH_TRY(ignore_guessed, r.boolean());
    n.strict_kex = strict_kex;
    n.peer_ext_info = peer_ext_info;
    n.ignore_guessed_packet = ignore_guessed;
    s->negotiated_ = n;

    SSH_TRY(has_host_key, r.boolean());
    SSH_TRY(host_key_blob, r.string());
    if (has_host_key) {
      SSH_TRY(key, keys::PublicKey::from_blob(host_key_blob));
      s->server_host_key_ = std::move(key);
    }
    SSH_TRY(has_sig_algs, r.boolean());
    SSH_TRY(sig_algs, r.cstring());
    if (has_sig_algs) s->server_sig_algs_ = std::string(sig_algs);
    SSH_TRY(kex_count, r.u32());
    SSH_TRY(strict, r.boolean());
    SSH_TRY(ignore_next, r.boolean());
    SSH_TRY(compression_enabled, r.boolean());
    SSH_TRY(rekey_limit, r.u64());
    SSH_TRY(since_ms, r.u64());
    if (kex_count == 0) return bad_state("no key exchange completed");
    s->kex_count_ = kex_count;
    s->strict_ = strict;
    s->ignore_next_kex_packet_ = ignore_next;
    s->rekey_blocks_limit_ = rekey_limit;
    auto now = std::chrono::steady_clock::now();
    s->last_kex_ = now - std::chrono::milliseconds(std::min<std::uint64_t>(since_ms, 1ull << 40));
    s->kex_started_ = s->last_kex_;

    const DirectionAlgs& out_algs = server ? n.server_to_client : n.client_to_server;
    const DirectionAlgs& in_algs = server ? n.client_to_server : n.server_to_client;
    SSH_TRY(out, read_direction(r, PacketDirection::kOutbound));
    SSH_TRY(in, read_direction(r, PacketDirection::kInbound));
    SSH_TRY_VOID(r.finish("transport state"));
    if (out.protection->cipher_name() != out_algs.cipher->name ||
        in.protection->cipher_name() != in_algs.cipher->name)
      return bad_state("cipher does not match the negotiated one");
    SSH_TRY_VOID(s->encoder_.resume(out.codec, std::move(out.protection), compression_mode(out_algs.compression)));
    SSH_TRY_VOID(s->decoder_.resume(in.codec, std::move(in.protection), compression_mode(in_algs.compression)));
    if (compression_enabled) {
      // Only a session without a running zlib stream was exported; a delayed one
      // whose authentication is already done cannot be here.
      if (compression_mode(out_algs.compression) != CompressionMode::kNone ||
          compression_mode(in_algs.compression) != CompressionMode::kNone)
        return bad_state("compression already running");
      s->compression_enabled_ = true;
    }
    s->started_ = true;
    return s;
  }
};

Result<Bytes> transport_state_session_id(ByteView state) {
  wire::Reader r(state);
  SSH_TRY(magic, r.string());
  if (as_chars(magic) != kStateMagic) return bad_state("not a transport state");
  SSH_TRY(role, r.u8());
  (void)role;
  SSH_TRY(session_id, r.string());
  return to_bytes(session_id);
}

Result<SecretBytes> export_transport_state(const TransportSession& session) {
  return TransportStateCodec::save(session);
}

Result<std::unique_ptr<TransportSession>> import_transport_state(ByteView state,
                                                                 std::vector<std::shared_ptr<keys::Signer>> host_keys,
                                                                 TransportConfig config,
                                                                 HostKeyVerifier verify_host_key) {
  return TransportStateCodec::load(state, std::move(host_keys), std::move(config), std::move(verify_host_key));
}

}  // namespace sshcore::transport

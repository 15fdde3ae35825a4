#include "sshcore/transport/kex_round.hpp"

#include <algorithm>

#include "sshcore/base/log.hpp"
#include "sshcore/crypto/random.hpp"
#include "sshcore/keys/key_type.hpp"
#include "sshcore/transport/exchange_hash.hpp"
#include "sshcore/transport/key_derivation.hpp"
#include "sshcore/transport/moduli.hpp"
#include "sshcore/transport/transport_messages.hpp"
#include "sshcore/transport/transport_session.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {
namespace {
unexpected<Error> protocol_error(std::string detail) {
  Error e{Errc::kInvalidFormat, std::move(detail)};
  e.reason = DisconnectReason::kProtocolError;
  return fail(std::move(e));
}

// A length-prefixed field (string or mpint) including its prefix: public values
// enter the exchange hash exactly as they were on the wire.
Result<ByteView> length_prefixed_field(wire::Reader& r) {
  ByteView before = r.rest();
  SSH_TRY(body, r.string());
  return before.first(4 + body.size());
}

Bytes with_number(std::uint8_t number, ByteView body) {
  Bytes out;
  out.reserve(1 + body.size());
  out.push_back(number);
  append(out, body);
  return out;
}
}  // namespace

bool KexRound::is_server() const { return s_.config_.role == Role::kServer; }
bool KexRound::group_exchange() const { return algs_.kex->family == KexFamily::kDhGroupExchange; }

Result<void> KexRound::send_kexinit() {
  MsgKexInit m;
  crypto::fill_random(s_.config_.random, m.cookie);
  m[Proposal::kKex] = s_.our_kexinit_kex_list();
  m[Proposal::kHostKey] = s_.our_host_key_list();
  m[Proposal::kCipherCtoS] = m[Proposal::kCipherStoC] = s_.config_.ciphers;
  m[Proposal::kMacCtoS] = m[Proposal::kMacStoC] = s_.config_.macs;
  m[Proposal::kCompressionCtoS] = m[Proposal::kCompressionStoC] = s_.config_.compression;
  wire::Writer w;
  m.encode(w);
  SSH_TRY(payload, std::move(w).finish());
  our_kexinit_ = std::move(payload);
  log::debug1("SSH2_MSG_KEXINIT sent");
  return s_.send_now(our_kexinit_);
}

Result<void> KexRound::on_peer_kexinit(ByteView payload, std::uint32_t seq) {
  if (peer_kexinit_received_) return protocol_error("kex protocol error: duplicate SSH2_MSG_KEXINIT");
  log::debug1("SSH2_MSG_KEXINIT received");
  SSH_TRY(peer, MsgKexInit::decode(wire::Reader(payload.subspan(1))));
  peer_kexinit_ = to_bytes(payload);
  peer_kexinit_received_ = true;
  SSH_TRY(ours, MsgKexInit::decode(wire::Reader(ByteView(our_kexinit_).subspan(1))));
  const MsgKexInit& client = is_server() ? peer : ours;
  const MsgKexInit& server = is_server() ? ours : peer;
  SSH_TRY(algs, negotiate(client, server, is_server(), initial_));
  algs_ = std::move(algs);
  if (algs_.strict_kex) {
    if (seq != 0) return protocol_error("strict KEX violation: KEXINIT was not the first packet");
    s_.strict_ = true;
  }
  s_.ignore_next_kex_packet_ = algs_.ignore_guessed_packet;
  log::debug1("kex: algorithm: {}", algs_.kex->name);
  log::debug1("kex: host key algorithm: {}", algs_.host_key_alg);
  auto describe = [](const DirectionAlgs& d) {
    return fmt::format("cipher: {} MAC: {} compression: {}", d.cipher->name,
                       d.mac ? d.mac->name : std::string_view("<implicit>"), d.compression->name);
  };
  log::debug1("kex: {}->{} {}", is_server() ? "client" : "server", is_server() ? "server" : "client",
              describe(is_server() ? algs_.client_to_server : algs_.server_to_client));
  log::debug1("kex: {}->{} {}", is_server() ? "server" : "client", is_server() ? "client" : "server",
              describe(is_server() ? algs_.server_to_client : algs_.client_to_server));
  return start_method();
}

Result<void> KexRound::start_method() {
  if (group_exchange()) {
    if (is_server()) {
      stage_ = Stage::kGexRequest;
      return {};
    }
    // OpenSSH's client: the preferred size follows the strongest cipher/MAC need.
    std::size_t need = 0;
    for (const DirectionAlgs* d : {&algs_.client_to_server, &algs_.server_to_client}) {
      need = std::max<std::size_t>({need, d->cipher->key_len, d->cipher->block_len, d->cipher->iv_len,
                                    d->mac ? std::size_t{d->mac->key_len} : 0});
    }
    gex_min_ = kDhGexMinBits;
    gex_n_ = std::min(dh_estimate(static_cast<unsigned>(need * 8)), kDhGexMaxBits);
    gex_max_ = kDhGexMaxBits;
    wire::Writer w;
    w.u8(msg::kKexDhGexRequest);
    w.u32(gex_min_);
    w.u32(gex_n_);
    w.u32(gex_max_);
    SSH_TRY(req, std::move(w).finish());
    log::debug1("SSH2_MSG_KEX_DH_GEX_REQUEST({}<{}<{}) sent", gex_min_, gex_n_, gex_max_);
    stage_ = Stage::kGexGroup;
    return s_.send_now(req);
  }
  method_ = make_kex_method(*algs_.kex, s_.config_.random);
  if (!method_) return protocol_error("unsupported KEX method " + std::string(algs_.kex->name));
  if (is_server()) {
    stage_ = Stage::kInit;
    return {};
  }
  SSH_TRY(field, method_->client_public());
  client_field_ = std::move(field);
  stage_ = Stage::kReply;
  log::debug1("expecting SSH2_MSG_KEX_ECDH_REPLY");
  return s_.send_now(with_number(msg::kKexEcdhInit, client_field_));
}

Result<void> KexRound::on_kex_message(ByteView payload) {
  std::uint8_t number = payload[0];
  wire::Reader body(payload.subspan(1));
  bool gex = stage_ != Stage::kKexInit && group_exchange();
  switch (stage_) {
    case Stage::kGexRequest:
      if (number == msg::kKexDhGexRequest) return on_gex_request(body);
      break;
    case Stage::kGexGroup:
      if (number == msg::kKexDhGexGroup) return on_gex_group(body);
      break;
    case Stage::kInit:
      if (number == (gex ? msg::kKexDhGexInit : msg::kKexEcdhInit)) return server_answer(body.rest());
      break;
    case Stage::kReply:
      if (number == (gex ? msg::kKexDhGexReply : msg::kKexEcdhReply)) return client_finish(body.rest());
      break;
    default:
      break;
  }
  return protocol_error("kex protocol error: type " + std::to_string(number));
}

Result<void> KexRound::on_gex_request(wire::Reader r) {
  SSH_TRY(min, r.u32());
  SSH_TRY(n, r.u32());
  SSH_TRY(max, r.u32());
  SSH_TRY_VOID(r.finish("SSH2_MSG_KEX_DH_GEX_REQUEST"));
  gex_min_ = min;
  gex_n_ = n;
  gex_max_ = max;
  // OpenSSH's kexgex_server(): clamp to what we support, then refuse nonsense.
  min = std::max(min, kDhGexMinBits);
  max = std::min(max, kDhGexMaxBits);
  n = std::clamp(n, min, std::max(min, max));
  if (max < min || n < min || max < n)
    return protocol_error("DH_GEX_REQUEST, bad parameters: " + std::to_string(gex_min_) + " !< " +
                          std::to_string(gex_n_) + " !< " + std::to_string(gex_max_));
  auto chosen = choose_dh_group(s_.config_.moduli, min, n, max, s_.config_.random);
  DhGroup group = chosen ? std::move(*chosen) : fallback_dh_group(max);
  if (group.prime.empty()) return protocol_error("no DH group available");
  wire::Writer w;
  w.u8(msg::kKexDhGexGroup);
  w.mpint(group.prime);
  w.mpint(group.generator);
  SSH_TRY(reply, std::move(w).finish());
  wire::Writer fields;
  fields.u32(gex_min_);
  fields.u32(gex_n_);
  fields.u32(gex_max_);
  fields.mpint(group.prime);
  fields.mpint(group.generator);
  SSH_TRY(f, std::move(fields).finish());
  gex_fields_ = std::move(f);
  method_ = make_dh_explicit_group_kex(group.prime, group.generator);
  stage_ = Stage::kInit;
  return s_.send_now(reply);
}

Result<void> KexRound::on_gex_group(wire::Reader r) {
  SSH_TRY(p, r.mpint(kDhGexMaxBits / 8 + 1));
  SSH_TRY(g, r.mpint(kDhGexMaxBits / 8 + 1));
  SSH_TRY_VOID(r.finish("SSH2_MSG_KEX_DH_GEX_GROUP"));
  std::size_t bits = p.empty() ? 0 : (p.size() - 1) * 8;
  for (std::uint8_t top = p.empty() ? 0 : p[0]; top != 0; top >>= 1) ++bits;
  if (bits < gex_min_ || bits > gex_max_)
    return protocol_error("DH_GEX group out of range: " + std::to_string(gex_min_) + " !< " + std::to_string(bits) +
                          " !< " + std::to_string(gex_max_));
  wire::Writer fields;
  fields.u32(gex_min_);
  fields.u32(gex_n_);
  fields.u32(gex_max_);
  fields.mpint(p);
  fields.mpint(g);
  SSH_TRY(f, std::move(fields).finish());
  gex_fields_ = std::move(f);
  method_ = make_dh_explicit_group_kex(p, g);
  SSH_TRY(field, method_->client_public());
  client_field_ = std::move(field);
  stage_ = Stage::kReply;
  return s_.send_now(with_number(msg::kKexDhGexInit, client_field_));
}

Bytes KexRound::compute_hash(ByteView host_key_blob, ByteView client_field, ByteView server_field,
                             ByteView shared_secret) const {
  const std::string& peer_line = s_.peer_->line;
  bool server = is_server();
  ExchangeHashInput in{server ? std::string_view(peer_line) : std::string_view(s_.our_id_),
                       server ? std::string_view(s_.our_id_) : std::string_view(peer_line),
                       server ? ByteView(peer_kexinit_) : ByteView(our_kexinit_),
                       server ? ByteView(our_kexinit_) : ByteView(peer_kexinit_),
                       host_key_blob, gex_fields_, client_field, server_field, shared_secret};
  return exchange_hash(algs_.kex->hash, in);
}

Result<void> KexRound::server_answer(ByteView client_field) {
  const keys::SignatureAlgInfo* sig = keys::find_signature_alg(algs_.host_key_alg);
  std::shared_ptr<keys::Signer> signer;
  for (const auto& k : s_.host_keys_)
    if (sig != nullptr && k->public_key().type() == sig->key_type) signer = k;
  if (!signer) return protocol_error("no host key for algorithm " + algs_.host_key_alg);
  SSH_TRY(reply, method_->server_reply(client_field));
  const Bytes& host_key_blob = signer->public_key().blob();
  exchange_hash_ = compute_hash(host_key_blob, client_field, reply.server_public, reply.shared_secret.view());
  if (s_.session_id_.empty()) s_.session_id_ = exchange_hash_;
  SSH_TRY(signature, signer->sign(exchange_hash_, algs_.host_key_alg));
  wire::Writer w;
  w.u8(group_exchange() ? msg::kKexDhGexReply : msg::kKexEcdhReply);
  w.string(host_key_blob);
  w.raw(reply.server_public);
  w.string(signature);
  SSH_TRY(out, std::move(w).finish());
  SSH_TRY_VOID(s_.send_now(out));
  return install_keys(reply.shared_secret.view());
}

Result<void> KexRound::client_finish(ByteView reply_body) {
  wire::Reader r(reply_body);
  SSH_TRY(host_key_blob, r.string());
  SSH_TRY(server_field, length_prefixed_field(r));
  SSH_TRY(signature, r.string());
  SSH_TRY_VOID(r.finish("SSH2_MSG_KEX_ECDH_REPLY"));
  auto key = keys::PublicKey::from_blob(host_key_blob);
  if (!key) return protocol_error("server host key: " + key.error().message());
  const keys::SignatureAlgInfo* sig = keys::find_signature_alg(algs_.host_key_alg);
  if (sig == nullptr || key->type() != sig->key_type)
    return protocol_error("type mismatch for decoded server host key (" + std::string(key->info().ssh_name) +
                          " vs " + algs_.host_key_alg + ")");
  SSH_TRY(k, method_->client_shared_secret(server_field));
  exchange_hash_ = compute_hash(host_key_blob, client_field_, server_field, k.view());
  wire::Reader sig_reader(signature);
  SSH_TRY(sig_alg, sig_reader.cstring());
  if (sig_alg != algs_.host_key_alg) {
    Error e{Errc::kSignatureInvalid, "signature type " + std::string(sig_alg) + " does not match negotiated " +
                                         algs_.host_key_alg};
    e.reason = DisconnectReason::kKeyExchangeFailed;
    return fail(std::move(e));
  }
  if (auto ok = key->verify(exchange_hash_, signature); !ok) {
    Error e = std::move(ok).error();
    e.detail = "signature verification of the exchange hash failed: " + e.detail;
    e.reason = DisconnectReason::kKeyExchangeFailed;
    return fail(std::move(e));
  }
  if (initial_ || !s_.server_host_key_) {
    if (s_.verify_host_key_) {
      if (auto ok = s_.verify_host_key_(*key); !ok) {
        Error e{Errc::kSignatureInvalid, "Host key verification failed."};
        e.reason = DisconnectReason::kHostKeyNotVerifiable;
        return fail(std::move(e));
      }
    }
    s_.server_host_key_ = *key;
  } else if (!(*key == *s_.server_host_key_)) {
    Error e{Errc::kSignatureInvalid, "host key changed during re-exchange"};
    e.reason = DisconnectReason::kHostKeyNotVerifiable;
    return fail(std::move(e));
  }
  if (s_.session_id_.empty()) s_.session_id_ = exchange_hash_;
  return install_keys(k.view());
}

Result<void> KexRound::install_keys(ByteView shared_secret) {
  const DirectionAlgs& c2s = algs_.client_to_server;
  const DirectionAlgs& s2c = algs_.server_to_client;
  KeySizes sizes{c2s.cipher->iv_len, s2c.cipher->iv_len, c2s.cipher->key_len, s2c.cipher->key_len,
                 c2s.mac ? std::size_t{c2s.mac->key_len} : 0, s2c.mac ? std::size_t{s2c.mac->key_len} : 0};
  DerivedKeys k = derive_keys(algs_.kex->hash, shared_secret, exchange_hash_, s_.session_id_, sizes);
  DirectionKeys to_server{std::move(k.iv_client_to_server), std::move(k.enc_client_to_server),
                          std::move(k.mac_client_to_server)};
  DirectionKeys to_client{std::move(k.iv_server_to_client), std::move(k.enc_server_to_client),
                          std::move(k.mac_server_to_client)};
  bool server = is_server();
  const DirectionAlgs& out_algs = server ? s2c : c2s;
  const DirectionAlgs& in_algs = server ? c2s : s2c;
  SSH_TRY(outbound, PacketProtection::create(*out_algs.cipher, out_algs.mac, server ? to_client : to_server,
                                             PacketDirection::kOutbound));
  SSH_TRY(inbound, PacketProtection::create(*in_algs.cipher, in_algs.mac, server ? to_server : to_client,
                                            PacketDirection::kInbound));
  inbound_ = std::move(inbound);
  in_mode_ = compression_mode(in_algs.compression);
  stage_ = Stage::kNewKeys;
  SSH_TRY_VOID(s_.send_now(Bytes{msg::kNewKeys}));
  log::debug1("SSH2_MSG_NEWKEYS sent");
  newkeys_sent_ = true;
  return s_.newkeys_sent(std::move(outbound), compression_mode(out_algs.compression));
}

Result<std::unique_ptr<PacketProtection>> KexRound::on_newkeys() {
  if (stage_ != Stage::kNewKeys || newkeys_received_)
    return protocol_error("kex protocol error: unexpected SSH2_MSG_NEWKEYS");
  log::debug1("SSH2_MSG_NEWKEYS received");
  newkeys_received_ = true;
  return std::move(inbound_);
}

}  // namespace sshcore::transport

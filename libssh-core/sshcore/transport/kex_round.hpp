// One key exchange round inside a TransportSession: from our KEXINIT to both
// NEWKEYS, for either role, over any KexMethod, with DH group exchange's extra
// round. An explicit stage decides which message may come next (ANCHORS O2, O5).
#pragma once

#include <memory>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/transport/compression.hpp"
#include "sshcore/transport/kex_init_message.hpp"
#include "sshcore/transport/kex_method.hpp"
#include "sshcore/transport/kex_negotiation.hpp"
#include "sshcore/transport/packet_protection.hpp"

namespace sshcore::transport {

class TransportSession;

class KexRound {
 public:
  KexRound(TransportSession& session, bool initial) : s_(session), initial_(initial) {}

  Result<void> send_kexinit();
  Result<void> on_peer_kexinit(ByteView payload, std::uint32_t seq);
  Result<void> on_kex_message(ByteView payload);  // message numbers 30..49
  // The peer's NEWKEYS arrived: hands back the inbound protection to install.
  Result<std::unique_ptr<PacketProtection>> on_newkeys();

  bool initial() const { return initial_; }
  bool peer_kexinit_received() const { return peer_kexinit_received_; }
  bool newkeys_sent() const { return newkeys_sent_; }
  bool done() const { return newkeys_sent_ && newkeys_received_; }
  const NegotiatedAlgs& algs() const { return algs_; }
  CompressionMode inbound_compression() const { return in_mode_; }

 private:
  enum class Stage : std::uint8_t { kKexInit, kGexRequest, kGexGroup, kInit, kReply, kNewKeys };
  bool is_server() const;
  bool group_exchange() const;
  Result<void> start_method();
  Result<void> server_answer(ByteView client_field);
  Result<void> client_finish(ByteView reply_body);
  Result<void> on_gex_request(wire::Reader r);
  Result<void> on_gex_group(wire::Reader r);
  Bytes compute_hash(ByteView host_key_blob, ByteView client_field, ByteView server_field,
                     ByteView shared_secret) const;
  Result<void> install_keys(ByteView shared_secret);

  TransportSession& s_;
  bool initial_;
  Stage stage_ = Stage::kKexInit;
  Bytes our_kexinit_, peer_kexinit_;
  bool peer_kexinit_received_ = false, newkeys_sent_ = false, newkeys_received_ = false;
  NegotiatedAlgs algs_;
  std::unique_ptr<KexMethod> method_;
  Bytes client_field_;          // client: what we sent, kept for the hash
  Bytes gex_fields_;            // DH-GEX: min, n, max, p, g as hashed
  std::uint32_t gex_min_ = 0, gex_n_ = 0, gex_max_ = 0;
  Bytes exchange_hash_;
  std::unique_ptr<PacketProtection> inbound_;
  CompressionMode in_mode_ = CompressionMode::kNone;
};

}  // namespace sshcore::transport

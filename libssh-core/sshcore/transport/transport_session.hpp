// The SSH transport (RFC 4253 and OpenSSH's extensions) as one sans-I/O engine
// for both roles (DESIGN.md section 2):
//
//   TransportSession s(config, host_keys, verify_host_key);
//   s.start();                                   // our identification and KEXINIT
//   s.receive(bytes_from_socket);
//   while (auto ev = s.next_event()) { ... }     // KexComplete, Message, Disconnected, ExtInfo
//   write(fd, s.pending_output()); s.consume_output(n);
//
// It owns the identification exchange, the packet codec, key exchange and
// re-exchange (either side, by volume, time or request), strict KEX (PROTOCOL
// 1.9), EXT_INFO (RFC 8308), ping@openssh.com, IGNORE/DEBUG/UNIMPLEMENTED and
// DISCONNECT. Upper layers (userauth, connection) send and receive whole
// messages through it. An error from next_event() ends the session: a
// DISCONNECT with the error's reason is already queued for the driver to flush.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/crypto/random.hpp"
#include "sshcore/keys/public_key.hpp"
#include "sshcore/keys/signer.hpp"
#include "sshcore/transport/algorithm_tables.hpp"
#include "sshcore/transport/kex_negotiation.hpp"
#include "sshcore/transport/moduli.hpp"
#include "sshcore/transport/packet_codec.hpp"
#include "sshcore/transport/version_exchange.hpp"

namespace sshcore::transport {

class KexRound;
struct TransportStateCodec;

// Host key algorithms we offer/accept, OpenSSH's order (certificates come later).
std::string default_host_key_algorithms();

struct TransportConfig {
  Role role = Role::kClient;
  std::string kex = default_kex();
  std::string host_key_algorithms;       // empty: default_host_key_algorithms() (server: those we hold keys for)
  std::string ciphers = default_ciphers();
  std::string macs = default_macs();
  std::string compression = "none";      // e.g. "zlib@openssh.com,none" (server default)
  std::uint64_t rekey_limit_bytes = 0;   // 0: OpenSSH's default for the cipher's block size
  std::chrono::seconds rekey_interval{0};  // 0: no time-based rekey
  // A key exchange that has not finished this long after it started ends the
  // session (a stalled or malicious peer); checked by on_timer(). 0: no limit.
  std::chrono::seconds kex_timeout{0};
  std::string identification_comment;
  std::vector<DhGroup> moduli;           // server, DH group exchange; empty: RFC 3526 groups
  std::vector<std::string> server_sig_algs;  // server: advertised in EXT_INFO (empty: not sent)
  crypto::RandomSource random;           // ephemeral keys and cookies (tests); empty: system RNG
};

// Client: decides whether the server's host key is acceptable (known_hosts,
// prompts). An error ends the session with "Host key verification failed."
using HostKeyVerifier = std::function<Result<void>(const keys::PublicKey& key)>;

// kKexComplete follows every completed key exchange (kex_count() is 1 after the
// first, when upper layers start); the others carry a message, the peer's
// DISCONNECT or its EXT_INFO.
enum class TransportEventKind : std::uint8_t { kKexComplete, kMessage, kDisconnected, kExtInfo };

struct TransportEvent {
  TransportEventKind kind;
  ByteView message;                      // kMessage: the payload, message number first;
                                         // valid until the next receive()/next_event()
  DisconnectReason reason{DisconnectReason::kNone};  // kDisconnected
  std::string description;                           // kDisconnected
  std::vector<std::pair<std::string, std::string>> extensions;  // kExtInfo
};

class TransportSession {
 public:
  TransportSession(TransportConfig config, std::vector<std::shared_ptr<keys::Signer>> host_keys,
                   HostKeyVerifier verify_host_key);
  ~TransportSession();
  TransportSession(const TransportSession&) = delete;
  TransportSession& operator=(const TransportSession&) = delete;

  void start();
  void receive(ByteView bytes);
  // The same without a copy: room for up to n bytes in the input queue (read() from
  // the socket into it), then commit_received() with the count read. The span is
  // valid until commit_received(); no other call may come between.
  std::span<std::uint8_t> receive_buffer(std::size_t n);
  void commit_received(std::size_t n);
  Result<std::optional<TransportEvent>> next_event();

  // An upper-layer message (service request/accept, userauth, connection). Held
  // back while a key exchange is in progress and sent after NEWKEYS.
  Result<void> send(ByteView message);
  // The same for a message given as `head` followed by `tail` (channel data: header,
  // then the bytes), copied into the packet without first joining them.
  Result<void> send(ByteView head, ByteView tail);
  // The same with no copy at all: room for a message of up to `max_len` bytes, in
  // place in the packet being built, then finish_message() with the length written
  // (0: nothing is sent). A driver read()s channel data straight into it. The span is
  // valid until finish_message(); no other call may come between. While a key
  // exchange holds messages back, the room is a scratch buffer that finish_message()
  // queues like send() does.
  std::span<std::uint8_t> begin_message(std::size_t max_len);
  Result<void> finish_message(std::size_t len);
  // True while sending would only queue: producers of bulk data should wait (ANCHORS O3).
  bool kex_in_progress() const;
  Result<void> request_rekey();
  // The driver's clock: time-based re-exchange (RekeyLimit's second value) and
  // the key exchange deadline. An error ends the session (DISCONNECT queued).
  Result<void> on_timer(std::chrono::steady_clock::time_point now);
  // After authentication: zlib@openssh.com starts in both directions.
  Result<void> enable_delayed_compression();
  // Queues SSH_MSG_DISCONNECT; the session is closed afterwards.
  void disconnect(DisconnectReason reason, std::string_view description);

  ByteView pending_output() const;
  void consume_output(std::size_t n);
  bool closed() const { return closed_; }

  const Bytes& session_id() const { return session_id_; }
  const std::optional<PeerIdentification>& peer_identification() const { return peer_; }
  // The algorithms of the last completed key exchange.
  const std::optional<NegotiatedAlgs>& negotiated() const { return negotiated_; }
  // Client: the server's host key as proven in the first key exchange.
  const std::optional<keys::PublicKey>& server_host_key() const { return server_host_key_; }
  // Client: server-sig-algs from the server's EXT_INFO, if it sent one.
  const std::optional<std::string>& server_sig_algs() const { return server_sig_algs_; }
  std::uint32_t kex_count() const { return kex_count_; }

 private:
  friend class KexRound;
  friend struct TransportStateCodec;  // privilege separation's handoff (transport_state.hpp)
  Result<void> handle_packet(ByteView payload, std::uint32_t seq);
  Result<void> start_kex();
  Result<void> send_now(ByteView payload);   // bypasses the KEX queue (transport messages)
  Result<void> newkeys_sent(std::unique_ptr<PacketProtection> protection, CompressionMode mode);
  Result<void> newkeys_received();
  Result<void> maybe_rekey();
  unexpected<Error> fatal(Error e);
  unexpected<Error> fatal(unexpected<Error> e) { return fatal(std::move(e).error()); }
  std::string our_kexinit_kex_list() const;
  std::string our_host_key_list() const;

  TransportConfig config_;
  std::vector<std::shared_ptr<keys::Signer>> host_keys_;
  HostKeyVerifier verify_host_key_;
  std::string our_id_, ident_out_;
  VersionExchange version_;
  std::optional<PeerIdentification> peer_;
  PacketEncoder encoder_;
  PacketDecoder decoder_;
  std::unique_ptr<KexRound> kex_;
  std::deque<Bytes> held_;                 // upper-layer messages waiting for NEWKEYS
  Bytes message_scratch_;                  // begin_message()'s room while messages are held
  bool message_in_place_ = false;          // begin_message() gave room in the encoder
  Bytes receive_scratch_;                  // receive_buffer() before the identification
  bool receive_in_place_ = false;          // receive_buffer() gave room in the decoder
  std::deque<TransportEvent> events_;
  Bytes session_id_;
  std::optional<NegotiatedAlgs> negotiated_;
  std::optional<keys::PublicKey> server_host_key_;
  std::optional<std::string> server_sig_algs_;
  std::optional<Error> error_;
  std::uint32_t kex_count_ = 0;
  bool started_ = false, closed_ = false, strict_ = false;
  bool ignore_next_kex_packet_ = false;
  bool compression_enabled_ = false;       // authentication done: delayed zlib is on
  std::uint64_t rekey_blocks_limit_ = 0;
  std::chrono::steady_clock::time_point last_kex_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point kex_started_ = last_kex_;
};

}  // namespace sshcore::transport

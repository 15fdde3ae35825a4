// The binary packet protocol (RFC 4253 section 6) as a sans-I/O codec: an
// encoder that turns payloads into protected packets in an output queue the
// driver drains, and an incremental decoder that takes bytes as they arrive and
// hands out authenticated, decompressed payloads.
//
//   uint32    packet_length      (4 + packet_length + MAC/tag bytes on the wire)
//   byte      padding_length     (>= 4)
//   byte[n1]  payload            (compressed if compression is active)
//   byte[n2]  random padding     (4 + packet_length, or packet_length when the
//                                 length is outside the cipher blocks, is a
//                                 multiple of max(block size, 8))
//   byte[m]   MAC or AEAD tag
//
// Each direction switches protection at NEWKEYS (set_protection) and, under
// strict KEX, resets its sequence number. Neither side allocates per packet
// once its buffers have grown to the working size.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/crypto/random.hpp"
#include "sshcore/transport/compression.hpp"
#include "sshcore/transport/packet_protection.hpp"

namespace sshcore::transport {

// Volume under the current keys (OpenSSH's p_send/p_read), for rekey limits.
struct TrafficCounters {
  std::uint64_t packets = 0;
  std::uint64_t blocks = 0;
  std::uint64_t bytes = 0;  // 4 + packet_length per packet, MACs not counted
};

// Bytes appended at the back and consumed from the front. The storage is reused
// (compacted when the front has been consumed) and grows geometrically; it held
// payloads in the clear, so it is wiped when released.
class ByteQueue {
 public:
  ByteQueue() = default;
  ~ByteQueue();
  ByteQueue(ByteQueue&& o) noexcept;
  ByteQueue& operator=(ByteQueue&& o) noexcept;
  ByteQueue(const ByteQueue&) = delete;
  ByteQueue& operator=(const ByteQueue&) = delete;

  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return end_ == begin_; }
  ByteView view() const { return {buf_.get() + begin_, end_ - begin_}; }
  // The first n (<= size()) bytes, writable.
  std::span<std::uint8_t> front(std::size_t n) { return {buf_.get() + begin_, n}; }

  // Room for n more bytes at the back; write into it, then commit() what was used.
  std::span<std::uint8_t> prepare(std::size_t n);
  void commit(std::size_t n) { end_ += n; }
  void append(ByteView bytes);
  void consume(std::size_t n);
  void clear() { begin_ = end_ = 0; }

 private:
  void release();
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t cap_ = 0, begin_ = 0, end_ = 0;
};

// One direction of a running codec as privilege separation hands it from the
// pre-auth child to the user child (DESIGN.md section 6), beside the protection's
// export_keys(). Compression is never in it: a handoff happens only while no
// zlib stream runs (zlib@openssh.com starts after authentication, in the child).
struct CodecHandoff {
  std::uint32_t sequence_number = 0;
  TrafficCounters counters;
  std::uint64_t total_bytes = 0;
  Bytes queued;  // encoder: protected output not yet written; decoder: input not yet decoded
  std::optional<std::uint32_t> packet_length;  // decoder: the head is already decrypted
};

class PacketEncoder {
 public:
  PacketEncoder();  // "none", sequence number 0

  // Where padding bytes come from. Empty (the default): random bytes, or zeros
  // under "none" as OpenSSH sends them. Tests inject fixed padding.
  void set_padding_source(crypto::RandomSource source) { padding_source_ = std::move(source); }

  // After the NEWKEYS packet has been encoded: later packets use `protection`,
  // and compression restarts in `compression` mode. Resets counters().
  Result<void> set_protection(std::unique_ptr<PacketProtection> protection,
                              CompressionMode compression = CompressionMode::kNone);
  // After sending SSH_MSG_USERAUTH_SUCCESS (server) or receiving it (client):
  // zlib@openssh.com starts here.
  Result<void> enable_delayed_compression() { return compressor_.enable(); }
  // Strict KEX (PROTOCOL 1.9): the sequence number restarts at every NEWKEYS.
  void reset_sequence_number() { seq_ = 0; }

  // Frames, protects and queues one payload. kTooLarge when the packet would
  // exceed kPacketMaxSize (the peer would refuse it).
  Result<void> encode(ByteView payload);

  // The same without copying the payload: room for up to `max_len` payload
  // bytes, in place in the output queue (a driver can read() channel data
  // straight into it), then finish_payload() with the length written. The span
  // is valid until finish_payload() or any other call. With compression active
  // the room is a scratch buffer that finish_payload() compresses from.
  std::span<std::uint8_t> begin_payload(std::size_t max_len);
  Result<void> finish_payload(std::size_t len);
  // Gives the room back unused: nothing is sent.
  void cancel_payload() { begun_ = false; }
  // The largest uncompressed payload encode() accepts under the current keys.
  std::size_t max_payload_size() const;

  // Valid until the next encode(), begin_payload() or consume_output().
  ByteView pending_output() const { return out_.view(); }
  void consume_output(std::size_t n) { out_.consume(n); }

  std::uint32_t sequence_number() const { return seq_; }  // of the next packet
  const TrafficCounters& counters() const { return counters_; }
  std::uint64_t total_bytes() const { return total_bytes_; }
  const PacketProtection& protection() const { return *protection_; }
  bool compression_active() const { return compressor_.active(); }

  // kInvalidArgument while a payload is begun or a zlib stream runs.
  Result<CodecHandoff> handoff() const;
  // Continues a handed-off direction under `protection` (made from export_keys()).
  Result<void> resume(const CodecHandoff& state, std::unique_ptr<PacketProtection> protection,
                      CompressionMode compression);

 private:
  void fill_padding(std::span<std::uint8_t> padding);
  Result<void> frame(std::span<std::uint8_t> room, std::size_t len);

  std::unique_ptr<PacketProtection> protection_;
  Compressor compressor_;
  Bytes uncompressed_;            // begin_payload()'s room while compressing
  std::size_t begun_max_ = 0;     // room handed out by begin_payload()
  bool begun_ = false;
  crypto::RandomSource padding_source_;
  ByteQueue out_;
  std::uint32_t seq_ = 0;
  TrafficCounters counters_;
  std::uint64_t total_bytes_ = 0;
  // Random padding is drawn in bulk: one call to the RNG per ~30 packets.
  std::array<std::uint8_t, 1024> padding_pool_{};
  std::size_t padding_pool_left_ = 0;
};

struct DecodedPacket {
  ByteView payload;                 // valid until the next receive() or next_packet()
  std::uint32_t sequence_number;    // for SSH_MSG_UNIMPLEMENTED replies
};

class PacketDecoder {
 public:
  PacketDecoder();  // "none", sequence number 0

  // Appends what arrived. Bytes are only looked at by next_packet().
  void receive(ByteView bytes);
  // The same without a copy: room for up to n bytes at the back of the input
  // queue (read() into it), then commit_received() with the count read.
  std::span<std::uint8_t> receive_buffer(std::size_t n) { return in_.prepare(n); }
  void commit_received(std::size_t n);

  // The next complete packet's payload, authenticated and decompressed;
  // std::nullopt while more bytes are needed. An error ends the session, and
  // every later call returns it again:
  //   kMacInvalid, reason kMacError, "Corrupted MAC on input."
  //   kInvalidFormat, reason kProtocolError, "Bad packet length N." (below 5 or
  //     above kPacketMaxSize), "padding error: need N block B mod M" (not a block
  //     multiple), "Corrupted padlen N on input." (padding below 4)
  //   reason kCompressionError when the payload does not inflate.
  // With CBC and a MAC over the plaintext, a bad length, padding or MAC is not
  // reported at once: as OpenSSH does, the decoder swallows input up to
  // kPacketMaxSize bytes first and then reports kMacInvalid (reason kMacError,
  // the detail naming the first failure), so the timing of the disconnect does
  // not tell an attacker which check failed.
  Result<std::optional<DecodedPacket>> next_packet();

  // After the NEWKEYS packet was returned, before asking for the next one.
  Result<void> set_protection(std::unique_ptr<PacketProtection> protection,
                              CompressionMode compression = CompressionMode::kNone);
  Result<void> enable_delayed_compression() { return decompressor_.enable(); }
  void reset_sequence_number() { seq_ = 0; }

  std::uint32_t sequence_number() const { return seq_; }  // of the next packet
  const TrafficCounters& counters() const { return counters_; }
  std::uint64_t total_bytes() const { return total_bytes_; }
  std::size_t buffered() const { return in_.size(); }
  const PacketProtection& protection() const { return *protection_; }
  bool compression_active() const { return decompressor_.active(); }

  // kInvalidArgument after an error, while discarding, or while a zlib stream runs.
  Result<CodecHandoff> handoff() const;
  Result<void> resume(const CodecHandoff& state, std::unique_ptr<PacketProtection> protection,
                      CompressionMode compression);

 private:
  unexpected<Error> fail_session(Error e);
  Result<std::optional<DecodedPacket>> start_discard(Error first, std::size_t mac_already,
                                                     std::size_t discard, std::size_t consumed);
  void finish_discard();

  std::unique_ptr<PacketProtection> protection_;
  Decompressor decompressor_;
  ByteQueue in_;
  std::uint32_t seq_ = 0;
  TrafficCounters counters_;
  std::uint64_t total_bytes_ = 0;
  std::optional<std::uint32_t> packet_length_;  // known once the head is decrypted
  std::optional<Error> error_;                  // sticky: the session is over
  std::size_t discard_left_ = 0;                // > 0 while swallowing input
  std::size_t discard_mac_already_ = 0;
  Error discard_error_;
};

}  // namespace sshcore::transport

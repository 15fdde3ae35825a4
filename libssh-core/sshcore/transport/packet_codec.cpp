#include "sshcore/transport/packet_codec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "sshcore/base/log.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::transport {
namespace {

constexpr std::size_t kMinQueueCapacity = 4096;
constexpr std::size_t kMinPadding = 4;

Error protocol_error(std::string detail) {
  Error e{Errc::kInvalidFormat, std::move(detail)};
  e.reason = DisconnectReason::kProtocolError;
  return e;
}

}  // namespace

// ---- ByteQueue

ByteQueue::~ByteQueue() { release(); }

ByteQueue::ByteQueue(ByteQueue&& o) noexcept
    : buf_(std::move(o.buf_)), cap_(o.cap_), begin_(o.begin_), end_(o.end_) {
  o.cap_ = o.begin_ = o.end_ = 0;
}

ByteQueue& ByteQueue::operator=(ByteQueue&& o) noexcept {
  if (this != &o) {
    release();
    buf_ = std::move(o.buf_);
    cap_ = o.cap_;
    begin_ = o.begin_;
    end_ = o.end_;
    o.cap_ = o.begin_ = o.end_ = 0;
  }
  return *this;
}

void ByteQueue::release() {
  if (buf_) secure_wipe(buf_.get(), cap_);
  buf_.reset();
  cap_ = begin_ = end_ = 0;
}

std::span<std::uint8_t> ByteQueue::prepare(std::size_t n) {
  if (cap_ - end_ < n) {
    const std::size_t live = end_ - begin_;
    if (cap_ - live >= n && begin_ >= live) {
      // Enough room once the consumed front is reclaimed, and the live bytes are
      // few compared with what was consumed: the move costs less than it saves.
      std::memmove(buf_.get(), buf_.get() + begin_, live);
    } else {
      const std::size_t cap = std::max({cap_ * 2, live + n, kMinQueueCapacity});
      auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
      if (live != 0) std::memcpy(bigger.get(), buf_.get() + begin_, live);
      if (buf_) secure_wipe(buf_.get(), cap_);
      buf_ = std::move(bigger);
      cap_ = cap;
    }
    begin_ = 0;
    end_ = live;
  }
  return {buf_.get() + end_, n};
}

void ByteQueue::append(ByteView bytes) {
  if (bytes.empty()) return;
  auto room = prepare(bytes.size());
  std::memcpy(room.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

void ByteQueue::consume(std::size_t n) {
  begin_ += std::min(n, end_ - begin_);
  if (begin_ == end_) begin_ = end_ = 0;  // storage stays; the next packet starts at the front
}

// ---- PacketEncoder

PacketEncoder::PacketEncoder() : protection_(PacketProtection::none()) {}

Result<void> PacketEncoder::set_protection(std::unique_ptr<PacketProtection> protection,
                                           CompressionMode compression) {
  if (!protection) return fail(Errc::kInvalidArgument, "no packet protection");
  protection_ = std::move(protection);
  counters_ = {};
  return compressor_.configure(compression);
}

Result<CodecHandoff> PacketEncoder::handoff() const {
  if (begun_ || compressor_.active())
    return fail(Errc::kInvalidArgument, "packet encoder busy: cannot hand off");
  return CodecHandoff{seq_, counters_, total_bytes_, to_bytes(out_.view()), std::nullopt};
}

Result<void> PacketEncoder::resume(const CodecHandoff& state, std::unique_ptr<PacketProtection> protection,
                                   CompressionMode compression) {
  if (state.packet_length) return fail(Errc::kInvalidArgument, "encoder state with a packet length");
  SSH_TRY_VOID(set_protection(std::move(protection), compression));
  seq_ = state.sequence_number;
  counters_ = state.counters;
  total_bytes_ = state.total_bytes;
  out_.clear();
  out_.append(state.queued);
  return {};
}

std::size_t PacketEncoder::max_payload_size() const {
  // The longest packet_length that keeps the padded span a block multiple,
  // filled with the minimum padding.
  const std::size_t block = protection_->block_size();
  const std::size_t outside = 4 - protection_->aad_len();  // length bytes inside the padded span
  const std::size_t packet_length = (kPacketMaxSize + outside) / block * block - outside;
  return packet_length - 1 - kMinPadding;
}

void PacketEncoder::fill_padding(std::span<std::uint8_t> padding) {
  if (padding_source_) {
    padding_source_(padding);
    return;
  }
  if (protection_->plaintext()) {
    std::fill(padding.begin(), padding.end(), std::uint8_t{0});
    return;
  }
  if (padding_pool_left_ < padding.size()) {
    crypto::random_bytes(padding_pool_);
    padding_pool_left_ = padding_pool_.size();
  }
  std::memcpy(padding.data(), padding_pool_.data() + padding_pool_.size() - padding_pool_left_,
              padding.size());
  padding_pool_left_ -= padding.size();
}

Result<void> PacketEncoder::encode(ByteView payload) {
  auto room = begin_payload(payload.size());
  if (!payload.empty()) std::memcpy(room.data(), payload.data(), payload.size());
  return finish_payload(payload.size());
}

std::span<std::uint8_t> PacketEncoder::begin_payload(std::size_t max_len) {
  begun_ = true;
  begun_max_ = max_len;
  if (compressor_.active()) {
    if (uncompressed_.size() < max_len) {
      secure_wipe(uncompressed_.data(), uncompressed_.size());
      uncompressed_ = Bytes(std::max(max_len, uncompressed_.size() * 2));
    }
    return {uncompressed_.data(), max_len};
  }
  // Header, payload, at most block + 3 bytes of padding, tag.
  const PacketProtection& p = *protection_;
  auto room = out_.prepare(5 + max_len + p.block_size() + kMinPadding + p.tag_len());
  return room.subspan(5, max_len);
}

Result<void> PacketEncoder::finish_payload(std::size_t len) {
  if (!begun_ || len > begun_max_) return fail(Errc::kInternal, "finish_payload without room");
  begun_ = false;
  if (!compressor_.active()) return frame(out_.prepare(5 + len + protection_->block_size() + kMinPadding +
                                                       protection_->tag_len()),
                                          len);
  SSH_TRY(compressed, compressor_.compress(ByteView(uncompressed_.data(), len)));
  auto room = out_.prepare(5 + compressed.size() + protection_->block_size() + kMinPadding + protection_->tag_len());
  if (!compressed.empty()) std::memcpy(room.data() + 5, compressed.data(), compressed.size());
  return frame(room, compressed.size());
}

// `room` starts where the packet goes and holds its payload of `len` bytes at
// offset 5 already; adds header and padding, seals and queues the packet.
Result<void> PacketEncoder::frame(std::span<std::uint8_t> room, std::size_t len) {
  const PacketProtection& p = *protection_;
  const std::size_t block = p.block_size();
  // RFC 4253 section 6 with OpenSSH's reading for EtM/AEAD: the length field is
  // left out of the span that must be a block multiple when it is not encrypted
  // with the blocks.
  const std::size_t unpadded = 4 + 1 + len - p.aad_len();
  std::size_t padding = block - unpadded % block;
  if (padding < kMinPadding) padding += block;
  const std::size_t packet_length = 1 + len + padding;
  if (packet_length > kPacketMaxSize)
    return fail(Errc::kTooLarge, fmt::format("packet too large: {} bytes", packet_length));

  const std::size_t framed = 4 + packet_length;
  store_be32(room.data(), static_cast<std::uint32_t>(packet_length));
  room[4] = static_cast<std::uint8_t>(padding);
  fill_padding(room.subspan(5 + len, padding));
  SSH_TRY_VOID(protection_->seal(seq_, room.first(framed), room.subspan(framed, p.tag_len())));
  out_.commit(framed + p.tag_len());

  if (++seq_ == 0) log::info("outgoing seqnr wraps around");
  ++counters_.packets;
  counters_.blocks += framed / block;
  counters_.bytes += framed;
  total_bytes_ += framed;
  return {};
}

// ---- PacketDecoder

PacketDecoder::PacketDecoder() : protection_(PacketProtection::none()) {}

Result<void> PacketDecoder::set_protection(std::unique_ptr<PacketProtection> protection,
                                           CompressionMode compression) {
  if (!protection) return fail(Errc::kInvalidArgument, "no packet protection");
  if (packet_length_ || error_ || discard_left_ != 0)
    return fail(Errc::kInternal, "packet protection changed inside a packet");
  protection_ = std::move(protection);
  counters_ = {};
  return decompressor_.configure(compression);
}

Result<CodecHandoff> PacketDecoder::handoff() const {
  if (error_ || discard_left_ != 0 || decompressor_.active())
    return fail(Errc::kInvalidArgument, "packet decoder busy: cannot hand off");
  return CodecHandoff{seq_, counters_, total_bytes_, to_bytes(in_.view()), packet_length_};
}

Result<void> PacketDecoder::resume(const CodecHandoff& state, std::unique_ptr<PacketProtection> protection,
                                   CompressionMode compression) {
  if (!protection) return fail(Errc::kInvalidArgument, "no packet protection");
  if (state.packet_length &&
      (state.queued.size() < protection->length_prefix_len() || *state.packet_length < 5 ||
       *state.packet_length > kPacketMaxSize))
    return fail(Errc::kInvalidFormat, "handed-off packet head does not fit");
  packet_length_.reset();
  SSH_TRY_VOID(set_protection(std::move(protection), compression));
  seq_ = state.sequence_number;
  counters_ = state.counters;
  total_bytes_ = state.total_bytes;
  in_.clear();
  in_.append(state.queued);
  packet_length_ = state.packet_length;
  return {};
}

void PacketDecoder::receive(ByteView bytes) {
  if (error_) return;  // the session is over; nothing more is read
  if (discard_left_ != 0) {
    const std::size_t n = std::min(bytes.size(), discard_left_);
    discard_left_ -= n;
    if (discard_left_ == 0) finish_discard();
    return;
  }
  in_.append(bytes);
}

void PacketDecoder::commit_received(std::size_t n) {
  if (error_) return;
  if (discard_left_ != 0) {  // the bytes were read into the queue's spare room; drop them
    const std::size_t dropped = std::min(n, discard_left_);
    discard_left_ -= dropped;
    if (discard_left_ == 0) finish_discard();
    return;
  }
  in_.commit(n);
}

unexpected<Error> PacketDecoder::fail_session(Error e) {
  error_ = e;
  in_.clear();
  packet_length_.reset();
  return fail(std::move(e));
}

// OpenSSH's ssh_packet_start_discard(): `consumed` bytes of the bad packet are
// dropped, then `discard` more bytes of input are swallowed before the session
// ends with a MAC error, whatever went wrong first.
Result<std::optional<DecodedPacket>> PacketDecoder::start_discard(Error first, std::size_t mac_already,
                                                                  std::size_t discard,
                                                                  std::size_t consumed) {
  in_.consume(consumed);
  discard_error_ = Error{Errc::kMacInvalid, std::move(first.detail)};
  discard_error_.reason = DisconnectReason::kMacError;
  discard_mac_already_ = mac_already;
  packet_length_.reset();
  const std::size_t available = in_.size();
  in_.clear();
  if (available >= discard) {
    finish_discard();
    return fail(*error_);
  }
  discard_left_ = discard - available;
  return std::optional<DecodedPacket>{};
}

void PacketDecoder::finish_discard() {
  std::size_t length = kPacketMaxSize;
  if (length > discard_mac_already_) length -= discard_mac_already_;
  protection_->spend_mac_time(seq_, length);
  discard_left_ = 0;
  error_ = discard_error_;
}

Result<std::optional<DecodedPacket>> PacketDecoder::next_packet() {
  if (error_) return fail(*error_);
  if (discard_left_ != 0) return std::optional<DecodedPacket>{};

  PacketProtection& p = *protection_;
  const std::size_t block = p.block_size();
  const bool discard_on_error = p.needs_discard_on_error();

  if (!packet_length_) {
    const std::size_t head = p.length_prefix_len();
    if (in_.size() < head) return std::optional<DecodedPacket>{};
    auto length = p.decrypt_length(seq_, in_.front(head));
    if (!length) return fail_session(std::move(length).error());
    packet_length_ = *length;
    const std::uint32_t len = *length;
    if (len < 1 + kMinPadding || len > kPacketMaxSize) {
      Error e = protocol_error(fmt::format("Bad packet length {}.", len));
      if (discard_on_error) return start_discard(std::move(e), 0, kPacketMaxSize, head);
      return fail_session(std::move(e));
    }
    // Bytes that must be a block multiple: all of the packet but the length when
    // the length is outside the blocks, else all of it minus the first block
    // (which is a multiple by itself).
    const long long need = p.aad_len() != 0 ? static_cast<long long>(len)
                                            : 4 + static_cast<long long>(len) - static_cast<long long>(block);
    const long long rest = ((need % static_cast<long long>(block)) + static_cast<long long>(block)) %
                           static_cast<long long>(block);
    if (need < 0 || rest != 0) {
      Error e = protocol_error(fmt::format("padding error: need {} block {} mod {}", need, block, rest));
      if (discard_on_error) return start_discard(std::move(e), 0, kPacketMaxSize - block, head);
      return fail_session(std::move(e));
    }
  }

  const std::size_t framed = 4 + std::size_t{*packet_length_};
  const std::size_t total = framed + p.tag_len();
  if (in_.size() < total) return std::optional<DecodedPacket>{};

  auto packet = in_.front(framed);
  ByteView tag(packet.data() + framed, p.tag_len());
  if (auto opened = p.open(seq_, packet, tag); !opened) {
    Error e = std::move(opened).error();
    if (e.code != Errc::kMacInvalid) return fail_session(std::move(e));
    e.detail = "Corrupted MAC on input.";
    e.reason = DisconnectReason::kMacError;
    if (discard_on_error) {
      // What OpenSSH has consumed by now: the packet, but not its MAC.
      const std::size_t need = framed - block;
      return start_discard(std::move(e), framed, kPacketMaxSize - need, framed);
    }
    return fail_session(std::move(e));
  }

  const std::size_t padding = packet[4];
  if (padding < kMinPadding)
    return fail_session(protocol_error(fmt::format("Corrupted padlen {} on input.", padding)));
  if (padding > *packet_length_ - 1) {
    Error e{Errc::kTruncated, {}};  // OpenSSH: sshbuf_consume_end fails, "message incomplete"
    e.reason = DisconnectReason::kProtocolError;
    return fail_session(std::move(e));
  }

  DecodedPacket out{ByteView(packet.data() + 5, *packet_length_ - 1 - padding), seq_};
  // The bytes stay where they are until the next receive(): consume() only
  // moves the queue's front.
  in_.consume(total);
  packet_length_.reset();
  if (++seq_ == 0) log::info("incoming seqnr wraps around");
  ++counters_.packets;
  counters_.blocks += framed / block;
  counters_.bytes += framed;
  total_bytes_ += framed;

  if (decompressor_.active()) {
    auto inflated = decompressor_.decompress(out.payload);
    if (!inflated) return fail_session(std::move(inflated).error());
    out.payload = *inflated;
  }
  return std::optional<DecodedPacket>(out);
}

}  // namespace sshcore::transport

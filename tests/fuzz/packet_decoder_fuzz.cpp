// The packet decoder under hostile input, in input-chosen pieces.
//
// Byte 0 chooses the protection (none, aes128-ctr + hmac-sha2-256,
// aes128-ctr + hmac-sha2-256-etm, aes128-cbc + hmac-sha1 (the discard path),
// aes128-gcm, chacha20-poly1305; fixed keys), bit 6 zlib, bit 7 the mode. The
// rest is records: one length byte, then that many bytes.
//   - decode mode: each record is one arrival (alternately through receive()
//     and receive_buffer()/commit_received()), after which every available
//     packet is pulled; an error must be sticky.
//   - round-trip mode: each record is a payload (length byte 255 stretches it
//     to 255 * 97 bytes); the encoder's output goes to a decoder with the same
//     keys in pieces sized by the input, and every payload must come back
//     unchanged.
// Seeds (corpus/packet_decoder_fuzz/): valid packets of every protection, made
// with PacketEncoder and these keys, wrapped in records.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sshcore/transport/packet_codec.hpp"

using namespace sshcore;
using namespace sshcore::transport;

namespace {

struct Choice {
  const char* cipher;
  const char* mac;
};
constexpr Choice kChoices[] = {
    {"none", nullptr},
    {"aes128-ctr", "hmac-sha2-256"},
    {"aes128-ctr", "hmac-sha2-256-etm@openssh.com"},
    {"aes128-cbc", "hmac-sha1"},
    {"aes128-gcm@openssh.com", nullptr},
    {"chacha20-poly1305@openssh.com", nullptr},
};
constexpr std::size_t kChoiceCount = sizeof kChoices / sizeof kChoices[0];

std::unique_ptr<PacketProtection> protection(const Choice& choice, PacketDirection direction) {
  const CipherAlg* cipher = find_cipher(choice.cipher);
  if (cipher == nullptr) return PacketProtection::none();
  const MacAlg* mac = choice.mac ? find_mac(choice.mac) : nullptr;
  DirectionKeys keys{SecretBytes(Bytes(cipher->iv_len, 0x01)), SecretBytes(Bytes(cipher->key_len, 0x02)),
                     SecretBytes(Bytes(mac ? mac->key_len : 0, 0x03))};
  auto p = PacketProtection::create(*cipher, mac, keys, direction);
  if (!p) std::abort();
  return std::move(*p);
}

struct Records {
  const std::uint8_t* p;
  std::size_t left;
  bool next(ByteView& out) {
    if (left == 0) return false;
    std::size_t n = std::min<std::size_t>(p[0], left - 1);
    out = ByteView(p + 1, n);
    p += 1 + n;
    left -= 1 + n;
    return true;
  }
};

void decode_mode(PacketDecoder& dec, Records records) {
  ByteView piece;
  bool zero_copy = false;
  while (records.next(piece)) {
    if (zero_copy) {
      auto room = dec.receive_buffer(piece.size());
      if (!piece.empty()) std::memcpy(room.data(), piece.data(), piece.size());
      dec.commit_received(piece.size());
    } else {
      dec.receive(piece);
    }
    zero_copy = !zero_copy;
    for (;;) {
      auto packet = dec.next_packet();
      if (!packet) {
        auto again = dec.next_packet();  // the session is over, and stays so
        if (again || again.error().detail != packet.error().detail) std::abort();
        return;
      }
      if (!packet->has_value()) break;
      volatile std::uint8_t sink = (*packet)->payload.empty() ? 0 : (*packet)->payload[0];
      (void)sink;
    }
  }
}

void round_trip_mode(PacketEncoder& enc, PacketDecoder& dec, Records records) {
  std::vector<Bytes> sent;
  ByteView piece;
  while (records.next(piece) && sent.size() < 64) {
    Bytes payload(piece.begin(), piece.end());
    if (piece.size() == 255)
      for (int i = 0; i < 96; ++i) payload.insert(payload.end(), piece.begin(), piece.end());
    if (!enc.encode(payload)) std::abort();
    sent.push_back(std::move(payload));
  }
  Bytes wire(enc.pending_output().begin(), enc.pending_output().end());
  enc.consume_output(wire.size());
  std::uint32_t state = static_cast<std::uint32_t>(wire.size()) * 2654435761u;
  std::size_t at = 0, got = 0;
  while (at < wire.size()) {
    state = state * 1103515245u + 12345u;
    std::size_t n = std::min<std::size_t>(wire.size() - at, 1 + (state >> 16) % 600);
    dec.receive(ByteView(wire).subspan(at, n));
    at += n;
    for (;;) {
      auto packet = dec.next_packet();
      if (!packet) std::abort();  // our own packets must decode
      if (!packet->has_value()) break;
      if (got >= sent.size() || (*packet)->payload.size() != sent[got].size() ||
          !std::equal(sent[got].begin(), sent[got].end(), (*packet)->payload.begin()))
        std::abort();
      ++got;
    }
  }
  if (got != sent.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Choice& choice = kChoices[(data[0] & 0x3f) % kChoiceCount];
  const CompressionMode compression = (data[0] & 0x40) ? CompressionMode::kZlib : CompressionMode::kNone;
  Records records{data + 1, size - 1};
  PacketDecoder dec;
  if (!dec.set_protection(protection(choice, PacketDirection::kInbound), compression)) std::abort();
  if (data[0] & 0x80) {
    PacketEncoder enc;
    if (!enc.set_protection(protection(choice, PacketDirection::kOutbound), compression)) std::abort();
    round_trip_mode(enc, dec, records);
  } else {
    decode_mode(dec, records);
  }
  return 0;
}

// UHASH, the keyed universal hash inside UMAC (RFC 4418 section 5): NH over
// 1024-byte chunks (L1), a polynomial hash over the NH outputs (L2, ramping from
// the 64-bit to the 128-bit prime past 2^24 message bytes) and an inner-product
// hash down to 32 bits (L3), once per 32-bit "stream" of the tag.
//
// Used by Umac (umac.hpp); the AES-based key derivation and pad live there. The
// state is fixed-size so that hashing never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sshcore/base/bytes.hpp"

namespace sshcore::crypto {

class Uhash {
 public:
  static constexpr std::size_t kMaxStreams = 4;       // 128-bit tag
  static constexpr std::size_t kChunkBytes = 1024;    // L1 key length, NH chunk size
  static constexpr std::size_t kBlockBytes = 32;      // NH pads and consumes in these
  static constexpr std::size_t kStreamKeyShift = 16;  // Toeplitz shift between streams

  // Bytes of KDF output each key needs for `streams` streams (RFC 4418 section 5.1).
  static constexpr std::size_t l1_key_bytes(std::size_t streams) {
    return kChunkBytes + (streams - 1) * kStreamKeyShift;
  }
  static constexpr std::size_t l2_key_bytes(std::size_t streams) { return 24 * streams; }
  static constexpr std::size_t l3_key1_bytes(std::size_t streams) { return 64 * streams; }
  static constexpr std::size_t l3_key2_bytes(std::size_t streams) { return 4 * streams; }

  Uhash() = default;
  Uhash(const Uhash&) = delete;
  Uhash& operator=(const Uhash&) = delete;
  ~Uhash();

  // Loads the keys (KDF outputs with indices 1, 2, 3 and 4, each exactly the size
  // the functions above give) and resets the running state. streams is 1 to 4.
  void set_key(std::size_t streams, ByteView l1, ByteView l2, ByteView l3_key1,
               ByteView l3_key2);

  void update(ByteView data);
  // Writes 4 * streams bytes, stream i at [4i, 4i + 4), and resets.
  void finish(std::span<std::uint8_t> out);
  // Forgets pending data; the keys stay.
  void reset();

  std::size_t streams() const { return streams_; }

 private:
  struct Word128 {
    std::uint64_t hi, lo;
  };
  using StreamWords = std::array<std::uint64_t, kMaxStreams>;

  void nh_blocks(const std::uint8_t* data, std::size_t blocks);
  StreamWords close_chunk();
  void feed_l2(const StreamWords& nh);
  void wipe();

  // Keys (RFC 4418 section 5.1), already converted to integers.
  std::array<std::uint32_t, (kChunkBytes + (kMaxStreams - 1) * kStreamKeyShift) / 4> nh_key_{};
  StreamWords poly64_key_{};
  std::array<Word128, kMaxStreams> poly128_key_{};
  std::array<std::array<std::uint64_t, 8>, kMaxStreams> l3_key1_{};
  std::array<std::uint32_t, kMaxStreams> l3_key2_{};
  std::size_t streams_ = 0;

  // Running state of one message.
  StreamWords nh_sum_{};                    // NH of the current chunk so far
  std::array<std::uint8_t, kBlockBytes> partial_{};  // a block not yet complete
  std::size_t partial_len_ = 0;
  std::size_t chunk_done_ = 0;              // bytes of the current chunk through NH
  std::uint64_t chunks_closed_ = 0;         // NH outputs handed to L2
  StreamWords poly64_{};
  std::array<Word128, kMaxStreams> poly128_{};
  StreamWords pending_{};                   // first half of a 128-bit L2 word
  bool has_pending_ = false;
};

}  // namespace sshcore::crypto

#include "sshcore/crypto/umac_hash.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/umac_nh.hpp"

namespace sshcore::crypto {
namespace {

// g++ and clang both have it; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 Uint128;

constexpr std::uint64_t kP36 = 0x0000000FFFFFFFFBull;  // 2^36 - 5
constexpr std::uint64_t kP64 = 0xFFFFFFFFFFFFFFC5ull;  // 2^64 - 59
constexpr std::uint64_t kP64Offset = 59;               // 2^64 - p64
constexpr Uint128 kP128 = ~Uint128{0} - 158;           // 2^128 - 159
constexpr std::uint64_t kP128Offset = 159;             // 2^128 - p128
constexpr std::uint64_t kPolyKeyMask = 0x01FFFFFF01FFFFFFull;
constexpr std::uint64_t kTopBit = 0x8000000000000000ull;
// L2 hashes the first 2^17 bytes of NH output (2^14 chunks, 2^24 message bytes)
// under p64 and anything past that under p128 (RFC 4418 section 5.3).
constexpr std::uint64_t kPoly64Chunks = std::uint64_t{1} << 14;
static_assert(Uhash::kBlockBytes == nh::kBlockBytes);

// Branch-free "subtract p once if x >= p", for values below 2p.
std::uint64_t reduce_once(std::uint64_t x, std::uint64_t p) {
  return x - (p & (std::uint64_t{0} - static_cast<std::uint64_t>(x >= p)));
}

// t mod p64 for t < 2^122 (key below 2^57 times y below 2^64, plus a word).
std::uint64_t mod_p64(Uint128 t) {
  // 2^64 == 59 (mod p64): fold the high half down twice.
  Uint128 r = static_cast<std::uint64_t>(t) + (t >> 64) * kP64Offset;  // < 2^64 + 2^63
  std::uint64_t lo = static_cast<std::uint64_t>(r);
  lo += static_cast<std::uint64_t>(r >> 64) * kP64Offset;  // a carry leaves lo < 2^63
  return reduce_once(lo, kP64);
}

// One Horner step of POLY(64, 2^64 - 2^32, k, ...) (RFC 4418 section 5.3.1). Words
// at or above 2^64 - 2^32 cannot be hashed directly; the marker p64 - 1 and the
// word less the offset go in instead. Keeps y fully reduced.
std::uint64_t poly64_step(std::uint64_t y, std::uint64_t key, std::uint64_t word) {
  if ((word >> 32) == 0xFFFFFFFFu) {
    y = mod_p64(Uint128{key} * y + (kP64 - 1));
    word -= kP64Offset;
  }
  return mod_p64(Uint128{key} * y + word);
}

// Full 256-bit product of two 128-bit values.
void mul_256(Uint128 a, Uint128 b, Uint128& hi, Uint128& lo) {
  const std::uint64_t a0 = static_cast<std::uint64_t>(a), a1 = static_cast<std::uint64_t>(a >> 64);
  const std::uint64_t b0 = static_cast<std::uint64_t>(b), b1 = static_cast<std::uint64_t>(b >> 64);
  const Uint128 p00 = Uint128{a0} * b0, p01 = Uint128{a0} * b1;
  const Uint128 p10 = Uint128{a1} * b0, p11 = Uint128{a1} * b1;
  const Uint128 mid = (p00 >> 64) + static_cast<std::uint64_t>(p01) + static_cast<std::uint64_t>(p10);
  lo = (mid << 64) | static_cast<std::uint64_t>(p00);
  hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
}

// (hi * 2^128 + lo) mod p128. Only messages over 16 MiB get here, so plain and
// obviously right beats fast.
Uint128 mod_p128(Uint128 hi, Uint128 lo) {
  while (hi != 0) {  // 2^128 == 159 (mod p128)
    Uint128 fold_hi, fold_lo;
    mul_256(hi, kP128Offset, fold_hi, fold_lo);
    const Uint128 sum = lo + fold_lo;
    hi = fold_hi + static_cast<Uint128>(sum < lo);
    lo = sum;
  }
  return lo >= kP128 ? lo - kP128 : lo;
}

Uint128 poly128_mul_add(Uint128 y, Uint128 key, Uint128 word) {
  Uint128 hi, lo;
  mul_256(key, y, hi, lo);
  const Uint128 sum = lo + word;
  return mod_p128(hi + static_cast<Uint128>(sum < lo), sum);
}

// POLY(128, 2^128 - 2^96, k, ...): the same marker rule one size up.
Uint128 poly128_step(Uint128 y, Uint128 key, Uint128 word) {
  if (static_cast<std::uint32_t>(word >> 96) == 0xFFFFFFFFu) {
    y = poly128_mul_add(y, key, kP128 - 1);
    word -= kP128Offset;
  }
  return poly128_mul_add(y, key, word);
}

// L3-HASH (RFC 4418 section 5.4): the 128-bit L2 output as eight big-endian
// 16-bit words, an inner product with keys mod p36, the low 32 bits of that
// xored with the second key.
std::uint32_t l3_hash(const std::array<std::uint64_t, 8>& key1, std::uint32_t key2,
                      std::uint64_t hi, std::uint64_t lo) {
  std::uint64_t y = 0;
  for (unsigned j = 0; j < 4; ++j) {
    y += ((hi >> (48 - 16 * j)) & 0xFFFF) * key1[j];
    y += ((lo >> (48 - 16 * j)) & 0xFFFF) * key1[4 + j];
  }
  // y < 2^55; 2^36 == 5 (mod p36), folded without a division (timing).
  y = (y & 0xFFFFFFFFFull) + 5 * (y >> 36);
  return static_cast<std::uint32_t>(reduce_once(y, kP36)) ^ key2;
}

}  // namespace

Uhash::~Uhash() { wipe(); }

void Uhash::set_key(std::size_t streams, ByteView l1, ByteView l2, ByteView l3_key1,
                    ByteView l3_key2) {
  if (streams < 1 || streams > kMaxStreams || l1.size() != l1_key_bytes(streams) ||
      l2.size() != l2_key_bytes(streams) || l3_key1.size() != l3_key1_bytes(streams) ||
      l3_key2.size() != l3_key2_bytes(streams))
    throw std::invalid_argument("UHASH key sizes");
  wipe();
  streams_ = streams;
  for (std::size_t i = 0; i < l1.size() / 4; ++i) nh_key_[i] = load_be32(l1.data() + 4 * i);
  for (std::size_t s = 0; s < streams; ++s) {
    const std::uint8_t* k2 = l2.data() + 24 * s;
    poly64_key_[s] = load_be64(k2) & kPolyKeyMask;
    poly128_key_[s] = {load_be64(k2 + 8) & kPolyKeyMask, load_be64(k2 + 16) & kPolyKeyMask};
    for (std::size_t j = 0; j < 8; ++j)
      l3_key1_[s][j] = load_be64(l3_key1.data() + 64 * s + 8 * j) % kP36;
    l3_key2_[s] = load_be32(l3_key2.data() + 4 * s);
  }
  reset();
}

void Uhash::reset() {
  secure_wipe(partial_.data(), partial_.size());
  partial_len_ = 0;
  chunk_done_ = 0;
  chunks_closed_ = 0;
  nh_sum_.fill(0);
  poly64_.fill(1);  // POLY starts from y = 1
  poly128_.fill({0, 1});
  pending_.fill(0);
  has_pending_ = false;
}

void Uhash::wipe() {
  secure_wipe(nh_key_.data(), sizeof nh_key_);
  secure_wipe(poly64_key_.data(), sizeof poly64_key_);
  secure_wipe(poly128_key_.data(), sizeof poly128_key_);
  secure_wipe(l3_key1_.data(), sizeof l3_key1_);
  secure_wipe(l3_key2_.data(), sizeof l3_key2_);
  secure_wipe(nh_sum_.data(), sizeof nh_sum_);
  secure_wipe(poly64_.data(), sizeof poly64_);
  secure_wipe(poly128_.data(), sizeof poly128_);
  secure_wipe(pending_.data(), sizeof pending_);
  reset();
}

void Uhash::nh_blocks(const std::uint8_t* data, std::size_t blocks) {
  const std::uint32_t* key = nh_key_.data() + chunk_done_ / 4;
  switch (streams_) {
    case 1: nh::blocks<1>(key, data, blocks, nh_sum_.data()); break;
    case 2: nh::blocks<2>(key, data, blocks, nh_sum_.data()); break;
    case 3: nh::blocks<3>(key, data, blocks, nh_sum_.data()); break;
    case 4: nh::blocks<4>(key, data, blocks, nh_sum_.data()); break;
    default: throw std::logic_error("UHASH used before set_key");
  }
}

void Uhash::update(ByteView data) {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  while (n > 0) {
    // A full chunk is closed only once more data arrives: whether L2 runs at all
    // depends on the message being longer than one chunk.
    if (chunk_done_ == kChunkBytes) feed_l2(close_chunk());
    if (partial_len_ > 0 || n < kBlockBytes) {
      const std::size_t take = std::min(kBlockBytes - partial_len_, n);
      std::memcpy(partial_.data() + partial_len_, p, take);
      partial_len_ += take;
      p += take;
      n -= take;
      if (partial_len_ == kBlockBytes) {
        nh_blocks(partial_.data(), 1);
        chunk_done_ += kBlockBytes;
        partial_len_ = 0;
      }
      continue;
    }
    const std::size_t blocks = std::min(n / kBlockBytes, (kChunkBytes - chunk_done_) / kBlockBytes);
    nh_blocks(p, blocks);
    chunk_done_ += blocks * kBlockBytes;
    p += blocks * kBlockBytes;
    n -= blocks * kBlockBytes;
  }
}

// NH of the current chunk: zero-padded to a whole block (an empty message is one
// block of zeros), plus the chunk's length in bits.
Uhash::StreamWords Uhash::close_chunk() {
  const std::size_t len = chunk_done_ + partial_len_;
  if (partial_len_ > 0 || len == 0) {
    std::memset(partial_.data() + partial_len_, 0, kBlockBytes - partial_len_);
    nh_blocks(partial_.data(), 1);
  }
  StreamWords out{};
  for (std::size_t s = 0; s < streams_; ++s) {
    out[s] = nh_sum_[s] + 8 * static_cast<std::uint64_t>(len);
    nh_sum_[s] = 0;
  }
  chunk_done_ = 0;
  partial_len_ = 0;
  return out;
}

void Uhash::feed_l2(const StreamWords& nh) {
  if (chunks_closed_ < kPoly64Chunks) {
    for (std::size_t s = 0; s < streams_; ++s) poly64_[s] = poly64_step(poly64_[s], poly64_key_[s], nh[s]);
  } else {
    for (std::size_t s = 0; s < streams_; ++s) {
      const Uint128 key = (Uint128{poly128_key_[s].hi} << 64) | poly128_key_[s].lo;
      Uint128 y = (Uint128{poly128_[s].hi} << 64) | poly128_[s].lo;
      // The p64 result opens the p128 polynomial as its first 16-byte word.
      if (chunks_closed_ == kPoly64Chunks) y = poly128_step(1, key, poly64_[s]);
      if (has_pending_) y = poly128_step(y, key, (Uint128{pending_[s]} << 64) | nh[s]);
      else pending_[s] = nh[s];
      poly128_[s] = {static_cast<std::uint64_t>(y >> 64), static_cast<std::uint64_t>(y)};
    }
    has_pending_ = !has_pending_;
  }
  ++chunks_closed_;
}

void Uhash::finish(std::span<std::uint8_t> out) {
  if (out.size() != 4 * streams_) throw std::invalid_argument("UHASH output size");
  std::array<Word128, kMaxStreams> y{};
  if (chunks_closed_ == 0) {
    // One chunk or less: L2 is skipped and NH goes straight to L3.
    const StreamWords nh = close_chunk();
    for (std::size_t s = 0; s < streams_; ++s) y[s] = {0, nh[s]};
  } else {
    feed_l2(close_chunk());
    for (std::size_t s = 0; s < streams_; ++s) {
      if (chunks_closed_ <= kPoly64Chunks) {
        y[s] = {0, poly64_[s]};
        continue;
      }
      // The p128 part of the message ends with 0x80 and zeros to a 16-byte word.
      const Uint128 key = (Uint128{poly128_key_[s].hi} << 64) | poly128_key_[s].lo;
      const Uint128 acc = (Uint128{poly128_[s].hi} << 64) | poly128_[s].lo;
      const Uint128 last = has_pending_ ? (Uint128{pending_[s]} << 64) | kTopBit
                                        : Uint128{kTopBit} << 64;
      const Uint128 r = poly128_step(acc, key, last);
      y[s] = {static_cast<std::uint64_t>(r >> 64), static_cast<std::uint64_t>(r)};
    }
  }
  for (std::size_t s = 0; s < streams_; ++s)
    store_be32(out.data() + 4 * s, l3_hash(l3_key1_[s], l3_key2_[s], y[s].hi, y[s].lo));
  secure_wipe(y.data(), sizeof y);
  reset();
}

}  // namespace sshcore::crypto

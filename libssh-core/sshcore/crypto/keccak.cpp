#include "sshcore/crypto/keccak.hpp"

#include <bit>
#include <stdexcept>

#include "sshcore/base/secret.hpp"

namespace sshcore::crypto {
namespace {

// Lane (x, y) of FIPS 202 section 3.1.2 lives at index x + 5y.
constexpr std::size_t lane(std::size_t x, std::size_t y) { return x + 5 * y; }

// The round constants and rotation offsets are derived here from their
// definitions in FIPS 202 (Algorithms 5 and 2) rather than typed in as tables,
// so a typo cannot hide in them; the permutation's known answers check the result.
constexpr bool rc_bit(unsigned t) {
  unsigned r = 1;  // bit i holds R[i]
  for (unsigned i = 0; i < t % 255; ++i) {
    r <<= 1;
    if (r & 0x100) r ^= 0x171;  // R[0,4,5,6] ^= R[8], then drop R[8]
  }
  return (r & 1) != 0;
}

constexpr std::array<std::uint64_t, 24> make_round_constants() {
  std::array<std::uint64_t, 24> rc{};
  for (unsigned round = 0; round < 24; ++round)
    for (unsigned j = 0; j <= 6; ++j)
      if (rc_bit(j + 7 * round)) rc[round] |= std::uint64_t{1} << ((1u << j) - 1);
  return rc;
}

// rho and pi together move lane (x, y) to (y, 2x + 3y) rotated by the t-th
// triangular number, where t counts steps along the one 24-lane cycle that pi
// makes starting from (1, 0) (FIPS 202 Algorithms 2 and 3). Walking that cycle
// needs just one temporary; these tables give each step's target and rotation.
struct RhoPiStep {
  std::uint8_t lane;
  std::uint8_t rotation;
};
constexpr std::array<RhoPiStep, 24> make_rho_pi() {
  std::array<RhoPiStep, 24> steps{};
  std::size_t x = 1, y = 0;
  for (unsigned t = 0; t < 24; ++t) {
    std::size_t next_x = y, next_y = (2 * x + 3 * y) % 5;
    steps[t] = {static_cast<std::uint8_t>(lane(next_x, next_y)),
                static_cast<std::uint8_t>(((t + 1) * (t + 2) / 2) % 64)};
    x = next_x;
    y = next_y;
  }
  return steps;
}

constexpr auto kRoundConstants = make_round_constants();
constexpr auto kRhoPi = make_rho_pi();
static_assert(kRoundConstants[0] == 1 && kRoundConstants[1] == 0x8082);
static_assert(kRhoPi[0].lane == 10 && kRhoPi[0].rotation == 1 && kRhoPi[23].lane == 1);

std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

void keccak_f1600(std::array<std::uint64_t, 25>& a) {
  // Fully unrolled loops let the compiler keep lanes in registers and fold every
  // index and rotation into the code; left rolled, the permutation is 2-4x slower.
  for (std::uint64_t rc : kRoundConstants) {
    std::uint64_t c[5];
#pragma GCC unroll 5
    for (std::size_t x = 0; x < 5; ++x)  // theta
      c[x] = a[lane(x, 0)] ^ a[lane(x, 1)] ^ a[lane(x, 2)] ^ a[lane(x, 3)] ^ a[lane(x, 4)];
#pragma GCC unroll 5
    for (std::size_t x = 0; x < 5; ++x) {
      std::uint64_t d = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);
#pragma GCC unroll 5
      for (std::size_t y = 0; y < 5; ++y) a[lane(x, y)] ^= d;
    }
    std::uint64_t carried = a[lane(1, 0)];  // rho and pi
#pragma GCC unroll 24
    for (const RhoPiStep& step : kRhoPi) {
      std::uint64_t displaced = a[step.lane];
      a[step.lane] = std::rotl(carried, step.rotation);
      carried = displaced;
    }
#pragma GCC unroll 5
    for (std::size_t y = 0; y < 5; ++y) {  // chi, one row at a time
      std::uint64_t row[5];
#pragma GCC unroll 5
      for (std::size_t x = 0; x < 5; ++x) row[x] = a[lane(x, y)];
#pragma GCC unroll 5
      for (std::size_t x = 0; x < 5; ++x) a[lane(x, y)] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
    }
    a[0] ^= rc;  // iota
  }
}

Keccak::~Keccak() { secure_wipe(lanes_.data(), sizeof lanes_); }

Keccak& Keccak::absorb(ByteView data) {
  if (squeezing_) throw std::logic_error("Keccak: absorb after squeeze");
  std::size_t i = 0;
  // Whole blocks straight into the lanes while aligned to a block boundary.
  while (pos_ == 0 && data.size() - i >= rate_) {
    for (std::size_t w = 0; w < rate_ / 8; ++w) lanes_[w] ^= load_le64(data.data() + i + 8 * w);
    keccak_f1600(lanes_);
    i += rate_;
  }
  for (; i < data.size(); ++i) {
    lanes_[pos_ / 8] ^= std::uint64_t{data[i]} << (8 * (pos_ % 8));
    if (++pos_ == rate_) {
      keccak_f1600(lanes_);
      pos_ = 0;
    }
  }
  return *this;
}

void Keccak::pad() {
  lanes_[pos_ / 8] ^= std::uint64_t{suffix_} << (8 * (pos_ % 8));
  lanes_[(rate_ - 1) / 8] ^= std::uint64_t{0x80} << (8 * ((rate_ - 1) % 8));
  keccak_f1600(lanes_);
  pos_ = 0;
  squeezing_ = true;
}

void Keccak::squeeze(std::span<std::uint8_t> out) {
  if (!squeezing_) pad();
  std::size_t i = 0;
  while (i < out.size()) {
    if (pos_ == rate_) {
      keccak_f1600(lanes_);
      pos_ = 0;
    }
    if (pos_ % 8 == 0 && out.size() - i >= 8) {  // a whole lane (rates are multiples of 8)
      store_le64(out.data() + i, lanes_[pos_ / 8]);
      i += 8;
      pos_ += 8;
    } else {
      out[i++] = static_cast<std::uint8_t>(lanes_[pos_ / 8] >> (8 * (pos_ % 8)));
      ++pos_;
    }
  }
}

void sha3_256(ByteView in, std::span<std::uint8_t, 32> out) { Keccak::sha3_256().absorb(in).squeeze(out); }
void sha3_512(ByteView in, std::span<std::uint8_t, 64> out) { Keccak::sha3_512().absorb(in).squeeze(out); }
void shake128(ByteView in, std::span<std::uint8_t> out) { Keccak::shake128().absorb(in).squeeze(out); }
void shake256(ByteView in, std::span<std::uint8_t> out) { Keccak::shake256().absorb(in).squeeze(out); }

}  // namespace sshcore::crypto

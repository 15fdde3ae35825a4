#include "sshcore/crypto/mlkem_poly.hpp"

#include "sshcore/crypto/keccak.hpp"

namespace sshcore::crypto::mlkem {
namespace {

constexpr std::uint32_t kQinv = 62209;           // q^-1 mod 2^16
constexpr std::int16_t kMontR = 2285;            // 2^16 mod q
constexpr std::int16_t kMontR2 = 1353;           // 2^32 mod q
constexpr std::int16_t kInvNttScale = 1441;      // 2^32 / 128 mod q: 1/128, times 2^16
constexpr std::int32_t kBarrettV = ((1 << 26) + kQ / 2) / kQ;
static_assert((kQ * kQinv) % 65536 == 1);
static_assert((65536 % kQ) == kMontR && (std::int64_t{kMontR} * kMontR) % kQ == kMontR2);
static_assert((std::int64_t{kInvNttScale} * 128) % kQ == kMontR2);

constexpr std::int32_t pow_mod(std::int32_t base, unsigned e) {
  std::int64_t r = 1, b = base;
  for (; e != 0; e >>= 1, b = b * b % kQ)
    if (e & 1) r = r * b % kQ;
  return static_cast<std::int32_t>(r);
}

constexpr unsigned bit_reverse7(unsigned i) {
  unsigned r = 0;
  for (int b = 0; b < 7; ++b) r |= ((i >> b) & 1u) << (6 - b);
  return r;
}

// x * 2^16 mod q, centred, as fqmul() expects its constant operand.
constexpr std::int16_t to_montgomery_centred(std::int32_t x) {
  std::int32_t m = static_cast<std::int32_t>(std::int64_t{x} * kMontR % kQ);
  if (m > kQ / 2) m -= kQ;
  return static_cast<std::int16_t>(m);
}

// zeta = 17 is the primitive 256th root of unity mod q the spec fixes. Both tables
// follow FIPS 203 directly: zeta^BitRev7(i) for the NTT layers (Algorithms 9, 10)
// and zeta^(2 BitRev7(i) + 1) for the degree-one products (Algorithm 11).
constexpr std::int16_t kZeta = 17;
constexpr auto kZetas = [] {
  std::array<std::int16_t, 128> z{};
  for (unsigned i = 0; i < 128; ++i) z[i] = to_montgomery_centred(pow_mod(kZeta, bit_reverse7(i)));
  return z;
}();
constexpr auto kGammas = [] {
  std::array<std::int16_t, 128> g{};
  for (unsigned i = 0; i < 128; ++i)
    g[i] = to_montgomery_centred(pow_mod(kZeta, 2 * bit_reverse7(i) + 1));
  return g;
}();
static_assert(pow_mod(kZeta, 128) == kQ - 1, "17 must have order 256");

// Compress_d(x) = round(2^d x / q) mod 2^d, computed as (2^d x + q/2) * M >> 36 with
// M = ceil(2^36 / q); exact for every numerator below 2^23, i.e. d <= 11.
constexpr int kCompressShift = 36;
constexpr std::uint64_t kCompressMagic = ((std::uint64_t{1} << kCompressShift) + kQ - 1) / kQ;

constexpr std::uint16_t compress_ct(std::uint16_t x, int d) {
  std::uint64_t n = (std::uint64_t{x} << d) + kQ / 2;
  return static_cast<std::uint16_t>(((n * kCompressMagic) >> kCompressShift) & ((1u << d) - 1));
}

constexpr bool compress_matches_spec(int d) {
  for (std::uint32_t x = 0; x < static_cast<std::uint32_t>(kQ); ++x) {
    std::uint32_t exact = (((x << d) + kQ / 2) / kQ) & ((1u << d) - 1);
    if (compress_ct(static_cast<std::uint16_t>(x), d) != exact) return false;
  }
  return true;
}
static_assert(compress_matches_spec(1) && compress_matches_spec(4) && compress_matches_spec(10) &&
              compress_matches_spec(11));

}  // namespace

std::int16_t montgomery_reduce(std::int32_t a) {
  auto t = static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(a) * kQinv));
  return static_cast<std::int16_t>((a - std::int32_t{t} * kQ) >> 16);
}

std::int16_t barrett_reduce(std::int16_t a) {
  std::int32_t t = (kBarrettV * a + (1 << 25)) >> 26;
  return static_cast<std::int16_t>(a - t * kQ);
}

void poly_reduce(Poly& p) {
  for (auto& c : p) c = barrett_reduce(c);
}

void poly_add(Poly& r, const Poly& a) {
  for (int i = 0; i < kN; ++i) r[i] = static_cast<std::int16_t>(r[i] + a[i]);
}

void poly_sub(Poly& r, const Poly& a) {
  for (int i = 0; i < kN; ++i) r[i] = static_cast<std::int16_t>(r[i] - a[i]);
}

void poly_to_montgomery(Poly& p) {
  for (auto& c : p) c = fqmul(c, kMontR2);
}

void ntt(Poly& p) {
  std::size_t k = 1;
  for (int len = 128; len >= 2; len /= 2) {
    for (int start = 0; start < kN; start += 2 * len) {
      std::int16_t zeta = kZetas[k++];
      for (int j = start; j < start + len; ++j) {
        std::int16_t t = fqmul(zeta, p[j + len]);
        p[j + len] = static_cast<std::int16_t>(p[j] - t);
        p[j] = static_cast<std::int16_t>(p[j] + t);
      }
    }
  }
  poly_reduce(p);
}

void invntt_to_montgomery(Poly& p) {
  std::size_t k = 127;
  for (int len = 2; len <= 128; len *= 2) {
    for (int start = 0; start < kN; start += 2 * len) {
      std::int16_t zeta = kZetas[k--];
      for (int j = start; j < start + len; ++j) {
        std::int16_t t = p[j];
        p[j] = barrett_reduce(static_cast<std::int16_t>(t + p[j + len]));
        p[j + len] = fqmul(zeta, static_cast<std::int16_t>(p[j + len] - t));
      }
    }
  }
  for (auto& c : p) c = fqmul(c, kInvNttScale);
}

namespace {
template <bool kAccumulate>
void basemul_impl(Poly& r, const Poly& a, const Poly& b) {
  for (int i = 0; i < kN / 2; ++i) {
    std::int16_t a0 = a[2 * i], a1 = a[2 * i + 1], b0 = b[2 * i], b1 = b[2 * i + 1];
    auto c0 = static_cast<std::int16_t>(fqmul(fqmul(a1, b1), kGammas[i]) + fqmul(a0, b0));
    auto c1 = static_cast<std::int16_t>(fqmul(a0, b1) + fqmul(a1, b0));
    if constexpr (kAccumulate) {
      r[2 * i] = static_cast<std::int16_t>(r[2 * i] + c0);
      r[2 * i + 1] = static_cast<std::int16_t>(r[2 * i + 1] + c1);
    } else {
      r[2 * i] = c0;
      r[2 * i + 1] = c1;
    }
  }
}
}  // namespace

void basemul(Poly& r, const Poly& a, const Poly& b) { basemul_impl<false>(r, a, b); }
void basemul_accumulate(Poly& r, const Poly& a, const Poly& b) { basemul_impl<true>(r, a, b); }

void sample_ntt(Poly& out, std::span<const std::uint8_t, 32> rho, std::uint8_t j, std::uint8_t i) {
  const std::uint8_t index[2] = {j, i};
  Keccak xof = Keccak::shake128();
  xof.absorb(rho).absorb(index);
  // Three blocks give 336 candidates for 256 slots, enough almost always; after that
  // one block (56 candidates) at a time. 168 is a multiple of 3, so no candidate
  // straddles two squeezes.
  std::array<std::uint8_t, 3 * 168> buf;
  xof.squeeze(buf);
  std::size_t have = buf.size();
  int n = 0;
  while (true) {
    for (std::size_t pos = 0; pos + 3 <= have && n < kN; pos += 3) {
      std::uint16_t d1 = static_cast<std::uint16_t>(buf[pos] | ((buf[pos + 1] & 0x0f) << 8));
      std::uint16_t d2 = static_cast<std::uint16_t>((buf[pos + 1] >> 4) | (buf[pos + 2] << 4));
      if (d1 < kQ) out[n++] = static_cast<std::int16_t>(d1);
      if (d2 < kQ && n < kN) out[n++] = static_cast<std::int16_t>(d2);
    }
    if (n == kN) return;
    have = xof.rate();
    xof.squeeze(std::span(buf).first(have));
  }
}

void sample_cbd2(Poly& out, std::span<const std::uint8_t, 128> prf_output) {
  for (int w = 0; w < kN / 8; ++w) {
    const std::uint8_t* p = prf_output.data() + 4 * w;
    std::uint32_t t = std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
                      (std::uint32_t{p[3]} << 24);
    // Each 2-bit field of d is the sum of two adjacent bits of t.
    std::uint32_t d = (t & 0x55555555u) + ((t >> 1) & 0x55555555u);
    for (int j = 0; j < 8; ++j) {
      auto x = static_cast<std::int16_t>((d >> (4 * j)) & 3u);
      auto y = static_cast<std::int16_t>((d >> (4 * j + 2)) & 3u);
      out[8 * w + j] = static_cast<std::int16_t>(x - y);
    }
  }
}

std::uint16_t compress(std::uint16_t x, int d) { return compress_ct(x, d); }

std::uint16_t decompress(std::uint16_t y, int d) {
  return static_cast<std::uint16_t>((std::uint32_t{y} * kQ + (1u << (d - 1))) >> d);
}

std::uint16_t to_canonical(std::int16_t a) {
  return static_cast<std::uint16_t>(a + ((a >> 15) & kQ));
}

void encode12(std::span<std::uint8_t, kPolyBytes> out, const Poly& p) {
  for (int i = 0; i < kN / 2; ++i) {
    std::uint16_t c0 = to_canonical(p[2 * i]), c1 = to_canonical(p[2 * i + 1]);
    out[3 * i] = static_cast<std::uint8_t>(c0);
    out[3 * i + 1] = static_cast<std::uint8_t>((c0 >> 8) | (c1 << 4));
    out[3 * i + 2] = static_cast<std::uint8_t>(c1 >> 4);
  }
}

void decode12(Poly& p, std::span<const std::uint8_t, kPolyBytes> in) {
  for (int i = 0; i < kN / 2; ++i) {
    const std::uint8_t* b = in.data() + 3 * i;
    // Stored values are below 2^12 < 2q, so one subtraction reduces them.
    auto c0 = static_cast<std::int16_t>((b[0] | (b[1] << 8)) & 0xfff);
    auto c1 = static_cast<std::int16_t>((b[1] >> 4) | (b[2] << 4));
    p[2 * i] = static_cast<std::int16_t>(to_canonical(static_cast<std::int16_t>(c0 - kQ)));
    p[2 * i + 1] = static_cast<std::int16_t>(to_canonical(static_cast<std::int16_t>(c1 - kQ)));
  }
}

bool coefficients_below_q(ByteView encoded) {
  // Public data (an encapsulation key): an early exit would be fine, but a single
  // flag keeps the loop as simple as the encoder.
  unsigned bad = 0;
  for (std::size_t i = 0; i + 3 <= encoded.size(); i += 3) {
    unsigned c0 = encoded[i] | ((encoded[i + 1] & 0x0fu) << 8);
    unsigned c1 = (encoded[i + 1] >> 4) | (unsigned{encoded[i + 2]} << 4);
    bad |= static_cast<unsigned>(c0 >= static_cast<unsigned>(kQ)) |
           static_cast<unsigned>(c1 >= static_cast<unsigned>(kQ));
  }
  return bad == 0;
}

void compress_encode(std::span<std::uint8_t> out, const Poly& p, int d) {
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t k = 0;
  for (int i = 0; i < kN; ++i) {
    acc |= std::uint32_t{compress(to_canonical(p[i]), d)} << bits;
    for (bits += d; bits >= 8; bits -= 8, acc >>= 8) out[k++] = static_cast<std::uint8_t>(acc);
  }
}

void decode_decompress(Poly& p, std::span<const std::uint8_t> in, int d) {
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t k = 0;
  const std::uint32_t mask = (1u << d) - 1;
  for (int i = 0; i < kN; ++i) {
    for (; bits < d; bits += 8) acc |= std::uint32_t{in[k++]} << bits;
    p[i] = static_cast<std::int16_t>(decompress(static_cast<std::uint16_t>(acc & mask), d));
    acc >>= d;
    bits -= d;
  }
}

void poly_from_message(Poly& p, std::span<const std::uint8_t, 32> msg) {
  constexpr std::int16_t kHalfQ = (kQ + 1) / 2;  // Decompress_1(1) = round(q/2)
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 8; ++j) {
      auto bit = static_cast<std::int16_t>((msg[i] >> j) & 1);
      p[8 * i + j] = static_cast<std::int16_t>(-bit & kHalfQ);
    }
}

void poly_to_message(std::span<std::uint8_t, 32> msg, const Poly& p) {
  for (int i = 0; i < 32; ++i) {
    std::uint8_t byte = 0;
    for (int j = 0; j < 8; ++j)
      byte = static_cast<std::uint8_t>(byte | (compress(to_canonical(p[8 * i + j]), 1) << j));
    msg[i] = byte;
  }
}

}  // namespace sshcore::crypto::mlkem

// ML-KEM's ring arithmetic against plain modular arithmetic: the NTT product
// against a schoolbook negacyclic product, reductions against %, compression
// against FIPS 203's rational rounding, encodings against their inverses.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "sshcore/crypto/mlkem_poly.hpp"
#include "sshcore/crypto/random.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using namespace sshcore::crypto::mlkem;

namespace {

constexpr std::int32_t kQ32 = kQ;

std::int32_t mod_q(std::int64_t x) {
  auto r = static_cast<std::int32_t>(x % kQ32);
  return r < 0 ? r + kQ32 : r;
}

Poly random_poly(std::int16_t bound) {  // coefficients in [-bound, bound]
  Poly p;
  for (auto& c : p)
    c = static_cast<std::int16_t>(static_cast<std::int32_t>(random_uniform(2u * bound + 1)) - bound);
  return p;
}

// a * b in Z_q[X]/(X^256 + 1), the slow way.
std::array<std::int32_t, kN> schoolbook(const Poly& a, const Poly& b) {
  std::array<std::int64_t, kN> acc{};
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) {
      std::int64_t prod = std::int64_t{a[i]} * b[j];
      if (i + j < kN) acc[i + j] += prod;
      else acc[i + j - kN] -= prod;  // X^256 = -1
    }
  std::array<std::int32_t, kN> r;
  for (int i = 0; i < kN; ++i) r[i] = mod_q(acc[i]);
  return r;
}

std::array<std::int32_t, kN> canonical(const Poly& p) {
  std::array<std::int32_t, kN> r;
  for (int i = 0; i < kN; ++i) r[i] = mod_q(p[i]);
  return r;
}

}  // namespace

TEST(MlKemPoly, MontgomeryReduceIsMultiplicationByInverseOfTwoTo16) {
  // 2^16 * 169 = 1 mod q, so a * 2^-16 = a * 169.
  for (std::int32_t a = -kQ32 * 32768 + 1; a < kQ32 * 32768; a += 9973) {
    std::int16_t r = montgomery_reduce(a);
    EXPECT_GT(r, -kQ);
    EXPECT_LT(r, kQ);
    EXPECT_EQ(mod_q(r), mod_q(std::int64_t{a} * 169)) << a;
  }
}

TEST(MlKemPoly, BarrettReduceEveryInt16) {
  for (std::int32_t a = -32768; a <= 32767; ++a) {
    std::int16_t r = barrett_reduce(static_cast<std::int16_t>(a));
    ASSERT_EQ(mod_q(r), mod_q(a)) << a;
    ASSERT_LE(r, (kQ - 1) / 2) << a;
    ASSERT_GE(r, -(kQ - 1) / 2) << a;
  }
}

TEST(MlKemPoly, NttProductEqualsSchoolbookProduct) {
  for (int round = 0; round < 20; ++round) {
    // Secrets and noise are small, public matrix entries span [0, q): try both.
    Poly a = round % 2 ? random_poly(2) : random_poly(kQ - 1);
    Poly b = random_poly(round % 3 ? 2 : (kQ - 1) / 2);
    auto expected = schoolbook(a, b);
    Poly na = a, nb = b, r;
    ntt(na);
    ntt(nb);
    basemul(r, na, nb);
    poly_reduce(r);
    invntt_to_montgomery(r);
    EXPECT_EQ(canonical(r), expected) << "round " << round;
  }
}

TEST(MlKemPoly, BasemulAccumulateAddsProducts) {
  Poly a = random_poly(kQ - 1), b = random_poly(2), c = random_poly(kQ - 1), d = random_poly(2);
  auto ab = schoolbook(a, b), cd = schoolbook(c, d);
  ntt(a); ntt(b); ntt(c); ntt(d);
  Poly r;
  basemul(r, a, b);
  basemul_accumulate(r, c, d);
  poly_reduce(r);
  invntt_to_montgomery(r);
  auto got = canonical(r);
  for (int i = 0; i < kN; ++i) EXPECT_EQ(got[i], mod_q(ab[i] + cd[i])) << i;
}

TEST(MlKemPoly, InverseNttUndoesNttTimesMontgomeryFactor) {
  Poly a = random_poly(kQ - 1), t = a;
  ntt(t);
  invntt_to_montgomery(t);
  for (int i = 0; i < kN; ++i) EXPECT_EQ(mod_q(t[i]), mod_q(std::int64_t{a[i]} * 65536)) << i;
}

TEST(MlKemPoly, CompressMatchesRationalRoundingAndDecompressIsClose) {
  for (int d : {1, 4, 10, 11}) {
    for (std::uint32_t x = 0; x < static_cast<std::uint32_t>(kQ); ++x) {
      // round(2^d x / q) with ties up, computed in doubles as an independent check.
      double exact = static_cast<double>(x) * (1 << d) / kQ;
      auto rounded = static_cast<std::uint32_t>(exact + 0.5) % (1u << d);
      std::uint16_t c = compress(static_cast<std::uint16_t>(x), d);
      ASSERT_EQ(c, rounded) << "d " << d << " x " << x;
      // FIPS 203 section 4.2.1: |Decompress(Compress(x)) - x| mod q <= round(q / 2^(d+1)).
      std::int32_t back = decompress(c, d);
      std::int32_t err = mod_q(back - static_cast<std::int32_t>(x));
      err = std::min(err, kQ32 - err);
      ASSERT_LE(err, (kQ32 + (1 << d)) / (1 << (d + 1))) << "d " << d << " x " << x;
    }
    for (std::uint32_t y = 0; y < (1u << d); ++y)  // and Compress(Decompress(y)) = y
      ASSERT_EQ(compress(decompress(static_cast<std::uint16_t>(y), d), d), y) << "d " << d;
  }
}

TEST(MlKemPoly, ToCanonicalMapsIntoZeroToQ) {
  for (std::int32_t a = -kQ32 + 1; a < kQ32; ++a) {
    std::uint16_t c = to_canonical(static_cast<std::int16_t>(a));
    ASSERT_LT(c, kQ);
    ASSERT_EQ(c, mod_q(a));
  }
}

TEST(MlKemPoly, Encode12RoundTripsAndModulusCheck) {
  Poly p = random_poly(kQ - 1), back;
  std::array<std::uint8_t, kPolyBytes> bytes;
  encode12(bytes, p);
  EXPECT_TRUE(coefficients_below_q(bytes));
  decode12(back, bytes);
  EXPECT_EQ(canonical(back), canonical(p));
  for (auto c : back) EXPECT_TRUE(c >= 0 && c < kQ);

  // Coefficient 1 (the high nibble of byte 1 and all of byte 2) set to q, then 4095.
  bytes[1] = static_cast<std::uint8_t>((bytes[1] & 0x0f) | ((kQ & 0x0f) << 4));
  bytes[2] = static_cast<std::uint8_t>(kQ >> 4);
  EXPECT_FALSE(coefficients_below_q(bytes));
  decode12(back, bytes);
  EXPECT_EQ(back[1], 0);  // ByteDecode_12 reduces mod q
  bytes[1] |= 0xf0;
  bytes[2] = 0xff;
  EXPECT_FALSE(coefficients_below_q(bytes));
  decode12(back, bytes);
  EXPECT_EQ(back[1], 4095 - kQ);
}

TEST(MlKemPoly, CompressedEncodingsRoundTrip) {
  for (int d : {4, 10}) {
    Poly p = random_poly((kQ - 1) / 2), back;
    Bytes bytes(32 * static_cast<std::size_t>(d));
    compress_encode(bytes, p, d);
    decode_decompress(back, bytes, d);
    for (int i = 0; i < kN; ++i) {
      std::uint16_t expected = decompress(compress(to_canonical(p[i]), d), d);
      ASSERT_EQ(back[i], expected) << "d " << d << " i " << i;
    }
  }
}

TEST(MlKemPoly, MessageRoundTripsThroughNoise) {
  std::array<std::uint8_t, 32> msg, back;
  random_bytes(msg);
  Poly p;
  poly_from_message(p, msg);
  for (int i = 0; i < kN; ++i) EXPECT_TRUE(p[i] == 0 || p[i] == (kQ + 1) / 2);
  // Decryption sees the message plus noise well below q/4: it must survive.
  Poly noise = random_poly(kQ / 4 - 1);
  poly_add(p, noise);
  poly_reduce(p);
  poly_to_message(back, p);
  EXPECT_EQ(back, msg);
}

TEST(MlKemPoly, CenteredBinomialSampling) {
  // Bits (x0 x1 y0 y1) per coefficient, least significant first: 0b0011 = +2,
  // 0b1100 = -2, 0b1111 and 0b0000 = 0, 0b0001 = +1, 0b0100 = -1.
  std::array<std::uint8_t, 128> prf{};
  prf[0] = 0xc3;  // coefficients 0, 1: +2, -2
  prf[1] = 0x0f;  // 2, 3: 0, 0
  prf[2] = 0x41;  // 4, 5: +1, -1
  Poly p;
  sample_cbd2(p, prf);
  EXPECT_EQ(p[0], 2);
  EXPECT_EQ(p[1], -2);
  EXPECT_EQ(p[2], 0);
  EXPECT_EQ(p[3], 0);
  EXPECT_EQ(p[4], 1);
  EXPECT_EQ(p[5], -1);
  for (int i = 6; i < kN; ++i) EXPECT_EQ(p[i], 0);

  random_bytes(prf);
  sample_cbd2(p, prf);
  for (auto c : p) EXPECT_TRUE(c >= -2 && c <= 2);
}

TEST(MlKemPoly, SampleNttIsUniformBelowQAndDependsOnIndices) {
  std::array<std::uint8_t, 32> rho;
  random_bytes(rho);
  Poly a, b, c;
  sample_ntt(a, rho, 0, 1);
  sample_ntt(b, rho, 1, 0);
  sample_ntt(c, rho, 0, 1);
  EXPECT_EQ(a, c);
  EXPECT_NE(a, b);
  for (auto x : a) EXPECT_TRUE(x >= 0 && x < kQ);
}

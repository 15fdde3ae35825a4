// Polynomial arithmetic of ML-KEM (FIPS 203 sections 4.2.1 and 4.3): the ring
// Z_q[X]/(X^256 + 1) with q = 3329, its NTT, sampling, compression and byte
// encodings. Internal to mlkem768.cpp; exposed in a header for unit tests.
//
// Coefficients are int16 in Montgomery/Barrett friendly ranges (the same
// representation as the Kyber reference code, written here from the spec):
// every function below documents the range it accepts and returns. Nothing here
// branches on, or indexes memory by, coefficient values, because they are secret
// in keygen, encapsulation and decapsulation alike.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sshcore/base/bytes.hpp"

namespace sshcore::crypto::mlkem {

inline constexpr int kN = 256;
inline constexpr std::int16_t kQ = 3329;
inline constexpr std::size_t kPolyBytes = 384;  // ByteEncode_12 of one polynomial

using Poly = std::array<std::int16_t, kN>;

// a * 2^-16 mod q, for |a| < q * 2^15; result in (-q, q).
std::int16_t montgomery_reduce(std::int32_t a);
// a mod q, centred: result in [-(q-1)/2, (q-1)/2] for any int16 a.
std::int16_t barrett_reduce(std::int16_t a);
// a * b * 2^-16 mod q, in (-q, q).
inline std::int16_t fqmul(std::int16_t a, std::int16_t b) {
  return montgomery_reduce(std::int32_t{a} * b);
}

void poly_reduce(Poly& p);                 // each coefficient barrett_reduce()d
void poly_add(Poly& r, const Poly& a);     // r += a, no reduction
void poly_sub(Poly& r, const Poly& a);     // r -= a, no reduction
void poly_to_montgomery(Poly& p);          // p * 2^16 mod q, in (-q, q)

// FIPS 203 Algorithm 9. Input |coefficients| < q; output in NTT order, reduced
// to [-(q-1)/2, (q-1)/2].
void ntt(Poly& p);
// FIPS 203 Algorithm 10, times 2^16: undoes the 2^-16 that basemul leaves behind,
// so invntt(basemul(ntt(a), ntt(b))) = a * b. Input |c| < 2^15; output in (-q, q).
void invntt_to_montgomery(Poly& p);
// r = a (*) b in the NTT domain (FIPS 203 Algorithms 11, 12), times 2^-16;
// accumulate adds into r instead of overwriting it. Inputs: one factor in [0, q) or
// both reduced; output |c| < 2q per term, so reduce after at most 8 terms.
void basemul(Poly& r, const Poly& a, const Poly& b);
void basemul_accumulate(Poly& r, const Poly& a, const Poly& b);

// FIPS 203 Algorithm 7: rejection-sample a uniform NTT-domain polynomial from
// SHAKE128(rho || j || i). Data here are public.
void sample_ntt(Poly& out, std::span<const std::uint8_t, 32> rho, std::uint8_t j, std::uint8_t i);
// FIPS 203 Algorithm 8 with eta = 2: coefficients in [-2, 2] from 128 PRF bytes.
void sample_cbd2(Poly& out, std::span<const std::uint8_t, 128> prf_output);

// Compress_d / Decompress_d of FIPS 203 section 4.2.1 for one coefficient in [0, q).
// Compression multiplies by a reciprocal of q instead of dividing: a division
// instruction's time can depend on the (secret) dividend (KyberSlash).
std::uint16_t compress(std::uint16_t x, int d);
std::uint16_t decompress(std::uint16_t y, int d);

// Map a coefficient from (-q, q) (after barrett_reduce: [-(q-1)/2, (q-1)/2]) into [0, q)
// without a branch.
std::uint16_t to_canonical(std::int16_t a);

// ByteEncode_12 / ByteDecode_12 (FIPS 203 Algorithms 5, 6) of one polynomial.
// Encode wants coefficients in (-q, q); decode returns [0, q), reducing stored 12-bit
// values mod q as ByteDecode_12 does (a key that must not hold such values is checked
// with coefficients_below_q() first).
void encode12(std::span<std::uint8_t, kPolyBytes> out, const Poly& p);
void decode12(Poly& p, std::span<const std::uint8_t, kPolyBytes> in);
// True when every 12-bit value in `in` is below q (FIPS 203 section 7.2 check).
bool coefficients_below_q(ByteView encoded);

// Compress_d then ByteEncode_d (d = 10, 4) and the reverse, as the ciphertext uses them.
// compress_encode wants coefficients in (-q, q); decode_decompress returns [0, q).
void compress_encode(std::span<std::uint8_t> out, const Poly& p, int d);   // out: 32*d bytes
void decode_decompress(Poly& p, std::span<const std::uint8_t> in, int d);  // in: 32*d bytes

// The message as a polynomial: bit i becomes round(q/2) or 0, and back (Compress_1,
// which wants coefficients in (-q, q)).
void poly_from_message(Poly& p, std::span<const std::uint8_t, 32> msg);
void poly_to_message(std::span<std::uint8_t, 32> msg, const Poly& p);

}  // namespace sshcore::crypto::mlkem

// Internal to sntrup761: its parameters, polynomial types and the byte encodings of
// the NTRU Prime specification (Encode/Decode of R/q, rounded and small elements).
// Only sntrup761.cpp and the unit tests include this.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::crypto::ntru_prime {

// sntrup761 parameters: R = Z[x]/(x^p - x - 1), small weight-w polynomials, modulus q.
inline constexpr int kP = 761;
inline constexpr int kQ = 4591;
inline constexpr int kW = 286;
inline constexpr int kQ12 = (kQ - 1) / 2;

inline constexpr std::size_t kSmallBytes = (kP + 3) / 4;  // 2 bits per coefficient
inline constexpr std::size_t kRqBytes = 1158;             // Encode of p values below q
inline constexpr std::size_t kRoundedBytes = 1007;        // Encode of p values below (q+2)/3
inline constexpr std::size_t kHashBytes = 32;

// A fixed array that wipes itself when destroyed: almost every polynomial here is, or
// is computed from, a secret, and copies of them must not linger on the stack.
template <class T, std::size_t N>
class WipedArray : public std::array<T, N> {
 public:
  WipedArray() : std::array<T, N>{} {}
  WipedArray(const WipedArray&) = default;
  WipedArray& operator=(const WipedArray&) = default;
  ~WipedArray() { secure_wipe(this->data(), sizeof(T) * N); }
};

using Small = std::int8_t;  // an element of F3, always -1, 0 or 1
using Fq = std::int16_t;    // an element of Z/q, always -kQ12..kQ12
using SmallPoly = WipedArray<Small, kP>;
using FqPoly = WipedArray<Fq, kP>;

// The specification's Encode(R, M) for M all equal to m, written to out (whose size
// must be exactly what Encode produces for kP values), and Decode, its inverse. For
// bytes that no R produces, Decode still yields values below m, as the reference does.
void encode_uniform(std::span<std::uint8_t> out, std::span<const std::uint16_t, kP> values,
                    std::uint16_t m);
void decode_uniform(std::span<std::uint16_t, kP> values, ByteView in, std::uint16_t m);

// R/q elements: kRqBytes bytes.
void rq_encode(std::span<std::uint8_t, kRqBytes> out, const FqPoly& r);
FqPoly rq_decode(std::span<const std::uint8_t, kRqBytes> in);

// Rounded R/q elements (every coefficient a multiple of 3): kRoundedBytes bytes.
void rounded_encode(std::span<std::uint8_t, kRoundedBytes> out, const FqPoly& r);
FqPoly rounded_decode(std::span<const std::uint8_t, kRoundedBytes> in);

// Small elements: four coefficients c+1 per byte, low bits first.
void small_encode(std::span<std::uint8_t, kSmallBytes> out, const SmallPoly& f);
SmallPoly small_decode(std::span<const std::uint8_t, kSmallBytes> in);

}  // namespace sshcore::crypto::ntru_prime

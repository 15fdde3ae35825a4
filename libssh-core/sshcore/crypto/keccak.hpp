// Keccak-f[1600] sponge with the FIPS 202 instances ML-KEM needs: SHA3-256,
// SHA3-512, SHAKE128 and SHAKE256.
//
// Why our own and not OpenSSL's EVP: ML-KEM's matrix expansion squeezes SHAKE128
// a block at a time until rejection sampling has enough coefficients, and OpenSSL
// 3.0 can only squeeze once (EVP_DigestSqueeze arrived in 3.3). Once we have a
// sponge for that, using it for the other three too costs little: OpenSSL's
// assembly permutation is about 25% faster on long input (H(ek), 1184 bytes), but
// most of an ML-KEM operation's ~45 permutations sit in short calls (PRF, G,
// SampleNTT) where EVP's context setup costs as much as the permutation
// (bench/mlkem768_bench.cpp measures both). Our state also lives on the stack and
// is wiped when it goes out of scope (it holds seeds, the PRF key, the
// implicit-rejection key).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sshcore/base/bytes.hpp"

namespace sshcore::crypto {

// Incremental sponge: absorb() any number of times, then squeeze() any number of
// times (the first squeeze pads). Absorbing after squeezing is a logic error.
class Keccak {
 public:
  static Keccak sha3_256() { return Keccak(136, kSha3Suffix); }
  static Keccak sha3_512() { return Keccak(72, kSha3Suffix); }
  static Keccak shake128() { return Keccak(168, kShakeSuffix); }
  static Keccak shake256() { return Keccak(136, kShakeSuffix); }

  Keccak(const Keccak&) = default;
  Keccak& operator=(const Keccak&) = default;
  ~Keccak();

  std::size_t rate() const { return rate_; }
  Keccak& absorb(ByteView data);
  void squeeze(std::span<std::uint8_t> out);

 private:
  // FIPS 202 domain bits with the first padding bit: SHA-3 appends 01, SHAKE 1111.
  static constexpr std::uint8_t kSha3Suffix = 0x06;
  static constexpr std::uint8_t kShakeSuffix = 0x1f;

  Keccak(std::size_t rate, std::uint8_t suffix) : rate_(rate), suffix_(suffix) {}
  void pad();

  std::array<std::uint64_t, 25> lanes_{};
  std::size_t rate_;
  std::size_t pos_ = 0;  // bytes absorbed into, or squeezed from, the current block
  std::uint8_t suffix_;
  bool squeezing_ = false;
};

// The permutation itself, exposed for its known-answer test.
void keccak_f1600(std::array<std::uint64_t, 25>& lanes);

// One-shot forms. Output sizes are fixed for SHA-3; SHAKE fills `out`.
void sha3_256(ByteView in, std::span<std::uint8_t, 32> out);
void sha3_512(ByteView in, std::span<std::uint8_t, 64> out);
void shake128(ByteView in, std::span<std::uint8_t> out);
void shake256(ByteView in, std::span<std::uint8_t> out);

}  // namespace sshcore::crypto

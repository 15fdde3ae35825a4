// Our Keccak sponge against FIPS 202 known answers and against OpenSSL's
// independent SHA-3/SHAKE (EVP), over lengths around every rate boundary and with
// absorbing and squeezing split into pieces.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "sshcore/crypto/keccak.hpp"
#include "sshcore/crypto/random.hpp"
#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using sshpp::test::hex;

namespace {

enum class Alg { kSha3_256, kSha3_512, kShake128, kShake256 };

Keccak make(Alg alg) {
  switch (alg) {
    case Alg::kSha3_256: return Keccak::sha3_256();
    case Alg::kSha3_512: return Keccak::sha3_512();
    case Alg::kShake128: return Keccak::shake128();
    case Alg::kShake256: return Keccak::shake256();
  }
  throw std::logic_error("alg");
}

const EVP_MD* evp(Alg alg) {
  switch (alg) {
    case Alg::kSha3_256: return EVP_sha3_256();
    case Alg::kSha3_512: return EVP_sha3_512();
    case Alg::kShake128: return EVP_shake128();
    case Alg::kShake256: return EVP_shake256();
  }
  return nullptr;
}

bool is_xof(Alg alg) { return alg == Alg::kShake128 || alg == Alg::kShake256; }

Bytes openssl_hash(Alg alg, ByteView in, std::size_t out_len) {
  Bytes out(out_len);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestInit_ex(ctx, evp(alg), nullptr), 1);
  EXPECT_EQ(EVP_DigestUpdate(ctx, in.data(), in.size()), 1);
  if (is_xof(alg)) {
    EXPECT_EQ(EVP_DigestFinalXOF(ctx, out.data(), out.size()), 1);
  } else {
    unsigned n = 0;
    EXPECT_EQ(EVP_DigestFinal_ex(ctx, out.data(), &n), 1);
    EXPECT_EQ(n, out_len);
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

Bytes ours(Alg alg, ByteView in, std::size_t out_len) {
  Bytes out(out_len);
  make(alg).absorb(in).squeeze(out);
  return out;
}

std::size_t digest_len(Alg alg) {
  return alg == Alg::kSha3_256 ? 32 : alg == Alg::kSha3_512 ? 64 : 200;
}

constexpr Alg kAllAlgs[] = {Alg::kSha3_256, Alg::kSha3_512, Alg::kShake128, Alg::kShake256};

}  // namespace

// FIPS 202 examples (NIST "Example Values" for SHA-3 and SHAKE): empty and "abc".
TEST(Keccak, Fips202KnownAnswers) {
  std::array<std::uint8_t, 32> h256;
  std::array<std::uint8_t, 64> h512;
  sha3_256({}, h256);
  EXPECT_EQ(hex(h256), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  sha3_256(as_bytes("abc"), h256);
  EXPECT_EQ(hex(h256), "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  sha3_512({}, h512);
  EXPECT_EQ(hex(h512),
            "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
            "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26");
  sha3_512(as_bytes("abc"), h512);
  EXPECT_EQ(hex(h512),
            "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
            "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");
  std::array<std::uint8_t, 32> s128;
  shake128({}, s128);
  EXPECT_EQ(hex(s128), "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
  shake256({}, h512);
  EXPECT_EQ(hex(h512),
            "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
            "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be");
}

// The Keccak team's KeccakF-1600 intermediate values: the permutation of the
// all-zero state (first and last lanes).
TEST(Keccak, PermutationOfZeroState) {
  std::array<std::uint64_t, 25> lanes{};
  keccak_f1600(lanes);
  EXPECT_EQ(lanes[0], 0xF1258F7940E1DDE7ull);
  EXPECT_EQ(lanes[1], 0x84D5CCF933C0478Aull);
  EXPECT_EQ(lanes[24], 0xEAF1FF7B5CECA249ull);
}

TEST(Keccak, MatchesOpenSslAroundEveryRateBoundary) {
  Bytes input = random_bytes(3 * 168 + 10);
  for (Alg alg : kAllAlgs) {
    for (std::size_t len = 0; len <= input.size(); ++len) {
      SCOPED_TRACE("alg " + std::to_string(static_cast<int>(alg)) + " len " + std::to_string(len));
      ByteView in(input.data(), len);
      ASSERT_EQ(hex(ours(alg, in, digest_len(alg))), hex(openssl_hash(alg, in, digest_len(alg))));
    }
  }
}

TEST(Keccak, PiecewiseAbsorbEqualsOneShot) {
  Bytes input = random_bytes(1000);
  for (Alg alg : kAllAlgs) {
    for (std::size_t piece : {1u, 7u, 71u, 72u, 136u, 167u, 168u, 169u, 400u}) {
      Keccak k = make(alg);
      for (std::size_t at = 0; at < input.size(); at += piece)
        k.absorb(ByteView(input).subspan(at, std::min(piece, input.size() - at)));
      Bytes out(digest_len(alg));
      k.squeeze(out);
      EXPECT_EQ(hex(out), hex(openssl_hash(alg, input, digest_len(alg)))) << "piece " << piece;
    }
  }
}

// What ML-KEM's SampleNTT relies on: squeezing SHAKE128 in pieces gives the same
// stream as one long squeeze (OpenSSL 3.0 can only do the latter).
TEST(Keccak, IncrementalSqueezeEqualsOneLongSqueeze) {
  Bytes input = random_bytes(34);
  for (Alg alg : {Alg::kShake128, Alg::kShake256}) {
    Bytes expected = openssl_hash(alg, input, 2000);
    for (std::size_t piece : {1u, 3u, 136u, 168u, 504u, 999u}) {
      Keccak k = make(alg);
      k.absorb(input);
      Bytes got;
      while (got.size() < expected.size()) {
        Bytes chunk(std::min(piece, expected.size() - got.size()));
        k.squeeze(chunk);
        append(got, chunk);
      }
      EXPECT_EQ(hex(got), hex(expected)) << "piece " << piece;
    }
  }
}

TEST(Keccak, AbsorbAfterSqueezeIsRefused) {
  Keccak k = Keccak::shake128();
  std::array<std::uint8_t, 4> out;
  k.squeeze(out);
  EXPECT_THROW(k.absorb(as_bytes("late")), std::logic_error);
}

#include <gtest/gtest.h>

#include <string>

#include "sshcore/base/encoding.hpp"
#include "sshcore/crypto/blowfish.hpp"

using namespace sshcore;
using sshcore::crypto::Blowfish;

namespace {

struct BlockVector {
  const char* key;
  const char* plain;
  const char* cipher;
};

// Eric Young's Blowfish ECB vectors, as published by Bruce Schneier
// (https://www.schneier.com/code/vectors.txt), the first twelve rows.
constexpr BlockVector kEricYoungVectors[] = {
    {"0000000000000000", "0000000000000000", "4ef997456198dd78"},
    {"ffffffffffffffff", "ffffffffffffffff", "51866fd5b85ecb8a"},
    {"3000000000000000", "1000000000000001", "7d856f9a613063f2"},
    {"1111111111111111", "1111111111111111", "2466dd878b963c9d"},
    {"0123456789abcdef", "1111111111111111", "61f9c3802281b096"},
    {"1111111111111111", "0123456789abcdef", "7d0cc630afda1ec7"},
    {"fedcba9876543210", "0123456789abcdef", "0aceab0fc6a0a28d"},
    {"7ca110454a1a6e57", "01a1d6d039776742", "59c68245eb05282b"},
    {"0131d9619dc1376e", "5cd54ca83def57da", "b1b8cc0b250f09a0"},
    {"07a1133e4a0b2686", "0248d43806f67172", "1730e5778bea1da4"},
    {"3849674c2602319e", "51454b582ddf440a", "a25e7856cf2651eb"},
    {"04b915ba43feb5b6", "42fd443059577fa2", "353882b109ce8f1a"},
};

std::string block_hex(std::uint32_t left, std::uint32_t right) {
  std::uint8_t out[8];
  store_be32(out, left);
  store_be32(out + 4, right);
  return hex_encode(ByteView(out, 8));
}

}  // namespace

TEST(Blowfish, EricYoungVectorsEncryptAndDecrypt) {
  for (const auto& v : kEricYoungVectors) {
    SCOPED_TRACE(v.key);
    auto key = hex_decode(v.key);
    auto plain = hex_decode(v.plain);
    ASSERT_TRUE(key && plain);
    Blowfish bf;
    bf.expand0_state(*key);
    std::uint32_t l = load_be32(plain->data());
    std::uint32_t r = load_be32(plain->data() + 4);
    bf.encipher(l, r);
    EXPECT_EQ(block_hex(l, r), v.cipher);
    bf.decipher(l, r);
    EXPECT_EQ(block_hex(l, r), v.plain);
  }
}

TEST(Blowfish, SaltedScheduleDiffersFromPlainSchedule) {
  // expand_state with an all-zero salt is exactly the classic schedule (XOR with
  // zero changes nothing), and any non-zero salt gives a different cipher.
  const Bytes key = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  const Bytes zero_salt(16, 0);
  const Bytes salt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  Blowfish plain;
  plain.expand0_state(key);
  Blowfish zero_salted;
  zero_salted.expand_state(zero_salt, key);
  Blowfish salted;
  salted.expand_state(salt, key);

  std::uint32_t l1 = 0x11111111, r1 = 0x11111111;
  std::uint32_t l2 = l1, r2 = r1;
  std::uint32_t l3 = l1, r3 = r1;
  plain.encipher(l1, r1);
  zero_salted.encipher(l2, r2);
  salted.encipher(l3, r3);
  EXPECT_EQ(block_hex(l1, r1), "61f9c3802281b096");  // Eric Young row 5
  EXPECT_EQ(block_hex(l2, r2), "61f9c3802281b096");
  EXPECT_NE(block_hex(l3, r3), "61f9c3802281b096");
}

TEST(Blowfish, EmptyInputDoesNotCrash) {
  Blowfish bf;
  bf.expand0_state({});
  bf.expand_state({}, {});
  std::uint32_t l = 0, r = 0;
  bf.encipher(l, r);
  bf.decipher(l, r);
  EXPECT_EQ(l, 0u);
  EXPECT_EQ(r, 0u);
}

#include <gtest/gtest.h>

#include <array>
#include <set>

#include "sshcore/crypto/random.hpp"

using namespace sshcore;
using namespace sshcore::crypto;

TEST(Random, DrawsDiffer) {
  // Two 32-byte draws collide with probability 2^-256.
  Bytes a = random_bytes(32);
  Bytes b = random_bytes(32);
  ASSERT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_NE(a, Bytes(32, 0));

  std::array<std::uint8_t, 64> buf{};
  random_bytes(buf);
  EXPECT_NE(Bytes(buf.begin(), buf.end()), Bytes(64, 0));
  EXPECT_TRUE(random_bytes(0).empty());

  // Four 32-bit draws all equal: probability 2^-96.
  std::set<std::uint32_t> words;
  for (int i = 0; i < 4; ++i) words.insert(random_u32());
  EXPECT_GT(words.size(), 1u);
}

TEST(Random, UniformStaysInRangeAndCoversIt) {
  std::array<int, 10> seen{};
  for (int i = 0; i < 2000; ++i) {
    const std::uint32_t v = random_uniform(10);
    ASSERT_LT(v, 10u);
    ++seen[v];
  }
  // Missing a value in 2000 draws has probability about 10 * 0.9^2000.
  for (int count : seen) EXPECT_GT(count, 0);

  for (std::uint32_t upper : {1u, 2u, 3u, 0x80000001u, 0xffffffffu}) {
    for (int i = 0; i < 200; ++i) ASSERT_LT(random_uniform(upper), upper) << upper;
  }
  EXPECT_EQ(random_uniform(1), 0u);
  EXPECT_EQ(random_uniform(0), 0u);
}

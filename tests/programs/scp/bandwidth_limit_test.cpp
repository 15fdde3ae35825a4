// -l: the copy loop sleeps so that bytes do not pass faster than the limit.
#include "bandwidth_limit.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace {

TEST(ScpBandwidthLimit, HoldsTheRate) {
  // 96 KiB at 1 Mbit/s (scp -l 1024) needs 0.75 s.
  scp::BandwidthLimit limit(1024 * 1024, 16384);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) limit.account(16384);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 0.45);
  EXPECT_LT(seconds, 3.0);
}

TEST(ScpBandwidthLimit, NoLimitNoWait) {
  scp::BandwidthLimit none(0, 16384);
  EXPECT_FALSE(none.active());
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) none.account(1 << 20);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.5);
}

}  // namespace

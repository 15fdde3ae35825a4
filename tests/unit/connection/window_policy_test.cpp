#include "sshcore/connection/window_policy.hpp"

#include <gtest/gtest.h>

using namespace sshcore::connection;
using namespace std::chrono_literals;

TEST(ReceiveWindow, StartsWithBigWindowAndBigPackets) {
  ReceiveWindow w;
  EXPECT_EQ(w.window(), 16u * 1024 * 1024);  // OpenSSH: 2 MiB
  EXPECT_EQ(w.max_packet(), 255u * 1024);  // OpenSSH: 32 KiB; the transport takes 256 KiB
  EXPECT_EQ(w.credit(), w.window());
}

TEST(ReceiveWindow, AdjustsAtHalfTheWindow) {
  ReceiveWindow w({1000, 100, 1000});
  Clock::time_point t{};
  for (int i = 0; i < 10; ++i) ASSERT_EQ(w.on_receive(100, t), ReceiveWindow::Verdict::kAccept);
  EXPECT_EQ(w.credit(), 0u);
  EXPECT_EQ(w.on_receive(1, t), ReceiveWindow::Verdict::kDropOverWindow);
  EXPECT_FALSE(w.on_consume(499, t + 1s));
  auto adjust = w.on_consume(1, t + 1s);
  ASSERT_TRUE(adjust);
  EXPECT_EQ(*adjust, 500u);
  EXPECT_EQ(w.credit(), 500u);
  EXPECT_EQ(w.backlog(), 500u);
}

TEST(ReceiveWindow, GrowsWhenDrainedFastUpToTheCap) {
  ReceiveWindow w({1000, 100, 3000, 100ms});
  Clock::time_point t{};
  std::uint64_t granted = 1000, received = 0;
  for (int round = 0; round < 50; ++round) {
    while (w.credit() >= 100) {
      ASSERT_EQ(w.on_receive(100, t), ReceiveWindow::Verdict::kAccept);
      received += 100;
    }
    if (auto a = w.on_consume(w.backlog(), t + 1ms)) granted += *a;
    ASSERT_LE(w.window(), 3000u);
    ASSERT_EQ(granted - received, w.credit());  // the peer's view matches ours
  }
  EXPECT_EQ(w.window(), 3000u);
}

// A link with a 100 ms round trip and a fast consumer: each round the peer sends its
// whole credit, we drain it in 20 ms, and the next data comes a round trip later.
// The default window must grow to its cap, or the link idles most of each round trip.
TEST(ReceiveWindow, DefaultGrowsOnALongRoundTripLink) {
  ReceiveWindow w;
  Clock::time_point t{};
  for (int round = 0; round < 40; ++round) {
    while (w.credit() >= w.max_packet()) ASSERT_EQ(w.on_receive(w.max_packet(), t), ReceiveWindow::Verdict::kAccept);
    (void)w.on_consume(w.backlog(), t + 20ms);
    t += 100ms;
  }
  EXPECT_EQ(w.window(), kDefaultMaxWindow);
}

TEST(ReceiveWindow, DefaultDoesNotGrowForAConsumerSlowerThanAWindowPerSecond) {
  ReceiveWindow w;
  Clock::time_point t{};
  for (int round = 0; round < 20; ++round) {
    while (w.credit() >= w.max_packet()) ASSERT_EQ(w.on_receive(w.max_packet(), t), ReceiveWindow::Verdict::kAccept);
    t += 1500ms;
    (void)w.on_consume(w.backlog(), t);
  }
  EXPECT_EQ(w.window(), kInitialWindow);
}

TEST(ReceiveWindow, DoesNotGrowWhenDrainedSlowly) {
  ReceiveWindow w({1000, 100, 8000, 100ms});
  Clock::time_point t{};
  for (int round = 0; round < 50; ++round) {
    while (w.credit() >= 100) ASSERT_EQ(w.on_receive(100, t), ReceiveWindow::Verdict::kAccept);
    t += 1s;
    (void)w.on_consume(w.backlog(), t);
  }
  EXPECT_EQ(w.window(), 1000u);
}

TEST(ReceiveWindow, TooBigAndGraceThenFatal) {
  ReceiveWindow w({1000, 100, 1000});
  Clock::time_point t{};
  EXPECT_EQ(w.on_receive(101, t), ReceiveWindow::Verdict::kDropTooBig);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(w.on_receive(100, t), ReceiveWindow::Verdict::kAccept);
  EXPECT_EQ(w.on_receive(100, t), ReceiveWindow::Verdict::kDropOverWindow);  // excess 100 = 10%
  EXPECT_EQ(w.on_receive(1, t), ReceiveWindow::Verdict::kFatal);
}

TEST(ReceiveWindow, MaxPacketClampedToTheTransportLimit) {
  ReceiveWindow w({1u << 24, 1u << 20, 1u << 24});
  EXPECT_EQ(w.max_packet(), kMaxDataChunk);
}

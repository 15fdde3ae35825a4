// The SFTP pipeline depth follows 2 x rate x delay between a floor and the maximum.
#include "sshcore/io/sftp_pipeline_depth.hpp"

#include <gtest/gtest.h>

#include <deque>

using sshcore::io::SftpPipelineDepth;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t kRequest = 256 * 1024;  // 4 requests per MiB

// A pipelined transfer over a link with a one-way-and-back `delay` and `rate` bytes
// per second: as each reply arrives a new request goes out, up to depth.requests()
// outstanding; replies leave the link no faster than the rate allows.
std::uint32_t settle(SftpPipelineDepth& depth, std::chrono::milliseconds delay, double rate, int replies) {
  using Clock = SftpPipelineDepth::Clock;
  auto per_request = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kRequest / rate));
  Clock::time_point now{};
  now += 1s;
  Clock::time_point link_free = now;
  std::deque<std::pair<Clock::time_point, Clock::time_point>> outstanding;  // (sent, done)
  auto send = [&] {
    Clock::time_point done = std::max(now + delay, link_free + per_request);
    link_free = done;
    outstanding.emplace_back(now, done);
  };
  for (int i = 0; i < replies; ++i) {
    while (outstanding.size() < depth.requests()) send();
    auto [sent, done] = outstanding.front();
    outstanding.pop_front();
    now = done;
    depth.completed(kRequest, sent, now);
  }
  return depth.requests();
}

TEST(SftpPipelineDepth, StartsAtEightMiB) {
  SftpPipelineDepth depth(kRequest, 256, false);
  EXPECT_EQ(depth.requests(), 32u);
}

TEST(SftpPipelineDepth, ALongFastLinkGrowsToTwiceTheBandwidthDelayProduct) {
  SftpPipelineDepth depth(kRequest, 256, false);
  // 100 ms, 100 MB/s: a BDP of 10 MB (38 requests); it settles near twice that.
  std::uint32_t n = settle(depth, 100ms, 100e6, 3000);
  EXPECT_GE(n, 60u);
  EXPECT_LE(n, 100u);
}

TEST(SftpPipelineDepth, AShortPathKeepsTheFloor) {
  SftpPipelineDepth depth(kRequest, 256, false);
  // Loopback: no delay but the link itself, so the 2 MiB floor (8 requests).
  EXPECT_EQ(settle(depth, 0ms, 600e6, 3000), 8u);
}

TEST(SftpPipelineDepth, NeverAboveTheMaximum) {
  SftpPipelineDepth depth(kRequest, 40, false);
  EXPECT_EQ(settle(depth, 500ms, 1e9, 3000), 40u);
}

TEST(SftpPipelineDepth, AChosenCountStays) {
  SftpPipelineDepth depth(kRequest, 5, true);
  EXPECT_EQ(depth.requests(), 5u);
  EXPECT_EQ(settle(depth, 100ms, 100e6, 300), 5u);
}

}  // namespace

// The progress meter's text against what OpenSSH's progressmeter.c prints for the
// same moments: rate, ETA, "- stalled -" after five seconds without progress, the
// final average, and a resumed transfer whose old bytes do not count as speed.
#include "sshcore/io/progress_meter.hpp"

#include <gtest/gtest.h>

using sshcore::io::ProgressLine;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

// "\r" + the name padded to 80 + 1 - 36 columns, as OpenSSH pads it in an 80-column terminal.
std::string named(const std::string& name) { return "\r" + name + std::string(45 - name.size(), ' '); }

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST(ProgressLine, RateEtaAndFinalAverage) {
  auto t0 = ProgressLine::Clock::time_point{} + 100s;
  ProgressLine line("file", 100 * kMiB, 0, t0);
  EXPECT_EQ(line.line(t0, 80, false), named("file") + "   0%    0     0.0KB/s   --:-- ETA");
  line.set_done(10 * kMiB);
  EXPECT_EQ(line.line(t0 + 1s, 80, false), named("file") + "  10%   10MB  10.0MB/s   00:09 ETA");
  line.set_done(100 * kMiB);
  EXPECT_EQ(line.line(t0 + 10s, 80, true), named("file") + " 100%  100MB  10.0MB/s   00:10    ");
}

TEST(ProgressLine, FiveSecondsWithoutProgressIsStalled) {
  auto t0 = ProgressLine::Clock::time_point{} + 100s;
  ProgressLine line("file", 100 * kMiB, 0, t0);
  line.set_done(10 * kMiB);
  line.line(t0 + 1s, 80, false);
  // Redraws once a second with nothing moving: the aged rate still gives an ETA for
  // four seconds, then the line says the transfer stalled.
  for (int s = 2; s <= 5; ++s) {
    std::string text = line.line(t0 + std::chrono::seconds(s), 80, false);
    EXPECT_TRUE(ends_with(text, " ETA")) << s << ": " << text;
  }
  std::string stalled = line.line(t0 + 6s, 80, false);
  EXPECT_TRUE(ends_with(stalled, "/s - stalled -")) << stalled;
  EXPECT_TRUE(ends_with(line.line(t0 + 7s, 80, false), "- stalled -"));
  // Bytes move again: the ETA is back.
  line.set_done(20 * kMiB);
  std::string moving = line.line(t0 + 8s, 80, false);
  EXPECT_TRUE(ends_with(moving, " ETA")) << moving;
  EXPECT_NE(moving.find("  20%   20MB"), std::string::npos) << moving;
}

TEST(ProgressLine, ResumedBytesAreDoneButNotSpeed) {
  auto t0 = ProgressLine::Clock::time_point{} + 100s;
  ProgressLine line("a-rather-long-file-name-that-the-terminal-cuts-off-here", 100 * kMiB, 50 * kMiB, t0);
  line.set_done(60 * kMiB);
  std::string text = line.line(t0 + 1s, 80, false);
  EXPECT_EQ(text, named("a-rather-long-file-name-that-the-terminal-cut") + "  60%   60MB  10.0MB/s   00:04 ETA");
  line.set_done(100 * kMiB);
  // The average over the whole run counts only the 50 MiB moved: 50 MiB in 5 s.
  EXPECT_EQ(line.line(t0 + 5s, 80, true),
            named("a-rather-long-file-name-that-the-terminal-cut") + " 100%  100MB  10.0MB/s   00:05    ");
}

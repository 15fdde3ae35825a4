// How many READ/WRITE requests a transfer keeps outstanding: about twice the
// bandwidth-delay product, measured as the transfer goes (TCP's idea applied to
// SFTP requests). Too few and a long link idles between replies; too many and, on
// a fast local path, tens of MiB sit in pipes and socket buffers, data goes cold
// in the caches between the processes, and the transfer slows down (measured:
// 8 requests of 255 KiB moved 560 MB/s over loopback where 256 moved 430).
//
// The delay is the shortest request-to-reply time seen (the path without our own
// queue); the rate is what completed over the last interval of at least that
// delay. The depth starts at 8 MiB worth, never goes below 2 MiB worth or above
// the session's maximum, and follows 2 x rate x delay from the first interval on,
// so on a 100 ms link it doubles every round trip until the link is full.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace sshcore::io {

class SftpPipelineDepth {
 public:
  using Clock = std::chrono::steady_clock;

  // `fixed`: the user chose the count (-R), which is then kept as it is.
  SftpPipelineDepth(std::uint32_t request_bytes, std::uint32_t max_requests, bool fixed)
      : request_bytes_(std::max<std::uint32_t>(request_bytes, 1)), max_requests_(std::max<std::uint32_t>(max_requests, 1)),
        fixed_(fixed), requests_(fixed ? max_requests_ : clamp_requests(kStartBytes)) {}

  std::uint32_t requests() const { return requests_; }

  // A request sent at `sent` completed at `now`, carrying `bytes`.
  void completed(std::uint64_t bytes, Clock::time_point sent, Clock::time_point now) {
    if (fixed_) return;
    auto delay = now - sent;
    if (delay < min_delay_) min_delay_ = delay;
    if (interval_start_ == Clock::time_point{}) interval_start_ = now;
    interval_bytes_ += bytes;
    auto elapsed = now - interval_start_;
    if (elapsed < std::max<Clock::duration>(min_delay_, kMinInterval)) return;
    double seconds = std::chrono::duration<double>(elapsed).count();
    double rate = static_cast<double>(interval_bytes_) / seconds;
    double delay_seconds = std::chrono::duration<double>(min_delay_).count();
    requests_ = clamp_requests(static_cast<std::uint64_t>(2.0 * rate * delay_seconds));
    interval_start_ = now;
    interval_bytes_ = 0;
  }

 private:
  static constexpr std::uint64_t kStartBytes = 8u << 20;
  static constexpr std::uint64_t kFloorBytes = 2u << 20;
  static constexpr Clock::duration kMinInterval = std::chrono::milliseconds(5);

  std::uint32_t clamp_requests(std::uint64_t bytes) const {
    std::uint64_t n = std::max(bytes, kFloorBytes) / request_bytes_;
    return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(n, 1, max_requests_));
  }

  std::uint32_t request_bytes_;
  std::uint32_t max_requests_;
  bool fixed_;
  std::uint32_t requests_;
  Clock::duration min_delay_ = Clock::duration::max();
  Clock::time_point interval_start_{};
  std::uint64_t interval_bytes_ = 0;
};

}  // namespace sshcore::io

#include "bandwidth_limit.hpp"

#include <algorithm>
#include <thread>

namespace scp {

BandwidthLimit::BandwidthLimit(std::uint64_t bits_per_second, std::size_t buffer_length)
    : rate_(bits_per_second), threshold_(bits_per_second), buffer_length_(buffer_length) {
  // OpenSSH: thresh = rate, then halved while above 4 * buflen (check often enough
  // to keep the rate smooth, rarely enough not to sleep for every chunk).
  while (threshold_ > 4 * buffer_length && buffer_length != 0) threshold_ /= 2;
  if (threshold_ == 0) threshold_ = 1;
}

void BandwidthLimit::account(std::size_t bytes) {
  if (rate_ == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (!started_) {
    since_ = now;
    started_ = true;
  }
  pending_ += bytes;
  if (pending_ < threshold_) return;
  double bits = static_cast<double>(pending_) * 8.0;
  auto wanted = std::chrono::duration<double>(bits / static_cast<double>(rate_));
  auto spent = std::chrono::duration<double>(now - since_);
  if (wanted > spent) {
    auto pause = wanted - spent;
    // OpenSSH halves the threshold when it has to sleep over a second, and doubles it
    // when there was no need to sleep at all.
    if (pause > std::chrono::seconds(1)) threshold_ = std::max<std::uint64_t>(threshold_ / 2, buffer_length_ / 4);
    std::this_thread::sleep_for(pause);
  } else {
    threshold_ = std::min<std::uint64_t>(threshold_ * 2, buffer_length_ * 8);
  }
  if (threshold_ == 0) threshold_ = 1;
  pending_ = 0;
  since_ = std::chrono::steady_clock::now();
}

}  // namespace scp

// -l limit: OpenSSH's bandwidth_limit() (misc.c): after each chunk, sleep long enough
// that the bytes so far have not gone faster than the limit.
#pragma once

#include <chrono>
#include <cstdint>

namespace scp {

class BandwidthLimit {
 public:
  // `bits_per_second` 0 = no limit; `buffer_length` is the copy chunk size, from which
  // OpenSSH derives how often to check.
  BandwidthLimit(std::uint64_t bits_per_second, std::size_t buffer_length);
  void account(std::size_t bytes);
  bool active() const { return rate_ != 0; }

 private:
  std::uint64_t rate_;
  std::uint64_t threshold_;
  std::uint64_t buffer_length_;
  std::uint64_t pending_ = 0;
  std::chrono::steady_clock::time_point since_{};
  bool started_ = false;
};

}  // namespace scp

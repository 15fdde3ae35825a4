#include "sshcore/connection/window_policy.hpp"

#include <algorithm>

namespace sshcore::connection {

ReceiveWindow::ReceiveWindow(const WindowConfig& config)
    : window_(std::max<std::uint32_t>(config.initial_window, 1)),
      max_window_(std::max(config.max_window, window_)),
      max_packet_(std::clamp<std::uint32_t>(config.max_packet, 1, kMaxDataChunk)),
      credit_(window_),
      fast_drain_(config.fast_drain) {}

ReceiveWindow::Verdict ReceiveWindow::on_receive(std::uint32_t n, Clock::time_point now) {
  if (n > max_packet_) return Verdict::kDropTooBig;
  if (n > credit_) {
    // OpenSSH allows 10% of the window before it calls it an attack.
    excess_ += n - credit_;
    return excess_ > window_ / 10 ? Verdict::kFatal : Verdict::kDropOverWindow;
  }
  credit_ -= n;
  backlog_ += n;
  excess_ = 0;
  if (!epoch_start_) epoch_start_ = now;
  return Verdict::kAccept;
}

std::optional<std::uint32_t> ReceiveWindow::on_consume(std::uint32_t n, Clock::time_point now) {
  n = std::min(n, backlog_);
  backlog_ -= n;
  consumed_ += n;
  std::uint32_t growth = 0;
  epoch_bytes_ += n;
  if (epoch_start_ && epoch_bytes_ >= window_) {
    if (now - *epoch_start_ <= fast_drain_ && window_ < max_window_) {
      std::uint32_t grown = window_ > max_window_ / 2 ? max_window_ : window_ * 2;
      growth = grown - window_;
      window_ = grown;
    }
    epoch_start_ = now;
    epoch_bytes_ = 0;
  }
  if (growth == 0 && (consumed_ == 0 || consumed_ < window_ / 2)) return std::nullopt;
  std::uint32_t adjust = consumed_ + growth;
  credit_ += adjust;
  consumed_ = 0;
  return adjust;
}

}  // namespace sshcore::connection

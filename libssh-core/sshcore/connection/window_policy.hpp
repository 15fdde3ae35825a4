// Our receive window for one channel (RFC 4254 section 5.2), with HPN-SSH-style growth.
//
// The rule, in full:
//  - A channel starts with a window of 16 MiB (OpenSSH: CHAN_SES_WINDOW_DEFAULT, 64 x
//    32 KiB = 2 MiB) and a max packet of 255 KiB (OpenSSH: CHAN_SES_PACKET_DEFAULT,
//    32 KiB) unless its WindowConfig says otherwise.
//  - Bytes the peer sends are "backlog" until the application reports them consumed
//    (ConnectionSession::consume). Consumed bytes are returned to the peer in one
//    WINDOW_ADJUST once they reach half the current window (OpenSSH's
//    channel_check_window does the same), never one adjust per packet.
//  - Growth (the receive-side auto-tuning of HPN-SSH and of TCP): the credit we
//    hand out limits a sender to one window per round trip. If the application
//    consumed a whole window's worth of bytes within `fast_drain` (default 1 s),
//    the channel moves at least window/fast_drain and a round trip that long would
//    stall it: the window doubles, up to `max_window` (default 64 MiB), and the
//    extra credit rides on the next adjust. A channel held back by its window
//    consumes exactly one window per round trip, so fast_drain is the longest round
//    trip the window tunes itself for: 1 s covers intercontinental and satellite
//    links (a 100 ms link needs 12.5 MB in flight at 1 Gbit/s; with 100 ms here the
//    window never grew on such a link, measured in docs/PERFORMANCE.md). A consumer
//    slower than 2 MiB/s never grows it; memory per channel stays bounded by
//    max_window; the window never shrinks (credit already granted cannot be taken back).
//  - Data beyond the credit follows OpenSSH's channel_input_data: the excess packet
//    is logged ("channel N: rcvd too much data ...") and dropped, and once the excess
//    exceeds 10% of the window the connection ends ("channel N: peer ignored channel
//    window"). A packet larger than our max packet is logged ("rcvd big packet") and dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "sshcore/base/result.hpp"

namespace sshcore::connection {

inline constexpr std::uint32_t kDefaultMaxPacket = 32 * 1024;          // CHAN_SES_PACKET_DEFAULT
inline constexpr std::uint32_t kDefaultWindow = 64 * kDefaultMaxPacket;  // CHAN_SES_WINDOW_DEFAULT
inline constexpr std::uint32_t kDefaultMaxWindow = 64 * 1024 * 1024;     // growth cap per channel
// Our channels start at 16 MiB, 8 x OpenSSH's: on a long link a 2 MiB window held the
// first round trips of a transfer below what TCP's slow start could already carry
// (a 256 MiB get over 100 ms: 4.8 s instead of 5.1 s), and the growth rule only
// doubles it once a whole window has drained.
inline constexpr std::uint32_t kInitialWindow = 8 * kDefaultWindow;
// The largest data chunk we put in one CHANNEL_DATA, whatever the peer's max packet
// says: a peer may offer 256 KiB (HPN-SSH), but the whole packet must stay under
// the transport's PACKET_MAX_SIZE (256 KiB) with its header and padding.
inline constexpr std::uint32_t kMaxDataChunk = 256 * 1024 - 1024;

struct WindowConfig {
  std::uint32_t initial_window = kInitialWindow;
  // What we advertise. OpenSSH says 32 KiB; we take up to kMaxDataChunk (as HPN-SSH
  // does): a peer that can send bigger packets then needs an eighth of the packets,
  // MAC/AEAD set-ups and write(2)s on our side for bulk data (a `cat` of 64 MiB was
  // 2070 writes to stdout with 32 KiB, against OpenSSH's 406). Peers that send less
  // are unaffected: this is only a limit.
  std::uint32_t max_packet = kMaxDataChunk;
  std::uint32_t max_window = kDefaultMaxWindow;  // growth cap; == initial_window: no growth
  std::chrono::milliseconds fast_drain{1000};
};

using Clock = std::chrono::steady_clock;

class ReceiveWindow {
 public:
  explicit ReceiveWindow(const WindowConfig& config = {});

  // What the peer may still send without an adjust.
  std::uint32_t credit() const { return credit_; }
  std::uint32_t window() const { return window_; }           // current size (grows)
  std::uint32_t max_packet() const { return max_packet_; }
  std::uint32_t backlog() const { return backlog_; }         // received, not yet consumed
  std::uint32_t unreported() const { return consumed_; }     // consumed, not yet returned
  std::uint64_t excess() const { return excess_; }           // dropped bytes over the credit

  enum class Verdict : std::uint8_t { kAccept, kDropTooBig, kDropOverWindow, kFatal };
  // A data packet of n bytes arrived at `now`. kAccept takes it into the backlog;
  // the drops leave the window alone (logged by the caller as OpenSSH does); kFatal:
  // the peer ignored the window beyond the 10% grace.
  Verdict on_receive(std::uint32_t n, Clock::time_point now);
  // The application consumed n bytes (clamped to the backlog). Returns the
  // WINDOW_ADJUST amount to send now, or nothing.
  std::optional<std::uint32_t> on_consume(std::uint32_t n, Clock::time_point now);

 private:
  std::uint32_t window_, max_window_, max_packet_;
  std::uint32_t credit_, backlog_ = 0, consumed_ = 0;
  std::uint64_t excess_ = 0;
  std::chrono::milliseconds fast_drain_;
  std::optional<Clock::time_point> epoch_start_;  // when the current window's worth began
  std::uint64_t epoch_bytes_ = 0;                 // consumed since then
};

}  // namespace sshcore::connection

// One channel's state (RFC 4254 section 5): ids, both windows and max packets, and
// the EOF/CLOSE state machine of section 5.3. ConnectionSession owns channels and
// drives them; drivers read them through ConnectionSession::channel().
//
//   - Each side sends EOF at most once and CLOSE at most once; data after the
//     peer's EOF is a protocol error, data after the peer's CLOSE too.
//   - We send no data after our EOF or CLOSE (the caller's mistake: kInvalidArgument).
//   - Data arriving after we sent CLOSE but before the peer's CLOSE is in flight and
//     legitimately ignored (its window is returned so nothing stalls).
//   - A channel is freed when CLOSE went both ways.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "sshcore/base/result.hpp"
#include "sshcore/connection/window_policy.hpp"

namespace sshcore::connection {

using ChannelId = std::uint32_t;  // our (local) channel number, the one the peer addresses

enum class ChannelState : std::uint8_t {
  kOpening,        // we sent CHANNEL_OPEN, awaiting confirmation or failure
  kAwaitingAccept, // the peer opened it; the driver has not answered yet
  kOpen,           // confirmed both ways
};

class Channel {
 public:
  Channel(ChannelId local_id, std::string type, ChannelState state, const WindowConfig& window);

  ChannelId local_id() const { return local_id_; }
  std::uint32_t remote_id() const { return remote_id_; }
  const std::string& type() const { return type_; }
  ChannelState state() const { return state_; }
  bool is_open() const { return state_ == ChannelState::kOpen; }

  // Send side: the peer's window and max packet.
  std::uint32_t remote_window() const { return remote_window_; }
  std::uint32_t remote_max_packet() const { return remote_max_packet_; }
  // Largest chunk one DATA packet may carry now (0: blocked by the window).
  std::uint32_t next_chunk_limit() const;
  // Receive side (our window).
  const ReceiveWindow& receive_window() const { return receive_; }
  ReceiveWindow& receive_window() { return receive_; }

  bool eof_sent() const { return eof_sent_; }
  bool eof_received() const { return eof_received_; }
  bool close_sent() const { return close_sent_; }
  bool close_received() const { return close_received_; }
  bool closed_both_ways() const { return close_sent_ && close_received_; }
  // May we send data now (open, no EOF/CLOSE sent)? Ignores the window.
  bool may_send_data() const { return is_open() && !eof_sent_ && !close_sent_; }

  // Transitions used by ConnectionSession.
  void set_open(std::uint32_t remote_id, std::uint32_t remote_window, std::uint32_t remote_max_packet);
  Result<void> add_remote_window(std::uint32_t bytes);  // WINDOW_ADJUST; overflow is a protocol error
  void spend_remote_window(std::uint32_t bytes) { remote_window_ -= bytes; }
  void mark_eof_sent() { eof_sent_ = true; }
  void mark_eof_received() { eof_received_ = true; }
  void mark_close_sent() { close_sent_ = true; }
  void mark_close_received() { close_received_ = true; }

  // Outstanding want_reply requests, so replies are matched and not invented.
  // The peer's are slots answered in order: ours (auto-answered) are ready at once,
  // the driver's wait for reply_success/reply_failure; ready slots at the front go out.
  struct ReplySlot {
    bool ready = false;
    bool success = false;
  };
  std::uint32_t our_requests_awaiting_reply = 0;
  std::deque<ReplySlot> peer_requests_awaiting_reply;
  bool blocked = false;  // a send was refused (window or KEX): WindowAvailable is due

 private:
  ChannelId local_id_;
  std::uint32_t remote_id_ = 0;
  std::string type_;
  ChannelState state_;
  std::uint32_t remote_window_ = 0, remote_max_packet_ = 0;
  ReceiveWindow receive_;
  bool eof_sent_ = false, eof_received_ = false, close_sent_ = false, close_received_ = false;
};

}  // namespace sshcore::connection

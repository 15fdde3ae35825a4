#include "sshcore/connection/channel.hpp"

#include <algorithm>
#include <utility>

#include "sshcore/base/error.hpp"

namespace sshcore::connection {

Channel::Channel(ChannelId local_id, std::string type, ChannelState state, const WindowConfig& window)
    : local_id_(local_id), type_(std::move(type)), state_(state), receive_(window) {}

std::uint32_t Channel::next_chunk_limit() const {
  if (!may_send_data()) return 0;
  return std::min({remote_window_, remote_max_packet_, kMaxDataChunk});
}

void Channel::set_open(std::uint32_t remote_id, std::uint32_t remote_window, std::uint32_t remote_max_packet) {
  remote_id_ = remote_id;
  remote_window_ = remote_window;
  remote_max_packet_ = remote_max_packet;
  state_ = ChannelState::kOpen;
}

Result<void> Channel::add_remote_window(std::uint32_t bytes) {
  if (bytes > UINT32_MAX - remote_window_) {
    // channels.c channel_input_window_adjust refuses a window past 2^32-1.
    Error e{Errc::kInvalidFormat,
            "channel " + std::to_string(local_id_) + ": adjust " + std::to_string(bytes) +
                " overflows remote window " + std::to_string(remote_window_),
            DisconnectReason::kProtocolError};
    return fail(std::move(e));
  }
  remote_window_ += bytes;
  return {};
}

}  // namespace sshcore::connection

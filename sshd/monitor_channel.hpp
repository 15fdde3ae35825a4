// The monitor's socketpair, framed (OpenSSH's monitor_wrap.c mm_request_send /
// mm_request_receive): u32 length || u8 type || body, length = 1 + body size,
// refused above a limit; file descriptors ride along with a frame's first byte
// (SCM_RIGHTS). Calls are synchronous: the pre-auth child sends one request and
// blocks for its reply, so no frame is ever interleaved.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "monitor_messages.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/io/fd.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshd {

inline constexpr std::size_t kMaxMonitorFds = 4;

struct MonitorFrame {
  std::uint8_t type = 0;
  sshcore::SecretBytes body;  // may hold a password or session keys
  std::vector<sshcore::io::Fd> fds;
};

class MonitorChannel {
 public:
  explicit MonitorChannel(sshcore::io::Fd fd) : fd_(std::move(fd)) {}
  // socketpair(AF_UNIX, SOCK_STREAM), both ends close-on-exec: {monitor, child}.
  static sshcore::Result<std::pair<MonitorChannel, MonitorChannel>> make_pair();

  int fd() const { return fd_.get(); }
  void close() { fd_.reset(); }

  sshcore::Result<void> send_frame(std::uint8_t type, sshcore::ByteView body, std::span<const int> fds = {});
  // Blocks for one whole frame. kTooLarge above `max_body`, kTruncated at end of
  // stream, kSystem on a socket error; the channel is unusable after any error.
  sshcore::Result<MonitorFrame> read_frame(std::size_t max_body = kMaxMonitorMessage);
  // The last read_frame met the peer's end of stream between frames: the peer
  // exited or closed its end, an orderly goodbye rather than a protocol error.
  bool peer_closed() const { return peer_closed_; }

  template <class Message>
  sshcore::Result<void> send_message(std::uint8_t type, const Message& m, std::span<const int> fds = {}) {
    sshcore::wire::Writer w(kMaxMonitorMessage, sshcore::wire::Wipe::kYes);
    m.encode(w);
    SSH_TRY(body, std::move(w).finish_secret());
    return send_frame(type, body.view(), fds);
  }

  // One round trip: the request, then its reply (type checked); the fds that
  // came with the reply go to `fds_out` when given, else are closed.
  template <class Reply, class Request>
  sshcore::Result<Reply> call(const Request& request, std::vector<sshcore::io::Fd>* fds_out = nullptr) {
    SSH_TRY_VOID(send_message(static_cast<std::uint8_t>(Request::kType), request));
    SSH_TRY(frame, read_frame());
    if (frame.type != reply_type(Request::kType))
      return sshcore::fail(sshcore::Errc::kInvalidFormat, "monitor: reply of the wrong type");
    if (fds_out != nullptr) *fds_out = std::move(frame.fds);
    return Reply::decode(sshcore::wire::Reader(frame.body.view()));
  }

 private:
  sshcore::io::Fd fd_;
  bool peer_closed_ = false;
};

}  // namespace sshd

// Bytes for a non-blocking receiver (a pipe or a socket) that it has not taken yet: ssh's
// stdout while sftp or a shell pipeline reads it more slowly than data arrives, sshd's
// pipe to a session's program (`cat > file`, sftp-server). Such a remainder used to be
// copied into a buffer and then copied again by the write(2) that finally delivered it.
//
// When the receiver is a pipe, a remainder is written once into a private pipe and moved
// on later by splice(2), which hands over the pipe's pages instead of copying them. What
// does not fit there (its capacity is 1 MiB), or what waits for another kind of
// receiver, goes into a queue. Order is kept: the private pipe's bytes go first, and
// nothing enters it while the queue holds bytes.
#pragma once

#include <cstddef>
#include <optional>

#include "sshcore/base/bytes.hpp"
#include "sshcore/io/splice_pipe.hpp"
#include "sshcore/transport/packet_codec.hpp"

namespace sshcore::io {

class WriteBacklog {
 public:
  struct Written {
    std::size_t delivered = 0;  // bytes the receiver took in this call (window accounting)
    // A write failed (EPIPE: the reader is gone): everything held and the rest of this
    // call's data, `dropped` bytes, went away; the backlog is empty.
    bool failed = false;
    std::size_t dropped = 0;
    // What the channel is done with either way: the window to open again.
    std::size_t done_with() const { return delivered + dropped; }
  };

  // Delivers what is held, then as much of `data` as `fd` takes now, and holds the
  // rest. A backlog serves one receiver: `fd` is the same on every call.
  Written write(int fd, ByteView data);
  // Delivers what is held, as far as `fd` takes it now.
  Written flush(int fd);
  // Delivers all that is held, waiting (poll(2)) while `fd` is full: at the end of a session.
  Written drain(int fd);

  std::size_t held() const { return (staging_ ? staging_->held() : 0) + queue_.size(); }
  bool empty() const { return held() == 0; }
  // Of held(), the bytes waiting in the private pipe.
  std::size_t staged() const { return staging_ ? staging_->held() : 0; }
  // Drops everything held (the receiver is gone).
  void clear();

 private:
  Written fail(Written w, std::size_t also_dropped);
  void hold(int fd, ByteView rest);
  std::optional<SplicePipe> staging_;
  bool staging_tried_ = false;
  transport::ByteQueue queue_;
};

}  // namespace sshcore::io

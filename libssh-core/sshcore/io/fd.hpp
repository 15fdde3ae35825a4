// Fd: sole owner of one file descriptor. Closing on destruction keeps a failed
// connection attempt or an early return from leaking sockets in a long-lived sshd.
#pragma once

#include <utility>

#include "sshcore/base/result.hpp"

namespace sshcore::io {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  // Gives up ownership without closing (for handing an fd to exec or to a C API).
  int release() noexcept { return std::exchange(fd_, -1); }
  // Closes the current descriptor (errno preserved) and takes `fd`.
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// The two ends of a pipe(2): data written to `write` is read from `read`.
struct PipeEnds {
  Fd read;
  Fd write;
};

// A pipe with both ends close-on-exec and non-blocking, as a poll loop wants them.
Result<PipeEnds> make_pipe();

Result<void> set_nonblocking(int fd, bool on = true);
// Blocks until `fd` is readable or hung up (poll(2), EINTR retried); false when poll
// itself fails (errno set).
bool wait_readable(int fd);
Result<void> set_cloexec(int fd, bool on = true);

}  // namespace sshcore::io

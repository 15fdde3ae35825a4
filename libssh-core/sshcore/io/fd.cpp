#include "sshcore/io/fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "sshcore/io/file_io.hpp"

namespace sshcore::io {

void Fd::reset(int fd) noexcept {
  if (fd_ >= 0 && fd_ != fd) {
    int saved = errno;
    // close(2) on Linux releases the descriptor even when it reports EINTR, so
    // retrying could close a descriptor another part of the process just opened.
    ::close(fd_);
    errno = saved;
  }
  fd_ = fd;
}

Result<PipeEnds> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return fail(system_error(errno));
  return PipeEnds{Fd(fds[0]), Fd(fds[1])};
}

namespace {
Result<void> update_flag(int fd, int get_cmd, int set_cmd, int flag, bool on) {
  int flags = ::fcntl(fd, get_cmd);
  if (flags < 0) return fail(system_error(errno));
  int wanted = on ? (flags | flag) : (flags & ~flag);
  if (wanted != flags && ::fcntl(fd, set_cmd, wanted) < 0) return fail(system_error(errno));
  return {};
}
}  // namespace

Result<void> set_nonblocking(int fd, bool on) {
  return update_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, on);
}

Result<void> set_cloexec(int fd, bool on) {
  return update_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, on);
}

bool wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    if (::poll(&p, 1, -1) >= 0) return true;
    if (errno != EINTR) return false;
  }
}

}  // namespace sshcore::io

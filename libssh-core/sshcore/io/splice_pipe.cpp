#include "sshcore/io/splice_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "sshcore/io/file_io.hpp"

namespace sshcore::io {

bool is_pipe(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

std::optional<SplicePipe> SplicePipe::open(std::size_t capacity) {
  auto ends = make_pipe();
  if (!ends) return std::nullopt;
  // Ask for the capacity, then for less when the system refuses (pipe-max-size and the
  // per-user page budget apply); the pipe keeps its default 64 KiB if all fail.
  for (std::size_t want = capacity; want >= 64 * 1024; want /= 2)
    if (::fcntl(ends->write.get(), F_SETPIPE_SZ, static_cast<int>(want)) >= 0) break;
  int got = ::fcntl(ends->write.get(), F_GETPIPE_SZ);
  if (got <= 0) return std::nullopt;
  return SplicePipe(std::move(*ends), static_cast<std::size_t>(got));
}

std::optional<std::size_t> SplicePipe::fill_from(int file_fd, std::uint64_t offset, std::size_t length) {
  std::size_t moved = 0;
  while (moved < length) {
    loff_t at = static_cast<loff_t>(offset + moved);
    ssize_t n = ::splice(file_fd, &at, ends_.write.get(), nullptr, length - moved, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (n > 0) {
      moved += static_cast<std::size_t>(n);
      held_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) break;                      // end of file
    if (errno == EINTR) continue;
    if (errno == EAGAIN && moved > 0) break;  // the pipe is full: a short payload
    if (errno == EAGAIN && held_ > 0) break;  // full before this payload began
    // Nothing held and still EAGAIN (some file systems say so for "cannot"), or a real
    // failure: the caller copies, and a read error is reported by its read.
    if (moved == 0) return std::nullopt;
    break;
  }
  return moved;
}

std::size_t SplicePipe::put(ByteView bytes) {
  for (;;) {
    ssize_t n = ::write(ends_.write.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;  // EAGAIN: full
    held_ += static_cast<std::size_t>(n);
    return static_cast<std::size_t>(n);
  }
}

Result<std::size_t> SplicePipe::drain_to(int out_fd, std::size_t length) {
  if (length > held_) length = held_;
  std::size_t moved = 0;
  while (moved < length) {
    ssize_t n = ::splice(ends_.read.get(), nullptr, out_fd, nullptr, length - moved, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (n > 0) {
      moved += static_cast<std::size_t>(n);
      held_ -= static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n == 0) break;
    // Bytes already moved are reported; the failure comes back on the next call.
    if (moved > 0) break;
    return fail(system_error(errno));
  }
  return moved;
}

SpliceToFile splice_to_file(int pipe_fd, int file_fd, std::uint64_t offset, std::size_t length) {
  SpliceToFile result;
  while (result.moved < length) {
    loff_t at = static_cast<loff_t>(offset + result.moved);
    ssize_t n = ::splice(pipe_fd, nullptr, file_fd, &at, length - result.moved, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      result.moved += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) {  // the writer closed the pipe with the payload unfinished
      result.error = EPIPE;
      return result;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {  // the pipe is empty for now (or the file would block)
      if (!wait_readable(pipe_fd)) {
        result.error = errno;
        return result;
      }
      continue;
    }
    result.error = errno;
    return result;
  }
  return result;
}

int discard_from_pipe(int pipe_fd, std::size_t length) {
  std::array<std::uint8_t, 64 * 1024> sink{};
  while (length > 0) {
    ssize_t n = ::read(pipe_fd, sink.data(), std::min(length, sink.size()));
    if (n > 0) {
      length -= static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) return EPIPE;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      if (!wait_readable(pipe_fd)) return errno;
      continue;
    }
    return errno;
  }
  return 0;
}

}  // namespace sshcore::io

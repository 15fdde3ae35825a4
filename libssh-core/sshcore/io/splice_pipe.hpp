// Zero-copy file payloads for SFTP (splice(2)). A READ reply or a WRITE request is a
// small header followed by file bytes; when the stream is a pipe (sshd's pipes to
// sftp-server, ssh's pipes to sftp), those bytes can go between the file and the pipe
// as page references instead of through a user buffer and two copies.
//
// The length is written in the header before the payload, and a file can be shorter
// than asked (end of file, or truncated meanwhile), so a payload first goes into a
// private SplicePipe, which tells how many bytes it really holds; then the header
// (with that count) and then the pipe's bytes go to the stream, in that order.
//
// Bytes spliced from a file are references to its page cache: they are read when the
// pipe is drained, not when filled. Callers drain before anything of theirs could
// change the file (sftp-server answers nothing but READs while spliced bytes wait).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/io/fd.hpp"

namespace sshcore::io {

// True when `fd` is a pipe (S_ISFIFO): splice(2) needs a pipe on one side.
bool is_pipe(int fd);

class SplicePipe {
 public:
  // A non-blocking private pipe, enlarged (F_SETPIPE_SZ) towards `capacity` as far as the
  // system allows; nullopt when no pipe can be made (then callers copy as before).
  static std::optional<SplicePipe> open(std::size_t capacity);

  // Moves up to `length` bytes of `file_fd` from `offset` into the pipe without copying,
  // stopping early at end of file or when the pipe is full. Returns the count moved
  // (0: end of file, or no room(); the bytes already held stay valid either way), or
  // nullopt when the file cannot be spliced now (a file system without splice support,
  // a read error): the caller then reads the bytes itself, which reports any error.
  std::optional<std::size_t> fill_from(int file_fd, std::uint64_t offset, std::size_t length);

  // Copies up to all of `bytes` into the pipe (one write(2)), never blocking: the count
  // taken, 0 when the pipe is full.
  std::size_t put(ByteView bytes);

  // Moves up to `length` of the held bytes (oldest first) to `out_fd` (a pipe), never
  // blocking: 0 when out_fd has no room now (poll it for POLLOUT). A failure (EPIPE: the
  // reader is gone) comes back as Errc::kSystem with the strerror text, unless some
  // bytes moved first: then their count, and the failure on the next call.
  Result<std::size_t> drain_to(int out_fd, std::size_t length);

  std::size_t held() const { return held_; }          // bytes in the pipe now
  std::size_t capacity() const { return capacity_; }  // what F_SETPIPE_SZ gave
  std::size_t room() const { return capacity_ - held_; }

 private:
  SplicePipe(PipeEnds ends, std::size_t capacity) : ends_(std::move(ends)), capacity_(capacity) {}
  PipeEnds ends_;
  std::size_t capacity_ = 0;
  std::size_t held_ = 0;
};

// What splice_to_file did: `moved` bytes went into the file; `error` is 0 or an errno:
// EINVAL with nothing moved when this file cannot take a splice (O_APPEND, a file system
// without splice_write): the bytes are still in the pipe, read+pwrite them instead;
// EPIPE when the pipe ended first; else the write's errno (ENOSPC, EIO, ...), with the
// rest of the payload still in the pipe for the caller to discard.
struct SpliceToFile {
  std::size_t moved = 0;
  int error = 0;
};

// Moves exactly `length` bytes from the pipe `pipe_fd` into `file_fd` at `offset`
// (pwrite-style), polling while the pipe is empty.
SpliceToFile splice_to_file(int pipe_fd, int file_fd, std::uint64_t offset, std::size_t length);

// Reads and drops exactly `length` bytes from `pipe_fd` (a payload nobody can take, e.g. a
// WRITE to a read-only server), polling while the pipe is empty. 0 or an errno (EPIPE
// when the pipe ends first).
int discard_from_pipe(int pipe_fd, std::size_t length);

}  // namespace sshcore::io

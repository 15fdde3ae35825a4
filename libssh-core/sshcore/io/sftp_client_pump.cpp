// SftpClientSession's pump: the one place that moves bytes between the client engine
// and the server's streams. Besides plain reads and writes it keeps file payloads out
// of user memory when the streams are pipes (splice_pipe.hpp):
// - a download reads replies header-first while it has READs in flight, so that a
//   DATA payload can go from the pipe straight into the file (take_payload);
// - an upload stages WRITE data in a private pipe, and the pump sends the engine's
//   bytes and the staged runs in the engine's order.
// Anything else takes the copying path, decided per reply or per WRITE.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sshcore/base/bytes.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/io/sftp_client_state.hpp"

namespace sshcore::io {

using sftp::StatusCode;

namespace {

// Large enough for a 255 KiB DATA reply plus headers in one read(2).
constexpr std::size_t kReadBufferSize = 512 * 1024;
// Room for a few 255 KiB WRITEs: pipe-max-size is 1 MiB unless raised.
constexpr std::size_t kStagingCapacity = 1024 * 1024;

}  // namespace

SplicePipe* SftpClientSession::State::staging_pipe() {
  if (!staging && !staging_tried && to_server_is_pipe && connected) {
    staging_tried = true;
    staging = SplicePipe::open(kStagingCapacity);
  }
  return staging ? &*staging : nullptr;
}

// Sends engine bytes and staged runs in order until the pipe is full or all is out.
Result<void> SftpClientSession::State::send_some() {
  for (;;) {
    ByteView out = engine.pending_output();
    if (!out.empty()) {
      ssize_t w = ::write(to_server.get(), out.data(), out.size());
      if (w < 0 && errno != EAGAIN && errno != EINTR)
        return fail(lost(StatusCode::kConnectionLost, "Connection closed"));
      if (w <= 0) return {};
      engine.consume_output(static_cast<std::size_t>(w));
      if (static_cast<std::size_t>(w) < out.size()) return {};  // the pipe is full
      continue;
    }
    std::size_t staged = engine.pending_staged();
    if (staged == 0) return {};
    if (!staging) return fail(lost(StatusCode::kConnectionLost, "staged SFTP data lost"));
    auto moved = staging->drain_to(to_server.get(), staged);
    if (!moved) return fail(lost(StatusCode::kConnectionLost, "Connection closed"));
    engine.consume_staged(*moved);
    if (*moved < staged) return {};
  }
}

// Header-first while a download wants payloads, and until the packet begun that way
// is complete; otherwise (ls, stat, uploads) one big read per wake-up as before.
bool SftpClientSession::State::reading_precisely() const {
  return lookahead_size > 0 || packet_rest > 0 ||
         (accept_out_of_band && from_server_is_pipe && engine.at_packet_boundary());
}

Result<std::size_t> SftpClientSession::State::read_payload_bytes(std::size_t max) {
  if (read_buffer.size() < kReadBufferSize) read_buffer.resize(kReadBufferSize);
  ssize_t r = ::read(from_server.get(), read_buffer.data(), std::min(max, read_buffer.size()));
  if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
    return fail(lost(StatusCode::kConnectionLost, "Connection closed"));
  return r < 0 ? std::size_t{0} : static_cast<std::size_t>(r);
}

Result<bool> SftpClientSession::State::read_bulk() {
  SSH_TRY(n, read_payload_bytes(kReadBufferSize));
  if (n == 0) return false;
  engine.feed(ByteView(read_buffer.data(), n));
  return true;
}

// Decides what the lookahead holds; true when something went to the engine or an
// out-of-band reply is ready, false when more header bytes are needed.
bool SftpClientSession::State::settle_lookahead() {
  if (lookahead_size < 4) return false;
  std::uint32_t length = load_be32(lookahead.data());
  std::uint64_t total = 4 + static_cast<std::uint64_t>(length);
  bool refused = length == 0 || length > sftp::SftpClient::kMaxReplyLength;
  if (refused || total <= lookahead_size) {
    // A whole small packet, or a length the engine refuses (and says so when fed).
    std::size_t n = refused ? lookahead_size : static_cast<std::size_t>(total);
    engine.feed(ByteView(lookahead.data(), n));
    std::memmove(lookahead.data(), lookahead.data() + n, lookahead_size - n);
    lookahead_size -= n;
    return true;
  }
  if (lookahead_size < lookahead.size()) return false;
  ByteView header(lookahead.data(), lookahead.size());
  lookahead_size = 0;
  if (auto h = engine.data_header(header); h && accept_out_of_band && accept_out_of_band(h->id, h->length)) {
    if (auto reply = engine.take_data_header(header)) {
      out_of_band = std::move(*reply);
      payload_left = h->length;
      return true;
    }
  }
  engine.feed(header);
  packet_rest = static_cast<std::size_t>(total - header.size());
  return true;
}

// Reads without blocking, never past the current packet once its length is known
// (the next header must start the lookahead). True when something was settled.
Result<bool> SftpClientSession::State::read_precisely() {
  if (packet_rest > 0) {
    SSH_TRY(n, read_payload_bytes(packet_rest));
    if (n == 0) return false;
    engine.feed(ByteView(read_buffer.data(), n));
    packet_rest -= n;
    return true;
  }
  if (settle_lookahead()) return true;
  std::size_t want = lookahead.size() - lookahead_size;
  if (lookahead_size >= 4) {
    std::uint64_t total = 4 + static_cast<std::uint64_t>(load_be32(lookahead.data()));
    want = static_cast<std::size_t>(std::min<std::uint64_t>(want, total - lookahead_size));
  }
  ssize_t r = ::read(from_server.get(), lookahead.data() + lookahead_size, want);
  if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
    return fail(lost(StatusCode::kConnectionLost, "Connection closed"));
  if (r < 0) return false;
  lookahead_size += static_cast<std::size_t>(r);
  return settle_lookahead();
}

Result<void> SftpClientSession::State::pump() {
  if (!connected) return fail(Errc::kSystem, "Connection closed");
  // A payload left in the pipe would be read as the next header.
  if (payload_left > 0) return fail(lost(StatusCode::kBadMessage, "SFTP payload left unread"));
  for (;;) {
    // Write before polling: the pipe usually has room, and this saves a poll(2) per write.
    SSH_TRY_VOID(send_some());
    // Header-first reads are small and usually find bytes waiting: try before polling.
    bool precise = reading_precisely();
    if (precise) {
      SSH_TRY(settled, read_precisely());
      if (settled) return {};
    }
    bool sending = !engine.pending_output().empty() || engine.pending_staged() > 0;
    pollfd fds[2] = {{from_server.get(), POLLIN, 0}, {to_server.get(), POLLOUT, 0}};
    int ready = ::poll(fds, sending ? 2 : 1, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return fail(lost(StatusCode::kConnectionLost, system_error(errno).detail));
    }
    if (fds[0].revents != 0) {
      SSH_TRY(settled, precise ? read_precisely() : read_bulk());
      if (settled) return {};
    }
    // POLLOUT (or POLLERR on a dead reader): send_some() at the top handles it.
  }
}

Result<int> SftpClientSession::State::take_payload(int file_fd, std::uint64_t offset, bool& splice) {
  std::size_t left = payload_left;
  payload_left = 0;
  int write_error = 0;
  if (splice) {
    SpliceToFile moved = splice_to_file(from_server.get(), file_fd, offset, left);
    left -= moved.moved;
    offset += moved.moved;
    if (moved.error == EPIPE) return fail(lost(StatusCode::kConnectionLost, "Connection closed"));
    if (moved.error == EINVAL)
      splice = false;  // this file takes no splice (O_APPEND, its file system): copy
    else
      write_error = moved.error;
  }
  // Copy what is left, or after a failed write read and drop it.
  while (left > 0) {
    SSH_TRY(n, read_payload_bytes(left));
    if (n == 0) {
      if (!wait_readable(from_server.get())) return fail(lost(StatusCode::kConnectionLost, "Connection closed"));
      continue;
    }
    for (std::size_t written = 0; write_error == 0 && written < n;) {
      ssize_t w = ::pwrite(file_fd, read_buffer.data() + written, n - written, static_cast<off_t>(offset + written));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) write_error = errno;
      if (w == 0) write_error = ENOSPC;  // no progress: as a full disk, not a busy loop
      if (w > 0) written += static_cast<std::size_t>(w);
    }
    left -= n;
    offset += n;
  }
  return write_error;
}

}  // namespace sshcore::io

#include "sshcore/io/sftp_request_reader.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sshcore/base/log.hpp"
#include "sshcore/io/splice_pipe.hpp"

namespace sshcore::io {
namespace {

namespace sftp = apps::sftp;

// One large read takes a whole 256 KiB WRITE and then some.
constexpr std::size_t kReadChunk = 256 * 1024 + 1024;
// Smaller packets are read whole: their data is not worth a splice.
constexpr std::uint32_t kSpliceMinPacket = 64 * 1024;
// type, id, handle length: then the handle, offset and data length.
constexpr std::size_t kWriteLead = 1 + 4 + 4;
constexpr std::size_t kWriteTail = 8 + 4;
constexpr std::size_t kMaxHandle = 256;

}  // namespace

SftpRequestReader::SftpRequestReader(int in_fd, bool splice_writes)
    : fd_(in_fd), splice_writes_(splice_writes), buffer_(kReadChunk) {}

void SftpRequestReader::track(ByteView bytes) {
  while (!bytes.empty()) {
    if (body_left_ == 0) {
      std::size_t take = std::min(4 - length_have_, bytes.size());
      std::memcpy(length_bytes_ + length_have_, bytes.data(), take);
      length_have_ += take;
      bytes = bytes.subspan(take);
      if (length_have_ == 4) {
        length_have_ = 0;
        body_left_ = load_be32(length_bytes_);
        type_seen_ = false;
      }
      continue;
    }
    if (!type_seen_) {
      last_was_write_ = bytes[0] == static_cast<std::uint8_t>(sftp::PacketType::kWrite);
      type_seen_ = true;
    }
    std::size_t take = std::min(body_left_, bytes.size());
    body_left_ -= take;
    bytes = bytes.subspan(take);
  }
}

Result<void> SftpRequestReader::feed(sftp::SftpServer& server, ByteView bytes) {
  track(bytes);
  return server.receive(bytes);
}

std::optional<std::size_t> SftpRequestReader::read_exact(std::uint8_t* to, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd_, to + got, n - got);
    if (r == 0) break;
    if (r > 0) {
      got += static_cast<std::size_t>(r);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    log::error("read: {}", std::strerror(errno));
    return std::nullopt;
  }
  return got;
}

Result<SftpRequestReader::Outcome> SftpRequestReader::read_into(sftp::SftpServer& server) {
  if (splice_writes_ && last_was_write_) {
    if (at_boundary()) return read_packet(server);
    // Finish the packet in hand exactly, so that the next one starts at a boundary.
    std::size_t want = length_have_ > 0 ? 4 - length_have_ : body_left_;
    want = std::min(want, buffer_.size());
    auto got = read_exact(buffer_.data(), want);
    if (!got) return Outcome::kFailed;
    SSH_TRY_VOID(feed(server, ByteView(buffer_.data(), *got)));
    return *got < want ? Outcome::kEof : Outcome::kRead;
  }
  for (;;) {
    ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n == 0) return Outcome::kEof;
    if (n > 0) {
      SSH_TRY_VOID(feed(server, ByteView(buffer_.data(), static_cast<std::size_t>(n))));
      return Outcome::kRead;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return Outcome::kRead;
    log::error("read: {}", std::strerror(errno));
    return Outcome::kFailed;
  }
}

// At a packet boundary after a WRITE: the length first, then for a large packet its
// lead (type, id, handle length), then for a WRITE the rest of its head, leaving the
// data in the pipe. Anything else is read whole and fed as usual.
Result<SftpRequestReader::Outcome> SftpRequestReader::read_packet(sftp::SftpServer& server) {
  std::uint8_t* at = buffer_.data();
  auto got = read_exact(at, 4);
  if (!got) return Outcome::kFailed;
  if (*got < 4) {
    SSH_TRY_VOID(feed(server, ByteView(at, *got)));
    return Outcome::kEof;
  }
  std::uint32_t length = load_be32(at);
  std::size_t have = 4;
  // Reads up to `total` bytes of the packet (length prefix included) into the buffer.
  auto fill = [&](std::size_t total) -> std::optional<bool> {
    auto more = read_exact(at + have, total - have);
    if (!more) return std::nullopt;
    have += *more;
    return have == total;
  };
  auto feed_rest = [&]() -> Result<Outcome> {
    // A packet too large for the engine is fed as far as read: the engine refuses it.
    std::size_t total = std::min<std::size_t>(4 + std::size_t{length}, buffer_.size());
    auto whole = fill(total);
    if (!whole) return Outcome::kFailed;
    SSH_TRY_VOID(feed(server, ByteView(at, have)));
    return *whole ? Outcome::kRead : Outcome::kEof;
  };
  if (length < kSpliceMinPacket || 4 + std::size_t{length} > buffer_.size()) return feed_rest();
  auto lead = fill(4 + kWriteLead);
  if (!lead) return Outcome::kFailed;
  if (!*lead) return feed_rest();
  std::uint32_t handle_length = load_be32(at + 4 + 5);
  if (at[4] != static_cast<std::uint8_t>(sftp::PacketType::kWrite) || handle_length > kMaxHandle) return feed_rest();
  std::size_t head_end = 4 + kWriteLead + handle_length + kWriteTail;
  auto head = fill(head_end);
  if (!head) return Outcome::kFailed;
  if (!*head) return feed_rest();
  std::uint32_t data_length = load_be32(at + head_end - 4);
  if (head_end + data_length != 4 + std::size_t{length}) return feed_rest();

  using WriteData = sftp::SftpServer::WriteData;
  switch (server.receive_write_head(ByteView(at + 4, head_end - 4), data_length)) {
    case WriteData::kWritten:
      last_was_write_ = true;
      return Outcome::kRead;
    case WriteData::kDiscard:
      last_was_write_ = true;
      if (int err = discard_from_pipe(fd_, data_length); err != 0) {
        if (err == EPIPE) return Outcome::kEof;
        log::error("read: {}", std::strerror(err));
        return Outcome::kFailed;
      }
      return Outcome::kRead;
    case WriteData::kRead:
      break;
  }
  return feed_rest();
}

}  // namespace sshcore::io

// Reads the SFTP request stream into the server engine. Large reads by default; after
// a WRITE (an upload is a run of them), packets are read head first when the stream
// is a pipe, so that the next WRITE's data is still in the pipe when its head has been
// parsed, and goes to the file by splice(2) without passing through our memory
// (SftpServer::receive_write_head). A READ-heavy download never pays for the small
// head-first reads.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sshcore/apps/sftp/sftp_server.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::io {

class SftpRequestReader {
 public:
  // `splice_writes`: in_fd is a pipe and the engine's files take WRITE data from it.
  SftpRequestReader(int in_fd, bool splice_writes);

  enum class Outcome : std::uint8_t { kRead, kEof, kFailed };
  // One step, once in_fd is readable: feeds what it read to `server`. An error is the
  // engine's (the stream cannot go on); kFailed a read error, already logged.
  Result<Outcome> read_into(apps::sftp::SftpServer& server);

 private:
  Result<Outcome> read_packet(apps::sftp::SftpServer& server);
  Result<void> feed(apps::sftp::SftpServer& server, ByteView bytes);
  // Reads up to n bytes into `to`, waiting for them: fewer only at end of stream.
  std::optional<std::size_t> read_exact(std::uint8_t* to, std::size_t n);
  // Follows packet boundaries in what was fed, to know where the next one begins.
  void track(ByteView bytes);
  bool at_boundary() const { return length_have_ == 0 && body_left_ == 0; }

  int fd_;
  bool splice_writes_;
  Bytes buffer_;
  std::uint8_t length_bytes_[4] = {};
  std::size_t length_have_ = 0;  // bytes of the next length prefix seen
  std::size_t body_left_ = 0;    // bytes of the current packet still to come
  bool type_seen_ = true;        // the current packet's type byte was seen
  bool last_was_write_ = false;
};

}  // namespace sshcore::io

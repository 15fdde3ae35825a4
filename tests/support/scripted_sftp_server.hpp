// A scripted SFTP server for client tests, run in a thread over two pipes (ScriptedSftpRig):
// it takes each batch of requests that arrive together and answers it in reverse order,
// so a client must accept replies out of order. STAT describes `content`, OPEN gives a
// handle, LSTAT is answered as STAT, REALPATH names "/cwd", READ returns `content` (at most `short_read` bytes a reply, and optionally
// broken: one byte too many, a trailing byte, garbage once enough was served), WRITE is
// recorded, anything else gets STATUS OK.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/io/sftp_client_session.hpp"

namespace sshpp::test {

struct SftpScript {
  std::string content;                      // what READs return
  std::size_t short_read = SIZE_MAX;        // the most data one reply carries
  std::size_t overlong_at = SIZE_MAX;       // the READ at this offset gets one byte too many
  std::size_t trailing_at = SIZE_MAX;       // ... gets a byte after its data
  std::size_t garbage_after = SIZE_MAX;     // after this many data bytes, the replies turn to garbage
  std::size_t stat_size = SIZE_MAX;         // the size STAT reports, if not content's (a file that grew)
  std::uint64_t limits_read = 0;            // offers limits@openssh.com with this read (and write) length
};

class ScriptedSftpServer {
 public:
  explicit ScriptedSftpServer(SftpScript script) : script_(std::move(script)) {}

  // Runs until the client closes its end; in_fd/out_fd are the server's ends.
  void serve(int in_fd, int out_fd);

  std::string received();                    // the file the WRITEs made
  std::vector<std::size_t> write_lengths();  // the data length of each WRITE
  int framing_errors() const { return framing_errors_; }
  // The request types of each batch, in arrival order (INIT included).
  std::vector<std::vector<sshcore::io::sftp::PacketType>> batches();
  // The offsets of the READs of each batch that had any.
  std::vector<std::vector<std::uint64_t>> read_batches();

 private:
  sshcore::Bytes answer(sshcore::ByteView payload);

  SftpScript script_;
  std::size_t served_ = 0;
  std::mutex mutex_;
  std::string received_;
  std::vector<std::size_t> write_lengths_;
  std::vector<std::vector<sshcore::io::sftp::PacketType>> batches_;
  std::vector<std::vector<std::uint64_t>> read_batches_;
  std::atomic<int> framing_errors_{0};
};

// The server in a thread and a session started against it over pipes.
struct ScriptedSftpRig {
  std::thread thread;
  std::unique_ptr<sshcore::io::SftpClientSession> session;
  ScriptedSftpRig(ScriptedSftpServer& server, const sshcore::io::SftpSessionOptions& options);
  ~ScriptedSftpRig();
};

}  // namespace sshpp::test

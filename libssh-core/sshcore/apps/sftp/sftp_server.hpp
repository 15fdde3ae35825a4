// The SFTP server engine (sftp-server(8) and sshd's internal-sftp), sans-I/O: bytes
// from the client go into receive(), replies come out of pending_output(); the files
// are reached only through a Filesystem. Version 3 with OpenSSH's extensions, its
// request names for -P/-p, read-only mode and its log lines (sftp-server.c).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/apps/sftp/sftp_filesystem.hpp"
#include "sshcore/apps/sftp/sftp_protocol.hpp"
#include "sshcore/apps/sftp/sftp_request_names.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::apps::sftp {

// Largest READ reply data and WRITE we announce (OpenSSH: SFTP_MAX_MSG_LENGTH - 1024).
inline constexpr std::uint32_t kMaxReadLength = kMaxPacketLength - 1024;
// READDIR sends at most this many names per reply, as OpenSSH.
inline constexpr std::size_t kMaxNamesPerReaddir = 100;

struct SftpServerOptions {
  bool read_only = false;                      // -R
  std::optional<std::string> denied_requests;  // -P: comma-separated request names
  std::optional<std::string> allowed_requests; // -p
  // Open handles at once; OpenSSH announces RLIMIT_NOFILE - 5 in limits@openssh.com.
  std::uint64_t max_open_handles = 1019;
};

class SftpServer {
 public:
  SftpServer(const SftpServerOptions& options, Filesystem& fs);
  ~SftpServer();
  SftpServer(const SftpServer&) = delete;
  SftpServer& operator=(const SftpServer&) = delete;

  // Feed bytes from the client; answers every complete request. An error means the
  // stream cannot go on (oversized or unparseable packet, request before INIT); the
  // engine is then finished() and the caller logs the error and closes.
  Result<void> receive(ByteView bytes);

  // The output is bytes interleaved with staged runs: file bytes that an OpenFile took
  // by reference (OpenFile::stage) and that the driver sends itself, in order.
  // pending_output() ends where the next run begins; once it is consumed,
  // pending_staged() is the size of that run (0: none), consumed with consume_staged().
  ByteView pending_output() const;
  void consume_output(std::size_t n);
  std::size_t pending_staged() const;
  void consume_staged(std::size_t n);
  // Bytes and staged bytes not yet consumed (for the driver's output limit).
  std::size_t pending_size() const { return out_.size() - out_offset_ + staged_bytes_; }
  // True while a request other than READ waits (held, unprocessed) for the staged
  // bytes to be sent: they are read from the file only then, so nothing may change a
  // file, or reorder replies and log lines, before they are out. The driver calls
  // resume() once pending_staged() has drained everything.
  bool blocked() const { return deferred_.has_value(); }
  Result<void> resume() { return receive({}); }
  bool has_staged() const { return staged_bytes_ > 0; }

  // A WRITE whose data the driver left in the input stream: `head` is the packet
  // (after its length) up to the data, whose `data_length` bytes follow in the stream.
  // Only at a packet boundary with nothing staged and not blocked(). kWritten: the
  // file took the data from the stream (OpenFile::write_from_input); kDiscard: refused
  // and answered, the caller drops the data; kRead: not handled, nothing done, the
  // caller feeds the whole packet to receive() as usual.
  enum class WriteData : std::uint8_t { kWritten, kDiscard, kRead };
  WriteData receive_write_head(ByteView head, std::size_t data_length);
  bool finished() const { return finished_; }
  // Closes every handle still open, logging "forced close ..." as OpenSSH does at exit.
  void close_all_handles();
  std::size_t open_handles() const { return open_count_; }

 private:
  struct Handle {
    bool is_dir = false;
    std::string name;
    std::unique_ptr<OpenFile> file;
    std::unique_ptr<OpenDirectory> dir;
    std::uint64_t bytes_read = 0;
    std::uint64_t bytes_written = 0;
  };
  using Handler = Result<void> (SftpServer::*)(std::uint32_t id, wire::Reader& r);
  struct Route {
    std::string_view name;
    Handler handler;
  };
  static const Route kRoutes[];

  struct StagedRun {
    std::size_t at = 0;      // index in out_ before which the run goes
    std::size_t length = 0;  // bytes of it not yet consumed
  };

  Result<void> process(ByteView payload);
  Result<void> process_checked(ByteView payload);
  // The DATA reply of a READ: staged where the file allows, else copied.
  // `staged`: what OpenFile::stage took of it already.
  void send_data(std::uint32_t id, Handle& h, std::uint64_t offset, std::uint32_t len, std::size_t staged);
  // The reply and accounting of a WRITE, however its data came.
  void finish_write(std::uint32_t id, Handle& h, const FsResult<std::size_t>& wrote, std::size_t length);
  void process_init(wire::Reader& r);
  bool permitted(const RequestName& request) const;
  void dispatch(const RequestName& request, std::uint32_t id, wire::Reader& r);

  // Requests (sftp-server.c process_*).
  Result<void> on_open(std::uint32_t id, wire::Reader& r);
  Result<void> on_close(std::uint32_t id, wire::Reader& r);
  Result<void> on_read(std::uint32_t id, wire::Reader& r);
  Result<void> on_write(std::uint32_t id, wire::Reader& r);
  Result<void> on_lstat(std::uint32_t id, wire::Reader& r);
  Result<void> on_stat(std::uint32_t id, wire::Reader& r);
  Result<void> on_fstat(std::uint32_t id, wire::Reader& r);
  Result<void> on_setstat(std::uint32_t id, wire::Reader& r);
  Result<void> on_fsetstat(std::uint32_t id, wire::Reader& r);
  Result<void> on_opendir(std::uint32_t id, wire::Reader& r);
  Result<void> on_readdir(std::uint32_t id, wire::Reader& r);
  Result<void> on_remove(std::uint32_t id, wire::Reader& r);
  Result<void> on_mkdir(std::uint32_t id, wire::Reader& r);
  Result<void> on_rmdir(std::uint32_t id, wire::Reader& r);
  Result<void> on_realpath(std::uint32_t id, wire::Reader& r);
  Result<void> on_rename(std::uint32_t id, wire::Reader& r);
  Result<void> on_readlink(std::uint32_t id, wire::Reader& r);
  Result<void> on_symlink(std::uint32_t id, wire::Reader& r);
  Result<void> on_posix_rename(std::uint32_t id, wire::Reader& r);
  Result<void> on_statvfs(std::uint32_t id, wire::Reader& r);
  Result<void> on_fstatvfs(std::uint32_t id, wire::Reader& r);
  Result<void> on_hardlink(std::uint32_t id, wire::Reader& r);
  Result<void> on_fsync(std::uint32_t id, wire::Reader& r);
  Result<void> on_lsetstat(std::uint32_t id, wire::Reader& r);
  Result<void> on_limits(std::uint32_t id, wire::Reader& r);
  Result<void> on_expand_path(std::uint32_t id, wire::Reader& r);
  Result<void> on_copy_data(std::uint32_t id, wire::Reader& r);
  Result<void> on_home_directory(std::uint32_t id, wire::Reader& r);
  Result<void> on_users_groups_by_id(std::uint32_t id, wire::Reader& r);

  Result<void> do_stat(std::uint32_t id, wire::Reader& r, bool follow);
  void apply_attributes(std::uint32_t id, const std::string& name, const FileAttributes& a, OpenFile* file,
                        bool follow);

  // Handles (sftp-server.c handle_*): 4-byte big-endian slot numbers.
  std::optional<std::uint32_t> new_handle(std::unique_ptr<Handle> h);
  Handle* find_handle(ByteView wire_handle, bool want_dir);
  std::optional<std::uint32_t> handle_index(ByteView wire_handle) const;
  void log_close(const Handle& h, std::string_view prefix);

  // Replies.
  void send_status(std::uint32_t id, StatusCode code, std::string_view message = {});
  void send_errno(std::uint32_t id, int err) { send_status(id, status_from_errno(err)); }
  void send_handle(std::uint32_t id, std::uint32_t handle);
  void send_attrs(std::uint32_t id, const FileAttributes& a);
  void send_name(std::uint32_t id, const std::string& name);
  // Frames a reply built by body(Writer&) after the type byte and request id.
  template <class Body>
  void reply(PacketType type, std::uint32_t id, Body&& body);

  SftpServerOptions options_;
  Filesystem& fs_;
  PacketFramer framer_;
  Bytes out_;
  std::size_t out_offset_ = 0;
  std::deque<StagedRun> staged_;
  std::size_t staged_bytes_ = 0;
  std::optional<Bytes> deferred_;  // the request that waits while blocked()
  bool read_waits_ = false;        // on_read found no room to stage beside staged bytes
  bool init_done_ = false;
  bool finished_ = false;
  std::vector<std::unique_ptr<Handle>> handles_;
  std::size_t open_count_ = 0;
};

template <class Body>
void SftpServer::reply(PacketType type, std::uint32_t id, Body&& body) {
  wire::Writer w(kMaxPacketLength);
  w.u8(static_cast<std::uint8_t>(type));
  w.u32(id);
  body(w);
  if (w.failed()) {  // a reply that cannot fit in one packet (a huge users-groups-by-id)
    send_status(id, StatusCode::kFailure);
    return;
  }
  frame_packet(out_, w.view());
}

}  // namespace sshcore::apps::sftp

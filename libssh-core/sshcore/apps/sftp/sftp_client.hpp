// SftpClient: the sans-I/O SFTP client engine (DESIGN.md section 2). It builds
// requests with fresh ids into an output buffer, takes the bytes the server sent,
// and hands back typed replies by id, in whatever order the server answers, so a
// driver can keep many READ/WRITE requests in flight. It owns no descriptor: the
// driver writes pending_output() and feeds what it reads.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/apps/sftp/sftp_protocol.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::apps::sftp {

// One NAME entry: views into the reply, valid as long as the Reply is.
struct NameEntry {
  std::string_view filename;
  std::string_view long_name;
  FileAttributes attrs;
};

// A reply to one request. Views (message, handle, data, extended) point into the
// engine's receive buffer and stay valid until the next feed() or next_reply():
// a DATA reply can be written out without a copy.
struct Reply {
  PacketType type = PacketType::kStatus;
  std::uint32_t id = 0;
  StatusCode status = StatusCode::kOk;  // kStatus
  std::string_view message;             // kStatus: the server's text
  ByteView handle;                      // kHandle
  ByteView data;                        // kData
  // kData taken with take_data_header(): the payload's length. Its bytes never
  // reached the engine (data is empty); the driver moves them itself.
  std::uint32_t out_of_band = 0;
  std::vector<NameEntry> names;         // kName
  FileAttributes attrs;                 // kAttrs
  ByteView extended;                    // kExtendedReply: the body after the id
};

// The server's VERSION: its protocol version and the extensions it offers.
struct ServerVersion {
  std::uint32_t version = 0;
  std::map<std::string, std::string> extensions;  // name -> data ("1", "2", ...)
};

class SftpClient {
 public:
  SftpClient() = default;

  // The longest reply accepted (a 255 KiB DATA with room for any server's headers).
  static constexpr std::uint32_t kMaxReplyLength = kMaxPacketLength + 1024;
  // A DATA reply's header: u32 length, u8 type, u32 id, u32 data length.
  static constexpr std::size_t kDataHeaderLength = 13;

  // INIT: the first packet of every session (no id).
  void send_init();

  // Requests: each returns the id its reply will carry.
  std::uint32_t send_open(std::string_view path, std::uint32_t flags, const FileAttributes& attrs);
  std::uint32_t send_close(ByteView handle);
  std::uint32_t send_read(ByteView handle, std::uint64_t offset, std::uint32_t length);
  std::uint32_t send_write(ByteView handle, std::uint64_t offset, ByteView data);
  // A WRITE whose data the caller reads straight into the output buffer (no copy):
  // begin_write() returns room for up to `max_length` bytes; finish_write(n) sends
  // the first n of them, cancel_write() drops the request. Nothing else in between.
  // With `staged` > 0 the data begins with that many bytes the driver sends itself
  // (a staged run, see pending_staged()), followed by the room's bytes; then
  // finish_write(n) sends staged + n bytes of data, and the request must be finished,
  // not cancelled (the staged bytes are already on their way).
  std::span<std::uint8_t> begin_write(ByteView handle, std::uint64_t offset, std::size_t max_length,
                                      std::size_t staged = 0);
  std::uint32_t finish_write(std::size_t length);
  void cancel_write();
  // A WRITE whose `length` data bytes are all staged by the driver.
  std::uint32_t send_write_staged(ByteView handle, std::uint64_t offset, std::size_t length);
  // Requests whose body is one path: LSTAT STAT OPENDIR REMOVE RMDIR REALPATH READLINK.
  std::uint32_t send_path(PacketType type, std::string_view path);
  // Requests whose body is one handle: FSTAT READDIR.
  std::uint32_t send_handle(PacketType type, ByteView handle);
  std::uint32_t send_setstat(std::string_view path, const FileAttributes& attrs);
  std::uint32_t send_fsetstat(ByteView handle, const FileAttributes& attrs);
  std::uint32_t send_mkdir(std::string_view path, const FileAttributes& attrs);
  std::uint32_t send_rename(std::string_view from, std::string_view to);
  // OpenSSH's order: the link's target first, then the link's own path.
  std::uint32_t send_symlink(std::string_view target, std::string_view link_path);
  // EXTENDED: the name, then `body` (already encoded fields) verbatim.
  std::uint32_t send_extended(std::string_view name, ByteView body);

  // The bytes to send, and how many of them went out. With staged WRITEs the output
  // is bytes interleaved with staged runs: pending_output() stops where the next run
  // begins, and once it is empty pending_staged() is what is left of that run, which
  // the driver sends from where it staged it and reports with consume_staged().
  ByteView pending_output() const;
  void consume_output(std::size_t n);
  std::size_t pending_staged() const;
  void consume_staged(std::size_t n);
  // Everything not yet sent: bytes and staged runs.
  std::size_t queued_output() const { return out_.size() - out_offset_ + staged_total_; }

  // What arrived from the server.
  void feed(ByteView bytes) { framer_.feed(bytes); }
  // The VERSION once it has arrived (before it, next_reply() keeps returning nullopt
  // only while the bytes are incomplete).
  const std::optional<ServerVersion>& server_version() const { return version_; }
  // The next complete reply, or nullopt when more bytes are needed. A malformed
  // packet, an unknown type or a reply to an id not in flight is an error (the
  // session cannot continue: ids would no longer line up).
  Result<std::optional<Reply>> next_reply();
  std::size_t in_flight() const { return outstanding_.size(); }

  // Header-first reading, for a driver that moves DATA payloads without copying them
  // (e.g. splice(2) from a pipe into the file). At a packet boundary (nothing buffered)
  // it reads kDataHeaderLength bytes; when they start a DATA reply to a request in
  // flight whose payload is the rest of the packet, data_header() tells its id and
  // length, and take_data_header() hands out that reply (out_of_band set, the id no
  // longer in flight) while the payload stays where it is, for the driver to take
  // entirely. Any other header is fed as usual, followed by the rest of its packet.
  struct DataHeader {
    std::uint32_t id = 0;
    std::uint32_t length = 0;
  };
  bool at_packet_boundary() const { return framer_.buffered() == 0; }
  std::optional<DataHeader> data_header(ByteView header) const;
  Result<Reply> take_data_header(ByteView header);

 private:
  std::uint32_t begin(PacketType type);  // length placeholder, type, fresh id
  std::size_t begin_untracked(PacketType type);
  void end(std::size_t start);
  void put_u32(std::uint32_t v);
  void put_u64(std::uint64_t v);
  void put_string(ByteView s);
  void put_string(std::string_view s) { put_string(as_bytes(s)); }
  void put_attributes(const FileAttributes& a);
  Result<void> parse_version(ByteView payload);
  Result<Reply> parse_reply(ByteView payload);
  Result<void> retire(std::uint32_t id);  // the id's reply came: no longer in flight

  // A run of staged bytes goes at `at`, a position in the stream of out_'s bytes.
  struct StagedRun {
    std::uint64_t at = 0;
    std::size_t left = 0;
  };

  PacketFramer framer_{kMaxReplyLength};
  Bytes out_;
  std::size_t out_offset_ = 0;
  std::uint64_t out_dropped_ = 0;  // stream position of out_[0]: bytes sent and erased
  std::deque<StagedRun> staged_;
  std::size_t staged_total_ = 0;
  std::size_t open_start_ = 0;
  std::size_t write_data_at_ = 0;  // begin_write: where the data's length field is
  std::size_t write_staged_ = 0;   // begin_write: staged bytes at the front of its data
  std::uint32_t next_id_ = 1;
  std::vector<std::uint32_t> outstanding_;  // ids sent, not yet answered (small: linear search)
  std::optional<ServerVersion> version_;
};

}  // namespace sshcore::apps::sftp

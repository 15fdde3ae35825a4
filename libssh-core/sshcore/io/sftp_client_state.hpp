// SftpClientSession's private state and its blocking pump (sftp_client_pump.cpp),
// shared by the session's simple calls (sftp_client_session.cpp) and its pipelined
// transfers (sftp_client_transfer.cpp). Not for use outside those files.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/apps/sftp/sftp_client.hpp"
#include "sshcore/io/fd.hpp"
#include "sshcore/io/sftp_client_session.hpp"
#include "sshcore/io/splice_pipe.hpp"

namespace sshcore::io {

struct SftpClientSession::State {
  Fd to_server;
  Fd from_server;
  sftp::SftpClient engine;
  SftpSessionOptions options;
  std::map<std::string, std::string> extensions;
  sftp::Limits limits;
  std::uint32_t version = 0;
  // Until settle_limits() has applied the limits@openssh.com reply sent ahead at the
  // start, the request sizes are the defaults.
  std::uint32_t read_length = sftp::kDefaultTransferLength;   // bytes per READ
  std::uint32_t write_length = sftp::kDefaultTransferLength;  // bytes per WRITE
  std::uint32_t max_in_flight = 64;
  sftp::StatusCode last_status = sftp::StatusCode::kOk;
  std::string last_message;  // the server's text with last_status
  bool connected = true;
  Bytes read_buffer;  // one big read(2) per wake-up: fewer syscalls on fast transfers

  // Zero-copy payloads (splice_pipe.hpp; the pump is in sftp_client_pump.cpp). They need
  // the server's streams to be pipes, as `ssh -s sftp`'s are.
  bool from_server_is_pipe = false;
  bool to_server_is_pipe = false;
  // Downloads: while set (a download has READs in flight), replies are read header-first,
  // and a DATA reply it accepts (id, data length) is handed out with out_of_band set and
  // its payload left in from_server for take_payload().
  std::function<bool(std::uint32_t id, std::uint32_t length)> accept_out_of_band;
  std::array<std::uint8_t, sftp::SftpClient::kDataHeaderLength> lookahead{};  // the next packet's first bytes
  std::size_t lookahead_size = 0;
  std::size_t packet_rest = 0;             // bytes of a header-first packet still to feed
  std::optional<sftp::Reply> out_of_band;  // taken by next_reply() before anything else
  std::size_t payload_left = 0;            // its payload, still in from_server
  // Uploads: WRITE data staged by reference, drained into to_server where the engine's
  // output has its staged runs. Opened on the first upload that can use it.
  std::optional<SplicePipe> staging;
  bool staging_tried = false;

  // Requests sent ahead (SftpClientSession::send_ahead), in the order sent, until a
  // call takes the one for its (type, path); and copies of their replies that arrived
  // while another reply was awaited. `taken` holds the parked reply last handed out.
  struct Ahead {
    sftp::PacketType type;
    std::string path;
    std::uint32_t id;
    std::uint32_t open_flags = 0;                  // kOpen: its pflags
    std::optional<std::uint32_t> open_permissions;  // kOpen: the mode it creates with
  };
  struct ParkedReply {
    sftp::Reply reply;
    std::string message;
    Bytes handle, extended;
    std::vector<std::pair<std::string, std::string>> names;  // file name, long name
  };
  std::vector<Ahead> ahead;
  std::map<std::uint32_t, ParkedReply> parked;
  ParkedReply taken;
  // The id of the request sent ahead for (type, path), which is then no longer ahead.
  std::optional<std::uint32_t> take_ahead(sftp::PacketType type, const std::string& path);
  void add_ahead(sftp::PacketType type, std::string path, std::uint32_t id, std::uint32_t open_flags = 0,
                 std::optional<std::uint32_t> open_permissions = std::nullopt) {
    ahead.push_back(Ahead{type, std::move(path), id, open_flags, open_permissions});
  }
  // The same for an OPEN, which must also have been sent with these flags and mode.
  std::optional<std::uint32_t> take_ahead_open(const std::string& path, std::uint32_t flags,
                                               std::optional<std::uint32_t> permissions);
  // Waits for the replies to lookups sent ahead that nobody took, closing a handle
  // opened ahead. The session's own requests sent ahead (limits, REALPATH ".") stay.
  void settle_ahead();
  // Before a transfer's own requests: the limits applied, the lookups settled, and
  // every other reply to a request sent ahead parked (the transfer must not meet them).
  Result<void> prepare_transfer();
  // Applies the limits@openssh.com reply, if one is still to come.
  Result<void> settle_limits();
  // Keeps a reply to a request sent ahead for its taker (wait_for).
  void park(sftp::Reply reply);
  std::optional<std::uint32_t> take_ahead_if(const std::function<bool(const Ahead&)>& wanted);
  // Request sizes and count from the limits (zeros: none) and the options.
  void apply_limits();

  // Writes what the engine has queued and reads what the server sent, blocking until
  // some progress is possible. Fails (and marks the session lost) when the server goes.
  Result<void> pump();
  // The staging pipe when to_server is a pipe and one can be made.
  SplicePipe* staging_pipe();
  // Moves the payload of the out-of-band DATA just handed out into `file_fd` at
  // `offset`. Returns 0, or the errno of the local write, after the rest of the payload
  // was read and dropped so the stream stays in step. `splice` false, or a file that
  // refuses a splice (EINVAL), copies through read_buffer; then `splice` becomes false.
  // Fails (the session is lost) when the server's stream fails.
  Result<int> take_payload(int file_fd, std::uint64_t offset, bool& splice);
  // Before each call: fails at once on a lost session, else clears last_status.
  Result<void> pump_ready();
  // The next reply to any request in flight. Its views are valid until the next pump.
  Result<sftp::Reply> next_reply();
  // The reply to `id`, when it is the only request in flight besides those sent ahead.
  Result<sftp::Reply> wait_for(std::uint32_t id);
  // Marks the channel as failed: every later call fails too.
  Error lost(sftp::StatusCode why, std::string detail);
  // The Error for a STATUS reply that is not OK (recorded as last_status).
  Error status_error(const sftp::Reply& reply);
  // Error for a reply of the wrong type (protocol violation: the session ends).
  Error unexpected_reply(const sftp::Reply& reply);
  // A reply that must be STATUS OK.
  Result<void> expect_ok(std::uint32_t id);
  // A reply that must be a HANDLE (copied out: it outlives the receive buffer).
  Result<std::string> expect_handle(std::uint32_t id);
  // Closes a handle, returning the server's verdict.
  Result<void> close_handle(const std::string& handle);
  bool has_extension(std::string_view name) const;

 private:
  Result<void> send_some();
  bool reading_precisely() const;
  Result<bool> read_precisely();
  Result<bool> read_bulk();
  bool settle_lookahead();
  Result<std::size_t> read_payload_bytes(std::size_t max);
};

}  // namespace sshcore::io

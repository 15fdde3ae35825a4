// SftpClientSession's private state and its blocking pump, shared by the session's
// simple calls (sftp_client_session.cpp) and its pipelined transfers
// (sftp_client_transfer.cpp). Not for use outside those two files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sshcore/apps/sftp/sftp_client.hpp"
#include "sshcore/io/fd.hpp"
#include "sshcore/io/sftp_client_session.hpp"

namespace sshcore::io {

struct SftpClientSession::State {
  Fd to_server;
  Fd from_server;
  sftp::SftpClient engine;
  SftpSessionOptions options;
  std::map<std::string, std::string> extensions;
  sftp::Limits limits;
  std::uint32_t version = 0;
  std::uint32_t read_length = sftp::kDefaultTransferLength;   // bytes per READ
  std::uint32_t write_length = sftp::kDefaultTransferLength;  // bytes per WRITE
  std::uint32_t max_in_flight = 64;
  sftp::StatusCode last_status = sftp::StatusCode::kOk;
  bool connected = true;
  Bytes read_buffer;  // one big read(2) per wake-up: fewer syscalls on fast transfers

  // Writes what the engine has queued and reads what the server sent, blocking until
  // some progress is possible. Fails (and marks the session lost) when the server goes.
  Result<void> pump();
  // Before each call: fails at once on a lost session, else clears last_status.
  Result<void> pump_ready();
  // The next reply to any request in flight. Its views are valid until the next pump.
  Result<sftp::Reply> next_reply();
  // The reply to `id`, when it is the only request in flight.
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
};

}  // namespace sshcore::io

// The sftp command interpreter: OpenSSH's parse_dispatch_command() over an
// SftpClientSession, keeping the remote working directory and the global -a -f -p -r
// flags. Output goes to stdout, diagnostics to stderr in OpenSSH's words.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_parser.hpp"
#include "ls_listing.hpp"
#include "sshcore/io/progress_meter.hpp"
#include "sshcore/io/sftp_client_session.hpp"

namespace sftp_program {

struct InterpreterOptions {
  bool quiet = false;          // -q / -b: no "Fetching ..." lines
  bool show_progress = true;   // the progress meter (toggled by `progress`)
  bool recursive = false;      // -r
  bool resume = false;         // -a
  bool preserve = false;       // -p
  bool fsync = false;          // -f
};

// What a dispatched line asks of the loop.
enum class DispatchResult { kContinue, kQuit, kAbort };

// error(): the message and "\r\n" on stderr, as OpenSSH's log does.
void print_error(std::string_view message);

class SftpInterpreter {
 public:
  // start_directory: the remote working directory, or nullopt to ask the server when
  // first needed (REALPATH "."; "Need cwd" and exit 255 if that fails, as OpenSSH).
  SftpInterpreter(sshcore::io::SftpClientSession& session, std::optional<std::string> start_directory,
                  InterpreterOptions options);

  // `err_abort`: batch mode, where a failure not ignored by '-' aborts. `echo`: print
  // "sftp> line" after parsing (non-interactive input), unless the line starts with '@'.
  DispatchResult dispatch(std::string_view line, bool err_abort, bool echo = false);
  const std::string& remote_directory() const { return pwd(); }
  sshcore::io::SftpClientSession& session() { return session_; }
  // For `sftp host:path`: cd into a directory, else fetch it (to `local` if given).
  DispatchResult start_with_path(const std::string& path, const std::optional<std::string>& local);

 private:
  // Each returns 0 on success (OpenSSH's err), nonzero on failure.
  int do_get(const ParsedCommand& cmd, bool resume);
  int do_put(const ParsedCommand& cmd, bool resume);
  int do_ls(const ParsedCommand& cmd);
  int do_df(const ParsedCommand& cmd);
  int do_cd(const ParsedCommand& cmd);
  int do_attribute_change(const ParsedCommand& cmd, bool err_abort);
  int do_rm(const ParsedCommand& cmd, bool err_abort);
  int do_simple_remote(const ParsedCommand& cmd);
  int do_local(const ParsedCommand& cmd);

  int list_directory(const std::string& path, const std::optional<std::string>& strip, unsigned flags);
  std::string long_line(const ListingEntry& entry, unsigned flags);
  int download_one(const std::string& remote, const std::string& local, bool preserve, bool resume, bool fsync);
  int upload_one(const std::string& local, const std::string& remote, bool preserve, bool resume, bool fsync);
  int download_tree(const std::string& remote, const std::string& local, bool preserve, bool resume, bool fsync,
                    int depth);
  int upload_tree(const std::string& local, const std::string& remote, bool preserve, bool resume, bool fsync,
                  int depth);
  sshcore::io::TransferOptions transfer_options(const std::string& meter_name, std::uint64_t size, bool preserve,
                                                bool resume, bool fsync);

  void finish_meter(bool complete);
  const std::string& pwd() const;
  std::string absolute(const std::string& path) const;  // make_absolute() against pwd()

  sshcore::io::SftpClientSession& session_;
  // The meter of the transfer in progress (shared with its progress callback).
  std::shared_ptr<std::unique_ptr<sshcore::io::ProgressMeter>> active_meter_;
  mutable std::optional<std::string> pwd_;
  mutable std::optional<std::string> start_directory_;
  InterpreterOptions options_;
};

}  // namespace sftp_program

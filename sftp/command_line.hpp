// sftp's command line (sftp(1)): the flags of OpenSSH 9.2's sftp, the destination
// ([user@]host[:path] or sftp://[user@]host[:port][/path]) and the ssh argv built
// exactly as OpenSSH builds it, flags passed through in the order given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/base/result.hpp"

namespace sftp_program {

struct SftpCommandLine {
  // The program to run and its argv: ssh (or -S program) with its options, or the
  // -D server command split at blanks.
  std::vector<std::string> server_argv;
  std::optional<std::string> direct_server;  // -D: talk to this sftp-server over pipes
  std::string host;
  std::optional<std::string> remote_path;  // host:path / sftp://host/path
  std::optional<std::string> local_path;   // the optional second operand
  std::optional<std::string> batch_file;   // -b ("-" = stdin)
  bool quiet = false;
  bool show_progress = true;
  bool recursive = false;  // -r
  bool resume = false;     // -a
  bool preserve = false;   // -p
  bool fsync = false;      // -f
  std::uint32_t buffer_size = 0;      // -B / -X buffer= (0: the server's limits, as OpenSSH 9)
  std::uint32_t requests = 0;         // -R / -X nrequests= (0: the session fills 64 MiB)
  std::uint64_t limit_kbps = 0;       // -l (Kbit/s)
  int verbosity = 0;                  // -v count
};

// How a bad command line ends: usage text and exit 1, or a fatal message and exit 255.
enum class CommandLineFailure { kUsage, kFatal };
struct CommandLineError {
  CommandLineFailure kind;
  std::string message;  // the fatal text (OpenSSH's words), empty for usage
};

// `args` excludes argv[0]. On failure `error` says what to print.
std::optional<SftpCommandLine> parse_command_line(const std::vector<std::string>& args, CommandLineError& error);

// The usage text OpenSSH 9.2's sftp prints (to stderr, then exit 1).
std::string_view usage_text();

// Destination forms: sftp:// URI and [user@]host[:path]. Exposed for tests.
struct Destination {
  std::optional<std::string> user;
  std::string host;
  int port = -1;
  std::optional<std::string> path;
};
std::optional<Destination> parse_destination(const std::string& arg);

}  // namespace sftp_program

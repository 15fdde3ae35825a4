// The command line of scp(1): OpenSSH 9.2's flags, and the argument lists it hands to
// ssh (one for ordinary connections, one for the ssh that -R runs on the origin).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scp {

enum class Mode : std::uint8_t { kSftp, kScp };

struct ScpOptions {
  Mode mode = Mode::kSftp;
  std::string ssh_program;                 // -S; "" = the default (see default_ssh_program)
  std::vector<std::string> ssh_args;       // after the program name: -x -oPermitLocalCommand=no ...
  std::vector<std::string> remote_remote_args;  // the pass-through flags alone, for -R
  int port = -1;                           // -P
  bool through_local = true;               // -3 (default since OpenSSH 8.7), -R turns it off
  bool preserve = false;                   // -p
  bool recursive = false;                  // -r
  bool quiet = false;                      // -q: no progress meter
  int verbose = 0;                         // -v count
  bool no_strict_names = false;            // -T
  std::uint64_t limit_kbps = 0;            // -l, already in bits per second (Kbit/s * 1024)
  std::string sftp_direct;                 // -D sftp_server_path
  std::uint32_t sftp_requests = 0;         // -X nrequests=
  std::uint32_t sftp_buffer = 0;           // -X buffer=
  // Remote (server) modes, run by ssh on the far side: -t sink, -f source, -d.
  bool sink_mode = false;
  bool source_mode = false;
  bool target_should_be_directory = false;
  std::vector<std::string> operands;
};

// What went wrong on the command line: print `message` (if any) then the usage text,
// exit 1; or, for fatal errors such as a bad port, the message alone with exit 255.
struct UsageError {
  std::string message;
  int exit_code = 1;
  bool print_usage = true;
};

struct ParsedCommandLine {
  ScpOptions options;
  std::optional<UsageError> error;
};

ParsedCommandLine parse_command_line(const std::vector<std::string>& argv);

std::string_view usage_text();

}  // namespace scp

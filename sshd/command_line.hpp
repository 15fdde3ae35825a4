// sshd's command line (sshd(8) of OpenSSH 9.2): the flags, their OpenSSH error texts
// and the usage text.
//
// Flags that OpenSSH stores straight into the options before the file is read
// (-4 -6 -g -h -q -d) become config lines here, placed before the file's lines:
// sshd_config is first-value-wins, so they win exactly as they do in OpenSSH.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sshcore/base/result.hpp"

namespace sshd {

inline constexpr const char* kDefaultConfigFile = "/etc/ssh/sshd_config";

struct CommandLine {
  std::vector<std::string> argv;  // as given, for SIGHUP and the per-connection re-exec
  std::string config_file = kDefaultConfigFile;
  // Config lines that come before the file: -o options and the flags above, in order.
  // The -o ones are also checked one by one as "command-line" lines.
  std::vector<std::string> early_lines;
  std::vector<std::string> option_lines;  // only the -o arguments, as written
  std::vector<int> ports;                 // -p: replace every Port of the file
  std::optional<std::string> grace_time;  // -g as written ("Invalid login grace time.")
  std::vector<std::string> host_certs;    // -c
  std::optional<std::string> connection_spec;  // -C
  std::string log_file;                   // -E
  int debug = 0;                          // -d count (1..3)
  int test = 0;                           // 1: -t, 2: -T
  bool no_daemon = false;                 // -D
  bool log_stderr = false;                // -e (and -E, -d)
  bool quiet = false;                     // -q
  bool inetd = false;                     // -i
  bool print_version = false;             // -V
  bool no_rexec = false;                  // -r: serve connections from a fork, no exec
  // Hidden: this process is the per-connection re-exec (socket on 0/1, the listener's
  // config snapshot on kConfigSnapshotFd, the MaxStartups pipe on kStartupPipeFd).
  bool rexeced = false;
};

// Descriptors a re-executed per-connection process finds open (OpenSSH's
// REEXEC_STARTUP_PIPE_FD and REEXEC_CONFIG_PASS_FD).
inline constexpr int kStartupPipeFd = 4;
inline constexpr int kConfigSnapshotFd = 5;
// The hidden flag that selects the per-connection mode (OpenSSH 9.2 uses -R too).
inline constexpr const char* kRexecFlag = "-R";

// What to print and the exit status when the command line is refused.
struct CommandLineExit {
  int status = 1;
  std::string message;  // for stderr, each line ending in '\n'
  // OpenSSH prints these through its logger (error()/fatal(), so "\r\n" on stderr)
  // rather than with fprintf.
  bool through_log = false;
};

// argv[0] is the program. A refusal carries OpenSSH's text (usage after
// "unknown option -- x", "Bad port number.", "Invalid login grace time.", ...).
struct ParsedCommandLine {
  std::optional<CommandLine> line;
  std::optional<CommandLineExit> exit;
};
ParsedCommandLine parse_command_line(const std::vector<std::string>& argv);

// "OpenSSH-like version, OpenSSL version" as -V and usage print it.
std::string version_line();
std::string usage_text();

}  // namespace sshd

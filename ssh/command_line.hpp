// ssh's command line (ssh.c main(), OpenSSH 9.2): BSD getopt over
// "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:PQ:R:S:TVw:W:XYy", the destination
// (user@host or ssh://user@host:port), options again after the destination, and the remote
// command joined with spaces.
//
// Flags become settings applied to the options before any file is read, in OpenSSH's way:
// some override what an earlier -o set (-c, -m, -b, -4, -t ...), others only fill an unset
// slot (-p, -l). They are kept as a list of steps so they can be replayed onto fresh options
// for the second ("Match final") pass.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/base/result.hpp"
#include "sshcore/config/ssh_config.hpp"

namespace ssh {

// Exit codes and texts for what ends ssh before it connects.
struct CommandLineExit {
  int status = 255;
  std::string out;   // printed on stdout (-Q answers)
  std::string err;   // printed on stderr as is (usage, "Bad port 'x'", fatal messages + "\n")
};

using OptionStep = std::function<sshcore::Result<void>(sshcore::config::SshConfigParser&,
                                                       sshcore::config::SshOptions&)>;

struct CommandLine {
  std::string program;             // argv[0] (ProxyJump runs it again)
  std::vector<OptionStep> steps;   // in command-line order
  std::string destination;         // host as given (after user@ / ssh:// are taken off)
  std::optional<std::string> destination_user;
  std::optional<int> destination_port;
  std::string command;             // remote command, words joined with ' '
  bool has_command = false;
  std::optional<std::string> config_file;  // -F ("none": no files)
  std::optional<std::string> log_file;     // -E
  bool use_syslog = false;                 // -y
  bool config_test = false;                // -G
  int debug_flag = 0;                      // number of -v (capped as OpenSSH)
  std::optional<std::string> query;        // -Q
  std::optional<std::string> mux_command;  // -O
  std::optional<std::string> stdio_forward;  // -W
  bool want_version = false;               // -V
  bool gssapi = false;                     // -K
  bool escape_char_given = false;          // -e: escapes work without a pty too
  std::vector<std::string> warnings;       // "Warning: Identity file x not accessible: ..."
};

// Parses argv (argv[0] is the program). `home` expands "~" in -i. On a usage error, -V, -Q
// and the like returns the exit to take.
sshcore::Result<CommandLine> parse_command_line(const std::vector<std::string>& argv,
                                                const std::string& home,
                                                std::optional<CommandLineExit>& exit_now);

// Applies the steps to `options` (the parser's target host may still be empty).
sshcore::Result<void> apply_command_line(const CommandLine& cl, sshcore::config::SshConfigParser& parser,
                                         sshcore::config::SshOptions& options);

// ssh's usage text (stderr, exit 255).
std::string_view usage_text();

// -e / EscapeChar syntax: "^X", one character, "none" (-2); nullopt when bad.
std::optional<int> parse_escape_char(std::string_view text);

}  // namespace ssh

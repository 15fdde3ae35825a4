// Reading ssh_config(5) files for one destination, as OpenSSH 9.2's readconf.c does:
// Host and Match blocks, Include, first obtained value wins, accumulating keywords, and
// OpenSSH's messages ("FILE: line N: Bad configuration option: x"). The core does no file
// I/O and runs no commands: the caller injects a file reader, a glob and Match exec.
//
// Typical use (ssh's main):
//   SshConfigEnvironment env = ...;             // reader, glob, exec, home, user, hostname
//   SshTarget target{.host = "example", .original_host = "example"};
//   SshOptions options;
//   SshConfigParser parser(env, target, options);   // keeps references to all three
//   parser.apply_command_line("Port=2222");     // each -o, before the files
//   parser.read_file(home + "/.ssh/config", ConfigOrigin::kUser);  // or the -F file
//   parser.read_file("/etc/ssh/ssh_config", ConfigOrigin::kSystem); // not with -F
//   for (auto& m : parser.messages()) print m.text at m.level;  // any failure: exit 255
//   if (parser.want_final_pass()) { target.final_pass = true; read everything again into
//                                   fresh SshOptions with a new parser }
//   finalize_ssh_options(options, env, target);
//   std::cout << dump_ssh_config(options, target);             // ssh -G
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/log.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/env_expansion.hpp"
#include "sshcore/config/ssh_options.hpp"

namespace sshcore::config {

struct SshConfigEnvironment {
  // Whole contents of a file; Errc::kNotFound when it does not exist.
  std::function<Result<std::string>(const std::string& path)> read_file;
  // Paths matching a glob(7) pattern (any order; sorted here), empty when none.
  std::function<std::vector<std::string>(const std::string& pattern)> glob;
  // Runs a Match exec command through the user's shell; its exit status.
  std::function<Result<int>(const std::string& command)> exec;
  EnvLookup getenv;
  std::string home_dir;         // "~" and %d
  std::string local_user;       // %u and Match localuser
  std::string uid;              // %i
  std::string local_hostname;   // %l (gethostname), %L is its first label
  std::string user_config_dir = {};          // base of relative Include in user files; empty: home/.ssh
  std::string system_config_dir = "/etc/ssh";  // base of relative Include in system files
};

// The destination being configured and the pass (ssh re-reads the files after hostname
// canonicalisation and for "Match final").
struct SshTarget {
  std::string host;            // destination from the command line (Host matches it)
  std::string original_host;   // before canonicalisation (%n, Match originalhost)
  bool post_canon = false;     // Match canonical
  bool final_pass = false;     // Match final
};

enum class ConfigOrigin { kUser, kSystem };

struct ConfigMessage {
  log::Level level;
  std::string text;
};

class SshConfigParser {
 public:
  SshConfigParser(const SshConfigEnvironment& env, const SshTarget& target, SshOptions& options);

  // One -o option ("Keyword=value"), reported as "command-line line 0".
  Result<void> apply_command_line(std::string_view text);
  // Reads one file. Returns false when it does not exist. A file with bad lines fails with
  // "FILE: terminating, N bad configuration options" after reporting each line.
  Result<bool> read_file(const std::string& path, ConfigOrigin origin);
  // Parses text as if read from `name` (tests, fuzzing).
  Result<void> read_text(std::string_view text, std::string_view name, ConfigOrigin origin);

  // Errors and warnings, in order, in OpenSSH's wording (the caller prints them).
  const std::vector<ConfigMessage>& messages() const { return messages_; }
  // A "Match final" (or canonical) block was seen: ssh should read the files again with
  // SshTarget::final_pass set.
  bool want_final_pass() const { return want_final_pass_; }

 private:
  friend struct SshLineProcessor;
  Result<void> read_depth(std::string_view text, std::string_view name, ConfigOrigin origin,
                          bool never_match, int depth);
  Result<void> include(const std::vector<std::string>& args, std::string_view name, int line,
                       ConfigOrigin origin, bool active, int depth, int& bad);

  const SshConfigEnvironment& env_;
  const SshTarget& target_;
  SshOptions& options_;
  std::vector<ConfigMessage> messages_;
  bool want_final_pass_ = false;
};

// Which "%x" tokens a keyword accepts (ssh_config(5) TOKENS, OpenSSH 9.2):
enum class SshTokenSet {
  kConnection,    // CertificateFile ControlPath IdentityAgent IdentityFile KnownHostsCommand
                  // LocalForward RemoteForward Match-exec RemoteCommand UserKnownHostsFile:
                  // %% %C %d %h %i %j %k %L %l %n %p %r %u  (%j: ProxyJump, from OpenSSH 9.5)
  kHostname,      // HostName: %% %h
  kProxy,         // ProxyCommand ProxyJump: %% %h %n %p %r
  kLocalCommand,  // LocalCommand: kConnection plus %T (pass it in `extra`)
};

// The kConnection tokens for the options obtained so far.
std::map<char, std::string> ssh_client_tokens(const SshOptions& options,
                                              const SshConfigEnvironment& env,
                                              const SshTarget& target);

struct SshExpansion {
  SshTokenSet tokens = SshTokenSet::kConnection;
  bool tilde = false;     // a leading "~" is the home directory (paths)
  bool dollars = false;   // "${VAR}" from the environment (ssh_config(5) ENVIRONMENT VARIABLES)
  std::map<char, std::string> extra{};  // %T for LocalCommand; %f %H %I %K %t for KnownHostsCommand
};

// Expands one value as ssh does when it uses it, e.g. for IdentityFile:
//   expand_ssh_value(file, {.tilde = true, .dollars = true}, options, env, target)
// Errors (kInvalidArgument): "unknown key %x", "env var ${X} has no value", ...
Result<std::string> expand_ssh_value(std::string_view value, const SshExpansion& how,
                                     const SshOptions& options, const SshConfigEnvironment& env,
                                     const SshTarget& target);

// What ssh does between reading the files and "-G": HostName %h expansion, the User default,
// every default of fill_default_options(), algorithm lists assembled, and token/~ expansion
// of ControlPath, RemoteCommand, IdentityAgent, ForwardAgent, known-hosts files.
Result<void> finalize_ssh_options(SshOptions& options, const SshConfigEnvironment& env,
                                  const SshTarget& target);

// "ssh -G" output: one "keyword value" per line in OpenSSH's order (finalized options).
std::string dump_ssh_config(const SshOptions& options, const SshTarget& target);

}  // namespace sshcore::config

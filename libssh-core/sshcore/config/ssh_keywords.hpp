// The ssh_config keyword table: one row per spelling (aliases included), saying which
// option slot it fills and how its arguments are read. Parsing, defaults and "-G" all
// read this table (EXAMPLES.md section E).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/config/ssh_config.hpp"
#include "sshcore/config/ssh_options.hpp"
#include "sshcore/transport/algorithm_list.hpp"

namespace sshcore::config {

enum class SshKwKind : std::uint8_t {
  kFlag,          // yes/no/true/false
  kChoice,        // multistate words (choices)
  kInt,           // non-negative integer
  kTime,          // sshd_config(5) TIME FORMATS
  kPort,
  kString,        // one argument, first wins
  kWords,         // several arguments, first line wins (GlobalKnownHostsFile, ...)
  kAppendOne,     // one argument per line, every line adds (IdentityFile, CertificateFile)
  kCommand,       // the rest of the line as written (ProxyCommand, ...)
  kAlgorithms,
  kForward,       // LocalForward / RemoteForward / DynamicForward
  kSpecial,       // a parser of its own (EscapeChar, LogLevel, ...)
  kHost, kMatch, kInclude,
  kDeprecated,    // accepted, debug "Deprecated option"
  kUnsupported,   // accepted, error "Unsupported option"
  kIgnore,        // accepted silently (Protocol)
};

struct SshChoice {
  std::string_view word;
  int value;
};

struct SshKeyword {
  std::string_view name;  // lowercase spelling
  SshOpt opt;
  SshKwKind kind;
  std::span<const SshChoice> choices{};
  transport::AlgorithmKind algorithms{};
};

// Case-insensitive lookup; nullptr for an unknown keyword.
const SshKeyword* find_ssh_keyword(std::string_view name);
std::span<const SshKeyword> ssh_keywords();
// yes/no/true/false, for keywords that take a flag or something else (ForwardAgent, ...).
std::span<const SshChoice> ssh_flag_choices();
// The word "-G" prints for a multistate value (the first row with that value).
std::string_view ssh_choice_name(SshOpt opt, std::int64_t value);

// One line being applied: where it is, its arguments, and where messages go.
struct SshLine {
  std::string_view file;
  int line;
  std::string keyword;          // lowercased
  std::vector<std::string> args;
  std::string rest;             // raw text after the keyword (commands)
  bool active;
  std::vector<ConfigMessage>* messages;

  void error(std::string text) const;     // "FILE line N: text"
};

// Applies a value keyword (everything but Host/Match/Include). False = a bad option.
bool apply_ssh_keyword(const SshKeyword& kw, const SshLine& line, SshOptions& options);

}  // namespace sshcore::config

// ssh's escape sequences on the input of an interactive session (clientloop.c
// process_escapes): the escape character (EscapeChar, "~" by default) is recognised only at
// the start of a line; it and the following character become a command instead of data.
// The filter only splits the input; the session carries the commands out and prints
// OpenSSH's texts (escape_text()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sshcore/base/bytes.hpp"

namespace ssh {

enum class EscapeCommand : std::uint8_t {
  kData,            // bytes to send to the server
  kTerminate,       // ~.
  kSuspend,         // ~^Z
  kBackground,      // ~&
  kSendBreak,       // ~B
  kRekey,           // ~R
  kLogLess,         // ~V
  kLogMore,         // ~v
  kListConnections, // ~#
  kHelp,            // ~?
  kCommandLine,     // ~C
};

struct EscapeEvent {
  EscapeCommand command = EscapeCommand::kData;
  sshcore::Bytes data;  // kData only
};

class EscapeFilter {
 public:
  // `escape_char` < 0 disables escapes (all input is data).
  explicit EscapeFilter(int escape_char) : escape_(escape_char) {}

  // Splits `in` into data and commands, in order. Input after ~. is dropped.
  std::vector<EscapeEvent> feed(sshcore::ByteView in);

  int escape_char() const { return escape_; }

 private:
  int escape_;
  bool at_line_start_ = true;   // the session starts at a line start (OpenSSH's last_was_cr = 1)
  bool pending_ = false;        // saw the escape character at a line start
};

// "Supported escape sequences:" as ~? prints it (no mux, command line disabled), "\r\n" ends.
std::string escape_help_text(int escape_char);

}  // namespace ssh

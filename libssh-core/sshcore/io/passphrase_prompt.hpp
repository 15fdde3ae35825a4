// Asking the user for a passphrase the way OpenSSH's read_passphrase() does:
// on the controlling terminal with echo off, else through SSH_ASKPASS when a
// display (or SSH_ASKPASS_REQUIRE) allows it, else on stdin/stderr.
#pragma once

#include <optional>
#include <string_view>

#include "sshcore/base/secret.hpp"

namespace sshcore::io {

// OpenSSH's RP_* flags.
enum PromptFlag : unsigned {
  kPromptEcho = 1u << 0,         // RP_ECHO: show what is typed
  kPromptAllowStdin = 1u << 1,   // RP_ALLOW_STDIN: without a tty, read stdin (prompt on stderr)
  kPromptAllowEof = 1u << 2,     // RP_ALLOW_EOF: report EOF/failure as nullopt, not ""
  kPromptUseAskpass = 1u << 3,   // RP_USE_ASKPASS: always use the askpass program
};

// The default askpass program when SSH_ASKPASS is unset (Debian's path).
inline constexpr std::string_view kDefaultAskpass = "/usr/bin/ssh-askpass";

// Returns what the user typed, without the line end, at most 1023 bytes.
// On EOF or failure: "" (an empty SecretBytes), or nullopt with kPromptAllowEof.
// Decision order (readpass.c): DISPLAY non-empty allows askpass;
// SSH_ASKPASS_REQUIRE=force uses it always, =prefer uses it when allowed, =never
// forbids it. Otherwise, with kPromptAllowStdin and a stdin that is not a tty,
// askpass is used when allowed; in every other case the prompt goes to
// /dev/tty (or, when there is none, stderr, the answer then coming from stdin).
std::optional<SecretBytes> read_passphrase(std::string_view prompt, unsigned flags);

// The terminal part alone (OpenBSD readpassphrase(3) semantics): prompt on
// /dev/tty, echo off unless `echo`, input ends at '\n' or '\r'. When /dev/tty
// cannot be opened: fails if `require_tty`, else uses stdin and stderr. A signal
// that arrives while reading restores the terminal and is re-raised.
std::optional<SecretBytes> read_from_terminal(std::string_view prompt, bool echo, bool require_tty);

// Runs `askpass prompt` and returns the first line it prints; nullopt when it
// cannot run or exits non-zero.
std::optional<SecretBytes> run_askpass(std::string_view askpass, std::string_view prompt);

}  // namespace sshcore::io

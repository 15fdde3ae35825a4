// Choosing the passphrase a key is saved with: -P / -N from the command line, or
// asked twice on the terminal (OpenSSH's private_key_passphrase()).
#pragma once

#include <string_view>

#include "invocation.hpp"
#include "sshcore/base/secret.hpp"

namespace sshkeygen {

// One answer to `prompt` (OpenSSH's read_passphrase(prompt, RP_ALLOW_STDIN)):
// the terminal with echo off, or stdin when there is none; "" on EOF or failure.
sshcore::SecretBytes ask_passphrase(std::string_view prompt);

// For a new key (generation): -P, else -N, else "Enter passphrase (empty for no
// passphrase): " and "Enter same passphrase again: " until both answers agree
// ("Passphrases do not match.  Try again." in between).
sshcore::SecretBytes new_private_key_passphrase(const Invocation& inv);

}  // namespace sshkeygen

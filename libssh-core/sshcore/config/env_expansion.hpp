// "${VAR}" references and a leading "~" in ssh_config values, with OpenSSH's rules
// (misc.c dollar_expand / tilde_expand_filename): an unset variable is an error, never an
// empty string, so a typo cannot build a path the user did not mean. "%x" tokens are
// percent_expand.hpp's.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sshcore/base/result.hpp"

namespace sshcore::config {

// Looks a variable up in the environment (injected: the core reads no global state).
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Replaces each "${NAME}" by the variable's value. Errors (kInvalidArgument):
// "env var ${NAME} has no value", "unterminated variable reference".
Result<std::string> dollar_expand(std::string_view text, const EnvLookup& env);

// A user's home directory from the passwd database (injected: the core does no lookups).
using HomeLookup = std::function<std::optional<std::string>(std::string_view user)>;

// "~" or "~/x" becomes home (+ "/x"); "~user" or "~user/x" the user's home (+ "/x")
// when `home_of` is given and knows the user. Otherwise it fails with "No such user
// for ~user/...".
Result<std::string> tilde_expand(std::string_view path, std::string_view home, const HomeLookup& home_of = {});

}  // namespace sshcore::config

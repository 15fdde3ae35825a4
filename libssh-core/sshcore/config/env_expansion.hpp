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

// "~" or "~/x" becomes home (+ "/x"). "~user/..." needs a passwd lookup the core does not
// do: it fails with "No such user for ~user/...".
Result<std::string> tilde_expand(std::string_view path, std::string_view home);

}  // namespace sshcore::config

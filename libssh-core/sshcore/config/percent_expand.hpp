// OpenSSH's percent_expand(): "%x" tokens replaced from a table, "%%" a literal '%'.
// An unknown token or a lone trailing '%' is an error, as in misc.c.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "sshcore/base/result.hpp"

namespace sshcore::config {

// Errors (kInvalidArgument) read like OpenSSH's fatal texts: "unknown key %x",
// "invalid format" (for a trailing '%').
Result<std::string> expand_tokens(std::string_view text, const std::map<char, std::string>& tokens);

}  // namespace sshcore::config

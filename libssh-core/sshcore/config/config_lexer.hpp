// How OpenSSH splits one configuration line (ssh_config and sshd_config): the keyword
// ends at whitespace or one '=' (misc.c strdelim), the rest is split into arguments as
// argv_split() does (double or single quotes, backslash escapes of quotes, backslash and
// space, '#' at the start of an argument ends the line). Shared by both config formats.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshcore::config {

struct ConfigLine {
  std::string keyword;            // as written (lookup is the caller's, case-insensitive)
  std::string rest;               // raw text after the keyword and its separator, for
                                  // keywords that take the whole line (ForceCommand, ...)
  std::vector<std::string> args;  // argv_split() of `rest`
};

enum class LexError {
  kNoArgument,     // "no argument after keyword"
  kInvalidQuotes,  // an argument's quote is never closed
};

struct LexResult {
  std::optional<ConfigLine> line;  // empty for blank and comment lines
  std::optional<LexError> error;   // set when the line is malformed (keyword is then filled in)
  std::string keyword;             // the keyword, also when `error` is set
};

// One line without its newline. Leading " \t\r" and trailing " \t\r\n\f" are dropped
// as OpenSSH's loader and line processor do.
LexResult lex_config_line(std::string_view line);

// argv_split(s, terminate_on_comment): nullopt on an unterminated quote.
std::optional<std::vector<std::string>> split_arguments(std::string_view s, bool terminate_on_comment);

// One strdelim() step with '=' as a separator: the next word of `s` (quotes removed),
// advancing `s` past it and its separator; nullopt when nothing is left or a quote is
// not closed. Match criteria are read with it, as servconf.c does.
std::optional<std::string> next_word(std::string_view& s, bool split_equals = true);

}  // namespace sshcore::config

#include "sshcore/config/config_lexer.hpp"

namespace sshcore::config {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

bool is_space(char c) { return kWhitespace.find(c) != std::string_view::npos; }

std::string_view skip_spaces(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && is_space(s[n])) ++n;
  return s.substr(n);
}

}  // namespace

std::optional<std::string> next_word(std::string_view& s, bool split_equals) {
  // strdelim() returns NULL only for a NULL string: an empty remainder yields "".
  std::size_t stop = 0;
  while (stop < s.size() && !is_space(s[stop]) && s[stop] != '"' && !(split_equals && s[stop] == '=')) ++stop;
  if (stop == s.size()) {
    std::string word(s);
    s = std::string_view{};
    return word;
  }
  std::string word(s.substr(0, stop));
  if (s[stop] == '"') {
    // The quote is removed and the word runs to the next quote; text before the
    // opening quote stays part of the word, as memmove() in strdelim leaves it.
    std::string_view after = s.substr(stop + 1);
    std::size_t close = after.find('"');
    if (close == std::string_view::npos) return std::nullopt;
    word += after.substr(0, close);
    s = skip_spaces(after.substr(close + 1));
    return word;
  }
  bool saw_equals = split_equals && s[stop] == '=';
  s = skip_spaces(s.substr(stop + 1));
  if (split_equals && !saw_equals && !s.empty() && s.front() == '=') s = skip_spaces(s.substr(1));
  return word;
}

std::optional<std::vector<std::string>> split_arguments(std::string_view s, bool terminate_on_comment) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    if (terminate_on_comment && s[i] == '#') break;
    std::string arg;
    char quote = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\\') {
        char next = i + 1 < s.size() ? s[i + 1] : '\0';
        if (next == '\'' || next == '"' || next == '\\' || (quote == 0 && next == ' ')) {
          ++i;
          arg += next;
        } else {
          arg += c;  // an unknown escape keeps its backslash
        }
      } else if (quote == 0 && (c == ' ' || c == '\t')) {
        break;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else {
        arg += c;
      }
    }
    if (quote != 0) return std::nullopt;
    out.push_back(std::move(arg));
  }
  return out;
}

LexResult lex_config_line(std::string_view line) {
  LexResult result;
  std::size_t start = 0;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t' || line[start] == '\r')) ++start;
  line.remove_prefix(start);
  // servconf.c strips trailing whitespace down to (not including) the first byte.
  while (line.size() > 1 && (is_space(line.back()) || line.back() == '\f')) line.remove_suffix(1);
  std::string_view rest = line;
  std::optional<std::string> keyword = next_word(rest);
  if (!keyword) return result;
  if (keyword->empty()) keyword = next_word(rest);
  if (!keyword || keyword->empty() || keyword->front() == '#') return result;
  result.keyword = *keyword;
  if (rest.empty()) {
    result.error = LexError::kNoArgument;
    return result;
  }
  auto args = split_arguments(rest, true);
  if (!args) {
    result.error = LexError::kInvalidQuotes;
    return result;
  }
  result.line = ConfigLine{*keyword, std::string(rest), std::move(*args)};
  return result;
}

}  // namespace sshcore::config

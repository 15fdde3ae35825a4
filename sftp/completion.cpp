#include "completion.hpp"

#include <strings.h>

#include <algorithm>

#include "command_parser.hpp"
#include "remote_path.hpp"

namespace sftp_program {
namespace {

std::string common_prefix(const std::vector<std::string>& list) {
  if (list.empty()) return {};
  std::string prefix = list.front();
  for (const auto& s : list) {
    std::size_t n = 0;
    while (n < prefix.size() && n < s.size() && prefix[n] == s[n]) n++;
    prefix.resize(n);
  }
  return prefix;
}

bool has_unescaped_glob(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); i++) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      i++;
      continue;
    }
    if (s[i] == '*' || s[i] == '?' || s[i] == '[') return true;
  }
  return false;
}

// The typed form of completed text: characters the command parser treats specially
// get a backslash, unless inside quotes (where only that quote needs one).
std::string escape_for_line(std::string_view text, char quote) {
  std::string out;
  for (char c : text) {
    bool special = c == '\'' || c == '"' || c == '\\' || c == '\t' || c == '[' || c == ' ' || c == '#' || c == '*';
    if (special && (quote == '\0' || c == quote)) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

CompletionResult complete_line(std::string_view before_cursor, CompletionSource& source) {
  CompletionResult result;
  // An open quote is closed for parsing (makeargv's "sloppy" mode) and remembered.
  std::string error;
  char quote = '\0';
  auto words = split_command_words(before_cursor, error);
  for (char q : {'\'', '"'}) {
    if (words) break;
    auto closed = split_command_words(std::string(before_cursor) + q, error);
    if (closed) {
      words = closed;
      quote = q;
    }
  }
  if (!words) return result;
  bool trailing_space = quote == '\0' && !before_cursor.empty() &&
                        (before_cursor.back() == ' ' || before_cursor.back() == '\t');

  if (words->empty() || (words->size() == 1 && !trailing_space)) {
    std::string word = words->empty() ? std::string() : words->front();
    std::vector<std::string> matches;
    for (auto name : command_names()) {
      if (name.size() >= word.size() && ::strncasecmp(name.data(), word.c_str(), word.size()) == 0)
        matches.emplace_back(name);
    }
    if (matches.empty()) return result;
    if (matches.size() > 1) result.candidates = matches;
    std::string common = common_prefix(matches);
    if (common.size() > word.size()) result.insert = common.substr(word.size());
    if (matches.size() == 1) result.insert += ' ';
    return result;
  }

  PathSide side = command_path_side(words->front());
  if (side == PathSide::kNone) return result;
  std::string word = trailing_space || words->size() == 1 ? std::string() : words->back();
  std::string pattern = word + "*";
  bool absolute = !pattern.empty() && pattern.front() == '/';
  std::string remote_pwd = source.remote_directory();
  std::vector<std::string> matches;
  if (side == PathSide::kRemote)
    matches = source.remote_matches(make_absolute(pattern, remote_pwd));
  else
    matches = source.local_matches(pattern);
  if (matches.empty()) return result;

  // Listed names lose the directory the user already typed.
  std::size_t shown_from = 0;
  std::string typed_dir = side == PathSide::kRemote ? make_absolute(pattern, remote_pwd) : pattern;
  if (auto slash = typed_dir.rfind('/'); slash != std::string::npos) shown_from = slash + 1;
  if (matches.size() > 1) {
    for (const auto& m : matches) result.candidates.push_back(m.size() > shown_from ? m.substr(shown_from) : m);
  }
  if (has_unescaped_glob(word)) return result;

  std::string common = common_prefix(matches);
  if (side == PathSide::kRemote && !absolute) common = path_strip(common, std::string_view(remote_pwd));
  std::string plain_word = undo_glob_escape(word);
  if (common.size() > plain_word.size() && common.compare(0, plain_word.size(), plain_word) == 0)
    result.insert = escape_for_line(common.substr(plain_word.size()), quote);
  if (matches.size() == 1 && !matches.front().ends_with("/")) {
    if (quote != '\0') result.insert += quote;
    result.insert += ' ';
  }
  return result;
}

}  // namespace sftp_program

#include "sshcore/config/percent_expand.hpp"

namespace sshcore::config {

Result<std::string> expand_tokens(std::string_view text, const std::map<char, std::string>& tokens) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 1 >= text.size()) return fail(Errc::kInvalidArgument, "invalid format");
    char key = text[++i];
    if (key == '%') {
      out += '%';
      continue;
    }
    auto it = tokens.find(key);
    if (it == tokens.end()) return fail(Errc::kInvalidArgument, std::string("unknown key %") + key);
    out += it->second;
  }
  return out;
}

}  // namespace sshcore::config

#include "sshcore/config/env_expansion.hpp"

#include <algorithm>

namespace sshcore::config {

Result<std::string> dollar_expand(std::string_view text, const EnvLookup& env) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) != "${") {
      out.push_back(text[i++]);
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return fail(Errc::kInvalidArgument, "unterminated variable reference");
    }
    const std::string_view name = text.substr(i + 2, close - i - 2);
    std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (!value) {
      return fail(Errc::kInvalidArgument, "env var ${" + std::string(name) + "} has no value");
    }
    out += *value;
    i = close + 1;
  }
  return out;
}

Result<std::string> tilde_expand(std::string_view path, std::string_view home, const HomeLookup& home_of) {
  if (path.empty() || path[0] != '~') return std::string(path);
  const std::size_t slash = std::min(path.find('/'), path.size());
  std::string out(home);
  if (slash > 1) {
    std::optional<std::string> theirs = home_of ? home_of(path.substr(1, slash - 1)) : std::nullopt;
    if (!theirs) return fail(Errc::kInvalidArgument, "No such user for " + std::string(path));
    out = std::move(*theirs);
  }
  const std::string_view rest = path.substr(slash);
  if (!rest.empty()) {
    while (!out.empty() && out.back() == '/') out.pop_back();
    out += rest;
  }
  return out;
}

}  // namespace sshcore::config

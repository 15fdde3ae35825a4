#include "sshcore/config/ssh_config.hpp"

#include <algorithm>

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/config_lexer.hpp"
#include "sshcore/config/ssh_keywords.hpp"
#include "sshcore/config/ssh_match.hpp"

namespace sshcore::config {
namespace {

// readconf.c READCONF_MAX_DEPTH.
constexpr int kMaxIncludeDepth = 16;

std::string at(std::string_view file, int line) {
  return std::string(file) + " line " + std::to_string(line) + ": ";
}

}  // namespace

// Applies one lexed line; false counts a bad option.
struct SshLineProcessor {
  SshConfigParser& p;
  std::string_view file;
  int line;
  ConfigOrigin origin;
  bool never_match;
  bool command_line;
  int depth;

  bool process(std::string_view text, bool& active, int& bad) {
    LexResult lex = lex_config_line(text);
    if (lex.keyword.empty()) return true;
    const std::string keyword = ascii_lowercase(lex.keyword);
    auto& msgs = p.messages_;
    if (lex.error == LexError::kNoArgument) {
      msgs.push_back({log::Level::kError, at(file, line) + "no argument after keyword \"" + keyword + "\""});
      return false;
    }
    const SshKeyword* kw = find_ssh_keyword(keyword);
    if (kw == nullptr) {
      const std::string* ignore = p.options_.text(SshOpt::kIgnoreUnknown);
      if (ignore != nullptr && match_pattern_list(keyword, *ignore, true) == 1) return true;
      msgs.push_back({log::Level::kError, std::string(file) + ": line " + std::to_string(line) +
                                              ": Bad configuration option: " + keyword});
      return false;
    }
    if (lex.error == LexError::kInvalidQuotes) {
      msgs.push_back({log::Level::kError, at(file, line) + "invalid quotes"});
      return false;
    }
    ConfigLine& cl = *lex.line;
    switch (kw->kind) {
      case SshKwKind::kHost: return host(cl.args, active);
      case SshKwKind::kMatch: return match(cl.rest, active);
      case SshKwKind::kInclude: {
        if (command_line) {
          msgs.push_back({log::Level::kError, "Include directive not supported as a command-line option"});
          return false;
        }
        auto r = p.include(cl.args, file, line, origin, active, depth, bad);
        if (!r) {
          msgs.push_back({log::Level::kError, r.error().detail});
          fatal_ = std::move(r.error());
          return false;
        }
        return true;
      }
      default: break;
    }
    SshLine l{file, line, keyword, std::move(cl.args), std::move(cl.rest), active, &msgs};
    return apply_ssh_keyword(*kw, l, p.options_);
  }

  bool host(const std::vector<std::string>& args, bool& active) {
    auto& msgs = p.messages_;
    if (command_line) {
      msgs.push_back({log::Level::kError, "Host directive not supported as a command-line option"});
      return false;
    }
    active = false;
    std::string_view applying;  // readconf.c logs the first pattern that matched
    for (const std::string& a : args) {
      if (a.empty()) {
        msgs.push_back({log::Level::kError, at(file, line) + "keyword host empty argument"});
        return false;
      }
      if (never_match) break;
      const bool negated = a[0] == '!';
      if (match_pattern(p.target_.host, negated ? std::string_view(a).substr(1) : std::string_view(a))) {
        if (negated) {
          msgs.push_back({log::Level::kDebug1, at(file, line) + "Skipping Host block because of negated match for " +
                                                  a.substr(1)});
          active = false;
          break;
        }
        if (!active) applying = std::string_view(a);
        active = true;
      }
    }
    if (active)
      msgs.push_back(
          {log::Level::kDebug1, at(file, line) + "Applying options for " + std::string(applying.substr(0, 100))});
    return true;
  }

  bool match(std::string_view rest, bool& active) {
    auto& msgs = p.messages_;
    if (command_line) {
      msgs.push_back({log::Level::kError, "Host directive not supported as a command-line option"});
      return false;
    }
    MatchInputs in{p.env_, p.target_, p.options_, file, line, &msgs};
    MatchOutcome m = evaluate_match(rest, in);
    if (m.wants_final_pass) p.want_final_pass_ = true;
    if (m.result < 0) {
      msgs.push_back({log::Level::kError, at(file, line) + "Bad Match condition"});
      return false;
    }
    active = never_match ? false : m.result == 1;
    return true;
  }

  std::optional<Error> fatal_;
};

SshConfigParser::SshConfigParser(const SshConfigEnvironment& env, const SshTarget& target,
                                 SshOptions& options)
    : env_(env), target_(target), options_(options) {}

Result<void> SshConfigParser::apply_command_line(std::string_view text) {
  SshLineProcessor proc{*this, "command-line", 0, ConfigOrigin::kUser, false, true, 0, {}};
  bool active = true;
  int bad = 0;
  if (!proc.process(text, active, bad)) return fail(Errc::kInvalidArgument, messages_.empty() ? "" : messages_.back().text);
  return {};
}

Result<bool> SshConfigParser::read_file(const std::string& path, ConfigOrigin origin) {
  if (!env_.read_file) return fail(Errc::kInvalidArgument, "no file reader");
  auto text = env_.read_file(path);
  if (!text) {
    if (text.error().code == Errc::kNotFound) return false;
    return fail(text.error());
  }
  messages_.push_back({log::Level::kDebug1, "Reading configuration data " + path});
  SSH_TRY_VOID(read_depth(*text, path, origin, false, 0));
  return true;
}

Result<void> SshConfigParser::read_text(std::string_view text, std::string_view name, ConfigOrigin origin) {
  return read_depth(text, name, origin, false, 0);
}

Result<void> SshConfigParser::read_depth(std::string_view text, std::string_view name, ConfigOrigin origin,
                                         bool never_match, int depth) {
  if (depth < 0 || depth > kMaxIncludeDepth) {
    return fail(Errc::kInvalidArgument, "Too many recursive configuration includes");
  }
  bool active = !never_match;
  int bad = 0;
  int linenum = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++linenum;
    SshLineProcessor proc{*this, name, linenum, origin, never_match, false, depth, {}};
    if (!proc.process(line, active, bad)) {
      if (proc.fatal_) return fail(std::move(*proc.fatal_));
      ++bad;
    }
  }
  if (bad > 0) {
    std::string text_msg = std::string(name) + ": terminating, " + std::to_string(bad) + " bad configuration options";
    messages_.push_back({log::Level::kFatal, text_msg});
    return fail(Errc::kInvalidArgument, std::move(text_msg));
  }
  return {};
}

Result<void> SshConfigParser::include(const std::vector<std::string>& args, std::string_view name, int line,
                                      ConfigOrigin origin, bool active, int depth, int& bad) {
  (void)bad;
  for (const std::string& arg : args) {
    if (arg.empty()) {
      messages_.push_back({log::Level::kError, at(name, line) + "keyword include empty argument"});
      ++bad;
      continue;
    }
    // Relative paths are under ~/.ssh for user files and /etc/ssh for system ones.
    std::string pattern;
    if (arg[0] == '~') {
      if (origin != ConfigOrigin::kUser) {
        messages_.push_back({log::Level::kError, at(name, line) + "bad include path " + arg + "."});
        ++bad;
        continue;
      }
      SSH_TRY(expanded, tilde_expand(arg, env_.home_dir));
      pattern = std::move(expanded);
    } else if (arg[0] != '/') {
      std::string base = origin == ConfigOrigin::kUser
                             ? (env_.user_config_dir.empty() ? env_.home_dir + "/.ssh" : env_.user_config_dir)
                             : env_.system_config_dir;
      pattern = base + "/" + arg;
    } else {
      pattern = arg;
    }
    std::vector<std::string> paths = env_.glob ? env_.glob(pattern) : std::vector<std::string>{};
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) {
      messages_.push_back({log::Level::kDebug1, at(name, line) + "include " + pattern + " matched no files"});
      continue;
    }
    for (const std::string& path : paths) {
      messages_.push_back({log::Level::kDebug3, at(name, line) + "Including file " + path + " depth " +
                                                    std::to_string(depth) + (active ? "" : " (parse only)")});
      auto text = env_.read_file(path);
      if (!text) {
        if (text.error().code == Errc::kNotFound) continue;
        return fail(Errc::kSystem, "Can't open user config file " + path + ": " + text.error().detail);
      }
      // An Include in an inactive block is parsed but can never activate anything.
      SSH_TRY_VOID(read_depth(*text, path, origin, !active, depth + 1));
    }
  }
  return {};
}

}  // namespace sshcore::config

#include "sshcore/config/ssh_match.hpp"

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/config_lexer.hpp"
#include "sshcore/config/percent_expand.hpp"

namespace sshcore::config {
namespace {

std::string where(const MatchInputs& in) {
  return std::string(in.file) + " line " + std::to_string(in.line) + ": ";
}

void error(const MatchInputs& in, std::string text) {
  in.messages->push_back({log::Level::kError, std::move(text)});
}

}  // namespace

MatchOutcome evaluate_match(std::string_view criteria, const MatchInputs& in) {
  MatchOutcome out;
  out.result = 1;
  int attributes = 0;
  std::string_view cp = criteria;
  // Match host compares against HostName (with %h) once one is obtained, as ssh.c does.
  std::string host = in.target.host;
  if (const std::string* hn = in.options.text(SshOpt::kHostname)) {
    auto expanded = expand_tokens(*hn, {{'h', in.target.host}});
    if (expanded) host = *expanded;
  }
  const std::string* user_opt = in.options.text(SshOpt::kUser);
  const std::string ruser = user_opt ? *user_opt : in.env.local_user;

  while (!cp.empty()) {
    std::optional<std::string> word = next_word(cp);
    if (!word || word->empty()) break;
    if ((*word)[0] == '#') {
      cp = {};
      break;
    }
    const std::string oattrib = *word;
    std::string_view attrib = oattrib;
    const bool negate = attrib[0] == '!';
    if (negate) attrib.remove_prefix(1);
    const std::string lattrib = ascii_lowercase(attrib);
    if (lattrib == "all") {
      std::string_view peek = cp;
      std::optional<std::string> arg = next_word(peek);
      if (attributes > 1 || (arg && !arg->empty() && (*arg)[0] != '#')) {
        error(in, where(in) + "'" + oattrib + "' cannot be combined with other Match attributes");
        out.result = -1;
        return out;
      }
      cp = {};
      if (out.result) out.result = negate ? 0 : 1;
      return out;
    }
    ++attributes;
    if (lattrib == "canonical" || lattrib == "final") {
      if (lattrib == "final") out.wants_final_pass = true;
      // OpenSSH 9.2 answers both from its "final pass" flag; a canonicalised re-read is one.
      const bool r = in.target.final_pass || in.target.post_canon;
      if (r == negate) out.result = 0;
      continue;
    }
    std::optional<std::string> arg = next_word(cp);
    if (!arg || arg->empty() || (*arg)[0] == '#') {
      error(in, "Missing Match criteria for " + std::string(attrib));
      out.result = -1;
      return out;
    }
    bool r = false;
    if (lattrib == "host") {
      r = match_hostname(host, *arg) == 1;
    } else if (lattrib == "originalhost") {
      r = match_hostname(in.target.original_host, *arg) == 1;
    } else if (lattrib == "user") {
      r = match_pattern_list(ruser, *arg, false) == 1;
    } else if (lattrib == "localuser") {
      r = match_pattern_list(in.env.local_user, *arg, false) == 1;
    } else if (lattrib == "exec") {
      SshTarget probe = in.target;
      auto tokens = ssh_client_tokens(in.options, in.env, probe);
      tokens['h'] = host;
      tokens['r'] = ruser;
      auto cmd = expand_tokens(*arg, tokens);
      if (!cmd) {
        error(in, where(in) + "Match exec: " + cmd.error().detail);
        out.result = -1;
        return out;
      }
      if (out.result != 1) continue;  // a failed criterion before it: exec is not run
      if (!in.env.exec) {
        error(in, where(in) + "match exec '" + *cmd + "' error");
        out.result = -1;
        return out;
      }
      auto status = in.env.exec(*cmd);
      if (!status) {
        error(in, where(in) + "match exec '" + *cmd + "' error");
        out.result = -1;
        return out;
      }
      r = *status == 0;
    } else {
      error(in, "Unsupported Match attribute " + std::string(attrib));
      out.result = -1;
      return out;
    }
    if (r == negate) out.result = 0;
  }
  if (attributes == 0) {
    error(in, "One or more attributes required for Match");
    out.result = -1;
  }
  return out;
}

}  // namespace sshcore::config

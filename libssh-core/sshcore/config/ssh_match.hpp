// Evaluation of ssh_config "Match" lines (readconf.c match_cfg_line of OpenSSH 9.2):
// all, canonical, final, exec, host, originalhost, user, localuser, each negatable with '!'.
#pragma once

#include <string_view>
#include <vector>

#include "sshcore/config/ssh_config.hpp"

namespace sshcore::config {

struct MatchInputs {
  const SshConfigEnvironment& env;
  const SshTarget& target;
  const SshOptions& options;   // HostName, User and Port obtained so far
  std::string_view file;
  int line;
  std::vector<ConfigMessage>* messages;
};

struct MatchOutcome {
  int result = 0;              // 1 match, 0 no match, -1 error (already reported)
  bool consumed_all = true;    // false: words were left after "all" (extra arguments)
  bool wants_final_pass = false;
};

// `criteria` is the raw text after "Match".
MatchOutcome evaluate_match(std::string_view criteria, const MatchInputs& in);

}  // namespace sshcore::config

// Evaluation of one sshd_config "Match" line (servconf.c match_cfg_line), internal to config/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sshcore/config/sshd_config.hpp"

namespace sshcore::config {

struct MatchOutcome {
  int result = 0;                   // 1 all criteria hold, 0 not, -1 bad condition
  std::vector<std::string> errors;  // lines OpenSSH logs before "Bad Match condition"
  bool fatal = false;               // the last error is itself fatal (no "Bad Match condition")
};

// `condition` is the text after "Match". Without a connection (start-up pass) only the
// syntax is checked and only "Match all" holds, as in OpenSSH.
MatchOutcome evaluate_match(std::string_view condition, int line, const ConnectionSpec* connection);

}  // namespace sshcore::config

// scp(1): parses the command line and runs the copy (OpenSSH 9.2's main, toremote,
// tolocal), or the remote side of the legacy protocol (`scp -t` / `scp -f`).
#pragma once

#include <string>
#include <vector>

namespace scp {

int scp_main(const std::vector<std::string>& argv);

}  // namespace scp

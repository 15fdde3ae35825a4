#include "support/transfer_output.hpp"

#include <algorithm>
#include <regex>

namespace sshpp::test {

std::string scp_messages(const std::string& err, const std::string& program) {
  std::string out;
  for (std::size_t at = 0; at < err.size();) {
    std::size_t end = err.find('\n', at);
    end = end == std::string::npos ? err.size() : end + 1;
    std::string line = err.substr(at, end - at);
    if (line.starts_with(program + ": ")) line = "scp: " + line.substr(program.size() + 2);
    if (!line.starts_with("debug1: ")) out += line;
    at = end;
  }
  return out;
}

std::pair<std::size_t, std::size_t> sftp_request_lengths(const std::string& log) {
  static const std::regex kRequest(R"((read|write) "[^"]*" \(handle \d+\) off \d+ len (\d+))");
  std::size_t largest = 0, count = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kRequest); it != std::sregex_iterator(); ++it, ++count)
    largest = std::max<std::size_t>(largest, std::stoul((*it)[2]));
  return {largest, count};
}

}  // namespace sshpp::test

// What the file-transfer tests read out of program output: scp's messages with the
// program's own path reduced to "scp" (OpenSSH's scp names itself by argv[0]), and
// the READ and WRITE lengths in an sftp-server's DEBUG1 log.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace sshpp::test {

// `err` with each line's leading "PROGRAM: " made "scp: ", and sshd's "debug1: " lines
// (a Debian sshd at LogLevel DEBUG1 sends them to the client) left out.
std::string scp_messages(const std::string& err, const std::string& program);

// The largest length of the READ and WRITE requests in `log` ('read "path" (handle N)
// off X len Y' lines, as both sftp-servers log them at DEBUG1), and how many there are.
std::pair<std::size_t, std::size_t> sftp_request_lengths(const std::string& log);

}  // namespace sshpp::test

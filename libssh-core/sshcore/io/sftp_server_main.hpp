// sftp-server(8)'s main, shared by the sftp-server program and sshd's internal-sftp
// (DESIGN.md section 1: both use the core SFTP server engine). It parses the flags,
// sets up logging, serves the SFTP protocol on two descriptors until the client
// closes, and returns the exit status, as OpenSSH's sftp_server_main() does.
#pragma once

#include <sys/types.h>

#include <span>
#include <string>

namespace sshcore::io {

// Who the server runs for. sftp-server fills it from getpwuid(getuid()) and
// SSH_CONNECTION; sshd's internal-sftp from the authenticated user.
struct SftpServerContext {
  std::string user_name;
  uid_t uid = 0;
  std::string home;            // for -d's %d and for the start directory
  std::string client_address;  // "session opened for local user fred from [127.0.0.1]"; "UNKNOWN" if none
  // internal-sftp: sshd has already opened the log (before any chroot) and names the
  // program "internal-sftp"; the flags -e -f -l then adjust that sink rather than
  // reopen it, so logging keeps working inside an empty chroot.
  bool internal = false;
};

// argv[0] is the program name; flags as sftp-server(8): -d start_dir -e -f facility -h
// -l level -P denied -p allowed -Q protocol_feature -R -u umask.
// Returns 0 after a clean end of input, 1 on a usage error; like OpenSSH, 255 after a
// fatal error (a bad flag value, an unparseable packet) and 11 on an oversized packet.
int sftp_server_main(std::span<const std::string> argv, const SftpServerContext& context, int in_fd, int out_fd);

}  // namespace sshcore::io

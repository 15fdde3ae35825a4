// LookupsAheadForGet / LookupsAheadForPut: the requests a get or a put is about to
// make, sent together (SftpClientSession::send_ahead, send_ahead_for_upload), and
// what nobody took settled when the command's scope ends.
#include <sys/stat.h>
#include <unistd.h>

#include "sshcore/io/sftp_client_session.hpp"

namespace sshcore::io {

LookupsAheadForGet::LookupsAheadForGet(SftpClientSession& session, const std::string& pattern, bool recursive)
    : session_(session) {
  if (auto literal = remote_glob_literal(pattern))
    session.send_ahead(*literal, recursive ? SftpClientSession::AheadRequests::kLstatStat
                                           : SftpClientSession::AheadRequests::kLstatStatOpen);
}

LookupsAheadForPut::LookupsAheadForPut(SftpClientSession& session, const std::string& local_path,
                                       const std::string& remote_path)
    : session_(session) {
  // Only when the upload will get as far as its OPEN: a speculative OPEN truncates.
  struct stat sb {};
  if (::stat(local_path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) && ::access(local_path.c_str(), R_OK) == 0)
    session.send_ahead_for_upload(remote_path, static_cast<std::uint32_t>(sb.st_mode & 0777));
}

}  // namespace sshcore::io

// scp over SFTP (the default since OpenSSH 9.0): OpenSSH's source_sftp, sink_sftp and
// throughlocal_sftp with their recursive walks, over the core's SftpClientSession.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "scp_options.hpp"
#include "sshcore/io/sftp_client_session.hpp"

namespace scp {

class SftpTransfers {
 public:
  SftpTransfers(const ScpOptions& options, bool progress, bool target_should_be_directory)
      : o_(options), progress_(progress), target_dir_(target_should_be_directory) {}

  // Local `src` to remote `target` (source_sftp).
  void upload(sshcore::io::SftpClientSession& to, const std::string& src, const std::string& target);
  // Remote `src` (a glob) to local `dst` (sink_sftp).
  void download(sshcore::io::SftpClientSession& from, const std::string& src, const std::string& dst);
  // Remote to remote through this host (throughlocal_sftp).
  void crossload(sshcore::io::SftpClientSession& from, sshcore::io::SftpClientSession& to, const std::string& src,
                 const std::string& target);

  bool failed() const { return failed_; }
  // Set where OpenSSH exits at once (cleanup_exit(255) / fatal()).
  std::optional<int> exit_now() const { return exit_now_; }

 private:
  std::optional<std::string> prepare_remote_path(sshcore::io::SftpClientSession& s, const std::string& path);
  bool upload_file(sshcore::io::SftpClientSession& to, const std::string& src, const std::string& dst);
  bool upload_dir(sshcore::io::SftpClientSession& to, const std::string& src, const std::string& dst, int depth);
  // `known`: the attributes READDIR gave for a regular file; else the file is STATed.
  bool download_file(sshcore::io::SftpClientSession& from, const std::string& src, const std::string& dst,
                     const sshcore::apps::sftp::FileAttributes* known = nullptr);
  bool download_dir(sshcore::io::SftpClientSession& from, const std::string& src, const std::string& dst,
                    const sshcore::apps::sftp::FileAttributes& attrs, int depth);
  bool crossload_file(sshcore::io::SftpClientSession& from, sshcore::io::SftpClientSession& to,
                      const std::string& src, const std::string& dst,
                      const sshcore::apps::sftp::FileAttributes* known = nullptr);
  bool crossload_dir(sshcore::io::SftpClientSession& from, sshcore::io::SftpClientSession& to,
                     const std::string& src, const std::string& dst,
                     const sshcore::apps::sftp::FileAttributes& attrs, int depth);

  const ScpOptions& o_;
  bool progress_;
  bool target_dir_;
  bool failed_ = false;
  std::optional<int> exit_now_;
};

// OpenSSH's path_append(): "a" + "/" + "b", no doubled slash.
std::string path_append(const std::string& a, const std::string& b);
// basename(3) of a path that may end in '/'.
std::string base_name(std::string path);

}  // namespace scp

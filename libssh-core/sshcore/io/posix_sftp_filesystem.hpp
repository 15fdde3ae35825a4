// The SFTP server's Filesystem over POSIX system calls, with the semantics of
// OpenSSH's sftp-server.c: pread/pwrite by offset, RENAME that never replaces its
// target, lsetstat through the *at(AT_SYMLINK_NOFOLLOW) calls, OpenSSH's realpath
// (a missing last component is allowed). Relative paths are against the process's
// current directory; modes get the process umask.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sshcore/apps/sftp/sftp_filesystem.hpp"
#include "sshcore/io/splice_pipe.hpp"

namespace sshcore::io {

class PosixSftpFilesystem final : public apps::sftp::Filesystem {
 public:
  template <class T>
  using FsResult = apps::sftp::FsResult<T>;
  using AttrChange = apps::sftp::AttrChange;
  using FileAttributes = apps::sftp::FileAttributes;

  PosixSftpFilesystem() = default;
  // Files opened from now on stage READ payloads in `splice` (OpenFile::stage), which
  // must outlive them; the driver drains it in the engine's order. Null: no staging.
  // `input_pipe` (the request stream, a pipe, or -1) is where WRITE data left in the
  // stream is spliced from (OpenFile::write_from_input).
  explicit PosixSftpFilesystem(SplicePipe* splice, int input_pipe = -1) : splice_(splice), input_pipe_(input_pipe) {}

  FsResult<std::unique_ptr<apps::sftp::OpenFile>> open(const std::string& path, std::uint32_t flags,
                                                       std::uint32_t mode) override;
  FsResult<std::unique_ptr<apps::sftp::OpenDirectory>> open_directory(const std::string& path) override;
  FsResult<FileAttributes> stat(const std::string& path, bool follow) override;
  int set_attribute(const std::string& path, AttrChange change, const FileAttributes& attrs, bool follow) override;
  int remove(const std::string& path) override;
  int make_directory(const std::string& path, std::uint32_t mode) override;
  int remove_directory(const std::string& path) override;
  FsResult<std::string> real_path(const std::string& path) override;
  int rename(const std::string& old_path, const std::string& new_path) override;
  int posix_rename(const std::string& old_path, const std::string& new_path) override;
  FsResult<std::string> read_link(const std::string& path) override;
  int symlink(const std::string& target, const std::string& link_path) override;
  int hard_link(const std::string& old_path, const std::string& new_path) override;
  FsResult<apps::sftp::StatVfs> statvfs(const std::string& path) override;
  std::optional<std::string> user_name(std::uint32_t uid) override;
  std::optional<std::string> group_name(std::uint32_t gid) override;
  std::optional<std::string> home_directory(const std::string& user) override;
  FsResult<std::string> expand_tilde(const std::string& path) override;

 private:
  // READDIR asks for the same few owners again and again (OpenSSH caches them too).
  std::map<std::uint32_t, std::optional<std::string>> users_, groups_;
  SplicePipe* splice_ = nullptr;
  int input_pipe_ = -1;
};

// struct stat -> ATTRS, as OpenSSH's stat_to_attrib() (times truncated to 32 bits).
apps::sftp::FileAttributes attributes_from_stat(const struct stat& st);

// `user`'s home directory from the passwd database; nullopt for an unknown user.
std::optional<std::string> passwd_home(std::string_view user);

}  // namespace sshcore::io

// The filesystem the SFTP server engine serves. The engine never touches the OS:
// io/posix_sftp_filesystem.hpp implements this with system calls, tests and the
// fuzz target with an in-memory fake. Failures are errno values (0 = success), so
// the engine can turn them into SSH_FX_* codes exactly as OpenSSH's
// errno_to_portable() does and log strerror() text like sftp-server.c.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "sshcore/apps/sftp/sftp_protocol.hpp"
#include "sshcore/base/bytes.hpp"

namespace sshcore::apps::sftp {

// A value or an errno. Not Result: the errno is the payload the engine needs, and
// a failed system call is an ordinary answer here, not an error of the core.
template <class T>
struct FsResult {
  int error = 0;
  T value{};
  static FsResult failure(int err) { return FsResult{err, T{}}; }
  bool ok() const { return error == 0; }
};

// One attribute change of SETSTAT/FSETSTAT/lsetstat. OpenSSH applies (and logs) each
// separately, in this order, so the engine asks for them one at a time.
enum class AttrChange : std::uint8_t { kSize, kPermissions, kTimes, kOwner };

struct DirectoryEntry {
  std::string name;
  FileAttributes attrs;        // lstat() of the entry
  std::uint64_t link_count = 1;  // st_nlink, for the ls -l long name
};

class OpenFile {
 public:
  virtual ~OpenFile() = default;
  // pread-style: fills up to out.size() bytes at offset; 0 at end of file.
  virtual FsResult<std::size_t> read(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
  // pwrite-style; a file opened with APPEND writes at its end whatever the offset.
  virtual FsResult<std::size_t> write(std::uint64_t offset, ByteView data) = 0;
  virtual FsResult<FileAttributes> stat() = 0;
  virtual int set_attribute(AttrChange change, const FileAttributes& attrs) = 0;
  virtual FsResult<StatVfs> statvfs() = 0;
  virtual int sync() = 0;
  // Optional zero-copy READ: hands up to `length` bytes at `offset` over by reference
  // (io/ splices them into a pipe) instead of copying them. Returns how many it took
  // (fewer at end of file or, rarely, when it ran out of room; the engine reads the
  // rest itself), or nullopt when it cannot now (no room beside bytes staged before:
  // the engine waits for those to be sent; else it reads as usual). The bytes are
  // read from the file only when the driver sends them, which is why the engine
  // answers nothing but READs until they are out (SftpServer::blocked()).
  virtual std::optional<std::size_t> stage(std::uint64_t /*offset*/, std::size_t /*length*/) {
    return std::nullopt;
  }
  // Optional zero-copy WRITE: the request's `length` data bytes are still in the input
  // stream (io/ splices them into the file). Writes them at `offset` and always takes
  // all of them from the stream, dropping what it could not write. Returns the count
  // written (short after a partial failure) or an errno when nothing was; nullopt when
  // it cannot take data from the stream (then nothing was taken).
  virtual std::optional<FsResult<std::size_t>> write_from_input(std::uint64_t /*offset*/, std::size_t /*length*/) {
    return std::nullopt;
  }
};

class OpenDirectory {
 public:
  virtual ~OpenDirectory() = default;
  // The next entry (entries whose lstat fails are skipped), nullopt at the end.
  virtual FsResult<std::optional<DirectoryEntry>> next() = 0;
};

class Filesystem {
 public:
  virtual ~Filesystem() = default;
  // flags are SSH_FXF_* (kOpenRead ...); mode is applied with the process umask.
  virtual FsResult<std::unique_ptr<OpenFile>> open(const std::string& path, std::uint32_t flags,
                                                   std::uint32_t mode) = 0;
  virtual FsResult<std::unique_ptr<OpenDirectory>> open_directory(const std::string& path) = 0;
  // follow = false is lstat().
  virtual FsResult<FileAttributes> stat(const std::string& path, bool follow) = 0;
  // follow = false is lsetstat@openssh.com (never kSize).
  virtual int set_attribute(const std::string& path, AttrChange change, const FileAttributes& attrs,
                            bool follow) = 0;
  virtual int remove(const std::string& path) = 0;
  virtual int make_directory(const std::string& path, std::uint32_t mode) = 0;
  virtual int remove_directory(const std::string& path) = 0;
  // OpenSSH's sftp_realpath(): every component but the last must exist.
  virtual FsResult<std::string> real_path(const std::string& path) = 0;
  // SSH_FXP_RENAME: never replaces an existing target (link+unlink for files, as OpenSSH).
  virtual int rename(const std::string& old_path, const std::string& new_path) = 0;
  // posix-rename@openssh.com: rename(2), replacing the target.
  virtual int posix_rename(const std::string& old_path, const std::string& new_path) = 0;
  virtual FsResult<std::string> read_link(const std::string& path) = 0;
  virtual int symlink(const std::string& target, const std::string& link_path) = 0;
  virtual int hard_link(const std::string& old_path, const std::string& new_path) = 0;
  virtual FsResult<StatVfs> statvfs(const std::string& path) = 0;
  // Names for ls -l and users-groups-by-id; nullopt when unknown.
  virtual std::optional<std::string> user_name(std::uint32_t uid) = 0;
  virtual std::optional<std::string> group_name(std::uint32_t gid) = 0;
  // home-directory: the named user's home, nullopt when there is no such user.
  virtual std::optional<std::string> home_directory(const std::string& user) = 0;
  // expand-path: "~" and "~/x" are the session user's home, "~user/x" that user's
  // (OpenSSH's tilde_expand()); other paths unchanged. An errno when ~user is unknown.
  virtual FsResult<std::string> expand_tilde(const std::string& path) = 0;
};

}  // namespace sshcore::apps::sftp

// Whole-file reads with a size cap, atomic file replacement, and file status
// queries: what key and known_hosts tools need from the file system.
//
// Errors are Errc::kSystem with the strerror(3) text as the detail, because the
// programs print them OpenSSH's way ("path: No such file or directory"); the
// errno value itself is kept where a caller branches on it (PathStatus).
#pragma once

#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::io {

// Key files and known_hosts files are small; this cap keeps a stray device or a
// huge file from being slurped into memory.
inline constexpr std::size_t kDefaultMaxFileSize = 16 * 1024 * 1024;

// The Error for an errno value: kSystem with strerror(err) as its detail.
Error system_error(int err);

// ---- status ----------------------------------------------------------------------
struct FileStatus {
  mode_t mode = 0;            // full st_mode (type and permission bits)
  uid_t uid = 0;
  gid_t gid = 0;
  std::uint64_t size = 0;
  bool regular() const;
  bool directory() const;
  mode_t permissions() const { return mode & 07777; }
};

struct PathStatus {
  int error = 0;              // errno from stat(2); 0 on success
  FileStatus status;
  bool ok() const { return error == 0; }
  bool missing() const { return error == ENOENT; }
};

// stat(2), following symlinks.
PathStatus stat_path(const std::string& path);
bool path_exists(const std::string& path);

// ---- reading -------------------------------------------------------------------
// The whole file. Fails with kTooLarge when it holds more than `max_bytes`.
Result<Bytes> read_file(const std::string& path, std::size_t max_bytes = kDefaultMaxFileSize);
// The same for files holding secrets (private keys): the buffer is wiped on release.
Result<SecretBytes> read_secret_file(const std::string& path,
                                     std::size_t max_bytes = kDefaultMaxFileSize);
// Everything on standard input, capped the same way.
Result<Bytes> read_stdin(std::size_t max_bytes = kDefaultMaxFileSize);

// ---- writing -------------------------------------------------------------------
struct WriteOptions {
  mode_t mode = 0600;
  bool apply_umask = false;   // true: mode & ~umask, as open(2) with O_CREAT would
};

// A new file being written under a temporary name beside its final `path`
// ("<path>.XXXXXXXXXX", same directory, so the final rename is atomic). Until
// commit() the final path is untouched; a StagedFile dropped without commit()
// removes its temporary file.
class StagedFile {
 public:
  static Result<StagedFile> create(const std::string& path, const WriteOptions& options = {});
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  ~StagedFile();

  // Appends to the temporary file.
  Result<void> write(ByteView data);
  // fsync, close and rename over the final path.
  Result<void> commit();
  const std::string& temp_path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }

 private:
  StagedFile(std::string final_path, std::string temp_path, int fd);
  std::string final_path_;
  std::string temp_path_;  // empty once committed
  int fd_;
};

// Writes `data` to a temporary file beside `path` (same directory, so the rename
// is atomic), fsyncs it, and renames it over `path`. Readers see the old file or
// the new one, never a half-written one; on any failure the temporary is removed
// and `path` is untouched.
Result<void> write_file_atomic(const std::string& path, ByteView data,
                               const WriteOptions& options = {});

// As write_file_atomic, but first makes `backup_path` a hard link to the current
// `path` (replacing any old backup), as ssh-keygen -R/-H keep "file.old".
Result<void> replace_file_keep_backup(const std::string& path, ByteView data,
                                      const std::string& backup_path,
                                      const WriteOptions& options = {});

// mkdir(2) of one directory with `mode`.
Result<void> make_directory(const std::string& path, mode_t mode);

// The process umask, read without changing it for longer than the call.
mode_t current_umask();

}  // namespace sshcore::io

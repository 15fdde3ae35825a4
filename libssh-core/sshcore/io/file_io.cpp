#include "sshcore/io/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

namespace sshcore::io {
namespace {

// Closes the descriptor when the scope ends, keeping errno intact for callers
// that read it after a failed call.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { reset(); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) {
      int saved = errno;
      ::close(fd_);
      errno = saved;
      fd_ = -1;
    }
  }

 private:
  int fd_;
};

Result<void> write_all(int fd, ByteView data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(system_error(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// Reads from `fd` until EOF into `append_to`, which is a Bytes or SecretBytes.
template <class Buffer>
Result<void> read_all(int fd, std::size_t max_bytes, Buffer& out) {
  std::uint8_t chunk[8192];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      secure_wipe(chunk, sizeof chunk);
      return fail(system_error(err));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      secure_wipe(chunk, sizeof chunk);
      return fail(Errc::kTooLarge, "file larger than " + std::to_string(max_bytes) + " bytes");
    }
    if constexpr (std::is_same_v<Buffer, SecretBytes>) {
      out.append(ByteView(chunk, static_cast<std::size_t>(n)));
    } else {
      out.insert(out.end(), chunk, chunk + n);
    }
  }
  secure_wipe(chunk, sizeof chunk);
  return {};
}

template <class Buffer>
Result<Buffer> read_path(const std::string& path, std::size_t max_bytes) {
  FdCloser fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return fail(system_error(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(system_error(errno));
  if (S_ISDIR(st.st_mode)) return fail(system_error(EISDIR));
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return fail(Errc::kTooLarge, "file larger than " + std::to_string(max_bytes) + " bytes");
  Buffer out;
  SSH_TRY_VOID(read_all(fd.get(), max_bytes, out));
  return out;
}

mode_t effective_mode(const WriteOptions& options) {
  return options.apply_umask ? (options.mode & ~current_umask()) : options.mode;
}

}  // namespace

Error system_error(int err) { return Error{Errc::kSystem, std::strerror(err)}; }

Result<StagedFile> StagedFile::create(const std::string& path, const WriteOptions& options) {
  std::string temp = path + ".XXXXXXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return fail(system_error(errno));
  StagedFile staged(path, std::move(temp), fd);
  if (::fchmod(fd, effective_mode(options)) != 0) return fail(system_error(errno));
  return staged;
}

StagedFile::StagedFile(std::string final_path, std::string temp_path, int fd)
    : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(fd) {}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : final_path_(std::move(other.final_path_)),
      temp_path_(std::exchange(other.temp_path_, std::string())),
      fd_(std::exchange(other.fd_, -1)) {}

StagedFile::~StagedFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Result<void> StagedFile::write(ByteView data) {
  if (fd_ < 0) return fail(system_error(EBADF));
  return write_all(fd_, data);
}

Result<void> StagedFile::commit() {
  if (fd_ < 0) return fail(system_error(EBADF));
  if (::fsync(fd_) != 0) return fail(system_error(errno));
  int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return fail(system_error(errno));
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) return fail(system_error(errno));
  temp_path_.clear();
  return {};
}

bool FileStatus::regular() const { return S_ISREG(mode); }
bool FileStatus::directory() const { return S_ISDIR(mode); }

PathStatus stat_path(const std::string& path) {
  PathStatus out;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    out.error = errno;
    return out;
  }
  out.status.mode = st.st_mode;
  out.status.uid = st.st_uid;
  out.status.gid = st.st_gid;
  out.status.size = static_cast<std::uint64_t>(st.st_size);
  return out;
}

bool path_exists(const std::string& path) { return stat_path(path).ok(); }

Result<Bytes> read_file(const std::string& path, std::size_t max_bytes) {
  return read_path<Bytes>(path, max_bytes);
}

Result<SecretBytes> read_secret_file(const std::string& path, std::size_t max_bytes) {
  return read_path<SecretBytes>(path, max_bytes);
}

Result<Bytes> read_stdin(std::size_t max_bytes) {
  Bytes out;
  SSH_TRY_VOID(read_all(STDIN_FILENO, max_bytes, out));
  return out;
}

Result<void> write_file_atomic(const std::string& path, ByteView data, const WriteOptions& options) {
  SSH_TRY(staged, StagedFile::create(path, options));
  SSH_TRY_VOID(staged.write(data));
  return staged.commit();
}

Result<void> replace_file_keep_backup(const std::string& path, ByteView data,
                                      const std::string& backup_path, const WriteOptions& options) {
  SSH_TRY(staged, StagedFile::create(path, options));
  SSH_TRY_VOID(staged.write(data));
  if (::unlink(backup_path.c_str()) != 0 && errno != ENOENT)
    return fail(Errc::kSystem, "unlink " + backup_path + ": " + std::strerror(errno));
  if (::link(path.c_str(), backup_path.c_str()) != 0)
    return fail(Errc::kSystem, "link " + path + " to " + backup_path + ": " + std::strerror(errno));
  std::string temp = staged.temp_path();
  if (auto committed = staged.commit(); !committed) {
    ::unlink(backup_path.c_str());
    return fail(Errc::kSystem, "rename \"" + temp + "\" to \"" + path + "\": " + committed.error().detail);
  }
  return {};
}

Result<void> make_directory(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0) return fail(system_error(errno));
  return {};
}

mode_t current_umask() {
  mode_t mask = ::umask(077);
  ::umask(mask);
  return mask;
}

}  // namespace sshcore::io

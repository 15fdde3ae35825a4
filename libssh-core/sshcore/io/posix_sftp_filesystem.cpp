#include "sshcore/io/posix_sftp_filesystem.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sshcore::io {

using apps::sftp::AttrChange;
using apps::sftp::DirectoryEntry;
using apps::sftp::FileAttributes;
using apps::sftp::StatVfs;
template <class T>
using FsResult = apps::sftp::FsResult<T>;

namespace {

int errno_of(int rc) { return rc == -1 ? errno : 0; }

// SSH_FXF_* -> open(2) flags (sftp-server.c flags_from_portable()).
int open_flags(std::uint32_t flags) {
  namespace s = apps::sftp;
  int o = 0;
  if ((flags & s::kOpenRead) && (flags & s::kOpenWrite))
    o = O_RDWR;
  else if (flags & s::kOpenWrite)
    o = O_WRONLY;
  else
    o = O_RDONLY;
  if (flags & s::kOpenAppend) o |= O_APPEND;
  if (flags & s::kOpenCreate) o |= O_CREAT;
  if (flags & s::kOpenTruncate) o |= O_TRUNC;
  if (flags & s::kOpenExclusive) o |= O_EXCL;
  return o | O_CLOEXEC;
}

StatVfs statvfs_reply(const struct statvfs& st) {
  StatVfs s;
  s.bsize = st.f_bsize;
  s.frsize = st.f_frsize;
  s.blocks = st.f_blocks;
  s.bfree = st.f_bfree;
  s.bavail = st.f_bavail;
  s.files = st.f_files;
  s.ffree = st.f_ffree;
  s.favail = st.f_favail;
  s.fsid = st.f_fsid;
  s.flag = ((st.f_flag & ST_RDONLY) ? apps::sftp::kStatVfsReadOnly : 0) |
           ((st.f_flag & ST_NOSUID) ? apps::sftp::kStatVfsNoSuid : 0);
  s.namemax = st.f_namemax;
  return s;
}

void times_of(const FileAttributes& a, struct timeval tv[2]) {
  tv[0] = {static_cast<time_t>(a.atime.value_or(0)), 0};
  tv[1] = {static_cast<time_t>(a.mtime.value_or(0)), 0};
}

class PosixOpenFile final : public apps::sftp::OpenFile {
 public:
  PosixOpenFile(int fd, bool append, SplicePipe* splice, int input_pipe)
      : fd_(fd), append_(append), splice_(splice), input_pipe_(input_pipe) {}
  ~PosixOpenFile() override { ::close(fd_); }
  PosixOpenFile(const PosixOpenFile&) = delete;
  PosixOpenFile& operator=(const PosixOpenFile&) = delete;

  FsResult<std::size_t> read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    for (;;) {
      ssize_t n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
      if (n >= 0) return {0, static_cast<std::size_t>(n)};
      if (errno != EINTR) return FsResult<std::size_t>::failure(errno);
    }
  }
  FsResult<std::size_t> write(std::uint64_t offset, ByteView data) override {
    for (;;) {
      ssize_t n = append_ ? ::write(fd_, data.data(), data.size())
                          : ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
      if (n >= 0) return {0, static_cast<std::size_t>(n)};
      if (errno != EINTR) return FsResult<std::size_t>::failure(errno);
    }
  }
  FsResult<FileAttributes> stat() override {
    struct stat st {};
    if (::fstat(fd_, &st) == -1) return FsResult<FileAttributes>::failure(errno);
    return {0, attributes_from_stat(st)};
  }
  int set_attribute(AttrChange change, const FileAttributes& a) override {
    switch (change) {
      case AttrChange::kSize:
        return errno_of(::ftruncate(fd_, static_cast<off_t>(*a.size)));
      case AttrChange::kPermissions:
        return errno_of(::fchmod(fd_, *a.permissions & 07777));
      case AttrChange::kTimes: {
        struct timeval tv[2];
        times_of(a, tv);
        return errno_of(::futimes(fd_, tv));
      }
      case AttrChange::kOwner:
        return errno_of(::fchown(fd_, *a.uid, *a.gid));
    }
    return EINVAL;
  }
  FsResult<StatVfs> statvfs() override {
    struct statvfs st {};
    if (::fstatvfs(fd_, &st) == -1) return FsResult<StatVfs>::failure(errno);
    return {0, statvfs_reply(st)};
  }
  int sync() override { return errno_of(::fsync(fd_)); }
  std::optional<std::size_t> stage(std::uint64_t offset, std::size_t length) override {
    if (splice_ == nullptr) return std::nullopt;
    // The pipe counts pages, not bytes: a payload at an odd offset takes a page more,
    // and each earlier one may have too. Without that room, say "not now".
    if (splice_->held() > 0 && splice_->room() < length + length / 8 + 8192) return std::nullopt;
    return splice_->fill_from(fd_, offset, length);
  }
  std::optional<FsResult<std::size_t>> write_from_input(std::uint64_t offset, std::size_t length) override {
    if (input_pipe_ < 0) return std::nullopt;
    std::size_t moved = 0;  // bytes that reached the file
    std::size_t taken = 0;  // bytes gone from the pipe
    int err = 0;
    if (!append_) {  // splice(2) into a file writes at the offset, never at the end
      SpliceToFile r = splice_to_file(input_pipe_, fd_, offset, length);
      moved = taken = r.moved;
      err = r.error;
    }
    if (append_ || (err == EINVAL && moved == 0)) err = copy_from_input(offset, length, moved, taken);
    if (err == 0) return FsResult<std::size_t>{0, moved};
    // The rest of the payload is still in the stream, before the next request.
    if (err != EPIPE && taken < length) discard_from_pipe(input_pipe_, length - taken);
    // As pwrite(2): a short count once something was written, else the error.
    if (moved > 0) return FsResult<std::size_t>{0, moved};
    return FsResult<std::size_t>::failure(err);
  }

 private:
  // read+pwrite from the input pipe, for files that cannot take a splice (O_APPEND, file
  // systems without splice_write).
  int copy_from_input(std::uint64_t offset, std::size_t length, std::size_t& moved, std::size_t& taken) {
    std::array<std::uint8_t, 64 * 1024> chunk;
    while (taken < length) {
      ssize_t n = ::read(input_pipe_, chunk.data(), std::min(chunk.size(), length - taken));
      if (n == 0) return EPIPE;
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) return errno;
        pollfd p{input_pipe_, POLLIN, 0};
        ::poll(&p, 1, -1);
        continue;
      }
      taken += static_cast<std::size_t>(n);
      auto wrote = write(offset + moved, ByteView(chunk.data(), static_cast<std::size_t>(n)));
      if (!wrote.ok()) return wrote.error;
      moved += wrote.value;
      if (wrote.value != static_cast<std::size_t>(n)) return ENOSPC;  // a short write: moved tells
    }
    return 0;
  }

  int fd_;
  bool append_;
  SplicePipe* splice_;  // the loop's staging pipe, or null: READs copy
  int input_pipe_;      // the request stream when it is a pipe, or -1: WRITEs come copied
};

class PosixOpenDirectory final : public apps::sftp::OpenDirectory {
 public:
  PosixOpenDirectory(DIR* dir, std::string path) : dir_(dir), path_(std::move(path)) {}
  ~PosixOpenDirectory() override { ::closedir(dir_); }
  PosixOpenDirectory(const PosixOpenDirectory&) = delete;
  PosixOpenDirectory& operator=(const PosixOpenDirectory&) = delete;

  FsResult<std::optional<DirectoryEntry>> next() override {
    for (;;) {
      errno = 0;
      struct dirent* d = ::readdir(dir_);
      if (d == nullptr) {
        if (errno != 0) return FsResult<std::optional<DirectoryEntry>>::failure(errno);
        return {};
      }
      std::string full = path_ + (path_ == "/" ? "" : "/") + d->d_name;
      struct stat st {};
      if (::lstat(full.c_str(), &st) == -1) continue;  // vanished meanwhile: skipped, as OpenSSH
      DirectoryEntry e{d->d_name, attributes_from_stat(st), static_cast<std::uint64_t>(st.st_nlink)};
      return {0, std::move(e)};
    }
  }

 private:
  DIR* dir_;
  std::string path_;
};

}  // namespace

FileAttributes attributes_from_stat(const struct stat& st) {
  FileAttributes a;
  a.size = static_cast<std::uint64_t>(st.st_size);
  a.uid = st.st_uid;
  a.gid = st.st_gid;
  a.permissions = st.st_mode;
  a.atime = static_cast<std::uint32_t>(st.st_atime);
  a.mtime = static_cast<std::uint32_t>(st.st_mtime);
  return a;
}

FsResult<std::unique_ptr<apps::sftp::OpenFile>> PosixSftpFilesystem::open(const std::string& path,
                                                                         std::uint32_t flags, std::uint32_t mode) {
  int fd = ::open(path.c_str(), open_flags(flags), static_cast<mode_t>(mode));
  if (fd == -1) return FsResult<std::unique_ptr<apps::sftp::OpenFile>>::failure(errno);
  return {0, std::make_unique<PosixOpenFile>(fd, (flags & apps::sftp::kOpenAppend) != 0, splice_, input_pipe_)};
}

FsResult<std::unique_ptr<apps::sftp::OpenDirectory>> PosixSftpFilesystem::open_directory(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return FsResult<std::unique_ptr<apps::sftp::OpenDirectory>>::failure(errno);
  return {0, std::make_unique<PosixOpenDirectory>(dir, path)};
}

FsResult<FileAttributes> PosixSftpFilesystem::stat(const std::string& path, bool follow) {
  struct stat st {};
  if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) == -1)
    return FsResult<FileAttributes>::failure(errno);
  return {0, attributes_from_stat(st)};
}

int PosixSftpFilesystem::set_attribute(const std::string& path, AttrChange change, const FileAttributes& a,
                                       bool follow) {
  const char* p = path.c_str();
  int at_flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
  switch (change) {
    case AttrChange::kSize:
      return errno_of(::truncate(p, static_cast<off_t>(*a.size)));
    case AttrChange::kPermissions:
      return errno_of(follow ? ::chmod(p, *a.permissions & 07777)
                             : ::fchmodat(AT_FDCWD, p, *a.permissions & 07777, at_flags));
    case AttrChange::kTimes: {
      struct timespec ts[2] = {{static_cast<time_t>(a.atime.value_or(0)), 0},
                               {static_cast<time_t>(a.mtime.value_or(0)), 0}};
      return errno_of(::utimensat(AT_FDCWD, p, ts, at_flags));
    }
    case AttrChange::kOwner:
      return errno_of(::fchownat(AT_FDCWD, p, *a.uid, *a.gid, at_flags));
  }
  return EINVAL;
}

int PosixSftpFilesystem::remove(const std::string& path) { return errno_of(::unlink(path.c_str())); }

int PosixSftpFilesystem::make_directory(const std::string& path, std::uint32_t mode) {
  return errno_of(::mkdir(path.c_str(), static_cast<mode_t>(mode)));
}

int PosixSftpFilesystem::remove_directory(const std::string& path) { return errno_of(::rmdir(path.c_str())); }

FsResult<std::string> PosixSftpFilesystem::real_path(const std::string& path) {
  if (path.empty()) return FsResult<std::string>::failure(ENOENT);
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) != nullptr) return {0, buf};
  int err = errno;
  if (err != ENOENT) return FsResult<std::string>::failure(err);
  // OpenSSH's sftp_realpath() lets the last component be missing (put to a new name).
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  auto slash = trimmed.rfind('/');
  std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : trimmed.substr(0, slash));
  std::string last = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  if (last.empty() || last == "." || last == "..") return FsResult<std::string>::failure(err);
  if (::realpath(parent.c_str(), buf) == nullptr) return FsResult<std::string>::failure(errno);
  std::string resolved = buf;
  if (resolved != "/") resolved += '/';
  return {0, resolved + last};
}

// sftp-server.c process_rename(): regular files are renamed race-free with
// link()+unlink() so an existing target is never replaced; filesystems without hard
// links fall back to stat()+rename(); other types only when the target is absent.
int PosixSftpFilesystem::rename(const std::string& old_path, const std::string& new_path) {
  struct stat sb {};
  if (::lstat(old_path.c_str(), &sb) == -1) return errno;
  if (S_ISREG(sb.st_mode)) {
    if (::link(old_path.c_str(), new_path.c_str()) == -1) {
      int err = errno;
      if (err == EOPNOTSUPP || err == ENOSYS || err == EXDEV || err == EPERM) {
        struct stat st {};
        if (::stat(new_path.c_str(), &st) == -1) return errno_of(::rename(old_path.c_str(), new_path.c_str()));
        return EEXIST;
      }
      return err;
    }
    if (::unlink(old_path.c_str()) == -1) {
      int err = errno;
      ::unlink(new_path.c_str());  // drop the spare link
      return err;
    }
    return 0;
  }
  struct stat st {};
  if (::stat(new_path.c_str(), &st) == -1) return errno_of(::rename(old_path.c_str(), new_path.c_str()));
  return EEXIST;
}

int PosixSftpFilesystem::posix_rename(const std::string& old_path, const std::string& new_path) {
  return errno_of(::rename(old_path.c_str(), new_path.c_str()));
}

FsResult<std::string> PosixSftpFilesystem::read_link(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n == -1) return FsResult<std::string>::failure(errno);
  return {0, std::string(buf, static_cast<std::size_t>(n))};
}

int PosixSftpFilesystem::symlink(const std::string& target, const std::string& link_path) {
  return errno_of(::symlink(target.c_str(), link_path.c_str()));
}

int PosixSftpFilesystem::hard_link(const std::string& old_path, const std::string& new_path) {
  return errno_of(::link(old_path.c_str(), new_path.c_str()));
}

FsResult<StatVfs> PosixSftpFilesystem::statvfs(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) == -1) return FsResult<StatVfs>::failure(errno);
  return {0, statvfs_reply(st)};
}

std::optional<std::string> PosixSftpFilesystem::user_name(std::uint32_t uid) {
  auto it = users_.find(uid);
  if (it != users_.end()) return it->second;
  struct passwd* pw = ::getpwuid(uid);
  std::optional<std::string> name = pw ? std::optional<std::string>(pw->pw_name) : std::nullopt;
  users_.emplace(uid, name);
  return name;
}

std::optional<std::string> PosixSftpFilesystem::group_name(std::uint32_t gid) {
  auto it = groups_.find(gid);
  if (it != groups_.end()) return it->second;
  struct group* gr = ::getgrgid(gid);
  std::optional<std::string> name = gr ? std::optional<std::string>(gr->gr_name) : std::nullopt;
  groups_.emplace(gid, name);
  return name;
}

std::optional<std::string> passwd_home(std::string_view user) {
  const struct passwd* pw = ::getpwnam(std::string(user).c_str());
  if (pw == nullptr) return std::nullopt;
  return std::string(pw->pw_dir);
}

std::optional<std::string> PosixSftpFilesystem::home_directory(const std::string& user) { return passwd_home(user); }

FsResult<std::string> PosixSftpFilesystem::expand_tilde(const std::string& path) {
  if (path.empty() || path.front() != '~') return {0, path};
  auto slash = path.find('/');
  std::string user = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string rest = slash == std::string::npos ? "" : path.substr(slash);
  std::optional<std::string> home;
  if (!user.empty()) {
    home = passwd_home(user);
  } else if (const struct passwd* pw = ::getpwuid(::getuid()); pw != nullptr) {
    home = pw->pw_dir;
  }
  if (!home) return FsResult<std::string>::failure(ENOENT);
  return {0, *home + rest};
}

}  // namespace sshcore::io

#include "sftp_transfer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "diagnostics.hpp"
#include "sshcore/io/progress_meter.hpp"

namespace scp {

namespace io = sshcore::io;
namespace sftp = sshcore::apps::sftp;

namespace {

// OpenSSH's MAX_DIR_DEPTH for recursive transfers.
constexpr int kMaxDirDepth = 64;

bool is_dir(const sftp::FileAttributes& a) { return a.permissions && a.is_directory(); }
bool is_regular(const sftp::FileAttributes& a) { return a.permissions && a.is_regular(); }

// A failed transfer, printed as OpenSSH does: a status from the server becomes
// `<what> "<path>": <text>`; a local failure already carries its whole message.
void report_failure(io::SftpClientSession& s, const sshcore::Error& e, const std::string& what,
                    const std::string& path) {
  std::string status(sftp::status_text(s.last_status()));
  if (s.last_status() != sftp::StatusCode::kOk && e.detail == status)
    print_error(what + " \"" + path + "\": " + status);
  else
    print_error(e.detail.empty() ? e.message() : e.detail);
}

bool remote_is_dir(io::SftpClientSession& s, const std::string& path) {
  auto a = s.stat(path);
  return a && is_dir(*a);
}

// do_stat(conn, path, 0): a failure is reported as OpenSSH's get_decode_stat() does.
std::optional<sftp::FileAttributes> stat_or_report(io::SftpClientSession& s, const std::string& path) {
  auto a = s.stat(path);
  if (!a) {
    print_error("stat remote: " + std::string(sftp::status_text(s.last_status())));
    return std::nullopt;
  }
  return *a;
}

// OpenSSH's download_dir(), upload_dir() and crossload_dir() walk the server's
// canonical path (do_realpath), so their messages name "/home/u/tree/x" even for a
// relative "tree". `what` is the walk ("download", ...) for the failure message.
std::optional<std::string> canonical(io::SftpClientSession& s, const std::string& path, const std::string& what) {
  auto real = s.realpath(path);
  if (real) return *real;
  print_error("realpath " + path + ": " + s.reason_for(real.error()));
  print_error(what + " \"" + path + "\": path canonicalization failed");
  return std::nullopt;
}

// A directory's entries, or nullopt after OpenSSH's two lines when it cannot be
// read (`side` is "remote" or "origin").
std::optional<std::vector<io::SftpDirEntry>> list_directory(io::SftpClientSession& s, const std::string& dir,
                                                            const std::string& side) {
  auto entries = s.read_directory(dir);
  if (entries) return std::move(*entries);
  print_error(side + " readdir(\"" + dir + "\"): " + std::string(sftp::status_text(s.last_status())));
  print_error(side + " readdir \"" + dir + "\" failed");
  return std::nullopt;
}

// A glob match as OpenSSH's remote_glob(GLOB_MARK) names it: a directory (or a link to
// one) with a trailing '/', which shows in "download x/: not a regular file".
std::string glob_marked(const io::RemoteGlobMatch& m) {
  return is_dir(m.attrs) && !m.path.ends_with('/') ? m.path + "/" : m.path;
}

// Turns the meter on for one file when scp may draw it.
struct Meter {
  std::unique_ptr<io::ProgressMeter> meter;
  io::TransferOptions options;
  Meter(bool on, bool preserve, const std::string& path, std::uint64_t size) {
    options.preserve = preserve;
    options.inplace = true;  // as OpenSSH's scp: no truncation first, cut at the end
    if (!on) return;
    meter = std::make_unique<io::ProgressMeter>(base_name(path), size);
    options.progress = [m = meter.get()](std::uint64_t done, std::uint64_t) { m->update(done); };
  }
  void finish(bool complete) {
    if (!meter) return;
    if (complete)
      meter->finish();
    else
      meter->abandon();  // the line where it stopped, as OpenSSH
  }
};

}  // namespace

std::string path_append(const std::string& a, const std::string& b) {
  if (a.empty() || a == "/" || a.back() == '/') return a + b;
  return a + "/" + b;
}

std::string base_name(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos || path == "/") return path;
  return path.substr(slash + 1);
}

std::optional<std::string> SftpTransfers::prepare_remote_path(io::SftpClientSession& s, const std::string& path) {
  if (path.empty() || path == "~") return std::string(".");
  if (path[0] != '~') return path;
  if (path.starts_with("~/")) {
    std::size_t rest = path.find_first_not_of('/', 2);
    if (rest == std::string::npos) return std::string(".");
    return path.substr(rest);
  }
  if (!s.has_extension(sftp::kExtExpandPath)) {
    print_error("server expand-path extension is required for ~user paths in SFTP mode");
    return std::nullopt;
  }
  auto expanded = s.expand_path(path);
  if (!expanded) {
    // The server's own words ("no such user") when it gave some, as do_realpath_expand().
    print_error("expand " + path + ": " + s.reason_for(expanded.error()));
    return std::nullopt;
  }
  return *expanded;
}

bool SftpTransfers::upload_file(io::SftpClientSession& to, const std::string& src, const std::string& dst) {
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    print_error("open local \"" + src + "\": " + std::strerror(errno));
    return false;
  }
  struct stat st;
  bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!regular) {
    print_error("local \"" + src + "\" is not a regular file");
    return false;
  }
  Meter m(progress_, o_.preserve, src, static_cast<std::uint64_t>(st.st_size));
  auto r = to.upload(src, dst, m.options);
  m.finish(static_cast<bool>(r));
  if (!r) {
    report_failure(to, r.error(), "dest open", dst);
    return false;
  }
  return true;
}

bool SftpTransfers::upload_dir(io::SftpClientSession& to, const std::string& src, const std::string& dst, int depth) {
  if (depth >= kMaxDirDepth) {
    print_error("Maximum directory depth exceeded: " + std::to_string(depth) + " levels");
    return false;
  }
  struct stat st;
  if (::stat(src.c_str(), &st) == -1) {
    print_error("stat local \"" + src + "\": " + std::strerror(errno));
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    print_error("\"" + src + "\" is not a directory");
    return false;
  }
  sftp::FileAttributes a;
  a.permissions = (st.st_mode & 01777) | S_IWUSR | S_IXUSR;  // writable while we fill it
  if (!to.mkdir(dst, a)) {
    auto existing = stat_or_report(to, dst);
    if (!existing) return false;
    if (!is_dir(*existing)) {
      print_error("\"" + dst + "\" exists but is not a directory");
      return false;
    }
  }
  DIR* dir = ::opendir(src.c_str());
  if (dir == nullptr) {
    print_error("local opendir \"" + src + "\": " + std::strerror(errno));
    return false;
  }
  bool ok = true;
  while (struct dirent* e = ::readdir(dir)) {
    if (e->d_ino == 0) continue;
    std::string name = e->d_name;
    std::string new_src = path_append(src, name), new_dst = path_append(dst, name);
    struct stat est;
    if (::lstat(new_src.c_str(), &est) == -1) {
      print_error("local lstat \"" + name + "\": " + std::strerror(errno));
      ok = false;
      continue;
    }
    // scp follows links (OpenSSH's follow_link_flag) the way 9.2 does: any symlink,
    // even one to a directory, is sent as a file, which upload_file() refuses unless
    // it leads to a regular file. Only real directories are descended into.
    if (S_ISDIR(est.st_mode)) {
      if (name == "." || name == "..") continue;
      if (!upload_dir(to, new_src, new_dst, depth + 1)) ok = false;
    } else if (S_ISREG(est.st_mode) || S_ISLNK(est.st_mode)) {
      if (!upload_file(to, new_src, new_dst)) {
        print_error("upload \"" + new_src + "\" to \"" + new_dst + "\" failed");
        ok = false;
      }
    } else {
      print_error(name + ": not a regular file");
    }
  }
  ::closedir(dir);
  // The directory's own mode (and times with -p) once its contents are in.
  sftp::FileAttributes final_attrs;
  final_attrs.permissions = st.st_mode & 01777;
  if (o_.preserve) {
    final_attrs.atime = static_cast<std::uint32_t>(st.st_atime);
    final_attrs.mtime = static_cast<std::uint32_t>(st.st_mtime);
  }
  (void)to.setstat(dst, final_attrs);
  return ok;
}

void SftpTransfers::upload(io::SftpClientSession& to, const std::string& src, const std::string& targ) {
  struct stat st;
  if (::stat(src.c_str(), &st) != 0) {
    print_error("stat local \"" + src + "\": " + std::strerror(errno));
    exit_now_ = 255;
    return;
  }
  std::string filename = base_name(src);
  auto target = prepare_remote_path(to, targ);
  if (!target) {
    exit_now_ = 255;
    return;
  }
  bool target_is_dir = remote_is_dir(to, *target);
  if (target_dir_ && !target_is_dir) {
    sftp::FileAttributes a;
    a.permissions = st.st_mode | 0700;
    if (!to.mkdir(*target, a)) {
      print_error("remote mkdir \"" + *target + "\": " + std::string(sftp::status_text(to.last_status())));
      exit_now_ = 255;
      return;
    }
    target_is_dir = true;
  }
  std::string abs_dst = target_is_dir ? path_append(*target, filename) : *target;
  if (S_ISDIR(st.st_mode) && o_.recursive) {
    auto canon = canonical(to, abs_dst, "upload");
    if (!canon || !upload_dir(to, src, *canon, 0)) {
      print_error("failed to upload directory " + src + " to " + targ);
      failed_ = true;
    }
  } else if (!upload_file(to, src, abs_dst)) {
    print_error("failed to upload file " + src + " to " + targ);
    failed_ = true;
  }
}

bool SftpTransfers::download_file(io::SftpClientSession& from, const std::string& src, const std::string& dst,
                                  const sftp::FileAttributes* known) {
  auto a = known ? std::optional(*known) : stat_or_report(from, src);
  if (!a) return false;
  if (a->permissions && !a->is_regular()) {
    print_error("download " + src + ": not a regular file");
    return false;
  }
  Meter m(progress_, o_.preserve, src, a->size.value_or(0));
  m.options.remote_attrs = *a;  // no second STAT in download()
  auto r = from.download(src, dst, m.options);
  m.finish(static_cast<bool>(r));
  if (!r) {
    report_failure(from, r.error(), "remote open", src);
    return false;
  }
  return true;
}

bool SftpTransfers::download_dir(io::SftpClientSession& from, const std::string& src, const std::string& dst,
                                 const sftp::FileAttributes& attrs, int depth) {
  if (depth >= kMaxDirDepth) {
    print_error("Maximum directory depth exceeded: " + std::to_string(depth) + " levels");
    return false;
  }
  if (!is_dir(attrs)) {
    print_error("\"" + src + "\" is not a directory");
    return false;
  }
  mode_t mode = attrs.permissions ? (*attrs.permissions & 01777) : 0777;
  mode_t tmp_mode = mode | S_IWUSR | S_IXUSR;
  if (::mkdir(dst.c_str(), tmp_mode) == -1 && errno != EEXIST) {
    print_error("mkdir " + dst + ": " + std::strerror(errno));
    return false;
  }
  auto entries = list_directory(from, src, "remote");
  if (!entries) return false;
  bool ok = true;
  for (io::SftpDirEntry& e : *entries) {
    std::string new_src = path_append(src, e.name), new_dst = path_append(dst, e.name);
    // READDIR gives a link's own attributes: as OpenSSH 9.2's follow_link_flag, a link
    // is fetched as a file (its target STATed then), so one to a directory is refused.
    if (is_dir(e.attrs)) {
      if (e.name == "." || e.name == "..") continue;
      if (!download_dir(from, new_src, new_dst, e.attrs, depth + 1)) ok = false;
    } else if (is_regular(e.attrs) || e.attrs.is_symlink()) {
      if (!download_file(from, new_src, new_dst, e.attrs.is_symlink() ? nullptr : &e.attrs)) {
        print_error("Download of file " + new_src + " to " + new_dst + " failed");
        ok = false;
      }
    } else {
      print_error("download \"" + new_src + "\": not a regular file");
    }
  }
  if (o_.preserve && attrs.mtime && attrs.atime) {
    struct timeval tv[2] = {{static_cast<time_t>(*attrs.atime), 0}, {static_cast<time_t>(*attrs.mtime), 0}};
    if (::utimes(dst.c_str(), tv) == -1)
      print_error("local set times on \"" + dst + "\": " + std::strerror(errno));
  }
  if (mode != tmp_mode && ::chmod(dst.c_str(), mode) == -1)
    print_error("local chmod directory \"" + dst + "\": " + std::strerror(errno));
  return ok;
}

void SftpTransfers::download(io::SftpClientSession& from, const std::string& src, const std::string& dst) {
  auto abs_src = prepare_remote_path(from, src);
  if (!abs_src) {
    failed_ = true;
    return;
  }
  io::LookupsAheadForGet ahead(from, *abs_src, o_.recursive);  // one round trip, not three
  auto matches = io::remote_glob(from, *abs_src);
  if (!matches || matches->empty()) {
    print_error(src + ": " + std::strerror(ENOENT));
    failed_ = true;
    return;
  }
  struct stat st;
  int r = ::stat(dst.c_str(), &st);
  bool dst_is_dir = r == 0 && S_ISDIR(st.st_mode);
  if (matches->size() > 1 && !dst_is_dir) {
    if (r == 0) {
      print_error("Multiple files match pattern, but destination \"" + dst + "\" is not a directory");
      failed_ = true;
      return;
    }
    if (::mkdir(dst.c_str(), 0777) != 0) {
      print_error("local mkdir \"" + dst + "\": " + std::strerror(errno));
      failed_ = true;
      return;
    }
    dst_is_dir = true;
  }
  for (const io::RemoteGlobMatch& m : *matches) {
    std::string abs_dst = dst_is_dir ? path_append(dst, base_name(m.path)) : dst;
    bool ok = false;
    if (is_dir(m.attrs) && o_.recursive) {
      auto canon = canonical(from, glob_marked(m), "download");
      ok = canon && download_dir(from, *canon, abs_dst, m.attrs, 0);
    } else {
      ok = download_file(from, glob_marked(m), abs_dst);
    }
    if (!ok) failed_ = true;
  }
}

bool SftpTransfers::crossload_file(io::SftpClientSession& from, io::SftpClientSession& to, const std::string& src,
                                   const std::string& dst, const sftp::FileAttributes* known) {
  // Through a private local file: the session API moves whole files between a path
  // and the server, and a spool keeps both servers' pipelining intact.
  const char* tmp_root = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp_root && *tmp_root ? tmp_root : "/tmp") + "/scp-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    print_error("mkdtemp \"" + tmpl + "\": " + std::strerror(errno));
    return false;
  }
  std::string dir(buf.data());
  std::string spool = dir + "/spool";
  auto a = known ? std::optional(*known) : stat_or_report(from, src);
  bool ok = false;
  if (a && a->permissions && !a->is_regular()) {
    print_error("download \"" + src + "\": not a regular file");
  } else if (a) {
    io::TransferOptions keep;
    keep.preserve = true;  // the mode always travels (as do_crossload), times only with -p
    keep.remote_attrs = *a;
    auto got = from.download(src, spool, keep);
    if (!got) {
      report_failure(from, got.error(), "remote open", src);
    } else {
      Meter m(progress_, o_.preserve, src, a->size.value_or(0));
      auto put = to.upload(spool, dst, m.options);
      m.finish(static_cast<bool>(put));
      if (!put) report_failure(to, put.error(), "dest open", dst);
      ok = static_cast<bool>(put);
    }
  }
  ::unlink(spool.c_str());
  ::rmdir(dir.c_str());
  return ok;
}

bool SftpTransfers::crossload_dir(io::SftpClientSession& from, io::SftpClientSession& to, const std::string& src,
                                  const std::string& dst, const sftp::FileAttributes& attrs, int depth) {
  if (depth >= kMaxDirDepth) {
    print_error("Maximum directory depth exceeded: " + std::to_string(depth) + " levels");
    return false;
  }
  sftp::FileAttributes a;
  std::uint32_t mode = attrs.permissions ? (*attrs.permissions & 01777) : 0777;
  a.permissions = mode | S_IWUSR | S_IXUSR;
  if (!to.mkdir(dst, a)) {
    auto existing = stat_or_report(to, dst);
    if (!existing) return false;
    if (!is_dir(*existing)) {
      print_error("\"" + dst + "\" exists but is not a directory");
      return false;
    }
  }
  auto entries = list_directory(from, src, "origin");
  if (!entries) return false;
  bool ok = true;
  for (io::SftpDirEntry& e : *entries) {
    std::string new_src = path_append(src, e.name), new_dst = path_append(dst, e.name);
    // Links as in download_dir(): sent as files, their targets STATed.
    if (is_dir(e.attrs)) {
      if (e.name == "." || e.name == "..") continue;
      if (!crossload_dir(from, to, new_src, new_dst, e.attrs, depth + 1)) ok = false;
    } else if (is_regular(e.attrs) || e.attrs.is_symlink()) {
      if (!crossload_file(from, to, new_src, new_dst, e.attrs.is_symlink() ? nullptr : &e.attrs)) {
        print_error("crossload \"" + new_src + "\" to \"" + new_dst + "\" failed");
        ok = false;
      }
    } else {
      print_error("origin \"" + new_src + "\": not a regular file");
    }
  }
  sftp::FileAttributes final_attrs;
  final_attrs.permissions = mode;
  if (o_.preserve && attrs.mtime && attrs.atime) {
    final_attrs.atime = attrs.atime;
    final_attrs.mtime = attrs.mtime;
  }
  (void)to.setstat(dst, final_attrs);
  return ok;
}

void SftpTransfers::crossload(io::SftpClientSession& from, io::SftpClientSession& to, const std::string& src,
                              const std::string& targ) {
  auto abs_src = prepare_remote_path(from, src);
  auto target = abs_src ? prepare_remote_path(to, targ) : std::nullopt;
  if (!abs_src || !target) {
    exit_now_ = 255;
    return;
  }
  bool target_is_dir = remote_is_dir(to, *target);
  if (!target_is_dir && target_dir_) {
    print_error(targ + ": destination is not a directory");
    failed_ = true;
    return;
  }
  io::LookupsAheadForGet ahead(from, *abs_src, o_.recursive);  // one round trip, not three
  auto matches = io::remote_glob(from, *abs_src);
  if (!matches || matches->empty()) {
    print_error(src + ": " + std::strerror(ENOENT));
    failed_ = true;
    return;
  }
  for (const io::RemoteGlobMatch& m : *matches) {
    std::string abs_dst = target_is_dir ? path_append(*target, base_name(m.path)) : *target;
    bool ok = false;
    if (is_dir(m.attrs) && o_.recursive) {
      auto canon = canonical(from, glob_marked(m), "crossload");
      ok = canon && crossload_dir(from, to, *canon, abs_dst, m.attrs, 0);
    } else {
      ok = crossload_file(from, to, glob_marked(m), abs_dst);
    }
    if (!ok) failed_ = true;
  }
}

}  // namespace scp

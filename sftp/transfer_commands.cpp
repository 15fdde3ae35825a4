// get/put/reget/reput: OpenSSH's process_get()/process_put() with the recursive
// download_dir()/upload_dir() walks; the byte moving is SftpClientSession's.
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "command_loop.hpp"
#include "interpreter.hpp"
#include "remote_path.hpp"
#include "terminal_text.hpp"
#include "sshcore/io/progress_meter.hpp"

namespace sftp_program {

namespace sftp = sshcore::apps::sftp;

namespace {

constexpr int kMaxDirectoryDepth = 64;

bool local_is_dir(const std::string& path) {
  struct stat sb {};
  return ::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode);
}

// OpenSSH's download_dir() and upload_dir() walk from the server's canonical path;
// when REALPATH fails they say why and which walk gave up. `walk`: "download", "upload".
std::optional<std::string> canonical_path(sshcore::io::SftpClientSession& session, const std::string& path,
                                          const std::string& walk) {
  auto real = session.realpath(path);
  if (real) return std::move(*real);
  print_error("realpath " + path + ": " + session.reason_for(real.error()));
  print_error(walk + " \"" + path + "\": path canonicalization failed");
  return std::nullopt;
}

// glob(3) with GLOB_NOCHECK|GLOB_MARK: directories end in '/', no match yields the pattern.
std::vector<std::string> local_glob(const std::string& pattern) {
  glob_t g{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), GLOB_NOCHECK | GLOB_MARK, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; i++) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  return out;
}

}  // namespace

sshcore::io::TransferOptions SftpInterpreter::transfer_options(const std::string& meter_name, std::uint64_t size,
                                                               bool preserve, bool resume, bool fsync) {
  sshcore::io::TransferOptions t;
  t.preserve = preserve;
  t.resume = resume;
  t.fsync = fsync;
  t.interrupted = &g_command_interrupted;
  // As OpenSSH: a meter for every non-empty file, drawn at 0% before the first byte.
  if (options_.show_progress && size != 0 && sshcore::io::progress_meter_possible()) {
    auto meter = std::make_shared<std::unique_ptr<sshcore::io::ProgressMeter>>();
    *meter = std::make_unique<sshcore::io::ProgressMeter>(meter_name, size);
    active_meter_ = meter;
    t.progress = [meter](std::uint64_t done, std::uint64_t) {
      if (*meter) (*meter)->update(done);
    };
  }
  return t;
}

void SftpInterpreter::finish_meter(bool complete) {
  if (active_meter_ && *active_meter_) {
    if (complete)
      (*active_meter_)->finish();
    else
      (*active_meter_)->abandon();  // as OpenSSH: the line where it stopped, before the error
    active_meter_->reset();         // the ticker stops here, not when the options go
  }
  active_meter_.reset();
}

int SftpInterpreter::download_one(const std::string& remote, const std::string& local, bool preserve, bool resume,
                                  bool fsync) {
  auto attrs = session_.stat(remote);
  std::uint64_t size = attrs && attrs->size ? *attrs->size : 0;
  // As OpenSSH, a resumed download of a complete file still opens and probes the
  // remote file, and then says that nothing changed.
  std::optional<off_t> size_before;
  struct stat sb {};
  if (resume && ::stat(local.c_str(), &sb) == 0 && S_ISREG(sb.st_mode)) size_before = sb.st_size;
  sshcore::io::TransferOptions options = transfer_options(path_base_name(remote), size, preserve, resume, fsync);
  if (attrs) options.remote_attrs = *attrs;  // no second STAT in download()
  auto r = session_.download(remote, local, options);
  if (r) {
    finish_meter(true);
    if (size_before && ::stat(local.c_str(), &sb) == 0 && sb.st_size == *size_before)
      print_error("File \"" + local + "\" was not modified");
    return 0;
  }
  finish_meter(false);
  if (!g_command_interrupted) print_error(r.error().detail);  // "Interrupt" was the message
  return -1;
}

int SftpInterpreter::upload_one(const std::string& local, const std::string& remote, bool preserve, bool resume,
                                bool fsync) {
  struct stat sb {};
  if (::stat(local.c_str(), &sb) == -1) {
    print_error("stat local \"" + local + "\": " + std::strerror(errno));
    return -1;
  }
  if (!S_ISREG(sb.st_mode)) {
    print_error("local \"" + local + "\" is not a regular file");
    return -1;
  }
  if (resume) {
    auto attrs = session_.stat(remote);
    if (!attrs) {
      print_error("stat remote: " + attrs.error().detail);
      return -1;
    }
    if (attrs->size && *attrs->size >= static_cast<std::uint64_t>(sb.st_size)) {
      print_error("resume \"" + local + "\": destination file same size or larger");
      return -1;
    }
  }
  auto r = session_.upload(local, remote, transfer_options(path_base_name(local), static_cast<std::uint64_t>(sb.st_size),
                                                          preserve, resume, fsync));
  if (r) {
    finish_meter(true);
    return 0;
  }
  finish_meter(false);
  // A bare status text is the server refusing the OPEN: OpenSSH names the file.
  auto status = session_.last_status();
  if (g_command_interrupted) return -1;  // "Interrupt" was the message
  if (session_.connected() && status != sftp::StatusCode::kOk && r.error().detail == sftp::status_text(status))
    print_error("dest open \"" + remote + "\": " + r.error().detail);
  else
    print_error(r.error().detail);
  return -1;
}

int SftpInterpreter::download_tree(const std::string& remote, const std::string& local, bool preserve,
                                   bool resume, bool fsync, int depth) {
  if (depth >= kMaxDirectoryDepth) {
    print_error("Maximum directory depth exceeded: " + std::to_string(depth) + " levels");
    return -1;
  }
  auto attrs = session_.stat(remote);
  if (!attrs) {
    print_error("stat remote \"" + remote + "\" directory failed");
    return -1;
  }
  if (!attrs->is_directory()) {
    print_error("\"" + remote + "\" is not a directory");
    return -1;
  }
  print_out("Retrieving " + remote + "\n");
  mode_t mode = attrs->permissions ? (*attrs->permissions & 01777) : 0755;
  if (::mkdir(local.c_str(), mode) == -1 && errno != EEXIST) {
    print_error("mkdir " + local + ": " + std::strerror(errno));
    return -1;
  }
  auto entries = session_.read_directory(remote);
  if (!entries) {
    print_error("remote readdir(\"" + remote + "\"): " + entries.error().detail);  // get_handle()
    print_error("remote readdir \"" + remote + "\" failed");  // download_dir_internal()
    return -1;
  }
  int err = 0;
  for (const auto& e : *entries) {
    if (g_command_interrupted) return -1;
    if (e.name == "." || e.name == "..") continue;
    std::string src = path_append(remote, e.name);
    std::string dst = path_append(local, e.name);
    if (e.attrs.is_directory()) {
      if (download_tree(src, dst, preserve, resume, fsync, depth + 1) == -1) err = -1;
    } else if (e.attrs.is_regular()) {
      if (download_one(src, dst, preserve, resume, fsync) == -1) {
        print_error("Download of file " + src + " to " + dst + " failed");
        err = -1;
      }
    } else {
      print_error("download \"" + src + "\": not a regular file");
    }
  }
  if (preserve && attrs->atime && attrs->mtime) {
    timespec times[2] = {{static_cast<time_t>(*attrs->atime), 0}, {static_cast<time_t>(*attrs->mtime), 0}};
    if (::utimensat(AT_FDCWD, local.c_str(), times, 0) == -1)
      print_error("local set times on \"" + local + "\": " + std::strerror(errno));
  }
  return err;
}

int SftpInterpreter::upload_tree(const std::string& local, const std::string& remote, bool preserve, bool resume,
                                 bool fsync, int depth) {
  if (depth >= kMaxDirectoryDepth) {
    print_error("Maximum directory depth exceeded: " + std::to_string(depth) + " levels");
    return -1;
  }
  print_out("Entering " + local + "\n");
  struct stat sb {};
  if (::stat(local.c_str(), &sb) == -1) {
    print_error("stat " + local + ": " + std::strerror(errno));
    return -1;
  }
  if (!S_ISDIR(sb.st_mode)) {
    print_error("\"" + local + "\" is not a directory");
    return -1;
  }
  sftp::FileAttributes attrs;
  attrs.permissions = static_cast<std::uint32_t>(sb.st_mode & 01777);
  if (!session_.mkdir(remote, attrs)) {
    auto existing = session_.stat(remote);
    if (!existing) {
      print_error("stat remote: " + existing.error().detail);
      return -1;
    }
    if (!existing->is_directory()) {
      print_error("\"" + remote + "\" exists but is not a directory");
      return -1;
    }
  }
  DIR* dir = ::opendir(local.c_str());
  if (dir == nullptr) {
    print_error("local opendir \"" + local + "\": " + std::strerror(errno));
    return -1;
  }
  std::vector<std::string> names;
  while (dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  int err = 0;
  for (const auto& name : names) {
    if (g_command_interrupted) return -1;
    std::string src = path_append(local, name);
    std::string dst = path_append(remote, name);
    // As OpenSSH's sftp (upload_dir with follow_link_flag 0): a symlink is not followed
    // but skipped like any other file that is not regular, named by its last component.
    struct stat st {};
    if (::lstat(src.c_str(), &st) == -1) {
      print_error("local lstat \"" + name + "\": " + std::strerror(errno));
      err = -1;
    } else if (S_ISDIR(st.st_mode)) {
      if (upload_tree(src, dst, preserve, resume, fsync, depth + 1) == -1) err = -1;
    } else if (S_ISREG(st.st_mode)) {
      if (upload_one(src, dst, preserve, resume, fsync) == -1) {
        print_error("upload \"" + src + "\" to \"" + dst + "\" failed");
        err = -1;
      }
    } else {
      print_error(name + ": not a regular file");
    }
  }
  if (preserve) {
    attrs.atime = static_cast<std::uint32_t>(sb.st_atime);
    attrs.mtime = static_cast<std::uint32_t>(sb.st_mtime);
  }
  if (auto r = session_.setstat(remote, attrs); !r)
    print_error("remote setstat \"" + remote + "\": " + r.error().detail);
  return err;
}

int SftpInterpreter::do_get(const ParsedCommand& cmd, bool resume) {
  std::string abs_src = absolute(*cmd.path1);
  bool recursive = cmd.rflag || options_.recursive;
  sshcore::io::LookupsAheadForGet ahead(session_, abs_src, recursive);  // one round trip, not three
  auto matches = sshcore::io::remote_glob(session_, abs_src);
  if (!matches || matches->empty()) {
    print_error("File \"" + abs_src + "\" not found.");
    return -1;
  }
  const auto& dst = cmd.path2;
  if (matches->size() > 1 && dst && !local_is_dir(*dst)) {
    print_error("Multiple source paths, but destination \"" + *dst + "\" is not a directory");
    return -1;
  }
  bool preserve = cmd.pflag || options_.preserve;
  bool fsync = cmd.fflag || options_.fsync;
  resume = resume || options_.resume;
  int err = 0;
  for (const auto& m : *matches) {
    if (g_command_interrupted) return -1;
    bool is_dir = m.attrs.permissions && m.attrs.is_directory();
    std::string shown = m.path;
    if (is_dir && shown.back() != '/') shown += '/';
    std::string filename = path_base_name(m.path);
    std::string abs_dst;
    if (matches->size() == 1 && dst)
      abs_dst = local_is_dir(*dst) ? path_append(*dst, filename) : *dst;
    else if (dst)
      abs_dst = path_append(*dst, filename);
    else
      abs_dst = filename;
    if (!options_.quiet) print_out((resume ? "Resuming " : "Fetching ") + shown + " to " + abs_dst + "\n");
    if (is_dir && recursive) {
      // From the canonical path: a symlink to a directory is retrieved under its target's name.
      auto canonical = canonical_path(session_, shown, "download");
      if (!canonical || download_tree(*canonical, abs_dst, preserve, resume, fsync, 0) == -1) err = -1;
    } else if (m.attrs.is_symlink()) {
      // A dangling link (the glob could not follow it): OpenSSH's do_download() stats it.
      auto target = session_.stat(m.path);
      print_error(target ? "download " + shown + ": not a regular file" : "stat remote: " + target.error().detail);
      err = -1;
    } else if (is_dir || (m.attrs.permissions && !m.attrs.is_regular())) {
      print_error("download " + shown + ": not a regular file");
      err = -1;
    } else if (download_one(m.path, abs_dst, preserve, resume, fsync) == -1) {
      err = -1;
    }
  }
  return err;
}

int SftpInterpreter::do_put(const ParsedCommand& cmd, bool resume) {
  std::optional<std::string> dst;
  if (cmd.path2) dst = absolute(*cmd.path2);
  auto matches = local_glob(*cmd.path1);
  if (matches.empty()) {
    print_error("File \"" + *cmd.path1 + "\" not found.");
    return -1;
  }
  resume = resume || options_.resume;
  // One regular file to a named destination: the OPEN that follows when the
  // destination is not a directory goes out with its STAT (one round trip, not two).
  std::optional<sshcore::io::LookupsAheadForPut> ahead;
  if (dst && matches.size() == 1 && !resume) ahead.emplace(session_, matches[0], *dst);
  bool dst_is_dir = true;
  if (dst) {
    auto a = session_.stat(*dst);
    dst_is_dir = a && a->permissions && a->is_directory();
  }
  if (matches.size() > 1 && dst && !dst_is_dir) {
    print_error("Multiple paths match, but destination \"" + *dst + "\" is not a directory");
    return -1;
  }
  bool preserve = cmd.pflag || options_.preserve;
  bool recursive = cmd.rflag || options_.recursive;
  bool fsync = cmd.fflag || options_.fsync;
  int err = 0;
  for (const auto& path : matches) {
    if (g_command_interrupted) return -1;
    struct stat sb {};
    if (::stat(path.c_str(), &sb) == -1) {
      err = -1;
      print_error("stat " + path + ": " + std::strerror(errno));
      continue;
    }
    std::string filename = path_base_name(path);
    std::string abs_dst;
    if (matches.size() == 1 && dst)
      abs_dst = dst_is_dir ? path_append(*dst, filename) : *dst;
    else if (dst)
      abs_dst = path_append(*dst, filename);
    else
      abs_dst = absolute(filename);
    if (!options_.quiet)
      print_out((resume ? "Resuming upload of " : "Uploading ") + path + " to " + abs_dst + "\n");
    if (S_ISDIR(sb.st_mode) && recursive) {
      auto canonical = canonical_path(session_, abs_dst, "upload");
      if (!canonical || upload_tree(path, *canonical, preserve, resume, fsync, 0) == -1) err = -1;
    } else if (upload_one(path, abs_dst, preserve, resume, fsync) ==
               -1) {
      err = -1;
    }
  }
  return err;
}

}  // namespace sftp_program

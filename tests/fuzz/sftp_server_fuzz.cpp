// The SFTP server engine fed arbitrary client bytes, over an in-memory filesystem so
// that fuzzing touches no disk. The input is the byte stream after a fixed INIT; the
// engine must never crash, and must stop consuming once it reports a fatal error.
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sshcore/apps/sftp/sftp_filesystem.hpp"
#include "sshcore/apps/sftp/sftp_server.hpp"
#include "sshcore/base/log.hpp"

namespace {

namespace sftp = sshcore::apps::sftp;
template <class T>
using FsResult = sftp::FsResult<T>;

struct Node {
  bool dir = false;
  std::string data;
  std::string link;  // non-empty: a symlink
  std::uint32_t mode = 0644;
};
using Tree = std::map<std::string, Node>;

sftp::FileAttributes attrs_of(const Node& n) {
  sftp::FileAttributes a;
  a.size = n.data.size();
  a.uid = 0;
  a.gid = 0;
  a.permissions = (n.dir ? 0040000 : !n.link.empty() ? 0120000 : 0100000) | (n.mode & 07777);
  a.atime = 0;
  a.mtime = 0;
  return a;
}

// Room left in a pretend staging pipe (OpenFile::stage); nullptr: no staging.
std::size_t* g_stage_room = nullptr;

class MemFile final : public sftp::OpenFile {
 public:
  MemFile(Tree& tree, std::string path, bool append) : tree_(tree), path_(std::move(path)), append_(append) {}
  std::optional<std::size_t> stage(std::uint64_t offset, std::size_t length) override {
    auto it = tree_.find(path_);
    if (g_stage_room == nullptr || *g_stage_room == 0 || it == tree_.end()) return std::nullopt;
    const std::string& d = it->second.data;
    std::size_t n = offset >= d.size() ? 0 : std::min<std::size_t>({length, d.size() - offset, *g_stage_room});
    *g_stage_room -= n;
    return n;
  }
  FsResult<std::size_t> read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    auto it = tree_.find(path_);
    if (it == tree_.end()) return FsResult<std::size_t>::failure(EBADF);
    const std::string& d = it->second.data;
    if (offset >= d.size()) return {0, 0};
    std::size_t n = std::min<std::size_t>(out.size(), d.size() - offset);
    std::memcpy(out.data(), d.data() + offset, n);
    return {0, n};
  }
  FsResult<std::size_t> write(std::uint64_t offset, sshcore::ByteView data) override {
    auto it = tree_.find(path_);
    if (it == tree_.end()) return FsResult<std::size_t>::failure(EBADF);
    std::string& d = it->second.data;
    if (append_) offset = d.size();
    if (offset + data.size() > (1u << 22)) return FsResult<std::size_t>::failure(EFBIG);
    if (d.size() < offset + data.size()) d.resize(offset + data.size());
    std::memcpy(d.data() + offset, data.data(), data.size());
    return {0, data.size()};
  }
  FsResult<sftp::FileAttributes> stat() override {
    auto it = tree_.find(path_);
    if (it == tree_.end()) return FsResult<sftp::FileAttributes>::failure(EBADF);
    return {0, attrs_of(it->second)};
  }
  int set_attribute(sftp::AttrChange change, const sftp::FileAttributes& a) override {
    auto it = tree_.find(path_);
    if (it == tree_.end()) return EBADF;
    if (change == sftp::AttrChange::kSize) {
      if (*a.size > (1u << 22)) return EFBIG;
      it->second.data.resize(*a.size);
    }
    if (change == sftp::AttrChange::kPermissions) it->second.mode = *a.permissions;
    return 0;
  }
  FsResult<sftp::StatVfs> statvfs() override { return {0, sftp::StatVfs{}}; }
  int sync() override { return 0; }

 private:
  Tree& tree_;
  std::string path_;
  bool append_;
};

class MemDir final : public sftp::OpenDirectory {
 public:
  MemDir(Tree& tree, std::string path) : tree_(tree), path_(std::move(path)) {}
  FsResult<std::optional<sftp::DirectoryEntry>> next() override {
    auto it = tree_.upper_bound(last_.empty() ? path_ : last_);
    for (; it != tree_.end(); ++it) {
      if (!it->first.starts_with(path_ + "/")) return {};
      if (it->first.find('/', path_.size() + 1) != std::string::npos) continue;
      last_ = it->first;
      return {0, sftp::DirectoryEntry{it->first.substr(path_.size() + 1), attrs_of(it->second), 1}};
    }
    return {};
  }

 private:
  Tree& tree_;
  std::string path_;
  std::string last_;
};

class MemFs final : public sftp::Filesystem {
 public:
  MemFs() {
    tree_["/"] = Node{true, "", "", 0755};
    tree_["/f"] = Node{false, "hello world", "", 0644};
    tree_["/d"] = Node{true, "", "", 0755};
    tree_["/d/g"] = Node{false, std::string(1000, 'x'), "", 0600};
    tree_["/l"] = Node{false, "", "f", 0777};
  }
  FsResult<std::unique_ptr<sftp::OpenFile>> open(const std::string& p, std::uint32_t flags,
                                                 std::uint32_t mode) override {
    auto it = tree_.find(p);
    if (it == tree_.end()) {
      if (!(flags & sftp::kOpenCreate) || tree_.size() > 1000) return Fail<std::unique_ptr<sftp::OpenFile>>(ENOENT);
      it = tree_.emplace(p, Node{false, "", "", mode}).first;
    } else if ((flags & sftp::kOpenCreate) && (flags & sftp::kOpenExclusive)) {
      return Fail<std::unique_ptr<sftp::OpenFile>>(EEXIST);
    }
    if (it->second.dir) return Fail<std::unique_ptr<sftp::OpenFile>>(EISDIR);
    if (flags & sftp::kOpenTruncate) it->second.data.clear();
    return {0, std::make_unique<MemFile>(tree_, p, (flags & sftp::kOpenAppend) != 0)};
  }
  FsResult<std::unique_ptr<sftp::OpenDirectory>> open_directory(const std::string& p) override {
    auto it = tree_.find(p);
    if (it == tree_.end()) return Fail<std::unique_ptr<sftp::OpenDirectory>>(ENOENT);
    if (!it->second.dir) return Fail<std::unique_ptr<sftp::OpenDirectory>>(ENOTDIR);
    return {0, std::make_unique<MemDir>(tree_, p == "/" ? "" : p)};
  }
  FsResult<sftp::FileAttributes> stat(const std::string& p, bool) override {
    auto it = tree_.find(p);
    if (it == tree_.end()) return Fail<sftp::FileAttributes>(ENOENT);
    return {0, attrs_of(it->second)};
  }
  int set_attribute(const std::string& p, sftp::AttrChange change, const sftp::FileAttributes& a, bool) override {
    auto it = tree_.find(p);
    if (it == tree_.end()) return ENOENT;
    MemFile f(tree_, p, false);
    return it->second.dir && change == sftp::AttrChange::kSize ? EISDIR : f.set_attribute(change, a);
  }
  int remove(const std::string& p) override {
    auto it = tree_.find(p);
    if (it == tree_.end()) return ENOENT;
    if (it->second.dir) return EISDIR;
    tree_.erase(it);
    return 0;
  }
  int make_directory(const std::string& p, std::uint32_t mode) override {
    if (tree_.count(p)) return EEXIST;
    if (tree_.size() > 1000) return ENOSPC;
    tree_[p] = Node{true, "", "", mode};
    return 0;
  }
  int remove_directory(const std::string& p) override {
    auto it = tree_.find(p);
    if (it == tree_.end()) return ENOENT;
    if (!it->second.dir) return ENOTDIR;
    auto next = std::next(it);
    if (next != tree_.end() && next->first.starts_with(p + "/")) return ENOTEMPTY;
    tree_.erase(it);
    return 0;
  }
  FsResult<std::string> real_path(const std::string& p) override {
    if (p.empty()) return Fail<std::string>(ENOENT);
    return {0, p.front() == '/' ? p : "/" + p};
  }
  int rename(const std::string& a, const std::string& b) override {
    if (tree_.count(b)) return EEXIST;
    return posix_rename(a, b);
  }
  int posix_rename(const std::string& a, const std::string& b) override {
    auto it = tree_.find(a);
    if (it == tree_.end()) return ENOENT;
    if (it->second.dir) return EXDEV;  // keeps the fake simple: no subtree moves
    Node n = it->second;
    tree_.erase(it);
    tree_[b] = n;
    return 0;
  }
  FsResult<std::string> read_link(const std::string& p) override {
    auto it = tree_.find(p);
    if (it == tree_.end()) return Fail<std::string>(ENOENT);
    if (it->second.link.empty()) return Fail<std::string>(EINVAL);
    return {0, it->second.link};
  }
  int symlink(const std::string& target, const std::string& link) override {
    if (tree_.count(link)) return EEXIST;
    if (tree_.size() > 1000) return ENOSPC;
    tree_[link] = Node{false, "", target.empty() ? "?" : target, 0777};
    return 0;
  }
  int hard_link(const std::string& a, const std::string& b) override {
    auto it = tree_.find(a);
    if (it == tree_.end()) return ENOENT;
    if (tree_.count(b)) return EEXIST;
    if (tree_.size() > 1000) return ENOSPC;
    Node copy = it->second;
    tree_[b] = copy;
    return 0;
  }
  FsResult<sftp::StatVfs> statvfs(const std::string& p) override {
    if (!tree_.count(p)) return Fail<sftp::StatVfs>(ENOENT);
    return {0, sftp::StatVfs{}};
  }
  std::optional<std::string> user_name(std::uint32_t uid) override {
    if (uid == 0) return "root";
    return std::nullopt;
  }
  std::optional<std::string> group_name(std::uint32_t gid) override { return user_name(gid); }
  std::optional<std::string> home_directory(const std::string& user) override {
    if (user == "root") return "/";
    return std::nullopt;
  }
  FsResult<std::string> expand_tilde(const std::string& p) override {
    if (p.starts_with("~root")) return {0, "/" + p.substr(5)};
    return Fail<std::string>(ENOENT);
  }

 private:
  template <class T>
  static FsResult<T> Fail(int err) {
    return FsResult<T>::failure(err);
  }
  Tree tree_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    sshcore::log::Options options;
    options.level = sshcore::log::Level::kQuiet;  // the engine logs every request
    sshcore::log::init(options);
    return true;
  }();
  (void)quiet;
  MemFs fs;
  sftp::SftpServerOptions options;
  options.max_open_handles = 8;
  if (size > 0 && (data[0] & 1)) options.read_only = true;
  std::size_t room = 8192;  // a few small READs fill it: later ones wait, large ones copy part
  g_stage_room = size % 2 == 0 ? &room : nullptr;  // half the inputs stage READs
  sftp::SftpServer server(options, fs);
  static const std::uint8_t kInit[] = {0, 0, 0, 5, 1, 0, 0, 0, 3};
  if (!server.receive(sshcore::ByteView(kInit, sizeof kInit))) return 0;
  server.consume_output(server.pending_output().size());
  // Feed in two pieces so that packets split across reads are exercised too.
  std::size_t cut = size / 2;
  // Drains as sftp-server's loop does, staged runs included, resuming held requests.
  auto drain = [&] {
    for (int rounds = 0; rounds < 100000; ++rounds) {
      server.consume_output(server.pending_output().size());
      if (std::size_t run = server.pending_staged(); run > 0) {
        server.consume_staged(run);
        room += run;
        continue;
      }
      if (server.pending_size() != 0) __builtin_trap();  // output stuck: an engine bug
      if (!server.blocked() || !server.resume()) return;
    }
  };
  if (server.receive(sshcore::ByteView(data, cut))) {
    drain();
    (void)server.receive(sshcore::ByteView(data + cut, size - cut));
  }
  drain();
  server.close_all_handles();
  g_stage_room = nullptr;
  return 0;
}

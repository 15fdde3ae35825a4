// The SFTP server engine against a real temporary directory (through the POSIX
// filesystem): every request type, OpenSSH's extensions and their reply layouts,
// read-only mode, -P/-p request lists, handle limits, and malformed input.
#include "sshcore/apps/sftp/sftp_server.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "sshcore/apps/sftp/long_name.hpp"
#include "sshcore/io/posix_sftp_filesystem.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/temp_dir.hpp"

namespace sftp = sshcore::apps::sftp;
using sftp::PacketType;
using sftp::StatusCode;
using sshcore::Bytes;
using sshcore::ByteView;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void spit(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

struct Reply {
  std::uint8_t type = 0;
  Bytes body;  // after the type byte
  sshcore::wire::Reader reader() const { return sshcore::wire::Reader(ByteView(body)); }
  std::uint32_t id() const {
    auto r = reader();
    return *r.u32();
  }
  StatusCode status() const {
    EXPECT_EQ(type, static_cast<std::uint8_t>(PacketType::kStatus));
    auto r = reader();
    (void)r.u32();
    return static_cast<StatusCode>(*r.u32());
  }
};

// A hand-written client: builds requests with wire::Writer, collects the replies.
class ServerHarness {
 public:
  explicit ServerHarness(sftp::SftpServerOptions options = {}) : server_(options, fs_) {}

  sshcore::Result<void> send_raw(ByteView framed) { return server_.receive(framed); }
  template <class Body>
  Reply request(PacketType type, Body&& body) {
    sshcore::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(type));
    if (type != PacketType::kInit) w.u32(++id_);
    body(w);
    Bytes framed;
    sftp::frame_packet(framed, w.view());
    EXPECT_TRUE(server_.receive(framed));
    auto replies = take();
    EXPECT_EQ(replies.size(), 1u);
    return replies.empty() ? Reply{} : replies.front();
  }
  Reply extended(std::string_view name, auto&& body) {
    return request(PacketType::kExtended, [&](sshcore::wire::Writer& w) {
      w.string(name);
      body(w);
    });
  }
  std::vector<Reply> take() {
    std::vector<Reply> out;
    sftp::PacketFramer framer(1 << 24);
    framer.feed(server_.pending_output());
    server_.consume_output(server_.pending_output().size());
    while (auto next = framer.next()) {
      if (!*next) break;
      ByteView p = **next;
      out.push_back(Reply{p[0], Bytes(p.begin() + 1, p.end())});
    }
    return out;
  }
  void init() {
    auto v = request(PacketType::kInit, [](sshcore::wire::Writer& w) { w.u32(3); });
    ASSERT_EQ(v.type, static_cast<std::uint8_t>(PacketType::kVersion));
  }
  std::string open(const std::string& path, std::uint32_t flags, std::optional<std::uint32_t> mode = {}) {
    auto r = request(PacketType::kOpen, [&](sshcore::wire::Writer& w) {
      w.string(path);
      w.u32(flags);
      sftp::FileAttributes a;
      a.permissions = mode;
      sftp::write_attributes(w, a);
    });
    if (r.type != static_cast<std::uint8_t>(PacketType::kHandle)) {
      last_status_ = r.status();
      return {};
    }
    auto rd = r.reader();
    (void)rd.u32();
    return std::string(sshcore::as_chars(*rd.string()));
  }
  Reply path_request(PacketType type, const std::string& path) {
    return request(type, [&](sshcore::wire::Writer& w) { w.string(path); });
  }
  Reply two_paths(PacketType type, const std::string& a, const std::string& b) {
    return request(type, [&](sshcore::wire::Writer& w) {
      w.string(a);
      w.string(b);
    });
  }
  Reply handle_request(PacketType type, const std::string& handle) {
    return request(type, [&](sshcore::wire::Writer& w) { w.string(handle); });
  }
  Reply write(const std::string& handle, std::uint64_t offset, std::string_view data) {
    return request(PacketType::kWrite, [&](sshcore::wire::Writer& w) {
      w.string(handle);
      w.u64(offset);
      w.string(data);
    });
  }
  Reply read(const std::string& handle, std::uint64_t offset, std::uint32_t len) {
    return request(PacketType::kRead, [&](sshcore::wire::Writer& w) {
      w.string(handle);
      w.u64(offset);
      w.u32(len);
    });
  }
  sftp::SftpServer& server() { return server_; }
  StatusCode last_status() const { return last_status_; }

 private:
  sshcore::io::PosixSftpFilesystem fs_;
  sftp::SftpServer server_;
  std::uint32_t id_ = 0;
  StatusCode last_status_ = StatusCode::kOk;
};

std::string data_of(const Reply& r) {
  EXPECT_EQ(r.type, static_cast<std::uint8_t>(PacketType::kData));
  auto rd = r.reader();
  (void)rd.u32();
  return std::string(sshcore::as_chars(*rd.string()));
}

sftp::FileAttributes attrs_of(const Reply& r) {
  EXPECT_EQ(r.type, static_cast<std::uint8_t>(PacketType::kAttrs));
  auto rd = r.reader();
  (void)rd.u32();
  return *sftp::read_attributes(rd);
}

std::vector<std::pair<std::string, std::string>> names_of(const Reply& r) {
  EXPECT_EQ(r.type, static_cast<std::uint8_t>(PacketType::kName));
  auto rd = r.reader();
  (void)rd.u32();
  std::uint32_t count = *rd.u32();
  std::vector<std::pair<std::string, std::string>> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string name(sshcore::as_chars(*rd.string()));
    std::string longname(sshcore::as_chars(*rd.string()));
    (void)sftp::read_attributes(rd);
    out.emplace_back(name, longname);
  }
  EXPECT_TRUE(rd.empty());
  return out;
}

constexpr std::uint32_t kReadFlag = sftp::kOpenRead;
constexpr std::uint32_t kWriteCreate = sftp::kOpenWrite | sftp::kOpenCreate | sftp::kOpenTruncate;

TEST(SftpServer, VersionAnnouncesOpenSshExtensionsInOrder) {
  ServerHarness h;
  auto v = h.request(PacketType::kInit, [](sshcore::wire::Writer& w) { w.u32(3); });
  ASSERT_EQ(v.type, static_cast<std::uint8_t>(PacketType::kVersion));
  auto r = v.reader();
  EXPECT_EQ(*r.u32(), 3u);
  std::vector<std::pair<std::string, std::string>> ext;
  while (!r.empty()) {
    std::string name(sshcore::as_chars(*r.string()));
    ext.emplace_back(name, std::string(sshcore::as_chars(*r.string())));
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"posix-rename@openssh.com", "1"}, {"statvfs@openssh.com", "2"},     {"fstatvfs@openssh.com", "2"},
      {"hardlink@openssh.com", "1"},     {"fsync@openssh.com", "1"},       {"lsetstat@openssh.com", "1"},
      {"limits@openssh.com", "1"},       {"expand-path@openssh.com", "1"}, {"copy-data", "1"},
      {"home-directory", "1"},           {"users-groups-by-id@openssh.com", "1"}};
  EXPECT_EQ(ext, expected);
}

TEST(SftpServer, WriteReadCloseAndFstat) {
  sshpp::test::TempDir dir;
  ServerHarness h;
  h.init();
  std::string handle = h.open(dir / "f", kWriteCreate, 0640);
  ASSERT_EQ(handle.size(), 4u);
  EXPECT_EQ(h.write(handle, 0, "hello ").status(), StatusCode::kOk);
  EXPECT_EQ(h.write(handle, 6, "world").status(), StatusCode::kOk);
  auto st = attrs_of(h.handle_request(PacketType::kFstat, handle));
  EXPECT_EQ(st.size, 11u);
  mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(*st.permissions & 0777, 0640u & ~mask);
  EXPECT_EQ(h.handle_request(PacketType::kClose, handle).status(), StatusCode::kOk);
  EXPECT_EQ(slurp(dir / "f"), "hello world");
  // A closed handle is gone.
  EXPECT_EQ(h.handle_request(PacketType::kClose, handle).status(), StatusCode::kNoSuchFile);

  handle = h.open(dir / "f", kReadFlag);
  EXPECT_EQ(data_of(h.read(handle, 6, 100)), "world");
  EXPECT_EQ(h.read(handle, 11, 100).status(), StatusCode::kEof);
  // Writing through a read-only descriptor fails with the errno's status.
  EXPECT_NE(h.write(handle, 0, "x").status(), StatusCode::kOk);
  EXPECT_EQ(h.handle_request(PacketType::kClose, handle).status(), StatusCode::kOk);
  EXPECT_EQ(h.server().open_handles(), 0u);
}

TEST(SftpServer, ReadLengthIsCappedAsOpenSsh) {
  sshpp::test::TempDir dir;
  spit(dir / "big", std::string(1 << 20, 'x'));
  ServerHarness h;
  h.init();
  std::string handle = h.open(dir / "big", kReadFlag);
  EXPECT_EQ(data_of(h.read(handle, 0, 1 << 20)).size(), sftp::kMaxReadLength);
  EXPECT_EQ(sftp::kMaxReadLength, 256u * 1024 - 1024);
}

TEST(SftpServer, PipelinedReadsAreAnsweredInOrder) {
  sshpp::test::TempDir dir;
  std::string content;
  for (int i = 0; i < 300000; ++i) content += static_cast<char>('a' + i % 26);
  spit(dir / "f", content);
  ServerHarness h;
  h.init();
  std::string handle = h.open(dir / "f", kReadFlag);
  // Three READs in one chunk, the replies left unconsumed between them.
  Bytes stream;
  for (std::uint32_t i = 0; i < 3; ++i) {
    sshcore::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(PacketType::kRead));
    w.u32(100 + i);
    w.string(handle);
    w.u64(i * 131072ull);
    w.u32(131072);
    sftp::frame_packet(stream, w.view());
  }
  ASSERT_TRUE(h.send_raw(stream));
  auto replies = h.take();
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].id(), 100u);
  EXPECT_EQ(data_of(replies[0]), content.substr(0, 131072));
  EXPECT_EQ(data_of(replies[1]), content.substr(131072, 131072));
  EXPECT_EQ(data_of(replies[2]), content.substr(262144));  // short read at the end
  EXPECT_EQ(replies[2].id(), 102u);
}

TEST(SftpServer, OpenMissingAndExclusive) {
  sshpp::test::TempDir dir;
  ServerHarness h;
  h.init();
  EXPECT_TRUE(h.open(dir / "missing", kReadFlag).empty());
  EXPECT_EQ(h.last_status(), StatusCode::kNoSuchFile);
  spit(dir / "e", "x");
  EXPECT_TRUE(h.open(dir / "e", sftp::kOpenWrite | sftp::kOpenCreate | sftp::kOpenExclusive).empty());
  EXPECT_EQ(h.last_status(), StatusCode::kFailure);
}

TEST(SftpServer, StatLstatSetstat) {
  sshpp::test::TempDir dir;
  spit(dir / "f", "12345");
  ASSERT_EQ(symlink("f", (dir / "l").c_str()), 0);
  ServerHarness h;
  h.init();
  auto st = attrs_of(h.path_request(PacketType::kStat, dir / "l"));
  EXPECT_TRUE(st.is_regular());
  EXPECT_EQ(st.size, 5u);
  EXPECT_TRUE(attrs_of(h.path_request(PacketType::kLstat, dir / "l")).is_symlink());
  EXPECT_EQ(h.path_request(PacketType::kStat, dir / "nope").status(), StatusCode::kNoSuchFile);

  auto setstat = h.request(PacketType::kSetstat, [&](sshcore::wire::Writer& w) {
    w.string(dir / "f");
    sftp::FileAttributes a;
    a.size = 2;
    a.permissions = 0600;
    a.atime = 1000000000;
    a.mtime = 1200000000;
    sftp::write_attributes(w, a);
  });
  EXPECT_EQ(setstat.status(), StatusCode::kOk);
  struct stat sb {};
  ASSERT_EQ(::stat((dir / "f").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_size, 2);
  EXPECT_EQ(sb.st_mode & 07777, 0600u);
  EXPECT_EQ(sb.st_mtime, 1200000000);
  EXPECT_EQ(sb.st_atime, 1000000000);

  std::string handle = h.open(dir / "f", sftp::kOpenRead | sftp::kOpenWrite);
  auto fsetstat = h.request(PacketType::kFsetstat, [&](sshcore::wire::Writer& w) {
    w.string(handle);
    sftp::FileAttributes a;
    a.permissions = 0644;
    a.size = 0;
    sftp::write_attributes(w, a);
  });
  EXPECT_EQ(fsetstat.status(), StatusCode::kOk);
  ASSERT_EQ(::stat((dir / "f").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_size, 0);
  EXPECT_EQ(sb.st_mode & 07777, 0644u);

  // lsetstat changes the link itself, and refuses a size.
  auto lset = h.extended("lsetstat@openssh.com", [&](sshcore::wire::Writer& w) {
    w.string(dir / "l");
    sftp::FileAttributes a;
    a.atime = 1100000000;
    a.mtime = 1100000000;
    sftp::write_attributes(w, a);
  });
  EXPECT_EQ(lset.status(), StatusCode::kOk);
  ASSERT_EQ(::lstat((dir / "l").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mtime, 1100000000);
  ASSERT_EQ(::stat((dir / "f").c_str(), &sb), 0);
  EXPECT_NE(sb.st_mtime, 1100000000);
  auto lsize = h.extended("lsetstat@openssh.com", [&](sshcore::wire::Writer& w) {
    w.string(dir / "l");
    sftp::FileAttributes a;
    a.size = 1;
    sftp::write_attributes(w, a);
  });
  EXPECT_EQ(lsize.status(), StatusCode::kBadMessage);
}

TEST(SftpServer, DirectoriesAndLongNames) {
  sshpp::test::TempDir dir;
  ServerHarness h;
  h.init();
  auto mk = h.request(PacketType::kMkdir, [&](sshcore::wire::Writer& w) {
    w.string(dir / "sub");
    sftp::write_attributes(w, sftp::FileAttributes{});
  });
  EXPECT_EQ(mk.status(), StatusCode::kOk);
  for (int i = 0; i < 150; ++i) spit(dir / ("sub/file" + std::to_string(i)), "abc");

  auto opened = h.path_request(PacketType::kOpendir, dir / "sub");
  ASSERT_EQ(opened.type, static_cast<std::uint8_t>(PacketType::kHandle));
  auto rd = opened.reader();
  (void)rd.u32();
  std::string handle(sshcore::as_chars(*rd.string()));
  std::vector<std::pair<std::string, std::string>> all;
  for (;;) {
    auto r = h.handle_request(PacketType::kReaddir, handle);
    if (r.type == static_cast<std::uint8_t>(PacketType::kStatus)) {
      EXPECT_EQ(r.status(), StatusCode::kEof);
      break;
    }
    auto names = names_of(r);
    EXPECT_LE(names.size(), 100u);  // OpenSSH sends at most 100 per reply
    all.insert(all.end(), names.begin(), names.end());
  }
  EXPECT_EQ(all.size(), 152u);  // "." and ".." too, as OpenSSH
  bool found = false;
  for (const auto& [name, longname] : all) {
    if (name != "file7") continue;
    found = true;
    EXPECT_TRUE(longname.starts_with("-rw")) << longname;
    EXPECT_NE(longname.find("    1 root     root            3 "), std::string::npos) << longname;
    EXPECT_TRUE(longname.ends_with(" file7")) << longname;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(h.handle_request(PacketType::kClose, handle).status(), StatusCode::kOk);
  // A directory handle is not a file handle and vice versa.
  EXPECT_EQ(h.read("\0\0\0\0", 0, 10).status(), StatusCode::kFailure);

  EXPECT_EQ(h.path_request(PacketType::kRmdir, dir / "sub").status(), StatusCode::kFailure);  // not empty
  for (int i = 0; i < 150; ++i)
    EXPECT_EQ(h.path_request(PacketType::kRemove, dir / ("sub/file" + std::to_string(i))).status(), StatusCode::kOk);
  EXPECT_EQ(h.path_request(PacketType::kRmdir, dir / "sub").status(), StatusCode::kOk);
  EXPECT_EQ(h.path_request(PacketType::kOpendir, dir / "sub").status(), StatusCode::kNoSuchFile);
}

TEST(SftpServer, RealpathAllowsMissingLastComponent) {
  sshpp::test::TempDir dir;
  ServerHarness h;
  h.init();
  char resolved[PATH_MAX];
  ASSERT_NE(realpath(dir.path().c_str(), resolved), nullptr);
  auto names = names_of(h.path_request(PacketType::kRealpath, dir.path() + "/./newfile"));
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].first, std::string(resolved) + "/newfile");
  EXPECT_EQ(h.path_request(PacketType::kRealpath, dir / "a/b").status(), StatusCode::kNoSuchFile);
}

TEST(SftpServer, RenameNeverReplacesButPosixRenameDoes) {
  sshpp::test::TempDir dir;
  spit(dir / "a", "A");
  spit(dir / "b", "B");
  ServerHarness h;
  h.init();
  EXPECT_EQ(h.two_paths(PacketType::kRename, dir / "a", dir / "b").status(), StatusCode::kFailure);
  EXPECT_EQ(slurp(dir / "b"), "B");
  EXPECT_EQ(h.two_paths(PacketType::kRename, dir / "a", dir / "c").status(), StatusCode::kOk);
  EXPECT_EQ(slurp(dir / "c"), "A");
  EXPECT_EQ(access((dir / "a").c_str(), F_OK), -1);
  auto posix = h.extended("posix-rename@openssh.com", [&](sshcore::wire::Writer& w) {
    w.string(dir / "c");
    w.string(dir / "b");
  });
  EXPECT_EQ(posix.status(), StatusCode::kOk);
  EXPECT_EQ(slurp(dir / "b"), "A");
}

TEST(SftpServer, SymlinkTakesTargetFirstAsOpenSsh) {
  sshpp::test::TempDir dir;
  spit(dir / "target", "t");
  ServerHarness h;
  h.init();
  // OpenSSH's order: targetpath, then linkpath.
  EXPECT_EQ(h.two_paths(PacketType::kSymlink, "target", dir / "link").status(), StatusCode::kOk);
  auto names = names_of(h.path_request(PacketType::kReadlink, dir / "link"));
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].first, "target");
  EXPECT_EQ(h.path_request(PacketType::kReadlink, dir / "target").status(), StatusCode::kBadMessage);  // EINVAL

  auto hard = h.extended("hardlink@openssh.com", [&](sshcore::wire::Writer& w) {
    w.string(dir / "target");
    w.string(dir / "hard");
  });
  EXPECT_EQ(hard.status(), StatusCode::kOk);
  EXPECT_EQ(slurp(dir / "hard"), "t");
}

TEST(SftpServer, StatvfsFsyncLimitsCopyData) {
  sshpp::test::TempDir dir;
  spit(dir / "src", std::string(200000, 'q') + "end");
  ServerHarness h;
  h.init();
  auto vfs = h.extended("statvfs@openssh.com", [&](sshcore::wire::Writer& w) { w.string(dir.path()); });
  ASSERT_EQ(vfs.type, static_cast<std::uint8_t>(PacketType::kExtendedReply));
  auto rd = vfs.reader();
  (void)rd.u32();
  auto st = sftp::read_statvfs(rd);
  ASSERT_TRUE(st);
  EXPECT_GT(st->bsize, 0u);
  EXPECT_TRUE(rd.empty());

  std::string src = h.open(dir / "src", kReadFlag);
  std::string dst = h.open(dir / "dst", kWriteCreate | sftp::kOpenRead, 0600);
  auto fvfs = h.extended("fstatvfs@openssh.com", [&](sshcore::wire::Writer& w) { w.string(src); });
  EXPECT_EQ(fvfs.type, static_cast<std::uint8_t>(PacketType::kExtendedReply));
  auto copy = h.extended("copy-data", [&](sshcore::wire::Writer& w) {
    w.string(src);
    w.u64(0);
    w.u64(0);  // to the end
    w.string(dst);
    w.u64(0);
  });
  EXPECT_EQ(copy.status(), StatusCode::kOk);
  // Never onto the same handle.
  auto same = h.extended("copy-data", [&](sshcore::wire::Writer& w) {
    w.string(dst);
    w.u64(0);
    w.u64(10);
    w.string(dst);
    w.u64(0);
  });
  EXPECT_EQ(same.status(), StatusCode::kFailure);
  EXPECT_EQ(h.extended("fsync@openssh.com", [&](sshcore::wire::Writer& w) { w.string(dst); }).status(),
            StatusCode::kOk);
  EXPECT_EQ(h.handle_request(PacketType::kClose, dst).status(), StatusCode::kOk);
  EXPECT_EQ(slurp(dir / "dst"), slurp(dir / "src"));

  auto limits = h.extended("limits@openssh.com", [](sshcore::wire::Writer&) {});
  rd = limits.reader();
  (void)rd.u32();
  auto l = sftp::read_limits(rd);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->max_packet_length, 256u * 1024);
  EXPECT_EQ(l->max_read_length, 256u * 1024 - 1024);
  EXPECT_EQ(l->max_write_length, 256u * 1024 - 1024);
  EXPECT_EQ(l->max_open_handles, sftp::SftpServerOptions{}.max_open_handles);
}

TEST(SftpServer, ExpandPathHomeDirectoryAndNames) {
  sshpp::test::TempDir dir;
  ServerHarness h;
  h.init();
  auto root_home = names_of(h.extended("home-directory", [](sshcore::wire::Writer& w) { w.string("root"); }));
  ASSERT_EQ(root_home.size(), 1u);
  EXPECT_EQ(root_home[0].first, "/root");
  EXPECT_EQ(h.extended("home-directory", [](sshcore::wire::Writer& w) { w.string("no-such-user-x"); }).status(),
            StatusCode::kFailure);
  auto expanded = names_of(h.extended("expand-path@openssh.com", [](sshcore::wire::Writer& w) { w.string("~root"); }));
  ASSERT_EQ(expanded.size(), 1u);
  EXPECT_EQ(expanded[0].first, "/root");
  auto unknown = h.extended("expand-path@openssh.com", [](sshcore::wire::Writer& w) { w.string("~no-such-user-x/a"); });
  EXPECT_EQ(unknown.status(), StatusCode::kNoSuchFile);

  auto ids = h.extended("users-groups-by-id@openssh.com", [](sshcore::wire::Writer& w) {
    w.nested([](sshcore::wire::Writer& n) {
      n.u32(0);
      n.u32(4000000);
    });
    w.nested([](sshcore::wire::Writer& n) { n.u32(0); });
  });
  ASSERT_EQ(ids.type, static_cast<std::uint8_t>(PacketType::kExtendedReply));
  auto rd = ids.reader();
  (void)rd.u32();
  auto users = *rd.nested();
  auto groups = *rd.nested();
  EXPECT_EQ(sshcore::as_chars(*users.string()), "root");
  EXPECT_EQ(sshcore::as_chars(*users.string()), "");  // unknown uid: empty
  EXPECT_EQ(sshcore::as_chars(*groups.string()), "root");
}

TEST(SftpServer, ReadOnlyRefusesEveryWrite) {
  sshpp::test::TempDir dir;
  spit(dir / "f", "data");
  sftp::SftpServerOptions options;
  options.read_only = true;
  ServerHarness h(options);
  h.init();
  EXPECT_TRUE(h.open(dir / "new", kWriteCreate).empty());
  EXPECT_EQ(h.last_status(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(h.open(dir / "f", sftp::kOpenRead | sftp::kOpenTruncate).empty());
  EXPECT_EQ(h.last_status(), StatusCode::kPermissionDenied);
  std::string handle = h.open(dir / "f", kReadFlag);
  ASSERT_FALSE(handle.empty());
  EXPECT_EQ(data_of(h.read(handle, 0, 10)), "data");
  EXPECT_EQ(h.write(handle, 0, "x").status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(h.path_request(PacketType::kRemove, dir / "f").status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(h.path_request(PacketType::kRmdir, dir.path()).status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(h.two_paths(PacketType::kRename, dir / "f", dir / "g").status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(h.two_paths(PacketType::kSymlink, "f", dir / "g").status(), StatusCode::kPermissionDenied);
  auto posix = h.extended("posix-rename@openssh.com", [&](sshcore::wire::Writer& w) {
    w.string(dir / "f");
    w.string(dir / "g");
  });
  EXPECT_EQ(posix.status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(slurp(dir / "f"), "data");
  // Reading requests still work.
  EXPECT_TRUE(attrs_of(h.path_request(PacketType::kStat, dir / "f")).is_regular());
}

TEST(SftpServer, DenyAndAllowListsByRequestName) {
  sshpp::test::TempDir dir;
  spit(dir / "f", "data");
  sftp::SftpServerOptions deny;
  deny.denied_requests = "remove,statvfs";
  ServerHarness d(deny);
  d.init();
  EXPECT_EQ(d.path_request(PacketType::kRemove, dir / "f").status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(d.extended("statvfs@openssh.com", [&](sshcore::wire::Writer& w) { w.string(dir.path()); }).status(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(attrs_of(d.path_request(PacketType::kStat, dir / "f")).is_regular());

  sftp::SftpServerOptions allow;
  allow.allowed_requests = "stat,lstat";
  ServerHarness a(allow);
  a.init();
  EXPECT_TRUE(attrs_of(a.path_request(PacketType::kStat, dir / "f")).is_regular());
  EXPECT_EQ(a.path_request(PacketType::kRealpath, dir.path()).status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(a.path_request(PacketType::kRemove, dir / "f").status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(slurp(dir / "f"), "data");
}

TEST(SftpServer, HandleLimitAndBadHandles) {
  sshpp::test::TempDir dir;
  spit(dir / "f", "data");
  sftp::SftpServerOptions options;
  options.max_open_handles = 2;
  ServerHarness h(options);
  h.init();
  std::string h1 = h.open(dir / "f", kReadFlag);
  std::string h2 = h.open(dir / "f", kReadFlag);
  EXPECT_FALSE(h1.empty());
  EXPECT_FALSE(h2.empty());
  EXPECT_TRUE(h.open(dir / "f", kReadFlag).empty());
  EXPECT_EQ(h.last_status(), StatusCode::kFailure);
  EXPECT_EQ(h.handle_request(PacketType::kClose, h1).status(), StatusCode::kOk);
  std::string h3 = h.open(dir / "f", kReadFlag);
  EXPECT_EQ(h3, h1);  // the freed slot is reused, as OpenSSH
  EXPECT_EQ(h.read("xyz", 0, 1).status(), StatusCode::kFailure);
  EXPECT_EQ(h.read(std::string("\0\0\0\x09", 4), 0, 1).status(), StatusCode::kFailure);
  EXPECT_EQ(h.handle_request(PacketType::kFstat, "toolonghandle").status(), StatusCode::kFailure);
  h.server().close_all_handles();
  EXPECT_EQ(h.server().open_handles(), 0u);
}

TEST(SftpServer, MalformedRequestsGetBadMessage) {
  ServerHarness h;
  h.init();
  // OPEN with the path but no flags.
  auto r = h.request(PacketType::kOpen, [](sshcore::wire::Writer& w) { w.string(std::string_view("/x")); });
  EXPECT_EQ(r.status(), StatusCode::kBadMessage);
  // A path with a NUL inside.
  r = h.path_request(PacketType::kStat, std::string("a\0b", 3));
  EXPECT_EQ(r.status(), StatusCode::kBadMessage);
  // Unknown extension and unknown packet type.
  EXPECT_EQ(h.extended("nope@example.com", [](sshcore::wire::Writer&) {}).status(), StatusCode::kOpUnsupported);
  r = h.request(static_cast<PacketType>(77), [](sshcore::wire::Writer&) {});
  EXPECT_EQ(r.status(), StatusCode::kOpUnsupported);
  // Extended request without a name.
  r = h.request(PacketType::kExtended, [](sshcore::wire::Writer&) {});
  EXPECT_EQ(r.status(), StatusCode::kBadMessage);
  EXPECT_FALSE(h.server().finished());
}

TEST(SftpServer, UnparseableStreamsFinishTheSession) {
  {
    ServerHarness h;
    h.init();
    Bytes framed = {0, 0, 0, 1, static_cast<std::uint8_t>(PacketType::kStat)};  // no id
    EXPECT_FALSE(h.send_raw(framed));
    EXPECT_TRUE(h.server().finished());
  }
  {
    ServerHarness h;  // a request before INIT
    Bytes framed = {0, 0, 0, 5, static_cast<std::uint8_t>(PacketType::kStat), 0, 0, 0, 1};
    EXPECT_FALSE(h.send_raw(framed));
    EXPECT_TRUE(h.server().finished());
  }
  {
    ServerHarness h;  // longer than OpenSSH's 256 KiB packet limit
    h.init();
    Bytes framed = {0, 0x04, 0, 1, 3};
    EXPECT_FALSE(h.send_raw(framed));
    EXPECT_TRUE(h.server().finished());
  }
  {
    ServerHarness h;  // INIT without a version
    Bytes framed = {0, 0, 0, 1, 1};
    EXPECT_FALSE(h.send_raw(framed));
  }
}

TEST(SftpServer, GarbageNeverCrashes) {
  // Relative paths in the garbage land in a scratch directory, not the build tree.
  sshpp::test::TempDir dir;
  char cwd[PATH_MAX];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(chdir(dir.path().c_str()), 0);
  std::mt19937 rng(5);
  for (int round = 0; round < 2000; ++round) {
    ServerHarness h;
    h.init();
    // A plausible frame with a random type and random body.
    std::size_t len = rng() % 64;
    Bytes payload(len + 1);
    payload[0] = static_cast<std::uint8_t>(rng() % 24 == 0 ? 200 : rng() % 21);
    for (std::size_t i = 1; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(rng());
    Bytes framed;
    sftp::frame_packet(framed, payload);
    (void)h.send_raw(framed);
    (void)h.take();
  }
  ASSERT_EQ(chdir(cwd), 0);
}

TEST(SftpLongName, FormatsAsOpenSshLsFile) {
  sftp::FileAttributes a;
  a.permissions = 0100644;
  a.size = 1234;
  a.uid = 1000;
  a.gid = 1000;
  std::time_t now = 1700000000;
  a.mtime = static_cast<std::uint32_t>(now - 3600);
  std::string line = sftp::format_long_name("file.txt", a, "fred", "users", false, 1, now);
  EXPECT_TRUE(line.starts_with("-rw-r--r--    1 fred     users        1234 ")) << line;
  EXPECT_TRUE(line.ends_with(" file.txt")) << line;
  // Old files show the year; no link count prints "?"; no names print the ids.
  a.mtime = 1000000000;
  line = sftp::format_long_name("old", a, "", "", false, std::nullopt, now);
  EXPECT_TRUE(line.starts_with("-rw-r--r--    ? 1000     1000         1234 ")) << line;
  EXPECT_NE(line.find(" 2001 old"), std::string::npos) << line;
  EXPECT_EQ(sftp::mode_string(040755), "drwxr-xr-x");
  EXPECT_EQ(sftp::mode_string(0104755), "-rwsr-xr-x");
  EXPECT_EQ(sftp::mode_string(041777), "drwxrwxrwt");
  EXPECT_EQ(sftp::mode_string(0120777), "lrwxrwxrwx");
  EXPECT_EQ(sftp::mode_string(0102644), "-rw-r-Sr--");
}

TEST(SftpLongName, ScaledSizesAsFmtScaled) {
  EXPECT_EQ(sftp::format_scaled(0), "0B");
  EXPECT_EQ(sftp::format_scaled(512), "512B");
  EXPECT_EQ(sftp::format_scaled(1023), "1023B");
  EXPECT_EQ(sftp::format_scaled(1024), "1.0K");
  EXPECT_EQ(sftp::format_scaled(1536), "1.5K");
  EXPECT_EQ(sftp::format_scaled(10 * 1024 * 1024), "10.0M");
  EXPECT_EQ(sftp::format_scaled(3000000), "2.9M");
  EXPECT_EQ(sftp::format_scaled(150 * 1024), "150K");
}

}  // namespace

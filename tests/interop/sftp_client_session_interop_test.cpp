// SftpClientSession against Debian's /usr/lib/openssh/sftp-server over pipes
// (spawn_with_pipes): every session call on a temp dir, transfers of awkward sizes
// and names compared byte for byte, resume, failures (missing file, server killed
// mid-transfer) and remote_glob.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "sshcore/io/sftp_client_session.hpp"
#include "sshcore/io/subprocess.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using namespace sshcore::io;
using namespace sshpp::test;
namespace sftp = sshcore::apps::sftp;

namespace {

constexpr const char* kDebianServer = "/usr/lib/openssh/sftp-server";

struct Server {
  Subprocess process;
  std::unique_ptr<SftpClientSession> session;

  explicit Server(const SftpSessionOptions& options = {}) {
    auto p = spawn_with_pipes({kDebianServer});
    if (!p) ADD_FAILURE() << p.error().message();
    process = std::move(*p);
    auto s = SftpClientSession::start(std::move(process.to_child), std::move(process.from_child), options);
    if (!s) ADD_FAILURE() << s.error().message();
    else session = std::move(*s);
  }
  ~Server() {
    if (session) session->close();
    if (process.pid > 0) {
      auto status = wait_for_exit(process.pid);
      (void)status;
    }
  }
  SftpClientSession& operator*() { return *session; }
  SftpClientSession* operator->() { return session.get(); }
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen());
  return s;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

}  // namespace

TEST(SftpClientSessionInterop, StartsAndReadsExtensionsAndLimits) {
  Server server;
  ASSERT_TRUE(server.session);
  EXPECT_EQ(server->server_version(), 3u);
  EXPECT_TRUE(server->has_extension("posix-rename@openssh.com"));
  EXPECT_TRUE(server->has_extension("limits@openssh.com"));
  EXPECT_EQ(server->extensions().at("posix-rename@openssh.com"), "1");
  EXPECT_EQ(server->limits().max_packet_length, 256u * 1024);
  EXPECT_GT(server->limits().max_read_length, 0u);
}

TEST(SftpClientSessionInterop, StatLstatSetstatReadlinkSymlinkHardlink) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  spit(dir / "f", "hello");
  auto st = server->stat(dir / "f");
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ(st->size.value_or(0), 5u);
  EXPECT_TRUE(st->is_regular());

  auto missing = server->stat(dir / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kNoSuchFile);
  EXPECT_EQ(missing.error().detail, "No such file or directory");
  EXPECT_TRUE(server->connected());

  // symlink(target, link): the link must point at the target (OpenSSH's reversed order).
  ASSERT_TRUE(server->symlink("f", dir / "link"));
  char buf[64] = {};
  ASSERT_EQ(::readlink((dir / "link").c_str(), buf, sizeof buf - 1), 1);
  EXPECT_EQ(std::string(buf), "f");
  auto target = server->readlink(dir / "link");
  ASSERT_TRUE(target);
  EXPECT_EQ(*target, "f");
  auto lst = server->lstat(dir / "link");
  ASSERT_TRUE(lst);
  EXPECT_TRUE(lst->is_symlink());
  auto followed = server->stat(dir / "link");
  ASSERT_TRUE(followed);
  EXPECT_TRUE(followed->is_regular());

  ASSERT_TRUE(server->hardlink(dir / "f", dir / "hard"));
  struct stat a {}, b {};
  ASSERT_EQ(::stat((dir / "f").c_str(), &a), 0);
  ASSERT_EQ(::stat((dir / "hard").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);

  sftp::FileAttributes mode;
  mode.permissions = 0640;
  mode.atime = 1000000000;
  mode.mtime = 1200000000;
  ASSERT_TRUE(server->setstat(dir / "f", mode));
  ASSERT_EQ(::stat((dir / "f").c_str(), &a), 0);
  EXPECT_EQ(a.st_mode & 07777, 0640u);
  EXPECT_EQ(a.st_mtime, 1200000000);

  // lsetstat on the link changes the link's own times, not the target's.
  sftp::FileAttributes times;
  times.atime = 1100000000;
  times.mtime = 1100000000;
  ASSERT_TRUE(server->lsetstat(dir / "link", times));
  ASSERT_EQ(::lstat((dir / "link").c_str(), &a), 0);
  EXPECT_EQ(a.st_mtime, 1100000000);
  ASSERT_EQ(::stat((dir / "f").c_str(), &b), 0);
  EXPECT_EQ(b.st_mtime, 1200000000);
}

TEST(SftpClientSessionInterop, DirectoriesRenameRemove) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  sftp::FileAttributes mode;
  mode.permissions = 0750;
  ASSERT_TRUE(server->mkdir(dir / "d", mode));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "d").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_FALSE(server->mkdir(dir / "d"));
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kFailure);

  for (int i = 0; i < 300; ++i) spit(dir / ("d/file" + std::to_string(i)), "x");
  auto entries = server->read_directory(dir / "d");
  ASSERT_TRUE(entries) << entries.error().message();
  std::size_t files = 0;
  for (const auto& e : *entries) {
    if (e.name.rfind("file", 0) == 0) {
      ++files;
      EXPECT_EQ(e.attrs.size.value_or(0), 1u);
      EXPECT_NE(e.long_name.find(e.name), std::string::npos);
    }
  }
  EXPECT_EQ(files, 300u);
  EXPECT_FALSE(server->read_directory(dir / "none"));
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kNoSuchFile);

  // Plain RENAME refuses an existing target; posix-rename replaces it.
  spit(dir / "a", "A");
  spit(dir / "b", "B");
  EXPECT_FALSE(server->rename(dir / "a", dir / "b", false));
  EXPECT_EQ(slurp(dir / "b"), "B");
  ASSERT_TRUE(server->rename(dir / "a", dir / "b", true));
  EXPECT_EQ(slurp(dir / "b"), "A");
  ASSERT_TRUE(server->rename(dir / "b", dir / "c", false));
  EXPECT_EQ(slurp(dir / "c"), "A");

  ASSERT_TRUE(server->remove(dir / "c"));
  EXPECT_FALSE(server->remove(dir / "c"));
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kNoSuchFile);
  EXPECT_FALSE(server->rmdir(dir / "d"));  // not empty
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(server->remove(dir / ("d/file" + std::to_string(i))));
  ASSERT_TRUE(server->rmdir(dir / "d"));
  EXPECT_NE(::access((dir / "d").c_str(), F_OK), 0);
}

TEST(SftpClientSessionInterop, PathsStatvfsCopyUsers) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  auto real = server->realpath(dir.path() + "/./");
  ASSERT_TRUE(real);
  char resolved[PATH_MAX];
  ASSERT_NE(::realpath(dir.path().c_str(), resolved), nullptr);
  EXPECT_EQ(*real, resolved);
  auto expanded = server->expand_path("~");
  ASSERT_TRUE(expanded) << expanded.error().message();
  // sftp-server 9.2 expands a bare "~" to its start directory (our cwd here).
  auto cwd = server->realpath(".");
  ASSERT_TRUE(cwd);
  EXPECT_EQ(*expanded, *cwd);
  auto home = server->home_directory("root");
  ASSERT_TRUE(home) << home.error().message();
  EXPECT_EQ(*home, "/root");

  auto vfs = server->statvfs(dir.path());
  ASSERT_TRUE(vfs) << vfs.error().message();
  struct statvfs local {};
  ASSERT_EQ(::statvfs(dir.path().c_str(), &local), 0);
  EXPECT_EQ(vfs->bsize, local.f_bsize);
  EXPECT_EQ(vfs->namemax, local.f_namemax);
  EXPECT_EQ(vfs->blocks, local.f_blocks);
  EXPECT_FALSE(server->statvfs(dir / "missing"));
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kNoSuchFile);

  spit(dir / "src", "copy me");
  auto copied = server->copy_remote(dir / "src", dir / "dst", false);
  if (server->has_extension("copy-data")) {
    ASSERT_TRUE(copied) << copied.error().message();
    EXPECT_EQ(slurp(dir / "dst"), "copy me");
    timeval tv[2] = {{1000000000, 0}, {1300000000, 0}};
    ::utimes((dir / "src").c_str(), tv);
    ASSERT_TRUE(server->copy_remote(dir / "src", dir / "dst2", true));
    struct stat st {};
    ASSERT_EQ(::stat((dir / "dst2").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, 1300000000);
    EXPECT_FALSE(server->copy_remote(dir / "missing", dir / "dst3", false));
    EXPECT_EQ(server->last_status(), sftp::StatusCode::kNoSuchFile);
  } else {
    ASSERT_FALSE(copied);
    EXPECT_EQ(copied.error().detail, "Server does not support copy-data extension");
    EXPECT_TRUE(server->connected());
  }
  auto names = server->users_groups_by_id({0}, {0});
  if (server->has_extension("users-groups-by-id@openssh.com")) {
    ASSERT_TRUE(names);
    EXPECT_EQ(names->first.at(0), "root");
  } else {
    EXPECT_FALSE(names);
  }
  // After all of that the session still works.
  EXPECT_TRUE(server->stat(dir.path()));
}

TEST(SftpClientSessionInterop, TransfersOfManyShapes) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  struct Case {
    std::string name;
    std::string data;
  };
  std::vector<Case> cases = {
      {"empty", ""},
      {"one", "1"},
      {"random 3M", random_bytes(3 * 1024 * 1024 + 17, 1)},
      {"new\nline", random_bytes(70000, 2)},
      {std::string("bad\xff\xfe utf8"), random_bytes(1000, 3)},
  };
  std::uint64_t last_done = 0, last_total = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    spit(dir / ("local " + c.name), c.data);
    last_done = 0;
    TransferOptions opts;
    opts.progress = [&](std::uint64_t done, std::uint64_t total) {
      EXPECT_GE(done, last_done);
      last_done = done;
      last_total = total;
    };
    ASSERT_TRUE(server->upload(dir / ("local " + c.name), dir / ("remote " + c.name), opts));
    EXPECT_EQ(last_done, c.data.size());
    EXPECT_EQ(last_total, c.data.size());
    EXPECT_TRUE(slurp(dir / ("remote " + c.name)) == c.data);
    last_done = 0;
    ASSERT_TRUE(server->download(dir / ("remote " + c.name), dir / ("back " + c.name), opts));
    EXPECT_TRUE(slurp(dir / ("back " + c.name)) == c.data);
    EXPECT_EQ(last_done, c.data.size());
  }
}

TEST(SftpClientSessionInterop, SmallRequestsAndFewInFlight) {
  TempDir dir;
  SftpSessionOptions options;
  options.request_size = 1000;
  options.requests_in_flight = 3;
  Server server(options);
  ASSERT_TRUE(server.session);
  std::string data = random_bytes(123457, 4);
  spit(dir / "src", data);
  ASSERT_TRUE(server->upload(dir / "src", dir / "up"));
  EXPECT_TRUE(slurp(dir / "up") == data);
  ASSERT_TRUE(server->download(dir / "up", dir / "down"));
  EXPECT_TRUE(slurp(dir / "down") == data);
}

TEST(SftpClientSessionInterop, SparseFile) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  {
    std::ofstream out(dir / "sparse", std::ios::binary);
    out.seekp(5 * 1024 * 1024);
    out << "end";
  }
  ASSERT_TRUE(server->download(dir / "sparse", dir / "copy"));
  EXPECT_TRUE(slurp(dir / "copy") == slurp(dir / "sparse"));
  ASSERT_TRUE(server->upload(dir / "sparse", dir / "copy2"));
  EXPECT_TRUE(slurp(dir / "copy2") == slurp(dir / "sparse"));
}

TEST(SftpClientSessionInterop, PreserveAndFsync) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  spit(dir / "src", "preserved");
  ::chmod((dir / "src").c_str(), 0604);
  timeval tv[2] = {{1111111111, 0}, {1222222222, 0}};
  ::utimes((dir / "src").c_str(), tv);
  TransferOptions opts;
  opts.preserve = true;
  opts.fsync = true;
  ASSERT_TRUE(server->upload(dir / "src", dir / "up", opts));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "up").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0604u);
  EXPECT_EQ(st.st_mtime, 1222222222);
  EXPECT_EQ(st.st_atime, 1111111111);
  ASSERT_TRUE(server->download(dir / "src", dir / "down", opts));
  ASSERT_EQ(::stat((dir / "down").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0604u);
  EXPECT_EQ(st.st_mtime, 1222222222);
}

TEST(SftpClientSessionInterop, ResumeAfterTruncation) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  std::string data = random_bytes(1024 * 1024 + 5, 5);
  spit(dir / "src", data);
  spit(dir / "partial", data.substr(0, 400000));
  TransferOptions resume;
  resume.resume = true;
  ASSERT_TRUE(server->download(dir / "src", dir / "partial", resume));
  EXPECT_TRUE(slurp(dir / "partial") == data);

  spit(dir / "remote", data.substr(0, 12345));
  ASSERT_TRUE(server->upload(dir / "src", dir / "remote", resume));
  EXPECT_TRUE(slurp(dir / "remote") == data);

  // Destination bigger than the source: refused with OpenSSH's texts.
  spit(dir / "big", data + "more");
  auto down = server->download(dir / "src", dir / "big", resume);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().detail, "Unable to resume download of \"" + (dir / "big") + "\": local file is larger than remote");
  auto up = server->upload(dir / "src", dir / "remote", resume);
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().detail, "destination file bigger or same size as source file");
  EXPECT_TRUE(server->connected());
}

TEST(SftpClientSessionInterop, MissingFileFails) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  auto r = server->download(dir / "missing", dir / "out");
  ASSERT_FALSE(r);
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kNoSuchFile);
  EXPECT_EQ(r.error().detail, "No such file or directory");
  auto u = server->upload(dir / "missing", dir / "out");
  ASSERT_FALSE(u);
  EXPECT_TRUE(server->connected());
  // Uploading into a missing directory: the server's NoSuchFile.
  spit(dir / "here", "x");
  ASSERT_FALSE(server->upload(dir / "here", dir / "no/dir"));
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kNoSuchFile);
}

TEST(SftpClientSessionInterop, ServerKilledMidTransfer) {
  TempDir dir;
  SftpSessionOptions options;
  options.request_size = 32 * 1024;
  options.requests_in_flight = 2;
  options.limit_kbps = 8 * 1024;  // 1 MiB/s: the transfer lasts long enough to be cut
  Server server(options);
  ASSERT_TRUE(server.session);
  std::string data = random_bytes(4 * 1024 * 1024, 6);
  spit(dir / "src", data);
  pid_t pid = server.process.pid;
  std::thread killer([pid] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    ::kill(pid, SIGKILL);
  });
  auto r = server->download(dir / "src", dir / "partial");
  killer.join();
  ASSERT_FALSE(r);
  EXPECT_FALSE(server->connected());
  EXPECT_EQ(server->last_status(), sftp::StatusCode::kConnectionLost);
  std::string partial = slurp(dir / "partial");
  EXPECT_GT(partial.size(), 0u);
  EXPECT_LT(partial.size(), data.size());
  EXPECT_TRUE(data.compare(0, partial.size(), partial) == 0);
  EXPECT_FALSE(server->stat(dir / "src"));
}

TEST(SftpClientSessionInterop, RemoteGlob) {
  TempDir dir;
  Server server;
  ASSERT_TRUE(server.session);
  ::mkdir((dir / "d1").c_str(), 0755);
  ::mkdir((dir / "d2").c_str(), 0755);
  for (const char* f : {"d1/a.txt", "d1/b.txt", "d1/c.log", "d2/a.txt", "d1/.hidden.txt", "star*name", "qa", "qb"})
    spit(dir / f, "x");
  auto names = [&](const std::string& pattern) {
    std::vector<std::string> out;
    auto r = remote_glob(*server, pattern);
    EXPECT_TRUE(r) << pattern;
    if (r)
      for (auto& m : *r) out.push_back(m.path.substr(dir.path().size() + 1));
    return out;
  };
  EXPECT_EQ(names(dir / "d1/*.txt"), (std::vector<std::string>{"d1/a.txt", "d1/b.txt"}));
  EXPECT_EQ(names(dir / "d?/a.txt"), (std::vector<std::string>{"d1/a.txt", "d2/a.txt"}));
  EXPECT_EQ(names(dir / "d1/[ac].*"), (std::vector<std::string>{"d1/a.txt", "d1/c.log"}));
  EXPECT_EQ(names(dir / "q?"), (std::vector<std::string>{"qa", "qb"}));
  EXPECT_EQ(names(dir / "star\\*name"), (std::vector<std::string>{"star*name"}));
  EXPECT_EQ(names(dir / "d1/.h*"), (std::vector<std::string>{"d1/.hidden.txt"}));
  EXPECT_TRUE(names(dir / "nothing*").empty());
  EXPECT_TRUE(names(dir / "plain-missing").empty());
  auto plain = remote_glob(*server, dir / "d1");
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->size(), 1u);
  EXPECT_TRUE((*plain)[0].attrs.is_directory());
  // A symlink that resolves is matched as its target (OpenSSH's GLOB_MARK stat); a
  // dangling one stays a link. Literally named or matched by a pattern alike.
  ASSERT_EQ(::symlink("d1", (dir / "ldir").c_str()), 0);
  ASSERT_EQ(::symlink("qa", (dir / "lfile").c_str()), 0);
  ASSERT_EQ(::symlink("nowhere", (dir / "ldangling").c_str()), 0);
  for (const std::string& pattern : {dir / "l*", dir / "ldir"}) {
    auto links = remote_glob(*server, pattern);
    ASSERT_TRUE(links) << pattern;
    for (const auto& m : *links) {
      const std::string name = m.path.substr(dir.path().size() + 1);
      const bool want = name == "ldir"    ? m.attrs.is_directory()
                        : name == "lfile" ? m.attrs.is_regular()
                                          : name == "ldangling" && m.attrs.is_symlink();
      EXPECT_TRUE(want) << name;
    }
    EXPECT_EQ(links->size(), pattern.ends_with("*") ? 3u : 1u) << pattern;
  }
  EXPECT_TRUE(has_glob_metacharacters("a*"));
  EXPECT_TRUE(has_glob_metacharacters("[x]"));
  EXPECT_FALSE(has_glob_metacharacters("a\\*"));
  EXPECT_FALSE(has_glob_metacharacters("plain"));
}

TEST(SftpClientSessionInterop, SpawnReportsExecFailure) {
  auto p = spawn_with_pipes({"/nonexistent/program"});
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().detail.find("No such file or directory"), std::string::npos);
  auto t = spawn_with_pipes({"sh", "-c", "exit 3"});
  ASSERT_TRUE(t);
  auto status = wait_for_exit(t->pid);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 3);
}

TEST(SftpClientSessionInterop, BandwidthLimitSlowsTransfers) {
  TempDir dir;
  SftpSessionOptions options;
  options.limit_kbps = 4096;  // 4 Mbit/s: 512 KiB take about a second
  Server server(options);
  ASSERT_TRUE(server.session);
  std::string data = random_bytes(512 * 1024, 7);
  spit(dir / "src", data);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(server->upload(dir / "src", dir / "up"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(seconds, 0.7);
  EXPECT_LT(seconds, 10.0);
  EXPECT_TRUE(slurp(dir / "up") == data);
}

TEST(SftpClientSessionInterop, ServerKilledMidUpload) {
  TempDir dir;
  SftpSessionOptions options;
  options.request_size = 32 * 1024;
  options.limit_kbps = 8 * 1024;
  Server server(options);
  ASSERT_TRUE(server.session);
  spit(dir / "src", random_bytes(4 * 1024 * 1024, 8));
  pid_t pid = server.process.pid;
  std::thread killer([pid] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(pid, SIGKILL);
  });
  auto r = server->upload(dir / "src", dir / "up");
  killer.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "Connection closed");
  EXPECT_FALSE(server->connected());
  EXPECT_FALSE(server->upload(dir / "src", dir / "up"));
}

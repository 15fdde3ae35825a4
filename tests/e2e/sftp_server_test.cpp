// Our sftp-server driven by Debian's sftp (-D, over pipes, no network): a batch of
// put/get/ls -l/rename/rm/mkdir/rmdir/ln -s/chmod/df whose output and log lines are
// compared with Debian's sftp-server running the same batch, transfers checked by
// sha256, read-only mode, request deny lists, -Q, -h, and a hostile input stream.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/time.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshpp::test {
namespace {

constexpr const char* kDebianServer = "/usr/lib/openssh/sftp-server";
constexpr const char* kDebianSftp = "/usr/bin/sftp";

std::string sha256(const std::string& path) {
  auto r = run({"/bin/sh", "-c", "/usr/bin/sha256sum < \"$1\"", "sh", path});
  return r.exit_code == 0 ? r.out.substr(0, 64) : "unreadable " + path;
}

void write_random(const std::string& path, std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << data;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Runs Debian's sftp with `server_command` as its -D server, in `dir`.
RunResult run_batch(const std::string& server_command, const std::string& dir, const std::string& batch) {
  TempDir batch_dir;
  write_text(batch_dir / "batch", batch);
  RunOptions options;
  options.cwd = dir;
  options.unset_env = {"SSH_CONNECTION"};
  return run({kDebianSftp, "-b", batch_dir / "batch", "-D", server_command}, options);
}

// Output of two runs in different directories, made comparable: the directory
// replaced, and times and free-space figures (which move between runs) masked.
std::string normalise(std::string text, const std::string& dir) {
  for (std::size_t at; (at = text.find(dir)) != std::string::npos;) text.replace(at, dir.size(), "DIR");
  text = std::regex_replace(text, std::regex("[A-Z][a-z]{2} [ 0-9]\\d [ 0-9]\\d:\\d\\d"), "TIME");
  text = std::regex_replace(text, std::regex("\\d{5,}"), "N");
  // df -h: sizes with units and the capacity move while other tests write files.
  text = std::regex_replace(text, std::regex("\\b\\d+(\\.\\d+)?[KMGTPE]?B\\b"), "NB");
  text = std::regex_replace(text, std::regex("\\b\\d+%"), "N%");
  return text;
}

constexpr const char* kBatch =
    "put src.bin up.bin\n"
    "get up.bin down.bin\n"
    "ls -l\n"
    "rename up.bin moved.bin\n"
    "mkdir d1\n"
    "ln -s moved.bin link1\n"
    "chmod 600 moved.bin\n"
    "df\n"
    "ls -l\n"
    "rm moved.bin\n"
    "rmdir d1\n"
    "ls -l\n";

TEST(SftpServerE2e, BatchMatchesDebianServerAndLogsAsOpenSsh) {
  TempDir ours_dir, debian_dir;
  write_random(ours_dir / "src.bin", 3'000'000, 7);
  write_random(debian_dir / "src.bin", 3'000'000, 7);

  auto ours = run_batch(our_bin("sftp-server") + " -e -l INFO", ours_dir.path(), kBatch);
  auto debian = run_batch(std::string(kDebianServer) + " -e -l INFO", debian_dir.path(), kBatch);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  ASSERT_EQ(debian.exit_code, 0) << debian.err;
  EXPECT_EQ(sha256(ours_dir / "down.bin"), sha256(ours_dir / "src.bin"));
  EXPECT_FALSE(exists(ours_dir / "moved.bin"));
  EXPECT_FALSE(exists(ours_dir / "d1"));
  char target[64] = {};
  ASSERT_GT(::readlink((ours_dir / "link1").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "moved.bin");

  EXPECT_EQ(normalise(ours.out, ours_dir.path()), normalise(debian.out, debian_dir.path()));
  EXPECT_EQ(normalise(ours.err, ours_dir.path()), normalise(debian.err, debian_dir.path()));

  // The lines log parsers look for, spelled out.
  for (const std::string& line : {
           std::string("session opened for local user root from [UNKNOWN]"),
           "open \"" + ours_dir.path() + "/up.bin\" flags WRITE,CREATE,TRUNCATE mode 0644",
           "close \"" + ours_dir.path() + "/up.bin\" bytes read 0 written 3000000",
           "open \"" + ours_dir.path() + "/up.bin\" flags READ mode 0666",
           "close \"" + ours_dir.path() + "/up.bin\" bytes read 3000000 written 0",
           "opendir \"" + ours_dir.path() + "\"",
           "closedir \"" + ours_dir.path() + "\"",
           "posix-rename old \"" + ours_dir.path() + "/up.bin\" new \"" + ours_dir.path() + "/moved.bin\"",
           "mkdir name \"" + ours_dir.path() + "/d1\" mode 0777",
           "symlink old \"moved.bin\" new \"" + ours_dir.path() + "/link1\"",
           "set \"" + ours_dir.path() + "/moved.bin\" mode 0600",
           "statvfs \"" + ours_dir.path() + "\"",
           "remove name \"" + ours_dir.path() + "/moved.bin\"",
           "rmdir name \"" + ours_dir.path() + "/d1\"",
           std::string("session closed for local user root from [UNKNOWN]"),
       })
    EXPECT_NE(ours.err.find(line + "\r\n"), std::string::npos) << line << "\n" << ours.err;  // OpenSSH ends stderr log lines with CR LF
}

// The extensions Debian's sftp reaches: fsync (put -f), hardlink (ln), copy-data (cp),
// users-groups-by-id (ls -l), statvfs (df -h), SETSTAT owners, and failing requests.
TEST(SftpServerE2e, ExtensionBatchMatchesDebianServer) {
  TempDir ours_dir, debian_dir;
  write_text(ours_dir / "a.txt", "hello\n", 0644);
  write_text(debian_dir / "a.txt", "hello\n", 0644);
  const char* batch =
      "put -f a.txt b.txt\nln b.txt hard.txt\ncp b.txt copy.txt\nln -s b.txt sym\nchown 0 b.txt\n"
      "chgrp 0 b.txt\nls -ln\nls -lh\ndf -h\n-rm nothere\n-get nothere\n";
  auto ours = run_batch(our_bin("sftp-server") + " -e -l VERBOSE", ours_dir.path(), batch);
  auto debian = run_batch(std::string(kDebianServer) + " -e -l VERBOSE", debian_dir.path(), batch);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(debian.exit_code, 0) << debian.err;
  EXPECT_EQ(read_text(ours_dir / "copy.txt"), "hello\n");
  EXPECT_EQ(normalise(ours.out, ours_dir.path()), normalise(debian.out, debian_dir.path()));
  EXPECT_EQ(normalise(ours.err, ours_dir.path()), normalise(debian.err, debian_dir.path()));
  EXPECT_NE(ours.err.find("fsync \"" + ours_dir.path() + "/b.txt\""), std::string::npos) << ours.err;
  EXPECT_NE(ours.err.find("hardlink old \""), std::string::npos) << ours.err;
}

TEST(SftpServerE2e, DebugLogsMatchDebianServer) {
  TempDir ours_dir, debian_dir;
  const char* batch = "mkdir d\nls -l\nrmdir d\nls missing\n";
  auto ours = run_batch(our_bin("sftp-server") + " -e -l DEBUG3", ours_dir.path(), batch);
  auto debian = run_batch(std::string(kDebianServer) + " -e -l DEBUG3", debian_dir.path(), batch);
  EXPECT_EQ(ours.exit_code, debian.exit_code);
  EXPECT_EQ(normalise(ours.err, ours_dir.path()), normalise(debian.err, debian_dir.path()));
}

TEST(SftpServerE2e, ReadOnlyRefusesPut) {
  TempDir dir, src;
  write_text(src / "f", "data");
  auto r = run_batch(our_bin("sftp-server") + " -e -l VERBOSE -R", dir.path(), "put " + (src / "f") + " f\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Refusing open request in read-only mode"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir / "f"));
}

TEST(SftpServerE2e, DeniedRemoveKeepsTheFile) {
  TempDir dir;
  write_text(dir / "keep", "data");
  auto r = run_batch(our_bin("sftp-server") + " -e -l VERBOSE -P remove", dir.path(), "rm keep\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Refusing denylisted remove request"), std::string::npos) << r.err;
  EXPECT_TRUE(exists(dir / "keep"));
  // -p: only the listed requests pass.
  r = run_batch(our_bin("sftp-server") + " -e -l VERBOSE -p open,close,read,realpath,stat,lstat,limits", dir.path(),
                "get keep got\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(dir / "got"), "data");
}

TEST(SftpServerE2e, QueryRequestsAndUsageAsDebian) {
  auto ours = run({our_bin("sftp-server"), "-Q", "requests"});
  auto debian = run({kDebianServer, "-Q", "requests"});
  EXPECT_EQ(ours.exit_code, 0);
  EXPECT_EQ(ours.out, debian.out);
  EXPECT_NE(ours.out.find("users-groups-by-id\n"), std::string::npos);

  ours = run({our_bin("sftp-server"), "-h"});
  debian = run({kDebianServer, "-h"});
  EXPECT_EQ(ours.exit_code, 1);
  EXPECT_EQ(ours.err, debian.err);

  ours = run({our_bin("sftp-server"), "-Q", "nonsense"});
  debian = run({kDebianServer, "-Q", "nonsense"});
  EXPECT_EQ(ours.exit_code, debian.exit_code);
  EXPECT_EQ(ours.err, debian.err);
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string packet(char type, const std::string& body) { return be32(1 + body.size()) + type + body; }
std::string sftp_string(const std::string& s) { return be32(s.size()) + s; }
std::uint32_t read_be32(const std::string& s, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) | static_cast<unsigned char>(s[at + 3]);
}

// The longnames of every NAME reply in a raw server output stream, sorted.
std::vector<std::string> longnames(const std::string& out) {
  std::vector<std::string> names;
  for (std::size_t at = 0; at + 5 <= out.size();) {
    std::size_t len = read_be32(out, at);
    if (at + 4 + len > out.size()) break;
    if (out[at + 4] == 104) {  // SSH_FXP_NAME: id, count, then name, longname, attrs
      std::size_t p = at + 9;
      std::uint32_t count = read_be32(out, p);
      p += 4;
      for (std::uint32_t i = 0; i < count; ++i) {
        p += 4 + read_be32(out, p);  // filename
        std::uint32_t l = read_be32(out, p);
        names.push_back(out.substr(p + 4, l));
        p += 4 + l;
        std::uint32_t flags = read_be32(out, p);
        p += 4 + ((flags & 1) ? 8 : 0) + ((flags & 2) ? 8 : 0) + ((flags & 4) ? 4 : 0) + ((flags & 8) ? 8 : 0);
      }
    }
    at += 4 + len;
  }
  std::sort(names.begin(), names.end());
  return names;
}

// READDIR's ls -l longnames (OpenSSH's ls_file()) byte for byte as Debian's server's.
TEST(SftpServerE2e, ReaddirLongNamesMatchDebian) {
  TempDir top;
  std::vector<std::string> outputs;
  const time_t two_hours_ago = time(nullptr) - 7200;  // one clock reading for both trees
  struct timeval old_times[2] = {{1000000000, 0}, {1000000000, 0}};
  struct timeval recent[2] = {{two_hours_ago, 0}, {two_hours_ago, 0}};
  for (const char* server : {"ours", "debian"}) {
    std::string dir = top / server;
    ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
    write_text(dir + "/small", "abc", 0644);
    write_random(dir + "/big", 1234567, 3);
    ::chmod((dir + "/big").c_str(), 04755);
    ASSERT_EQ(::mkdir((dir + "/sub").c_str(), 01777), 0);
    ASSERT_EQ(::symlink("small", (dir + "/link").c_str()), 0);
    ::chmod((dir + "/sub").c_str(), 01777);
    ::utimes((dir + "/small").c_str(), recent);
    ::utimes((dir + "/big").c_str(), old_times);
    ::utimes((dir + "/sub").c_str(), recent);
    ::lutimes((dir + "/link").c_str(), old_times);
    ::utimes(dir.c_str(), recent);
  }
  // Both trees exist before either is listed, so ".." looks the same to both.
  for (const char* server : {"ours", "debian"}) {
    std::string dir = top / server;
    std::string input = packet(1, be32(3)) + packet(11, be32(1) + sftp_string(dir)) +
                        packet(12, be32(2) + sftp_string(std::string("\0\0\0\0", 4))) +
                        packet(12, be32(3) + sftp_string(std::string("\0\0\0\0", 4)));
    // OpenSSH's server exits at end of input without flushing its replies, so the
    // input stays open a moment after the requests.
    write_text(top / "input", input);
    std::string program = std::string(server) == "ours" ? our_bin("sftp-server") : kDebianServer;
    auto r = run({"/bin/sh", "-c", "{ cat \"$1\"; sleep 1; } | \"$2\"", "sh", top / "input", program});
    EXPECT_EQ(r.exit_code, 0) << server << r.err;
    outputs.push_back(r.out);
  }
  auto ours = longnames(outputs[0]);
  auto debian = longnames(outputs[1]);
  ASSERT_EQ(ours.size(), 6u);  // ".", "..", and the four entries
  EXPECT_EQ(ours, debian);
}

TEST(SftpServerE2e, OversizedPacketEndsTheSession) {
  // INIT, then a packet claiming 1 MiB: answered with VERSION, then a clean exit.
  std::string input("\0\0\0\5\1\0\0\0\3" "\0\x10\0\0\x11", 14);
  RunOptions options;
  options.stdin_data = input;
  auto r = run({our_bin("sftp-server"), "-e"}, options);
  EXPECT_EQ(r.exit_code, 11);  // OpenSSH's status for it
  ASSERT_GE(r.out.size(), 9u);
  EXPECT_EQ(r.out[4], '\2');  // SSH_FXP_VERSION
  EXPECT_NE(r.err.find("bad message from UNKNOWN local user root"), std::string::npos) << r.err;
}

TEST(SftpServerE2e, FlagErrorsAsDebian) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-l", "foo"}, {"-u", "999"}, {"-P", "a", "-P", "b"}, {"-x"}, {"-l"}, {"-Q"},
        {"-e", "-f", "nofacility"}, {"-e", "operand"}}) {
    std::vector<std::string> ours_argv{our_bin("sftp-server")}, debian_argv{kDebianServer};
    ours_argv.insert(ours_argv.end(), args.begin(), args.end());
    debian_argv.insert(debian_argv.end(), args.begin(), args.end());
    auto ours = run(ours_argv);
    auto debian = run(debian_argv);
    EXPECT_EQ(ours.exit_code, debian.exit_code) << args[0];
    EXPECT_EQ(ours.err, debian.err) << args[0];
  }
}

TEST(SftpServerE2e, StartDirectoryAndUmask) {
  TempDir dir, src;
  ASSERT_EQ(::mkdir((dir / "start").c_str(), 0755), 0);
  write_text(src / "f", "data", 0644);
  auto r = run_batch(our_bin("sftp-server") + " -e -u 077 -d " + dir.path() + "/start", "/",
                     "pwd\nput " + (src / "f") + " f\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Remote working directory: " + dir.path() + "/start\n"), std::string::npos) << r.out;
  struct stat st {};
  ASSERT_EQ(::stat((dir / "start/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// -d takes ~, %d (home) and %u (user name), as sshd_config's tokens; an unknown token
// is an error. Each form against Debian's server started the same way.
TEST(SftpServerE2e, StartDirectoryTokensAsDebian) {
  TempDir dir;
  struct passwd* pw = ::getpwuid(::getuid());
  ASSERT_NE(pw, nullptr);
  std::filesystem::create_directories(dir.path() + "/" + pw->pw_name);
  std::filesystem::create_directories(dir.path() + pw->pw_dir);
  std::filesystem::create_directories(dir.path() + "/" + std::to_string(::getuid()));
  for (const std::string& start :
       {dir.path() + "/%u", dir.path() + "%d", dir.path() + "/%U", std::string("~"), std::string("~/"),
        "~" + std::string(pw->pw_name), "~" + std::string(pw->pw_name) + "/"}) {
    auto ours = run_batch(our_bin("sftp-server") + " -e -d " + start, "/", "pwd\n");
    auto debian = run_batch(std::string(kDebianServer) + " -e -d " + start, "/", "pwd\n");
    EXPECT_EQ(ours.exit_code, debian.exit_code) << start;
    EXPECT_EQ(ours.out, debian.out) << start;
    EXPECT_EQ(ours.err, debian.err) << start;
  }
  // An unknown token is fatal (255) in both. Debian's server says why only to syslog,
  // as it has not read -e yet; ours says it on the log it was asked for.
  auto unknown = run({our_bin("sftp-server"), "-e", "-d", dir.path() + "/%z"});
  EXPECT_EQ(unknown.exit_code, 255);
  EXPECT_EQ(unknown.err, "unknown key %z\r\n");
  EXPECT_EQ(run({kDebianServer, "-e", "-d", dir.path() + "/%z"}).exit_code, 255);
  auto by_name = run_batch(our_bin("sftp-server") + " -e -d " + dir.path() + "/%u", "/", "pwd\n");
  EXPECT_NE(by_name.out.find("Remote working directory: " + dir.path() + "/" + pw->pw_name + "\n"),
            std::string::npos)
      << by_name.out << by_name.err;
}

TEST(SftpServerE2e, CleanEofExitsZero) {
  RunOptions options;
  options.stdin_data = std::string("\0\0\0\5\1\0\0\0\3", 9);
  auto r = run({our_bin("sftp-server")}, options);
  EXPECT_EQ(r.exit_code, 0);
}

}  // namespace
}  // namespace sshpp::test

// Our scp against Debian's OpenSSH 9.2, both protocols and both roles:
//   our scp (SFTP mode, and -O) -> Debian's sshd with Debian's sftp-server / scp -t -f,
//   with files of 0 B, 1 B and 8 MiB, odd names, -r trees, -p, a missing source among
//   three, globbing, and -3 between two paths of one server;
//   Debian's scp -O -> our `scp -t` / `scp -f`, run directly as the pipe peer through
//   a -S program that executes the remote command with our scp first on PATH;
//   and, run side by side with Debian's scp and compared with it: -O remote globs and
//   their name check, ~user/ paths (also through our sshd), -r over symlinks, and the
//   progress meter on a terminal.
#include <pwd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <regex>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/pty_session.hpp"
#include "support/temp_dir.hpp"
#include "support/transfer_output.hpp"
#include "support/transport_driver.hpp"

using namespace sshpp::test;

namespace {

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

struct FileStat {
  mode_t mode = 0;
  time_t mtime = 0;
  bool ok = false;
  time_t atime = 0;
};

FileStat stat_of(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<mode_t>(st.st_mode & 07777), st.st_mtime, true, st.st_atime};
}

void set_mtime(const std::string& path, time_t t) {
  struct timeval tv[2] = {{t - 1000, 0}, {t, 0}};
  ASSERT_EQ(::utimes(path.c_str(), tv), 0);
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

const std::string kDebianScp = "/usr/bin/scp";

// stderr with `program`'s own name at the start of a line ("/usr/bin/scp: ", as
// OpenSSH's log names argv[0]) made "scp: ", so that two programs' lines compare;
// without the "debug1: " lines Debian's sshd (LogLevel DEBUG1) sends its sessions.

// What a copy left in `dir`: every entry with its type as lstat sees it (f, d, l),
// then the sha256 of every regular file.
std::string tree_listing(const std::string& dir) {
  RunResult r = run({"/bin/sh", "-c",
                     "cd \"$1\" && find . -printf '%p %y\\n' | LC_ALL=C sort && "
                     "find . -type f -exec sha256sum {} + | LC_ALL=C sort",
                     "sh", dir});
  return r.exit_code == 0 ? r.out : "cannot list " + dir + ": " + r.err;
}

// A directory in the login user's home, removed with its contents at the end: scp
// resolves relative and ~ paths there.
class HomeScratch {
 public:
  HomeScratch() {
    std::string tmpl = std::string(::getpwuid(::getuid())->pw_dir) + "/sshpp-scp-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~HomeScratch() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string name() const { return path_.substr(path_.rfind('/') + 1); }

 private:
  std::string path_;
};

// A tree with a link to a file, a link to a directory, a link into another directory
// and a dangling link, for scp -r.
void make_linked_tree(const std::string& root) {
  ::mkdir(root.c_str(), 0755);
  ::mkdir((root + "/real").c_str(), 0755);
  ::mkdir((root + "/sub").c_str(), 0755);
  write_text(root + "/a", random_bytes(5000, 11), 0644);
  write_text(root + "/real/r", random_bytes(3000, 12), 0640);
  EXPECT_EQ(::symlink("a", (root + "/alink").c_str()), 0);
  EXPECT_EQ(::symlink("real", (root + "/dlink").c_str()), 0);
  EXPECT_EQ(::symlink("../real/r", (root + "/sub/up").c_str()), 0);
  EXPECT_EQ(::symlink("nowhere", (root + "/dangling").c_str()), 0);
}

// The progress meter's last line as a terminal shows it, rate and time masked:
// "name <pad> 100% 4096KB R/s   TT:TT    ".
std::string final_meter_line(const std::string& output) {
  std::size_t full = output.rfind("100%");
  if (full == std::string::npos) return "no complete meter in: " + output;
  std::size_t start = output.rfind('\r', full), end = output.find('\r', full);
  start = start == std::string::npos ? 0 : start + 1;
  std::string line = output.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::size_t rate_end = line.find("/s");
  if (rate_end == std::string::npos) return "no rate in: " + line;
  // "21.6MB/s" -> " R/s": the rate and the padding before it, whose width varies.
  std::size_t rate_start = line.rfind(' ', rate_end);
  std::size_t pad_start = line.find_last_not_of(' ', rate_start);
  std::string masked = line.substr(0, pad_start + 1) + " R" + line.substr(rate_end);
  for (std::size_t i = masked.find("/s"); i < masked.size(); ++i)
    if (std::isdigit(static_cast<unsigned char>(masked[i]))) masked[i] = 'T';
  return masked;
}

// The odd names every transfer carries: spaces, shell metacharacters, quotes, a
// tab and non-UTF-8 bytes.
const std::vector<std::string> kOddNames = {"with space", "dollar $HOME;x", "quote'\"q", "tab\tname",
                                            "latin1-\xe9\xff"};

class ScpInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ::chmod(dir_->path().c_str(), 0755);
    key_ = *dir_ / "id_ed25519";
    RunResult k = run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key_});
    ASSERT_EQ(k.exit_code, 0) << k.err;
    write_text(*dir_ / "authorized_keys", read_text(key_ + ".pub"), 0644);
    sshd_ = new DebianSshd(dir_->path(), "AuthorizedKeysFile " + (*dir_ / "authorized_keys") +
                                             "\nSubsystem sftp /usr/lib/openssh/sftp-server\n");
    // The -S program for Debian's scp: runs the "remote" command locally with our scp
    // first on PATH, so that `scp -t` / `scp -f` are ours.
    ::mkdir((*dir_ / "ourbin").c_str(), 0755);
    ASSERT_EQ(::symlink(our_bin("scp").c_str(), (*dir_ / "ourbin/scp").c_str()), 0);
    // A second Debian sshd whose sessions find our scp first on PATH: Debian's
    // `scp -O` through it runs our `scp -t` / `scp -f` as the remote side.
    ::mkdir((*dir_ / "sshd2").c_str(), 0755);
    sshd_with_our_scp_ = new DebianSshd(*dir_ / "sshd2", "AuthorizedKeysFile " + (*dir_ / "authorized_keys") +
                                                             "\nSetEnv PATH=" + (*dir_ / "ourbin") +
                                                             ":/usr/bin:/bin\n");
    wrapper_ = *dir_ / "run_ours.sh";
    write_text(wrapper_,
               "#!/bin/sh\nfor last; do :; done\nPATH=" + (*dir_ / "ourbin") + ":$PATH exec sh -c \"$last\"\n",
               0755);
  }
  static void TearDownTestSuite() {
    delete sshd_with_our_scp_;
    delete sshd_;
    delete dir_;
  }

  // `program` (our scp or Debian's) with Debian's ssh, the test key and `port`.
  static std::vector<std::string> scp_argv(const std::string& program, int port, const std::vector<std::string>& args) {
    std::vector<std::string> argv{program,
                                  "-S",
                                  "/usr/bin/ssh",
                                  "-i",
                                  key_,
                                  "-oUserKnownHostsFile=/dev/null",
                                  "-oStrictHostKeyChecking=no",
                                  "-oBatchMode=yes",
                                  "-oLogLevel=ERROR",
                                  "-P",
                                  std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  RunResult our_scp(std::vector<std::string> args) { return run(scp_argv(our_bin("scp"), sshd_->port(), args)); }
  // One run of `program` as "exit N" and its stderr (program name normalized), for
  // comparing ours with Debian's.
  static std::string transcript(const std::string& program, int port, const std::vector<std::string>& args) {
    RunResult r = run(scp_argv(program, port, args));
    return "exit " + std::to_string(r.exit_code) + "\n" + scp_messages(r.err, program);
  }
  // Our sshd on the server side throughout: its sftp-server, and our scp first on the
  // PATH of its sessions for -O. Logs in as this user with the test key.
  static std::unique_ptr<OurSshd> start_our_sshd(const std::string& dir) {
    std::string ourbin = std::filesystem::path(our_bin("scp")).parent_path().string();
    return std::make_unique<OurSshd>(dir, "UsePAM no\nStrictModes no\nAuthorizedKeysFile " +
                                              (*dir_ / "authorized_keys") + "\nSubsystem sftp " +
                                              our_bin("sftp-server") + "\nSetEnv PATH=" + ourbin + ":/usr/bin:/bin\n");
  }
  static std::string remote(const std::string& path) { return "127.0.0.1:" + path; }

  // The set of files every copy test sends: 0 B, 1 B, 8 MiB and the odd names.
  std::vector<std::string> make_files(const std::string& where) {
    ::mkdir(where.c_str(), 0755);
    std::vector<std::string> names{"empty", "one", "big"};
    write_text(where + "/empty", "", 0644);
    write_text(where + "/one", "x", 0644);
    write_text(where + "/big", random_bytes(8 << 20, 1), 0644);
    for (const std::string& n : kOddNames) {
      write_text(where + "/" + n, "odd:" + n, 0644);
      names.push_back(n);
    }
    return names;
  }

  void expect_same_files(const std::string& from, const std::string& to, const std::vector<std::string>& names) {
    for (const std::string& n : names) {
      ASSERT_TRUE(exists(to + "/" + n)) << n;
      EXPECT_EQ(read_text(to + "/" + n), read_text(from + "/" + n)) << n;
    }
  }

  void round_trip(const std::vector<std::string>& mode_flags) {
    TempDir t;
    auto names = make_files(t / "src");
    ::mkdir((t / "up").c_str(), 0755);
    ::mkdir((t / "down").c_str(), 0755);
    std::vector<std::string> up = mode_flags, down = mode_flags;
    for (const std::string& n : names) {
      up.push_back(t / "src/" + n);
      down.push_back(remote(t / "up/" + n));
    }
    up.push_back(remote(t / "up/"));
    down.push_back(t / "down");
    RunResult u = our_scp(up);
    ASSERT_EQ(u.exit_code, 0) << u.err;
    EXPECT_EQ(u.out, "");  // no progress meter when stdout is not a terminal
    expect_same_files(t / "src", t / "up", names);
    if (mode_flags.empty()) {
      // SFTP mode takes remote names literally once the glob metacharacters are escaped.
      for (std::string& d : down) {
        std::string esc;
        for (char c : d) {
          if (c == '*' || c == '?' || c == '[' || c == '\\') esc += '\\';
          esc += c;
        }
        d = esc;
      }
    } else {
      // The legacy protocol hands remote paths to the remote shell: escape them with
      // backslashes, which the shell and the strict filename check (fnmatch) both undo.
      for (std::size_t i = mode_flags.size(); i + 1 < down.size(); ++i) {
        std::string path = down[i].substr(down[i].find(':') + 1), esc;
        for (char c : path) {
          bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '-' || c == '_';
          if (!plain) esc += '\\';
          esc += c;
        }
        down[i] = "127.0.0.1:" + esc;
      }
    }
    RunResult d = our_scp(down);
    ASSERT_EQ(d.exit_code, 0) << d.err;
    expect_same_files(t / "src", t / "down", names);
  }

  static TempDir* dir_;
  static DebianSshd* sshd_;
  static DebianSshd* sshd_with_our_scp_;
  static std::string key_;
  static std::string wrapper_;
};

TempDir* ScpInterop::dir_ = nullptr;
DebianSshd* ScpInterop::sshd_ = nullptr;
DebianSshd* ScpInterop::sshd_with_our_scp_ = nullptr;
std::string ScpInterop::key_;
std::string ScpInterop::wrapper_;

TEST_F(ScpInterop, SftpModeUploadAndDownload) { round_trip({}); }

TEST_F(ScpInterop, LegacyModeUploadAndDownload) { round_trip({"-O"}); }

TEST_F(ScpInterop, RecursiveTreesBothProtocols) {
  for (const std::vector<std::string>& flags : {std::vector<std::string>{"-r"}, {"-O", "-r"}}) {
    TempDir t;
    ::mkdir((t / "tree").c_str(), 0755);
    ::mkdir((t / "tree/sub").c_str(), 0755);
    ::mkdir((t / "tree/sub/deeper").c_str(), 0700);
    ::mkdir((t / "tree/emptydir").c_str(), 0755);
    write_text(t / "tree/a", "a", 0644);
    write_text(t / "tree/sub/b b", random_bytes(70000, 2), 0600);
    write_text(t / "tree/sub/deeper/c", "c", 0644);
    ::mkdir((t / "up").c_str(), 0755);
    ::mkdir((t / "down").c_str(), 0755);
    std::vector<std::string> up = flags, down = flags;
    up.insert(up.end(), {t / "tree", remote(t / "up")});
    down.insert(down.end(), {remote(t / "up/tree"), t / "down"});
    RunResult u = our_scp(up);
    ASSERT_EQ(u.exit_code, 0) << u.err;
    RunResult d = our_scp(down);
    ASSERT_EQ(d.exit_code, 0) << d.err;
    RunResult diff = run({"diff", "-r", t / "tree", t / "down/tree"});
    EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
    EXPECT_TRUE(exists(t / "down/tree/emptydir"));
    EXPECT_EQ(stat_of(t / "down/tree/sub/deeper").mode, 0700u) << flags.size();
  }
}

TEST_F(ScpInterop, PreserveKeepsModeAndTimes) {
  for (const std::vector<std::string>& flags : {std::vector<std::string>{"-p"}, {"-O", "-p"}}) {
    TempDir t;
    write_text(t / "f", "preserve me", 0640);
    ::chmod((t / "f").c_str(), 0751);
    set_mtime(t / "f", 1500000000);
    ::mkdir((t / "up").c_str(), 0755);
    ::mkdir((t / "down").c_str(), 0755);
    std::vector<std::string> up = flags, down = flags;
    up.insert(up.end(), {t / "f", remote(t / "up/")});
    down.insert(down.end(), {remote(t / "up/f"), t / "down/"});
    RunResult u = our_scp(up);
    ASSERT_EQ(u.exit_code, 0) << u.err;
    FileStat su = stat_of(t / "up/f");
    EXPECT_EQ(su.mode, 0751u);
    EXPECT_EQ(su.mtime, 1500000000);
    EXPECT_EQ(su.atime, 1500000000 - 1000);  // as stat() saw it before the file was read
    RunResult d = our_scp(down);
    ASSERT_EQ(d.exit_code, 0) << d.err;
    FileStat sd = stat_of(t / "down/f");
    EXPECT_EQ(sd.mode, 0751u);
    EXPECT_EQ(sd.mtime, 1500000000);
    EXPECT_EQ(sd.atime, 1500000000 - 1000);
  }
}

TEST_F(ScpInterop, MissingSourceAmongThreeCopiesTheOthersAndFails) {
  for (const std::vector<std::string>& flags : {std::vector<std::string>{}, {"-O"}}) {
    TempDir t;
    write_text(t / "a", "A", 0644);
    write_text(t / "b", "B", 0644);
    ::mkdir((t / "down").c_str(), 0755);
    std::vector<std::string> down = flags;
    down.insert(down.end(), {remote(t / "a"), remote(t / "nope"), remote(t / "b"), t / "down"});
    RunResult d = our_scp(down);
    EXPECT_EQ(d.exit_code, 1) << d.err;
    EXPECT_NE(d.err.find("scp: " + (t / "nope") + ": No such file or directory"), std::string::npos) << d.err;
    EXPECT_EQ(read_text(t / "down/a"), "A");
    EXPECT_EQ(read_text(t / "down/b"), "B");
  }
  // Uploads in legacy mode go on after a missing local file, as OpenSSH's do.
  TempDir t;
  write_text(t / "a", "A", 0644);
  write_text(t / "b", "B", 0644);
  ::mkdir((t / "up").c_str(), 0755);
  RunResult u = our_scp({"-O", t / "a", t / "nope", t / "b", remote(t / "up")});
  EXPECT_EQ(u.exit_code, 1);
  EXPECT_NE(u.err.find(t / "nope" + ": No such file or directory"), std::string::npos) << u.err;
  EXPECT_EQ(read_text(t / "up/a"), "A");
  EXPECT_EQ(read_text(t / "up/b"), "B");
}

TEST_F(ScpInterop, RemoteGlobCopiesOnlyMatches) {
  TempDir t;
  ::mkdir((t / "d").c_str(), 0755);
  write_text(t / "d/x.txt", "x", 0644);
  write_text(t / "d/y.txt", "y", 0644);
  write_text(t / "d/z.bin", "z", 0644);
  ::mkdir((t / "down").c_str(), 0755);
  RunResult d = our_scp({remote(t / "d/*.txt"), t / "down"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_TRUE(exists(t / "down/x.txt"));
  EXPECT_TRUE(exists(t / "down/y.txt"));
  EXPECT_FALSE(exists(t / "down/z.bin"));
}

TEST_F(ScpInterop, ThroughLocalBetweenTwoPathsOfOneServer) {
  TempDir t;
  write_text(t / "a", random_bytes(300000, 3), 0640);
  ::mkdir((t / "dest").c_str(), 0755);
  ::mkdir((t / "dest2").c_str(), 0755);
  RunResult r = our_scp({"-3", remote(t / "a"), remote(t / "dest/")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(t / "dest/a"), read_text(t / "a"));
  EXPECT_EQ(stat_of(t / "dest/a").mode, 0640u);
  // Without -3: OpenSSH 9.2 copies through the local host by default too.
  RunResult r2 = our_scp({remote(t / "a"), remote(t / "dest2/renamed")});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_EQ(read_text(t / "dest2/renamed"), read_text(t / "a"));
  // The legacy protocol: two ssh joined by pipes, ours in the middle.
  RunResult r3 = our_scp({"-O", "-3", remote(t / "a"), remote(t / "dest2/legacy")});
  ASSERT_EQ(r3.exit_code, 0) << r3.err;
  EXPECT_EQ(read_text(t / "dest2/legacy"), read_text(t / "a"));
}

// -R: our scp asks the origin (Debian's sshd, whose sessions find our scp, set to use
// an ssh that knows the host "dest", first on PATH) to copy to the destination itself, as
// OpenSSH's scp -R does; nothing passes through the local host.
TEST_F(ScpInterop, RemoteToRemoteRunsTheCopyOnTheOrigin) {
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  ::mkdir((t / "bin").c_str(), 0755);
  // Our scp runs the ssh beside it unless told: -S points it at the one that knows "dest".
  write_text(t / "bin/scp", "#!/bin/sh\nexec " + our_bin("scp") + " -S " + (t / "bin/ssh") + " \"$@\"\n", 0755);
  write_text(t / "dest_config",
             "Host dest\n  HostName 127.0.0.1\n  Port " + std::to_string(sshd_->port()) + "\n  IdentityFile " + key_ +
                 "\n  IdentitiesOnly yes\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n"
                 "  BatchMode yes\n  LogLevel ERROR\n",
             0644);
  write_text(t / "bin/ssh", "#!/bin/sh\nexec /usr/bin/ssh -F " + (t / "dest_config") + " \"$@\"\n", 0755);
  ::mkdir((t / "sshd").c_str(), 0755);
  DebianSshd origin(t / "sshd", "AuthorizedKeysFile " + (*dir_ / "authorized_keys") + "\nSetEnv PATH=" + (t / "bin") +
                                    ":/usr/bin:/bin\n");
  write_text(t / "a", random_bytes(300000, 5), 0640);
  make_files(t / "tree");
  ::mkdir((t / "to").c_str(), 0755);
  std::vector<std::string> base{our_bin("scp"), "-R", "-S", "/usr/bin/ssh", "-i", key_,
                                "-oUserKnownHostsFile=/dev/null", "-oStrictHostKeyChecking=no", "-oBatchMode=yes",
                                "-oLogLevel=ERROR"};
  const std::string origin_uri = "scp://127.0.0.1:" + std::to_string(origin.port());
  auto with = [&](std::vector<std::string> rest) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), rest.begin(), rest.end());
    return argv;
  };
  RunResult one = run(with({"-v", origin_uri + "/" + (t / "a"), "dest:" + (t / "to/a")}));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(read_text(t / "to/a"), read_text(t / "a"));
  // -v shows the command it runs: ssh to the origin with scp there, as OpenSSH's.
  EXPECT_NE(one.err.find("Executing: /usr/bin/ssh -x -oClearAllForwardings=yes -n "), std::string::npos) << one.err;
  EXPECT_NE(one.err.find(" -- 127.0.0.1 scp -v " + (t / "a") + " dest:" + (t / "to/a")), std::string::npos)
      << one.err;
  // A tree with -r -p: the origin's scp walks it; modes and odd names arrive.
  RunResult tree = run(with({"-r", "-p", origin_uri + "/" + (t / "tree"), "dest:" + (t / "to")}));
  ASSERT_EQ(tree.exit_code, 0) << tree.err;
  std::vector<std::string> names{"empty", "one", "big"};
  names.insert(names.end(), kOddNames.begin(), kOddNames.end());
  expect_same_files(t / "tree", t / "to/tree", names);
  // A source that does not exist fails the origin's scp, and so ours.
  RunResult missing = run(with({origin_uri + "/" + (t / "nope"), "dest:" + (t / "to/nope")}));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_FALSE(exists(t / "to/nope"));
}

// Debian's scp -O against our remote side, without sshd: the -S program runs
// "scp -t <dir>" / "scp -f <paths>" with our scp.
TEST_F(ScpInterop, DebianLegacyClientAgainstOurSinkAndSource) {
  TempDir t;
  auto names = make_files(t / "src");
  ::mkdir((t / "up").c_str(), 0755);
  ::mkdir((t / "down").c_str(), 0755);
  std::vector<std::string> up{"/usr/bin/scp", "-O", "-S", wrapper_};
  for (const std::string& n : names) up.push_back(t / "src/" + n);
  up.push_back("h:" + (t / "up"));
  RunResult u = run(up);
  ASSERT_EQ(u.exit_code, 0) << u.err;
  expect_same_files(t / "src", t / "up", names);
  RunResult d = run({"/usr/bin/scp", "-O", "-S", wrapper_, "h:" + (t / "up/big"), "h:" + (t / "up/one"),
                     "h:" + (t / "up/empty"), t / "down"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  expect_same_files(t / "src", t / "down", {"big", "one", "empty"});
}

TEST_F(ScpInterop, DebianLegacyClientRecursivePreserveAndErrors) {
  TempDir t;
  ::mkdir((t / "tree").c_str(), 0750);
  ::mkdir((t / "tree/sub").c_str(), 0755);
  write_text(t / "tree/sub/f", "deep", 0604);
  set_mtime(t / "tree/sub/f", 1400000000);
  ::mkdir((t / "up").c_str(), 0755);
  ::mkdir((t / "down").c_str(), 0755);
  RunResult u = run({"/usr/bin/scp", "-O", "-r", "-p", "-S", wrapper_, t / "tree", "h:" + (t / "up")});
  ASSERT_EQ(u.exit_code, 0) << u.err;
  EXPECT_EQ(read_text(t / "up/tree/sub/f"), "deep");
  EXPECT_EQ(stat_of(t / "up/tree/sub/f").mode, 0604u);
  EXPECT_EQ(stat_of(t / "up/tree/sub/f").mtime, 1400000000);
  EXPECT_EQ(stat_of(t / "up/tree").mode, 0750u);
  RunResult d = run({"/usr/bin/scp", "-O", "-r", "-p", "-S", wrapper_, "h:" + (t / "up/tree"), t / "down"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(stat_of(t / "down/tree/sub/f").mtime, 1400000000);
  RunResult diff = run({"diff", "-r", t / "tree", t / "down/tree"});
  EXPECT_EQ(diff.exit_code, 0) << diff.out;
  // Our `scp -f` reports the missing file to Debian's client, which says so and fails.
  RunResult missing = run({"/usr/bin/scp", "-O", "-S", wrapper_, "h:" + (t / "nope"), "h:" + (t / "up/tree/sub/f"),
                           t / "down"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("scp: " + (t / "nope") + ": No such file or directory"), std::string::npos)
      << missing.err;
  EXPECT_EQ(read_text(t / "down/f"), "deep");
}

// The real deployment: Debian's scp -O and Debian's sshd, with our scp as the
// remote `scp -t` / `scp -f` that sshd runs from PATH.
TEST_F(ScpInterop, DebianLegacyClientThroughSshdRunsOurRemoteSide) {
  TempDir t;
  auto names = make_files(t / "src");
  ::mkdir((t / "up").c_str(), 0755);
  ::mkdir((t / "down").c_str(), 0755);
  std::vector<std::string> base{"/usr/bin/scp", "-O", "-v", "-i", key_, "-oUserKnownHostsFile=/dev/null",
                                "-oStrictHostKeyChecking=no", "-oBatchMode=yes", "-P",
                                std::to_string(sshd_with_our_scp_->port())};
  std::vector<std::string> up = base;
  for (const std::string& n : names) up.push_back(t / "src/" + n);
  up.push_back(remote(t / "up"));
  RunResult u = run(up);
  ASSERT_EQ(u.exit_code, 0) << u.err;
  expect_same_files(t / "src", t / "up", names);
  // The remote sink's -v trace comes back on ssh's stderr; Debian's sink would print
  // the same, so what proves the remote side was ours is the PATH check below.
  EXPECT_NE(u.err.find("Sink: C0644 1 one"), std::string::npos) << u.err;
  std::vector<std::string> which{"/usr/bin/ssh", "-i", key_, "-oUserKnownHostsFile=/dev/null",
                                 "-oStrictHostKeyChecking=no", "-oBatchMode=yes", "-p",
                                 std::to_string(sshd_with_our_scp_->port()), "127.0.0.1", "command -v scp"};
  RunResult w = run(which);
  EXPECT_EQ(w.out, (*dir_ / "ourbin/scp") + "\n") << w.err;
  std::vector<std::string> down = base;
  down.insert(down.end(), {"-r", "-p", remote(t / "up"), t / "down"});
  RunResult d = run(down);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  expect_same_files(t / "src", t / "down/up", names);
}

}  // namespace

// "~/" on the remote side is the login user's home: expand-path@openssh.com in SFTP mode,
// the remote shell with -O. Here the login user is root (the tests run as root).
TEST_F(ScpInterop, TildeIsTheRemoteHomeInBothModes) {
  struct passwd* pw = ::getpwuid(::getuid());
  ASSERT_NE(pw, nullptr);
  const std::string home = pw->pw_dir;
  for (const std::vector<std::string>& mode : {std::vector<std::string>{}, std::vector<std::string>{"-O"}}) {
    TempDir t;
    const std::string name = "sshpp-tilde-" + std::to_string(::getpid()) + (mode.empty() ? "-sftp" : "-legacy");
    const std::string content = random_bytes(70000, 7);
    write_text(t / "src", content, 0644);
    std::vector<std::string> up = mode, down = mode;
    up.insert(up.end(), {t / "src", remote("~/" + name)});
    down.insert(down.end(), {remote("~/" + name), t / "back"});
    RunResult u = our_scp(up);
    EXPECT_EQ(u.exit_code, 0) << u.err;
    const bool landed = exists(home + "/" + name);
    EXPECT_TRUE(landed) << home << "/" << name;
    RunResult d = our_scp(down);
    EXPECT_EQ(d.exit_code, 0) << d.err;
    if (landed) {
      EXPECT_EQ(read_text(home + "/" + name), content);
    }
    EXPECT_EQ(read_text(t / "back"), content);
    ::unlink((home + "/" + name).c_str());
  }
}

// SCP-04: a remote glob with -O. The remote shell expands it; scp then checks every
// name it is sent against the pattern (brace-expanded, fnmatch without FNM_PERIOD) and
// refuses any other with "filename does not match request", as OpenSSH's sink(); -T
// turns the check off. Ours and Debian's copy the same files and print the same.
TEST_F(ScpInterop, LegacyRemoteGlobIsCheckedLikeDebian) {
  TempDir t;
  ::mkdir((t / "d").c_str(), 0755);
  ::mkdir((t / "d/sub.txt").c_str(), 0755);  // matches "*.txt" but is no file: an error
  for (std::string n : {"x.txt", "y.txt", "z.bin", ".hidden.txt"}) write_text(t / ("d/" + n), "data " + n, 0644);
  // What the shell expands: both clients, same server, each into its own directory.
  int runs = 0;
  for (std::string pattern : {"*.txt", "[xy].txt", "{x,z}.*", "?.t*", "*.none"}) {
    std::string listing[2], said[2];
    for (int i = 0; i < 2; ++i) {
      const std::string program = i == 0 ? kDebianScp : our_bin("scp");
      const std::string out = t / ("out" + std::to_string(++runs));
      ASSERT_EQ(::mkdir(out.c_str(), 0755), 0) << out;
      said[i] = transcript(program, sshd_->port(), {"-O", remote(t / ("d/" + pattern)), out});
      listing[i] = tree_listing(out);
    }
    EXPECT_EQ(said[1], said[0]) << pattern;
    EXPECT_EQ(listing[1], listing[0]) << pattern;
    if (pattern == "*.txt") {
      EXPECT_EQ(said[1], "exit 1\nscp: " + (t / "d/sub.txt") + ": not a regular file\n");
      EXPECT_NE(listing[1].find("./x.txt f\n./y.txt f\n"), std::string::npos) << listing[1];
      EXPECT_EQ(listing[1].find("hidden"), std::string::npos) << listing[1];
    }
  }
  // A remote that sends what it likes: the -S program serves $SERVED whatever was asked.
  write_text(t / "liar", "#!/bin/sh\nexec /usr/bin/scp -f \"$SERVED\"\n", 0755);
  struct Lie {
    std::string asked, served, flag;
    bool accepted;
  };
  for (const Lie& lie : {Lie{"*.txt", "z.bin", "", false}, Lie{"*.txt", ".hidden.txt", "", true},
                         Lie{"{a,z}.bin", "z.bin", "", true}, Lie{"x.txt", "y.txt", "", false},
                         Lie{"*.txt", "z.bin", "-T", true}}) {
    std::string listing[2], said[2];
    for (int i = 0; i < 2; ++i) {
      const std::string program = i == 0 ? kDebianScp : our_bin("scp");
      TempDir out;
      std::vector<std::string> argv{program, "-O", "-S", t / "liar"};
      if (!lie.flag.empty()) argv.push_back(lie.flag);
      argv.insert(argv.end(), {"h:" + (t / ("d/" + lie.asked)), out.path()});
      RunOptions env;
      env.env["SERVED"] = t / ("d/" + lie.served);
      RunResult r = run(argv, env);
      said[i] = "exit " + std::to_string(r.exit_code) + "\n" + scp_messages(r.err, program);
      listing[i] = tree_listing(out.path());
    }
    const std::string what = lie.asked + " <- " + lie.served + " " + lie.flag;
    EXPECT_EQ(said[1], said[0]) << what;
    EXPECT_EQ(listing[1], listing[0]) << what;
    if (lie.accepted) {
      EXPECT_EQ(said[1], "exit 0\n") << what;
      EXPECT_NE(listing[1].find("./" + lie.served + " f\n"), std::string::npos) << what << listing[1];
    } else {
      EXPECT_EQ(said[1], "exit 1\nprotocol error: filename does not match request\n") << what;
      EXPECT_EQ(listing[1].find(lie.served), std::string::npos) << what << listing[1];
    }
  }
}

// SCP-05: "~user/" remote paths. SFTP mode expands them with expand-path@openssh.com,
// -O leaves them to the remote shell. Through Debian's sshd and through ours, in both
// modes, our scp does what Debian's does: the same files, messages and exit statuses
// (an unknown user: the server's "no such user" in SFTP mode, the shell's in -O).
TEST_F(ScpInterop, TildeUserPathsLikeDebianThroughBothServers) {
  struct passwd* pw = ::getpwuid(::getuid());
  ASSERT_NE(pw, nullptr);
  const std::string user = pw->pw_name, home = pw->pw_dir;
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  ::mkdir((t / "sshd").c_str(), 0755);
  auto ours = start_our_sshd(t / "sshd");
  ASSERT_TRUE(ours->listening());
  const std::string name = "sshpp-tilde-user-" + std::to_string(::getpid()) + "-f";
  const std::string content = random_bytes(70000, 9);
  write_text(t / name, content, 0644);
  const std::string landed = home + "/" + name;
  for (int port : {sshd_->port(), ours->port()}) {
    for (const std::vector<std::string>& mode : {std::vector<std::string>{}, std::vector<std::string>{"-O"}}) {
      std::string said[2];
      for (int i = 0; i < 2; ++i) {
        const std::string program = i == 0 ? kDebianScp : our_bin("scp");
        auto step = [&](std::vector<std::string> args) {
          args.insert(args.begin(), mode.begin(), mode.end());
          said[i] += transcript(program, port, args);
        };
        ::unlink(landed.c_str());
        std::filesystem::remove_all(t / "back");
        ::mkdir((t / "back").c_str(), 0755);
        step({t / name, remote("~" + user)});  // into the home directory itself
        said[i] += "landed: " + std::to_string(exists(landed) && read_text(landed) == content) + "\n";
        step({t / name, remote("~" + user + "/" + name + ".2")});
        said[i] += "landed .2: " + std::to_string(exists(landed + ".2") && read_text(landed + ".2") == content) + "\n";
        step({remote("~" + user + "/" + name), t / "back/one"});
        step({remote("~" + user + "/" + name + "*"), t / "back"});  // a glob after the ~user
        said[i] += tree_listing(t / "back");
        step({t / name, remote("~sshpp-no-such-user/" + name)});
        step({remote("~sshpp-no-such-user/" + name), t / "back"});
        ::unlink((landed + ".2").c_str());
      }
      const std::string what = "port " + std::to_string(port) + (mode.empty() ? " sftp" : " -O");
      EXPECT_EQ(said[1], said[0]) << what;
      EXPECT_NE(said[1].find("landed: 1\n"), std::string::npos) << what << "\n" << said[1];
      EXPECT_NE(said[1].find("landed .2: 1\n"), std::string::npos) << what << "\n" << said[1];
      EXPECT_NE(said[1].find("./one f\n"), std::string::npos) << what << "\n" << said[1];
      EXPECT_NE(said[1].find("./" + name + ".2 f\n"), std::string::npos) << what << "\n" << said[1];
      if (mode.empty()) {
        EXPECT_NE(said[1].find("scp: expand ~sshpp-no-such-user/" + name + ": no such user\r\n"), std::string::npos)
            << what << "\n" << said[1];
      }
    }
  }
  ::unlink(landed.c_str());
}

// SCP-06: scp -r over symlinks, up and down, in both modes, through Debian's sshd and
// ours. OpenSSH's SFTP mode follows a link to a file and refuses one to a directory
// ("not a regular file"; 9.2 lstat()s the entries and sends every link as a file); -O
// stat()s, so a link to a directory arrives as a directory. Our scp must leave the
// same entries (regular files, directories; sha256 of each file) and say the same.
// The remote side is a path relative to the home directory: OpenSSH's messages name
// the canonical path the server gives (realpath) instead.
TEST_F(ScpInterop, RecursiveCopiesFollowSymlinksLikeDebian) {
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  HomeScratch scratch;
  ASSERT_FALSE(scratch.path().empty());
  make_linked_tree(t / "tree");
  make_linked_tree(scratch.path() + "/tree");
  ::mkdir((t / "sshd").c_str(), 0755);
  auto ours = start_our_sshd(t / "sshd");
  ASSERT_TRUE(ours->listening());
  const std::string a_sum = run({"sha256sum", t / "tree/a"}).out.substr(0, 64);
  int runs = 0;
  for (int port : {sshd_->port(), ours->port()}) {
    for (const std::vector<std::string>& mode : {std::vector<std::string>{}, std::vector<std::string>{"-O"}}) {
      for (bool up : {true, false}) {
        std::string said[2], listing[2];
        for (int i = 0; i < 2; ++i) {
          const std::string program = i == 0 ? kDebianScp : our_bin("scp");
          // The same destination name for both (it shows in the messages), kept apart after.
          const std::string dest = up ? scratch.path() + "/dest" : t / "dest";
          ASSERT_EQ(::mkdir(dest.c_str(), 0755), 0) << dest;
          std::vector<std::string> args = mode;
          args.push_back("-r");
          if (up)
            args.insert(args.end(), {t / "tree", remote(scratch.name() + "/dest")});
          else
            args.insert(args.end(), {remote(scratch.name() + "/tree"), dest});
          said[i] = transcript(program, port, args);
          listing[i] = tree_listing(dest);
          const std::string kept = dest + "." + std::to_string(++runs);
          ASSERT_EQ(::rename(dest.c_str(), kept.c_str()), 0) << kept;
        }
        const std::string what = "port " + std::to_string(port) + (mode.empty() ? " sftp" : " -O") +
                                 (up ? " upload" : " download");
        EXPECT_EQ(said[1], said[0]) << what;
        EXPECT_EQ(listing[1], listing[0]) << what;
        // Links to files arrive as regular files with the target's bytes, in every case.
        EXPECT_NE(listing[1].find("./tree/alink f\n"), std::string::npos) << what << "\n" << listing[1];
        EXPECT_NE(listing[1].find("./tree/sub/up f\n"), std::string::npos) << what << "\n" << listing[1];
        EXPECT_NE(listing[1].find(a_sum + "  ./tree/alink\n"), std::string::npos) << what << "\n" << listing[1];
        EXPECT_EQ(listing[1].find(" l\n"), std::string::npos) << what << "\n" << listing[1];
        if (mode.empty()) {
          EXPECT_EQ(listing[1].find("./tree/dlink"), std::string::npos) << what << "\n" << listing[1];
          EXPECT_NE(said[1].find("dlink"), std::string::npos) << what << "\n" << said[1];
        } else {
          EXPECT_NE(listing[1].find("./tree/dlink d\n./tree/dlink/r f\n"), std::string::npos) << what << "\n"
                                                                                             << listing[1];
        }
        EXPECT_EQ(said[1].substr(0, 7), "exit 1\n") << what;  // the dangling link
      }
    }
  }
}

// SCP-09: the progress meter on a terminal. Run in a pty, our scp draws OpenSSH's
// meter, and its last line has the shape of Debian's: the file name, 100%, the size,
// a rate and the time (those two masked). With -q nothing at all is printed.
TEST_F(ScpInterop, ProgressMeterOnATerminalLikeDebian) {
  TempDir t;
  write_text(t / "four", random_bytes(4 << 20, 13), 0644);
  auto in_pty = [&](const std::string& program, std::vector<std::string> args, std::string& output) {
    PtySession pty(scp_argv(program, sshd_->port(), args));
    int code = pty.wait();
    output = pty.output();
    return code;
  };
  int runs = 0;
  for (const std::vector<std::string>& mode : {std::vector<std::string>{}, std::vector<std::string>{"-O"}}) {
    for (bool up : {true, false}) {
      for (bool quiet : {false, true}) {
        std::string shown[2];
        for (int i = 0; i < 2; ++i) {
          const std::string program = i == 0 ? kDebianScp : our_bin("scp");
          const std::string dir = t / ("to" + std::to_string(++runs));
          ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
          std::vector<std::string> args = mode;
          if (quiet) args.push_back("-q");
          args.insert(args.end(), {up ? t / "four" : remote(t / "four"), up ? remote(dir) : dir});
          std::string output;
          EXPECT_EQ(in_pty(program, args, output), 0) << program << "\n" << output;
          EXPECT_EQ(read_text(dir + "/four"), read_text(t / "four")) << program;
          shown[i] = quiet ? scp_messages(output, "scp") : final_meter_line(output);
        }
        const std::string what = std::string(mode.empty() ? "sftp" : "-O") + (up ? " upload" : " download");
        if (quiet) {
          EXPECT_EQ(shown[1], "") << what;
          EXPECT_EQ(shown[0], "") << what;
          continue;
        }
        EXPECT_EQ(shown[1], shown[0]) << what;
        EXPECT_TRUE(std::regex_match(shown[1], std::regex("four +100% 4096KB R/s +TT:TT +")))
            << what << ": [" << shown[1] << "]";
      }
    }
  }
}

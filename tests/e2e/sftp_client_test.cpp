// Our sftp against Debian's sftp-server (-D, over pipes) and against Debian's sshd
// (through Debian's ssh): a batch running every command compared byte for byte with
// Debian's sftp running the same batch in the same directory, transfers of awkward
// files checked by sha256, resume, the batch failure rules and the host:file and
// sftp:// forms.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/pty_session.hpp"
#include "support/temp_dir.hpp"
#include "support/transfer_output.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {
namespace {

constexpr const char* kDebianServer = "/usr/lib/openssh/sftp-server";
constexpr const char* kDebianSftp = "/usr/bin/sftp";

std::string sha256(const std::string& path) {
  auto r = run({"/bin/sh", "-c", "/usr/bin/sha256sum < \"$1\"", "sh", path});
  return r.exit_code == 0 ? r.out.substr(0, 64) : "unreadable " + path;
}

void make_file(const std::string& path, std::size_t size, char fill = 'x') {
  std::ofstream f(path, std::ios::binary);
  for (std::size_t i = 0; i < size; i++) f.put(static_cast<char>(fill + (i * 7919) % 61));
}

// A fixed tree with fixed times, so that listings are the same on every run.
void make_tree(const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/sub/deep");
  make_file(dir + "/a.txt", 3);
  make_file(dir + "/b.bin", 1000);
  make_file(dir + "/.hidden", 5);
  make_file(dir + "/sub/deep/f", 2);
  make_file(dir + "/sub/g", 20);
  make_file(dir + "/sub/esc\033[2Jname", 4);  // shown as \033 by both
  make_file(dir + "/sub/new\nline", 6);
  ::symlink("a.txt", (dir + "/link").c_str());
  // Links inside a tree: get -r and put -r skip them, each with its own message.
  ::symlink("g", (dir + "/sub/ln").c_str());
  ::symlink("deep", (dir + "/sub/dl").c_str());
  ::symlink("/nonexistent", (dir + "/sub/dangle").c_str());
  run({"/bin/sh", "-c", "cd \"$1\" && chmod 644 a.txt b.bin .hidden sub/g sub/deep/f && chmod 755 . sub sub/deep && "
                        "touch -h -d '2020-01-02 03:04:05' a.txt b.bin .hidden link sub/* sub/deep/f sub/deep sub .",
       "sh", dir});
}

RunResult run_batch(const std::string& program, const std::string& dir, const std::string& batch,
                    std::vector<std::string> extra = {}, const std::string& server = kDebianServer) {
  write_text(dir + "/../batch", batch);
  std::vector<std::string> argv{program, "-D", server, "-b", dir + "/../batch"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  RunOptions options;
  options.cwd = dir;
  options.new_session = true;
  return run(argv, options);
}

// Every command, in an order whose output does not depend on the clock.
const char* kEveryCommand =
    "pwd\n"
    "@pwd\n"
    "version\n"
    "help\n"
    "?\n"
    "ls\n"
    "ls -1\n"
    "ls -1a\n"
    "ls -l\n"
    "ls -ln\n"
    "ls -lh\n"
    "ls -1S\n"
    "ls -1t\n"
    "ls -1r\n"
    "ls -1f sub\n"
    "ls sub\n"
    "ls -l sub\n"
    "ls sub/*\n"
    "ls -l sub/deep/f\n"
    "ls *.txt\n"
    "dir -1\n"
    "lpwd\n"
    "lumask 022\n"
    "progress\n"
    "progress\n"
    "get a.txt local.txt\n"
    "get -p b.bin\n"
    "put local.txt up.txt\n"
    "rename up.txt moved.txt\n"
    "cp moved.txt copied.txt\n"
    "copy moved.txt copied2.txt\n"
    "symlink a.txt sl\n"
    "ln -s a.txt sl2\n"
    "ln a.txt hard\n"
    "mkdir newdir\n"
    "rmdir newdir\n"
    "chmod 600 moved.txt\n"
    "chown 0 moved.txt\n"
    "chgrp 0 moved.txt\n"
    "rm copied*\n"
    "lmkdir ldir\n"
    "lcd ldir\n"
    "lpwd\n"
    "lcd ..\n"
    "lls -1 sub\n"
    "get *.txt ldir\n"
    "put *.bin ldir\n"
    "-get *.txt b.bin\n"
    "-put *.txt a.txt\n"
    "get -f a.txt getf.txt\n"
    "put -f a.txt putf.txt\n"
    "get -p sub/g gp\n"
    "put -p sub/deep/f pp\n"
    "-chmod -h 600 link\n"
    "get link gotlink\n"
    "ls sub/dl\n"
    "ls -l sub/d*\n"
    "get -r sub/dl dlcopy\n"
    "-get -r sub/dangle\n"
    "-ls -l sub/g/\n"
    "-rm sub/g/\n"
    "-rm sub/dl/\n"
    "ls -l sub/dl/\n"
    "-get sub/ln/\n"
    "ls -1 s*/\n"
    "-put -r sub nodir/deeper\n"
    "cd sub\n"
    "pwd\n"
    "get -r deep\n"
    "cd\n"
    "put -r sub sub2\n"
    "ls -1 sub2 sub2/deep\n"
    "get -r sub lsub\n"
    "!echo shell\n"
    "-get nope\n"
    "-rm nope\n"
    "-mkdir a.txt\n"
    "-rmdir nope\n"
    "-rename nope x\n"
    "-chmod 644 nope\n"
    "-cd a.txt\n"
    "-cd nope\n"
    "-ls nope\n"
    "-lcd /nope\n"
    "-lmkdir /tmp\n"
    "-get a.txt /nope/x\n"
    "-put a.txt /nope/x\n"
    "-put nope\n"
    "-get sub\n"
    "-get -z x\n"
    "-rename a\n"
    "-chmod 999 x\n"
    "-bogus\n"
    "-\"unterminated\n"
    "# a comment\n"
    "\n"
    "bye\n";

// Against Debian's sftp-server and against ours: the same server for both clients.
class SftpEveryCommand : public ::testing::TestWithParam<std::string> {};

TEST_P(SftpEveryCommand, MatchesDebianSftp) {
  std::string server = GetParam() == "debian" ? std::string(kDebianServer) : our_bin("sftp-server");
  TempDir tmp;
  std::string dir = tmp / "w";
  make_tree(dir);
  auto theirs = run_batch(kDebianSftp, dir, kEveryCommand, {}, server);
  make_tree(dir);
  auto ours = run_batch(our_bin("sftp"), dir, kEveryCommand, {}, server);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_TRUE(std::filesystem::exists(dir + "/deep/f"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/sub2/deep/f"));
  // The links in sub were skipped both ways, not followed.
  EXPECT_FALSE(std::filesystem::exists(dir + "/sub2/ln"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/sub2/dl"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/lsub/ln"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/lsub/deep/f"));
  // A trailing '/' names a directory only: "rm file/" and "rm dirlink/" removed nothing.
  EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/sub/g"));
  EXPECT_TRUE(std::filesystem::is_symlink(dir + "/sub/dl"));
  // A link named on the command line is followed, as its target.
  EXPECT_EQ(sha256(dir + "/gotlink"), sha256(dir + "/a.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/dlcopy/f"));
  // Globs into a directory; -p kept the mode and the times.
  EXPECT_TRUE(std::filesystem::exists(dir + "/ldir/a.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/ldir/local.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/ldir/b.bin"));
  for (const auto& [copy, original] : {std::pair{"gp", "sub/g"}, std::pair{"pp", "sub/deep/f"}}) {
    struct stat a {}, b {};
    ASSERT_EQ(::stat((dir + "/" + copy).c_str(), &a), 0) << copy;
    ASSERT_EQ(::stat((dir + "/" + original).c_str(), &b), 0) << original;
    EXPECT_EQ(a.st_mtime, b.st_mtime) << copy;
    EXPECT_EQ(a.st_mode, b.st_mode) << copy;
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, SftpEveryCommand, ::testing::Values("debian", "ours"));

TEST(SftpClient, NonBatchInputEchoesLikeDebian) {
  TempDir tmp;
  std::string dir = tmp / "w";
  std::string input = "get a.txt x\nput x y\nrm y\nls\nget nope\nbogus\ncd /nonexist\nls /nope\npwd\nexit\n";
  RunOptions options;
  options.cwd = dir;
  options.stdin_data = input;
  options.new_session = true;
  make_tree(dir);
  auto theirs = run({kDebianSftp, "-D", kDebianServer}, options);
  make_tree(dir);
  auto ours = run({our_bin("sftp"), "-D", kDebianServer}, options);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_TRUE(ours.err.starts_with("Attached to /usr/lib/openssh/sftp-server.\n")) << ours.err;
}

TEST(SftpClient, BatchFailureRules) {
  TempDir tmp;
  std::string dir = tmp / "w";
  make_tree(dir);
  auto stops = run_batch(our_bin("sftp"), dir, "get nope\npwd\n");
  EXPECT_EQ(stops.exit_code, 1);
  EXPECT_EQ(stops.out, "sftp> get nope\n");
  EXPECT_EQ(stops.err, "File \"" + dir + "/nope\" not found.\r\n");
  auto ignored = run_batch(our_bin("sftp"), dir, "-get nope\n@pwd\n");
  EXPECT_EQ(ignored.exit_code, 0);
  EXPECT_EQ(ignored.out, "sftp> -get nope\nRemote working directory: " + dir + "\n");
  auto quits = run_batch(our_bin("sftp"), dir, "quit\npwd\n");  // nothing after quit runs
  EXPECT_EQ(quits.exit_code, 0);
  EXPECT_EQ(quits.out, "sftp> quit\n");
  auto parse_failure = run_batch(our_bin("sftp"), dir, "bogus\npwd\n");
  EXPECT_EQ(parse_failure.exit_code, 1);
  EXPECT_EQ(parse_failure.err, "Invalid command.\r\n");
  // Batch from stdin: "-b -".
  RunOptions options;
  options.cwd = dir;
  options.stdin_data = "pwd";  // no final newline
  auto from_stdin = run({our_bin("sftp"), "-D", kDebianServer, "-b", "-"}, options);
  EXPECT_EQ(from_stdin.exit_code, 0);
  EXPECT_EQ(from_stdin.out, "sftp> pwd\nRemote working directory: " + dir + "\n");
  auto missing = run({our_bin("sftp"), "-b", tmp / "nope", "host"});
  EXPECT_EQ(missing.exit_code, 255);
  EXPECT_EQ(missing.err, "No such file or directory (" + (tmp / "nope") + ").\r\n");
  auto usage = run({our_bin("sftp")});
  EXPECT_EQ(usage.exit_code, 1);
  EXPECT_TRUE(usage.err.starts_with("usage: sftp [-46AaCfNpqrv]")) << usage.err;
}

// df in its three forms, on a small tmpfs of our own whose figures cannot move between
// the two runs (the disk the other tests write to would).
TEST(SftpClient, DfLikeDebian) {
  TempDir tmp;
  std::string dir = tmp / "w";
  std::filesystem::create_directories(dir);
  ASSERT_EQ(::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=4m,nr_inodes=2000,mode=0755"), 0) << std::strerror(errno);
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{dir};
  make_file(dir + "/f", 300000);
  std::filesystem::create_directories(dir + "/sub");
  const std::string batch = "df\ndf -h\ndf -i\ndf sub\n-df nope\n";
  auto theirs = run_batch(kDebianSftp, dir, batch);
  auto ours = run_batch(our_bin("sftp"), dir, batch);
  EXPECT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_NE(ours.out.find("4.0MB"), std::string::npos) << ours.out;  // df -h of the 4m tmpfs
}

// A directory inside a tree that cannot be opened, on either side: as an unprivileged
// user (root reads everything), the same messages as Debian's sftp, and the rest of
// the tree still copied.
TEST(SftpClient, UnreadableDirectoriesInTreesLikeDebian) {
  TempDir tmp;
  const std::string dir = tmp / "w";
  const uid_t nobody = 65534;
  for (const std::string& d : {dir, dir + "/t", dir + "/t/ok"}) std::filesystem::create_directories(d);
  make_file(dir + "/t/ok/f", 10);
  std::filesystem::create_directories(dir + "/t/closed");
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
  run({"/bin/chown", "-R", std::to_string(nobody) + ":" + std::to_string(nobody), dir});
  ASSERT_EQ(::chmod((dir + "/t/closed").c_str(), 0), 0);
  auto as_nobody = [&](const std::string& program, const std::string& out_dir) {
    write_text(tmp / "batch", "-get -r t " + out_dir + "-get\n-put -r t " + out_dir + "-put\n", 0644);
    RunOptions options;
    options.cwd = dir;
    return run({"/usr/bin/setpriv", "--reuid", std::to_string(nobody), "--regid", std::to_string(nobody),
                "--clear-groups", program, "-D", kDebianServer, "-b", tmp / "batch"},
               options);
  };
  auto theirs = as_nobody(kDebianSftp, "theirs");
  auto ours = as_nobody(our_bin("sftp"), "ours");
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  auto mine = [](std::string text) {
    for (std::size_t at; (at = text.find("ours-")) != std::string::npos;) text.replace(at, 4, "theirs");
    return text;
  };
  EXPECT_EQ(mine(ours.out), theirs.out);
  EXPECT_EQ(mine(ours.err), theirs.err);
  EXPECT_NE(ours.err.find("remote readdir \"" + dir + "/t/closed\" failed"), std::string::npos) << ours.err;
  EXPECT_NE(ours.err.find("local opendir \"t/closed\": Permission denied"), std::string::npos) << ours.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/ours-get/ok/f"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/ours-put/ok/f"));
}


// The transfer flags through the binary, seen in Debian's server's DEBUG1 log: -B and
// -X buffer= cap every READ and WRITE, -f sends fsync@openssh.com after a put; -N and
// -q print what Debian's sftp prints; -l slows the transfer to its rate.
TEST(SftpClient, TransferFlagsThroughTheBinary) {
  TempDir tmp;
  std::string dir = tmp / "w";
  std::filesystem::create_directories(dir);
  make_file(dir + "/src", 100000);
  const std::string logged = std::string(kDebianServer) + " -e -l DEBUG1";
  const std::string batch = "get src got\nput src up\n";
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"-f", "-B", "16384", "-R", "3"},
        std::vector<std::string>{"-f", "-X", "buffer=16384", "-X", "nrequests=3"}}) {
    auto r = run_batch(our_bin("sftp"), dir, batch, flags, logged);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto [largest, count] = sftp_request_lengths(r.err);
    EXPECT_EQ(largest, 16384u) << flags[2];
    EXPECT_GE(count, 14u) << flags[2];  // 100000 bytes are at least 7 requests each way
    EXPECT_NE(r.err.find("fsync \"" + dir + "/up\""), std::string::npos) << r.err;
    EXPECT_EQ(sha256(dir + "/got"), sha256(dir + "/src"));
    EXPECT_EQ(sha256(dir + "/up"), sha256(dir + "/src"));
  }
  auto plain = run_batch(our_bin("sftp"), dir, batch, {}, logged);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_GT(sftp_request_lengths(plain.err).first, 16384u);
  EXPECT_EQ(plain.err.find("fsync"), std::string::npos);

  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"-N"}, std::vector<std::string>{"-q"}, std::vector<std::string>{"-N", "-q"}}) {
    auto theirs = run_batch(kDebianSftp, dir, batch, flags);
    auto ours = run_batch(our_bin("sftp"), dir, batch, flags);
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << flags.back();
    EXPECT_EQ(ours.out, theirs.out) << flags.back();
    EXPECT_EQ(ours.err, theirs.err) << flags.back();
  }
  EXPECT_NE(run_batch(our_bin("sftp"), dir, batch, {"-N"}).out.find("Fetching " + dir + "/src to got"),
            std::string::npos);

  // 400 Kbit/s is 50 000 bytes a second: 100 000 bytes each way take about 4 s. (Ours
  // only: OpenSSH's sftp starts throttling after its first buffer's worth, so Debian's
  // moves files this small at full speed; ours keeps the rate from the first byte.)
  auto started = std::chrono::steady_clock::now();
  auto slow = run_batch(our_bin("sftp"), dir, batch, {"-l", "400"});
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(slow.exit_code, 0) << slow.err;
  EXPECT_GE(took, std::chrono::milliseconds(3000));
  EXPECT_EQ(sha256(dir + "/up"), sha256(dir + "/src"));
}

// get and put of awkward files, checked by hash on both sides.
TEST(SftpClient, TransfersKeepEveryByte) {
  TempDir tmp;
  std::string dir = tmp / "w";
  std::filesystem::create_directories(dir + "/out");
  std::filesystem::create_directories(dir + "/back");
  make_file(dir + "/zero", 0);
  make_file(dir + "/one", 1);
  make_file(dir + "/five", 5 * 1024 * 1024);
  run({"/usr/bin/truncate", "-s", "3M", dir + "/sparse"});
  run({"/bin/sh", "-c", "printf tail >> \"$1\"", "sh", dir + "/sparse"});
  make_file(dir + "/sp ace", 77);
  make_file(dir + "/quo'te", 78);
  make_file(dir + "/star*", 79);
  make_file(dir + "/-dash", 80);
  make_file(dir + "/\xc3\xbc", 81);
  const std::vector<std::pair<std::string, std::string>> names{
      {"zero", "zero"}, {"one", "one"}, {"five", "five"}, {"sparse", "sparse"}, {"sp ace", "\"sp ace\""},
      {"quo'te", "\"quo'te\""}, {"star*", "star\\*"}, {"-dash", "-- -dash"}, {"\xc3\xbc", "\xc3\xbc"}};
  std::string batch;
  for (const auto& [name, quoted] : names) batch += "put " + quoted + " out/\n";
  batch += "cd out\nlcd back\n";
  for (const auto& [name, quoted] : names) batch += "get " + quoted + "\n";
  auto r = run_batch(our_bin("sftp"), dir, batch);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& [name, quoted] : names) {
    EXPECT_EQ(sha256(dir + "/out/" + name), sha256(dir + "/" + name)) << name;
    EXPECT_EQ(sha256(dir + "/back/" + name), sha256(dir + "/" + name)) << name;
  }
}

TEST(SftpClient, RegetAndReputFinishTruncatedFiles) {
  TempDir tmp;
  std::string dir = tmp / "w";
  std::filesystem::create_directories(dir);
  make_file(dir + "/big", 3 * 1024 * 1024 + 17);
  std::filesystem::copy_file(dir + "/big", dir + "/local");
  std::filesystem::resize_file(dir + "/local", 1000000);
  std::filesystem::copy_file(dir + "/big", dir + "/remote");
  std::filesystem::resize_file(dir + "/remote", 123457);
  auto r = run_batch(our_bin("sftp"), dir, "reget big local\nreput big remote\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(sha256(dir + "/local"), sha256(dir + "/big"));
  EXPECT_EQ(sha256(dir + "/remote"), sha256(dir + "/big"));
  // -a on the command line makes a plain get resume too.
  std::filesystem::resize_file(dir + "/local", 5);
  auto a = run_batch(our_bin("sftp"), dir, "get big local\n", {"-a"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(sha256(dir + "/local"), sha256(dir + "/big"));
  // reput onto a file that is not smaller fails as Debian's does.
  auto same = run_batch(our_bin("sftp"), dir, "reput big remote\n");
  EXPECT_EQ(same.exit_code, 1);
  EXPECT_EQ(same.err, "resume \"big\": destination file same size or larger\r\n");
}

// The progress meter line as a terminal sees it, rate masked: "name <pad> 100% 4883KB R/s 00:00".
std::string meter_line(const std::string& output) {
  auto at = output.find("\rfive");
  if (at == std::string::npos) return "no meter in: " + output;
  auto end = output.find("\r\n", at);
  std::string line = output.substr(at, end - at);
  std::string masked;
  for (std::size_t i = 0; i < line.size(); i++) {
    // "352.3MB/s" -> " R/s": drop the digits and unit before "/s", and the padding
    // before them, whose width depends on the rate ("1.0GB/s" is shorter).
    if (line.compare(i, 2, "/s") == 0) {
      while (!masked.empty() && masked.back() != ' ') masked.pop_back();
      while (!masked.empty() && masked.back() == ' ') masked.pop_back();
      masked += " R";
    }
    masked += line[i];
  }
  return masked;
}

std::string interactive_get(const std::string& program, const std::string& dir) {
  PtySession pty({"/bin/sh", "-c", "cd \"$1\" && exec \"$2\" -D " + std::string(kDebianServer), "sh", dir, program});
  EXPECT_TRUE(pty.expect("sftp> ")) << pty.output();
  ::usleep(300000);  // see completion_session()
  pty.send("get five f2\n");
  EXPECT_TRUE(pty.expect("sftp> ")) << pty.output();
  ::usleep(300000);
  pty.send("pwd\n");
  EXPECT_TRUE(pty.expect("Remote working directory: " + dir)) << pty.output();
  pty.send("bye\n");
  EXPECT_EQ(pty.wait(), 0);
  return pty.output();
}

TEST(SftpClient, InteractiveTerminalAndProgressMeterLikeDebian) {
  TempDir tmp;
  make_file(tmp / "five", 5 * 1024 * 1024);
  std::string theirs = interactive_get(kDebianSftp, tmp.path());
  std::string ours = interactive_get(our_bin("sftp"), tmp.path());
  EXPECT_EQ(sha256(tmp / "f2"), sha256(tmp / "five"));
  EXPECT_EQ(meter_line(ours), meter_line(theirs)) << ours << "\n" << theirs;
  EXPECT_NE(ours.find("Fetching " + (tmp / "five") + " to f2\r\n"), std::string::npos) << ours;
}

// A server whose replies stop for 8 s after the first MiB: the meter keeps redrawing
// once a second, as OpenSSH's alarm does, and says "- stalled -" before the transfer
// ends complete.
TEST(SftpClient, ProgressMeterSaysStalledWhileNothingMoves) {
  TempDir tmp;
  make_file(tmp / "five", 5 * 1024 * 1024);
  write_text(tmp / "stalling-server",
             "#!/bin/sh\n" + std::string(kDebianServer) +
                 " | python3 -c '\n"
                 "import os, time\n"
                 "sent = 0\n"
                 "while True:\n"
                 "    b = os.read(0, 65536)\n"
                 "    if not b: break\n"
                 "    os.write(1, b)\n"
                 "    if sent <= 1 << 20 < sent + len(b): time.sleep(8)\n"
                 "    sent += len(b)\n"
                 "'\n",
             0755);
  PtySession pty({"/bin/sh", "-c", "cd \"$1\" && exec \"$2\" -D \"$3\"", "sh", tmp.path(), our_bin("sftp"),
                  tmp / "stalling-server"});
  ASSERT_TRUE(pty.expect("sftp> ")) << pty.output();
  ::usleep(300000);  // see completion_session()
  pty.send("get five f2\n");
  EXPECT_TRUE(pty.expect("- stalled -", 15000)) << pty.output();
  EXPECT_TRUE(pty.expect("100%")) << pty.output();
  EXPECT_TRUE(pty.expect("sftp> ")) << pty.output();
  pty.send("bye\n");
  EXPECT_EQ(pty.wait(), 0);
  EXPECT_EQ(sha256(tmp / "f2"), sha256(tmp / "five"));
}

std::string completion_session(const std::string& program, const std::string& dir) {
  PtySession pty({"/bin/sh", "-c", "cd \"$1\" && exec \"$2\" -D " + std::string(kDebianServer), "sh", dir, program});
  EXPECT_TRUE(pty.expect("sftp> ")) << pty.output();
  // Command names, a remote directory, an ambiguous local name (listed), then ^U.
  for (const char* keys : {"l\ts fi\t\n", "ls su\t\n", "l\t\x15", "put dri\t\x15", "bye\n"}) {
    // libedit prints the prompt a moment before it turns the terminal's echo off
    // (Debian's sftp too): keys typed in that moment are echoed twice.
    ::usleep(300000);
    pty.send(keys);
    if (std::string_view(keys) != "bye\n") {
      EXPECT_TRUE(pty.expect("sftp> ")) << pty.output();
    }
  }
  EXPECT_EQ(pty.wait(), 0);
  return pty.output();
}

TEST(SftpClient, TabCompletionLikeDebian) {
  TempDir tmp;
  make_file(tmp / "five", 10);
  make_file(tmp / "drive1", 1);
  make_file(tmp / "drive2", 1);
  std::filesystem::create_directories(tmp / "subdir");
  std::string theirs = completion_session(kDebianSftp, tmp.path());
  std::string ours = completion_session(our_bin("sftp"), tmp.path());
  EXPECT_EQ(ours, theirs);
  EXPECT_NE(ours.find("sftp> ls five \r\nfive\r\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("drive1\r\ndrive2"), std::string::npos) << ours;
}

// Through Debian's ssh to Debian's sshd: the ssh argv, `host:file` and sftp:// forms.
class SftpOverSshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", dir_ / "id"}).exit_code, 0);
    std::filesystem::copy_file(dir_ / "id.pub", dir_ / "authorized_keys");
    sshd_ = std::make_unique<DebianSshd>(dir_.path(), "AuthorizedKeysFile " + (dir_ / "authorized_keys") +
                                                          "\nSubsystem sftp " + kDebianServer + "\n");
  }
  std::vector<std::string> sftp_args(std::vector<std::string> rest, bool with_port = true) {
    std::vector<std::string> argv{our_bin("sftp"), "-i", dir_ / "id", "-o", "UserKnownHostsFile=/dev/null",
                                  "-o", "StrictHostKeyChecking=no", "-o", "IdentitiesOnly=yes",
                                  "-o", "LogLevel=ERROR"};
    if (with_port) {
      argv.push_back("-P");
      argv.push_back(std::to_string(sshd_->port()));
    }
    argv.insert(argv.end(), rest.begin(), rest.end());
    return argv;
  }
  TempDir dir_;
  std::unique_ptr<DebianSshd> sshd_;
};

TEST_F(SftpOverSshTest, BatchOverSsh) {
  make_file(dir_ / "payload", 300000);
  RunOptions options;
  options.cwd = dir_.path();
  options.new_session = true;
  write_text(dir_ / "b", "cd " + dir_.path() + "\nget payload fetched\nput fetched uploaded\nls -1 uploaded\n");
  auto r = run(sftp_args({"-b", dir_ / "b", "root@127.0.0.1"}), options);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << sshd_->log();
  EXPECT_EQ(r.out, "sftp> cd " + dir_.path() + "\nsftp> get payload fetched\nsftp> put fetched uploaded\n"
                   "sftp> ls -1 uploaded\nuploaded\n");
  EXPECT_EQ(sha256(dir_ / "fetched"), sha256(dir_ / "payload"));
  EXPECT_EQ(sha256(dir_ / "uploaded"), sha256(dir_ / "payload"));
}

TEST_F(SftpOverSshTest, HostColonFileFetchesAndExits) {
  make_file(dir_ / "payload", 4096);
  RunOptions options;
  options.cwd = dir_.path();
  options.new_session = true;
  auto r = run(sftp_args({"root@127.0.0.1:" + (dir_ / "payload"), dir_ / "got"}), options);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "Fetching " + (dir_ / "payload") + " to " + (dir_ / "got") + "\n");
  EXPECT_EQ(r.err, "Connected to 127.0.0.1.\n");
  EXPECT_EQ(sha256(dir_ / "got"), sha256(dir_ / "payload"));
  auto missing = run(sftp_args({"root@127.0.0.1:" + (dir_ / "nope")}), options);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "Connected to 127.0.0.1.\nFile \"" + (dir_ / "nope") + "\" not found.\r\n");
}

TEST_F(SftpOverSshTest, SftpUri) {
  make_file(dir_ / "payload", 1234);
  RunOptions options;
  options.cwd = dir_.path();
  options.new_session = true;
  std::string uri = "sftp://root@127.0.0.1:" + std::to_string(sshd_->port()) + "/" + (dir_ / "payload");
  auto r = run(sftp_args({"-q", uri, dir_ / "via-uri"}, false), options);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(sha256(dir_ / "via-uri"), sha256(dir_ / "payload"));
  // A directory path: sftp changes into it and runs the commands.
  options.stdin_data = "pwd\n";
  std::string dir_uri = "sftp://root@127.0.0.1:" + std::to_string(sshd_->port()) + "/" + dir_.path();
  auto d = run(sftp_args({dir_uri}, false), options);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.out, "Changing to: " + dir_.path() + "\nsftp> pwd\nRemote working directory: " + dir_.path() + "\n");
}

}  // namespace
}  // namespace sshpp::test

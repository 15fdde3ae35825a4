// Our sshd with our SFTP server (the sftp-server program, and internal-sftp) against
// SFTP clients other than OpenSSH's: paramiko 2.12's SFTPClient (python3-paramiko),
// PuTTY 0.78's psftp and pscp (putty-tools) and curl 7.88's sftp:// (libssh2 1.10).
// The paramiko, psftp and curl runs are repeated against Debian's sshd with Debian's
// /usr/lib/openssh/sftp-server and the two transcripts must be identical: status
// codes, server message texts, attributes, long names, readdir order, link targets.
// That is how our deviations from OpenSSH show up.
//
// Symlink argument order: paramiko's symlink(source, dest) sends SSH_FXP_SYMLINK with
// the target first and the link path second. That is OpenSSH's (reversed against
// draft-ietf-secsh-filexfer-02) order, so against OpenSSH's server the link is made
// the way paramiko's caller asked; ours must do the same (checked on disk).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/other_peers.hpp"
#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/sftp_peers.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {
namespace {

constexpr const char* kUserPrefix = "sftpo";  // + pid: see TestUser
constexpr std::size_t kMiB = 1024 * 1024;

bool has_line(const std::string& report, const std::string& line) {
  for (const auto& l : lines_of(report))
    if (l == line) return true;
  return false;
}

using Server = SftpPeerServer;

class SftpOtherPeersTest : public SftpPeerFixture {
 protected:
  static void SetUpTestSuite() {
    create_user_and_key(kUserPrefix);
    convert_key_for_putty(*keys_ / "id", *keys_ / "id.ppk");
  }
  static void TearDownTestSuite() { remove_user_and_key(); }

  void SetUp() override {
    SftpPeerFixture::SetUp();
    write_text(local_ / "zero", "", 0644);
    write_text(local_ / "one", "1", 0644);
    write_text(local_ / "big", seeded_bytes(4 * kMiB, 5), 0644);
  }

  ParamikoSftpRun paramiko(const Server& s) {
    std::filesystem::remove_all(remote_);
    for (std::string name : {"back-zero", "back-one", "back-big"}) std::filesystem::remove(local_ / name);
    TempDir run_dir;
    return run_paramiko_sftp(run_dir.path(), s.port(), user_->name(), *keys_ / "id", s.known_hosts(), remote_,
                             local_.path());
  }

  // A fresh remote_ and no fetched copies, for the next server.
  void fresh_remote_and_local() {
    for (std::string name : {"back-zero", "back-one", "back-big"}) std::filesystem::remove(local_ / name);
    fresh_remote();
  }

  // curl with our key against `s` (libssh2 pins the host key from ~/.ssh/known_hosts,
  // curl's default file): "exit N", then what it printed, for each command.
  std::string curl_transcript(const Server& s, const std::vector<std::vector<std::string>>& commands) {
    std::filesystem::create_directories(putty_home_ / ".ssh");
    std::filesystem::copy_file(s.known_hosts(), putty_home_ / ".ssh/known_hosts",
                               std::filesystem::copy_options::overwrite_existing);
    std::string transcript;
    for (const auto& args : commands) {
      std::vector<std::string> argv{"/usr/bin/curl", "-sS", "--key", *keys_ / "id", "--pubkey", *keys_ / "id.pub"};
      argv.insert(argv.end(), args.begin(), args.end());
      RunOptions options;
      options.env["HOME"] = putty_home_.path();
      options.timeout_seconds = 60;
      RunResult r = run(argv, options);
      transcript += "exit " + std::to_string(r.exit_code) + "\n" + mask_dates(r.out) + r.err;
    }
    return transcript;
  }

  RunResult putty(const std::string& program, const Server& s, std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/" + program};
    for (const auto& o : putty_options(s.port(), *keys_ / "id.ppk", s.fingerprints())) argv.push_back(o);
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.env["HOME"] = putty_home_.path();  // PuTTY keeps its random seed in ~/.putty
    options.timeout_seconds = 120;
    return run(argv, options);
  }

  RunResult psftp(const Server& s, const std::string& script) {
    write_text(putty_home_ / "batch", script, 0600);
    return putty("psftp", s, {"-b", putty_home_ / "batch", "-bc", user_->name() + "@127.0.0.1"});
  }

  std::string remote_spec(const std::string& path) const { return user_->name() + "@127.0.0.1:" + path; }

  TempDir local_, putty_home_;
};

class ParamikoSftpTest : public SftpOtherPeersTest, public ::testing::WithParamInterface<bool> {
 protected:
  std::string our_subsystem() const { return GetParam() ? "internal-sftp" : our_bin("sftp-server"); }
};

// The same script against Debian's sftp-server and ours, then what ours left on disk.
TEST_P(ParamikoSftpTest, SameObservableResultsAsOpenSsh) {
  Server debian = start("");
  ParamikoSftpRun reference = paramiko(debian);
  ASSERT_EQ(reference.process.exit_code, 0) << reference.process.err << debian.log();

  Server ours = start(our_subsystem());
  ParamikoSftpRun r = paramiko(ours);
  ASSERT_EQ(r.process.exit_code, 0) << r.process.err << ours.log();
  expect_same_lines(r.report, reference.report);

  // Transfers: what reached our disk and what came back are the local bytes.
  for (std::string name : {"zero", "one", "big"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(sha256_of(local_ / ("back-" + name)), sha256_of(local_ / name));
  }
  EXPECT_EQ(sha256_of(remote_ + "/big"), sha256_of(local_ / "big"));
  EXPECT_TRUE(has_line(r.report, "put-big ok size=4194304 mode=100644 uid=" + std::to_string(user_->uid()) +
                                     " gid=" + std::to_string(user_->gid())))
      << r.report;
  // symlink("big", R/link) made R/link -> big, as it does on OpenSSH's server.
  EXPECT_EQ(std::filesystem::read_symlink(remote_ + "/link").string(), "big");
  EXPECT_EQ(std::filesystem::read_symlink(remote_ + "/dangling").string(), "nowhere");
  EXPECT_TRUE(has_line(r.report, "readlink ok big")) << r.report;
  // Statuses paramiko turns into errno values, and the server's own texts.
  EXPECT_TRUE(has_line(r.report, "stat-missing error errno=2 text=No such file")) << r.report;
  EXPECT_TRUE(has_line(r.report, "open-denied error errno=13 text=Permission denied")) << r.report;
  EXPECT_TRUE(has_line(r.report, "rename-onto-existing error errno=None text=Failure")) << r.report;
  EXPECT_TRUE(has_line(r.report, "posix-rename-onto-existing ok None")) << r.report;
  EXPECT_TRUE(has_line(r.report, "rmdir-file error errno=2 text=No such file")) << r.report;   // ENOTDIR
  EXPECT_TRUE(has_line(r.report, "readlink-not-link error errno=None text=Bad message")) << r.report;   // EINVAL
  EXPECT_TRUE(has_line(r.report, "check-file error errno=None text=Operation unsupported")) << r.report;
  EXPECT_TRUE(has_line(r.report, "stat-wide ok 40755")) << r.report;   // mkdir 0777 under sshd's umask 022
  EXPECT_TRUE(has_line(r.report, "read-middle ok b'heXYo world'")) << r.report;
  EXPECT_TRUE(has_line(r.report, "read-truncated ok b'heX'")) << r.report;
  struct stat st {};
  ASSERT_EQ(::lstat((remote_ + "/uno").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);   // posix-rename replaced it with zero
  EXPECT_FALSE(std::filesystem::exists(remote_ + "/zero"));
  EXPECT_FALSE(std::filesystem::exists(remote_ + "/sub"));
}

INSTANTIATE_TEST_SUITE_P(Subsystem, ParamikoSftpTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "InternalSftp" : "SftpServerProgram";
                         });

// psftp's batch mode: put/get/ls/mkdir/rm/mv/chmod/rmdir, transcript compared with
// the same batch against Debian's server (minus the minute in `ls` long names).
TEST_F(SftpOtherPeersTest, PsftpBatchMatchesOpenSsh) {
  const std::string L = local_.path();
  const std::string script = "mkdir t\n"
                             "cd t\n"
                             "pwd\n"
                             "put " + L + "/big big\n"
                             "put " + L + "/zero zero\n"
                             "put " + L + "/one one\n"
                             "mkdir sub\n"
                             "mv one sub/one\n"
                             "chmod 600 big\n"
                             "ls\n"
                             "ls sub\n"
                             "get big " + L + "/back-big\n"
                             "get sub/one " + L + "/back-one\n"
                             "get zero " + L + "/back-zero\n"
                             "rm zero\n"
                             "rm sub/one\n"
                             "rmdir sub\n"
                             "ls\n";
  std::string transcripts[2];
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i == 0 ? "Debian's sftp-server" : "our sftp-server");
    std::filesystem::remove_all(remote_);
    for (std::string name : {"back-zero", "back-one", "back-big"}) std::filesystem::remove(local_ / name);
    Server s = start(i == 0 ? "" : our_bin("sftp-server"));
    RunResult r = psftp(s, script);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err << s.log();
    transcripts[i] = mask_dates(r.out);
    for (std::string name : {"zero", "one", "big"})
      EXPECT_EQ(sha256_of(local_ / ("back-" + name)), sha256_of(local_ / name)) << name;
    EXPECT_EQ(sha256_of(remote_ + "/big"), sha256_of(local_ / "big"));
    struct stat st {};
    ASSERT_EQ(::stat((remote_ + "/big").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/sub"));
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/zero"));
  }
  expect_same_lines(transcripts[1], transcripts[0]);
  EXPECT_NE(transcripts[1].find("Remote directory is now " + remote_), std::string::npos) << transcripts[1];
}

// A failing command ends psftp -b with a failure; -be carries on.
TEST_F(SftpOtherPeersTest, PsftpBatchStopsAtFailure) {
  Server s = start(our_bin("sftp-server"));
  RunResult r = psftp(s, "rm /no/such/file\nmkdir " + remote_ + "\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(remote_));
  EXPECT_NE((r.out + r.err).find("no such file or directory"), std::string::npos) << r.out << r.err;
}

// pscp -sftp both ways, 0 B, 1 B and 4 MiB, a tree with -r -p, pscp -ls, a missing file.
TEST_F(SftpOtherPeersTest, PscpSftpBothWays) {
  Server s = start(our_bin("sftp-server"));
  ASSERT_EQ(::mkdir(remote_.c_str(), 0755), 0);
  ASSERT_EQ(::chown(remote_.c_str(), user_->uid(), user_->gid()), 0);
  for (std::string name : {"zero", "one", "big"}) {
    SCOPED_TRACE(name);
    RunResult up = putty("pscp", s, {"-sftp", "-q", local_ / name, remote_spec(remote_ + "/" + name)});
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err << s.log();
    EXPECT_EQ(sha256_of(remote_ + "/" + name), sha256_of(local_ / name));
    RunResult down = putty("pscp", s, {"-sftp", "-q", remote_spec(remote_ + "/" + name), local_ / ("back-" + name)});
    ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
    EXPECT_EQ(sha256_of(local_ / ("back-" + name)), sha256_of(local_ / name));
  }
  RunResult ls = putty("pscp", s, {"-sftp", "-ls", remote_spec(remote_)});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_NE(ls.out.find(" 4194304 "), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find(" big\n"), std::string::npos) << ls.out;
  // -r -p: a directory tree with mode and times kept (MKDIR, then SETSTAT/FSETSTAT).
  ASSERT_EQ(::mkdir((local_ / "tree").c_str(), 0750), 0);
  write_text(local_ / "tree/leaf", seeded_bytes(100000, 6), 0604);
  ASSERT_EQ(::chmod((local_ / "tree/leaf").c_str(), 0604), 0);
  const timespec times[2] = {{1000000000, 0}, {1000000007, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (local_ / "tree/leaf").c_str(), times, 0), 0);
  RunResult tree = putty("pscp", s, {"-sftp", "-q", "-r", "-p", local_ / "tree", remote_spec(remote_)});
  ASSERT_EQ(tree.exit_code, 0) << tree.out << tree.err;
  EXPECT_EQ(sha256_of(remote_ + "/tree/leaf"), sha256_of(local_ / "tree/leaf"));
  struct stat st {};
  ASSERT_EQ(::stat((remote_ + "/tree/leaf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1000000007);
  EXPECT_EQ(st.st_mode & 07777, 0604u);
  EXPECT_TRUE(std::filesystem::is_directory(remote_ + "/tree"));
  RunResult missing = putty("pscp", s, {"-sftp", "-q", remote_spec(remote_ + "/missing"), local_ / "x"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(local_ / "x"));
}

// curl's sftp:// (libssh2 1.10, Debian's curl): upload, download, resumed upload,
// listings, --ftp-create-dirs and -Q quote commands, the same sequence against
// Debian's sftp-server and ours, transcripts (exit codes, output) compared.
TEST_F(SftpOtherPeersTest, CurlLibssh2MatchesOpenSsh) {
  const std::string L = local_.path();
  write_text(local_ / "partial", read_text(local_ / "big").substr(0, kMiB + 3), 0644);
  std::string transcripts[2];
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i == 0 ? "Debian's sftp-server" : "our sftp-server");
    fresh_remote_and_local();
    write_text(remote_ + "/partial", read_text(local_ / "partial"), 0644);
    ASSERT_EQ(::chown((remote_ + "/partial").c_str(), user_->uid(), user_->gid()), 0);
    Server s = start(i == 0 ? "" : our_bin("sftp-server"));
    const std::string url = "sftp://" + user_->name() + "@127.0.0.1:" + std::to_string(s.port()) + remote_;
    const std::vector<std::vector<std::string>> commands = {
        {"-T", L + "/big", url + "/big"},
        {"-T", L + "/zero", url + "/zero"},
        {"-T", L + "/one", url + "/one"},
        {"-C", "-", "-T", L + "/big", url + "/partial"},
        {"--ftp-create-dirs", "-T", L + "/one", url + "/new/deeper/one"},
        {"-o", L + "/back-big", url + "/big"},
        {"-o", L + "/back-zero", url + "/zero"},
        {"-o", L + "/back-one", url + "/one"},
        {"-o", L + "/back-missing", url + "/missing"},
        {"-Q", "mkdir " + remote_ + "/sub", "-Q", "rename " + remote_ + "/one " + remote_ + "/sub/one", "-Q",
         "chmod 600 " + remote_ + "/big", "-Q", "symlink big " + remote_ + "/link", "-Q", "rm " + remote_ + "/zero",
         url + "/"},
        {"-Q", "rmdir " + remote_ + "/new", url + "/"},   // not empty
        {"-Q", "rm " + remote_ + "/missing", url + "/"},
        {"-Q", "rmdir " + remote_ + "/sub", url + "/"},
        {"-l", url + "/"},
        {url + "/sub/"},
    };
    transcripts[i] = curl_transcript(s, commands);
    for (std::string name : {"zero", "one", "big"})
      EXPECT_EQ(sha256_of(local_ / ("back-" + name)), sha256_of(local_ / name)) << name;
    EXPECT_EQ(sha256_of(remote_ + "/big"), sha256_of(local_ / "big"));
    EXPECT_EQ(sha256_of(remote_ + "/partial"), sha256_of(local_ / "big"));   // resumed at 1 MiB + 3
    EXPECT_EQ(sha256_of(remote_ + "/sub/one"), sha256_of(local_ / "one"));
    EXPECT_EQ(sha256_of(remote_ + "/new/deeper/one"), sha256_of(local_ / "one"));
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/zero"));
    struct stat st {};
    ASSERT_EQ(::stat((remote_ + "/big").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::error_code ec;
    transcripts[i] += "link -> " + std::filesystem::read_symlink(remote_ + "/link", ec).string() + "\n";
  }
  expect_same_lines(transcripts[1], transcripts[0]);
  // libssh2's symlink ORIG LINK reaches both servers in the order they read as target, link.
  EXPECT_NE(transcripts[1].find("\nlink -> big\n"), std::string::npos) << transcripts[1];
  EXPECT_NE(transcripts[1].find("exit 78\n"), std::string::npos) << transcripts[1];   // REMOTE_FILE_NOT_FOUND
}

// curl's scp:// (libssh2 running `scp -t` and `scp -f` on the server) against Debian's
// sshd and scp, then against our sshd with our scp first on the PATH: the same exit
// codes and messages, and every byte, both ways.
TEST_F(SftpOtherPeersTest, CurlScpMatchesOpenSsh) {
  const std::string L = local_.path();
  const std::string bin_dir = std::filesystem::path(our_bin("scp")).parent_path().string();
  std::string transcripts[2];
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i == 0 ? "Debian's sshd and scp" : "our sshd and scp");
    fresh_remote_and_local();
    Server s = i == 0 ? start("") : start(our_bin("sftp-server"), "SetEnv PATH=" + bin_dir + ":/usr/bin:/bin\n");
    const std::string url = "scp://" + user_->name() + "@127.0.0.1:" + std::to_string(s.port()) + remote_;
    const std::vector<std::vector<std::string>> commands = {
        {"-T", L + "/big", url + "/big"},
        {"-T", L + "/zero", url + "/zero"},
        {"-T", L + "/one", url + "/one"},
        {"-o", L + "/back-big", url + "/big"},
        {"-o", L + "/back-zero", url + "/zero"},
        {"-o", L + "/back-one", url + "/one"},
        {"-o", L + "/back-missing", url + "/missing"},
        {"-T", L + "/one", url + "/no/such/dir/one"},
    };
    transcripts[i] = curl_transcript(s, commands);
    for (std::string name : {"zero", "one", "big"}) {
      EXPECT_EQ(sha256_of(remote_ + "/" + name), sha256_of(local_ / name)) << name;
      EXPECT_EQ(sha256_of(local_ / ("back-" + name)), sha256_of(local_ / name)) << name;
    }
  }
  expect_same_lines(transcripts[1], transcripts[0]);
  // The failures are failures: REMOTE_FILE_NOT_FOUND and UPLOAD_FAILED.
  EXPECT_NE(transcripts[1].find("exit 78\ncurl: (78) Failed to recv file\n"), std::string::npos) << transcripts[1];
  EXPECT_NE(transcripts[1].find("exit 25\ncurl: (25) failed to send file\n"), std::string::npos) << transcripts[1];
}

}  // namespace
}  // namespace sshpp::test

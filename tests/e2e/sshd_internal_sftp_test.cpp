// sshd's internal-sftp in the OpenSSH book's recipe (seeds file 003, "SFTP-only
// Accounts", "Chrooted SFTP", "Logging Chrooted SFTP"): a Match Group block with
// ChrootDirectory, ForceCommand internal-sftp and no forwarding, the jail a root-owned
// tree with no /bin, /dev or /lib. Debian's sftp -b is the client; the proof is what
// it can and cannot reach, and the lines our sshd's log (-e) gets from inside the jail.
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <atomic>
#include <chrono>
#include <mutex>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/our_sshd.hpp"
#include "support/syslog_collector.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUserPrefix = "sftpj";  // + pid: see TestUser

std::string sha256(const std::string& path) {
  auto r = run({"/bin/sh", "-c", "/usr/bin/sha256sum < \"$1\"", "sh", path});
  return r.exit_code == 0 ? r.out.substr(0, 64) : "unreadable " + path;
}

class SshdInternalSftpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    user_ = new TestUser(kUserPrefix);
    ASSERT_TRUE(user_->created());
    ASSERT_TRUE(user_->set_password("Unus3d-but-unlocked"));
    keys_ = new TempDir;
    ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", *keys_ / "id"}).exit_code, 0);
  }
  static void TearDownTestSuite() {
    delete user_;
    user_ = nullptr;
    delete keys_;
    keys_ = nullptr;
  }

  // The jail: root-owned and not group/other-writable all the way up (safely_chroot),
  // holding only an upload directory of the user's, a public file, a symlink pointing
  // out to /etc, and a mount point for the full-disk case.
  void SetUp() override {
    ASSERT_NE(user_, nullptr);
    user_->write_authorized_keys(read_text(*keys_ / "id.pub"));
    jail_ = "/var/lib/sshpp-jail-" + std::to_string(::getpid());
    std::filesystem::remove_all(jail_);
    ASSERT_EQ(::mkdir(jail_.c_str(), 0755), 0);
    ASSERT_EQ(::chmod(jail_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((jail_ + "/upload").c_str(), 0755), 0);
    ASSERT_EQ(::chown((jail_ + "/upload").c_str(), user_->uid(), user_->gid()), 0);
    ASSERT_EQ(::mkdir((jail_ + "/full").c_str(), 0755), 0);
    write_text(jail_ + "/pub.txt", "public inside the jail\n", 0644);
    ASSERT_EQ(::symlink("/etc", (jail_ + "/etc").c_str()), 0);
  }
  void TearDown() override {
    if (mounted_) ::umount2((jail_ + "/full").c_str(), MNT_DETACH);
    sshd_.reset();
    std::filesystem::remove_all(jail_);
  }

  // The book's "Chrooted SFTP" block, matched by the user's group.
  void start(const std::string& force_flags = "", bool chroot = true) {
    group* g = ::getgrgid(user_->gid());
    ASSERT_NE(g, nullptr);
    sshd_ = std::make_unique<OurSshd>(dir_.path(), std::string("Subsystem sftp internal-sftp\n") +
                                                       "Match Group " + g->gr_name + "\n" +
                                                       (chroot ? "\tChrootDirectory " + jail_ + "\n" : "") +
                                                       "\tAllowTCPForwarding no\n"
                                                       "\tX11Forwarding no\n"
                                                       "\tForceCommand internal-sftp -l INFO" + force_flags + "\n");
    ASSERT_TRUE(sshd_->listening());
    port_ = sshd_->port();
  }

  std::vector<std::string> options() const {
    return {"-P", std::to_string(port_), "-i", *keys_ / "id", "-F", "none",
            "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + dir_ / "known_hosts",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
            "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"};
  }
  RunResult sftp_batch(const std::string& lines) {
    write_text(dir_ / "batch", lines, 0600);
    std::vector<std::string> argv{"/usr/bin/sftp", "-b", dir_ / "batch"};
    for (const auto& o : options()) argv.push_back(o);
    argv.push_back(user_->name() + "@127.0.0.1");
    return run(argv);
  }
  bool logged(const std::string& text) const { return sshd_->wait_for_log(text, 5s); }
  std::string log() const { return sshd_->log(); }

  static TestUser* user_;
  static TempDir* keys_;
  TempDir dir_, local_;
  std::string jail_;
  bool mounted_ = false;
  int port_ = 0;
  std::unique_ptr<OurSshd> sshd_;
};

TestUser* SshdInternalSftpTest::user_ = nullptr;
TempDir* SshdInternalSftpTest::keys_ = nullptr;

TEST_F(SshdInternalSftpTest, ChrootedUploadIsLoggedFromInsideTheJail) {
  start();
  std::string data(1048576, 'q');
  write_text(local_ / "f", data, 0644);
  auto r = sftp_batch("pwd\nput " + local_ / "f" + " /upload/f\nget /pub.txt " + local_ / "pub.txt\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << log();
  // No home inside the jail: the session starts at its root.
  EXPECT_NE(r.out.find("Remote working directory: /\n"), std::string::npos) << r.out;
  EXPECT_EQ(sha256(jail_ + "/upload/f"), sha256(local_ / "f"));
  EXPECT_EQ(read_text(local_ / "pub.txt"), "public inside the jail\n");
  const std::string name = user_->name();
  EXPECT_TRUE(logged("Accepted publickey for " + name + " from 127.0.0.1 port ")) << log();
  EXPECT_TRUE(logged("Changed root directory to \"" + jail_ + "\"")) << log();
  EXPECT_TRUE(logged("Starting session: forced-command (config) 'internal-sftp -l INFO' for " + name)) << log();
  EXPECT_TRUE(logged("session opened for local user " + name + " from [127.0.0.1]")) << log();
  EXPECT_TRUE(logged("open \"/upload/f\" flags WRITE,CREATE,TRUNCATE mode 0644")) << log();
  EXPECT_TRUE(logged("close \"/upload/f\" bytes read 0 written 1048576")) << log();
  EXPECT_TRUE(logged("open \"/pub.txt\" flags READ mode 0666")) << log();
  EXPECT_TRUE(logged("session closed for local user " + name + " from [127.0.0.1]")) << log();
}

// The book's "SFTP-only Accounts": the same block without ChrootDirectory.
TEST_F(SshdInternalSftpTest, SftpOnlyAccountWithoutChroot) {
  start("", false);
  write_text(local_ / "f", "only sftp\n", 0644);
  auto r = sftp_batch("pwd\nput " + local_ / "f" + " f\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << log();
  EXPECT_NE(r.out.find("Remote working directory: " + user_->home() + "\n"), std::string::npos) << r.out;
  EXPECT_EQ(read_text(user_->home() + "/f"), "only sftp\n");
  auto shell = run(sshd_->ssh({"-i", *keys_ / "id", "-o", "BatchMode=yes"}, user_->name(), "id"));
  EXPECT_EQ(shell.exit_code, 1) << shell.err;
  EXPECT_EQ(shell.out, "This service allows sftp connections only.\n");
  EXPECT_TRUE(logged("session opened for local user " + user_->name() + " from [127.0.0.1]")) << log();
}

TEST_F(SshdInternalSftpTest, NothingOutsideTheJailIsReachable) {
  start();
  auto r = sftp_batch("cd ..\ncd ../..\npwd\nls -1a /\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << log();
  EXPECT_NE(r.out.find("Remote working directory: /\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("upload"), std::string::npos) << r.out;
  for (const char* host_only : {"var", "usr", "bin", "proc", "root"})
    EXPECT_EQ(r.out.find(std::string("\n") + host_only + "\n"), std::string::npos) << host_only << ": " << r.out;
  // Each escape in a batch of its own: a failure ends a batch.
  for (const std::string& attempt : std::vector<std::string>{"get ../../etc/shadow " + local_ / "shadow", "get /../../../etc/passwd " + local_ / "passwd",
        "get /etc/passwd " + local_ / "passwd", "get etc/hostname " + local_ / "hostname",
        "ls /etc/", "cd /etc", "get /upload/../../../../etc/shadow " + local_ / "shadow"}) {
    auto escape = sftp_batch(attempt + "\n");
    EXPECT_NE(escape.exit_code, 0) << attempt << "\n" << escape.out << escape.err;
  }
  for (const char* name : {"shadow", "passwd", "hostname"})
    EXPECT_FALSE(std::filesystem::exists(local_ / name)) << name;
}

TEST_F(SshdInternalSftpTest, ShellAndExecAreRefused) {
  start();
  auto r = run(sshd_->ssh({"-i", *keys_ / "id", "-o", "BatchMode=yes"}, user_->name(), "cat /etc/shadow"));
  EXPECT_EQ(r.exit_code, 1) << r.err << log();
  EXPECT_EQ(r.out, "This service allows sftp connections only.\n");
  EXPECT_TRUE(logged("Connection from 127.0.0.1 port ")) << log();
  EXPECT_TRUE(logged(": refusing non-sftp session")) << log();
}

TEST_F(SshdInternalSftpTest, ReadOnlyRefusesEveryWrite) {
  start(" -R");
  write_text(local_ / "f", "data\n", 0644);
  for (const std::string& write : std::vector<std::string>{"put " + local_ / "f" + " /upload/f", "mkdir /upload/d", "rename /upload /u2",
                                   "chmod 700 /upload"}) {
    auto r = sftp_batch(write + "\n");
    EXPECT_NE(r.exit_code, 0) << write << "\n" << r.out << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(jail_ + "/upload/f"));
  EXPECT_FALSE(std::filesystem::exists(jail_ + "/upload/d"));
  EXPECT_TRUE(std::filesystem::exists(jail_ + "/upload"));
  auto ok = sftp_batch("get /pub.txt " + local_ / "pub.txt\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err << log();
}

TEST_F(SshdInternalSftpTest, FullDiskReportsTheErrorAndFails) {
  const std::string full = jail_ + "/full";
  const std::string mount_options = "size=1m,mode=0755,uid=" + std::to_string(user_->uid()) +
                                    ",gid=" + std::to_string(user_->gid());
  ASSERT_EQ(::mount("tmpfs", full.c_str(), "tmpfs", 0, mount_options.c_str()), 0) << std::strerror(errno);
  mounted_ = true;
  start();
  write_text(local_ / "big", std::string(4 * 1048576, 'z'), 0644);
  auto r = sftp_batch("put " + local_ / "big" + " /full/big\nmkdir /upload/after\n");
  EXPECT_NE(r.exit_code, 0) << r.out << r.err << log();
  EXPECT_NE(r.err.find("/full/big"), std::string::npos) << r.err;  // the error names the file
  EXPECT_FALSE(std::filesystem::exists(jail_ + "/upload/after"));  // the batch stopped
  sshd_.reset();
  EXPECT_EQ(::umount(full.c_str()), 0) << std::strerror(errno);
  mounted_ = false;
}

// "Logging Chrooted SFTP" without a /dev/log in the jail: sshd logs to syslog (no -e),
// and internal-sftp's lines still arrive, tagged "internal-sftp[PID]" as OpenSSH's
// are. sshd runs in a private mount namespace whose /dev holds our own syslog socket.
TEST_F(SshdInternalSftpTest, ChrootedLinesReachSyslogTaggedInternalSftp) {
  TempDir dev;
  SyslogCollector syslog(dev.path());
  ASSERT_TRUE(syslog.ready());

  const std::string host_key = dir_ / "host_key";
  ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", host_key}).exit_code, 0);
  port_ = free_port();
  write_text(dir_ / "known_hosts", "[127.0.0.1]:" + std::to_string(port_) + " " + read_text(host_key + ".pub"), 0644);
  group* g = ::getgrgid(user_->gid());
  ASSERT_NE(g, nullptr);
  write_text(dir_ / "sshd_config",
             "ListenAddress 127.0.0.1\nPort " + std::to_string(port_) + "\nHostKey " + host_key +
                 "\nPidFile none\nLogLevel VERBOSE\nSyslogFacility LOCAL6\nSubsystem sftp internal-sftp\n"
                 "Match Group " + g->gr_name + "\n\tChrootDirectory " + jail_ +
                 "\n\tForceCommand internal-sftp -l INFO -f LOCAL6\n",
             0644);
  BackgroundProcess sshd(syslog.in_private_dev({our_bin("sshd"), "-D", "-f", dir_ / "sshd_config"}),
                         dir_ / "sshd.out");
  ASSERT_TRUE(syslog.wait_for("Server listening on 127.0.0.1 port " + std::to_string(port_), 10s))
      << syslog.text() << sshd.log();

  write_text(local_ / "f", std::string(70000, 'w'), 0644);
  auto r = sftp_batch("put " + local_ / "f" + " /upload/f\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << syslog.text();
  const std::string name = user_->name();
  EXPECT_TRUE(syslog.wait_for("session closed for local user " + name, 10s)) << syslog.text();
  const std::string got = syslog.text();
  EXPECT_NE(got.find("sshd["), std::string::npos) << got;
  EXPECT_NE(got.find("]: Accepted publickey for " + name + " from 127.0.0.1 port "), std::string::npos) << got;
  for (const std::string& line : std::vector<std::string>{
           "session opened for local user " + name + " from [127.0.0.1]",
           "open \"/upload/f\" flags WRITE,CREATE,TRUNCATE mode 0644",
           "close \"/upload/f\" bytes read 0 written 70000"}) {
    auto at = got.find(line);
    ASSERT_NE(at, std::string::npos) << line << "\n" << got;
    auto start = got.rfind('\n', at);
    EXPECT_NE(got.substr(start + 1, at - start - 1).find("internal-sftp["), std::string::npos) << got;
  }
  EXPECT_EQ(sha256(jail_ + "/upload/f"), sha256(local_ / "f"));
}

// ps shows the session as OpenSSH names it while a transfer runs.
TEST_F(SshdInternalSftpTest, ProcessTitleIsUserAtInternalSftp) {
  start();
  write_text(dir_ / "batch", "pwd\n!sleep 3\n", 0600);
  std::vector<std::string> argv{"/usr/bin/sftp", "-b", dir_ / "batch"};
  for (const auto& o : options()) argv.push_back(o);
  argv.push_back(user_->name() + "@127.0.0.1");
  BackgroundProcess client(argv, dir_ / "client.out");
  std::string titles;
  for (int i = 0; i < 40 && titles.find("@internal-sftp") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    titles = run({"/usr/bin/pgrep", "-a", "-u", std::to_string(user_->uid())}).out;
  }
  EXPECT_NE(titles.find("sshd: " + user_->name() + "@internal-sftp"), std::string::npos) << titles;
  EXPECT_EQ(client.wait(20s), 0) << client.log();
}

}  // namespace
}  // namespace sshpp::test

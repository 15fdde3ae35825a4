// Issue 5's server-direction proof: Debian's sftp and scp (OpenSSH 9.2) against our
// sshd, with the SFTP server both as our sftp-server program (`Subsystem sftp
// BUILD/bin/sftp-server`) and in-process (`Subsystem sftp internal-sftp`). Every
// interactive command of sftp(1) runs from batch files; every transferred file is
// compared by sha256 with its source.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshpp::test {
namespace {

constexpr const char* kUserPrefix = "sftpi";  // + pid: see TestUser
constexpr std::size_t kMiB = 1024 * 1024;
// Raw bytes in a name: 0xff never appears in UTF-8.
const std::string kNonUtf8Name = std::string("bad\xff") + "name";
const std::string kNewlineName = "nl\nname";

std::string random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::string out(size, '\0');
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    std::uint64_t v = gen();
    std::memcpy(out.data() + i, &v, 8);
  }
  for (std::size_t i = size & ~std::size_t{7}; i < size; ++i) out[i] = static_cast<char>(gen());
  return out;
}

// sha256sum reads standard input, so no file name (newline, 0xff) reaches its output.
std::string sha256(const std::string& path) {
  auto r = run({"/bin/sh", "-c", "/usr/bin/sha256sum < \"$1\"", "sh", path});
  if (r.exit_code != 0) return "unreadable " + path + ": " + r.err;
  return r.out.substr(0, 64);
}

// A 16 MiB file with holes: two small islands of data, the rest never written.
void write_sparse(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 16 * kMiB), 0);
  const std::string island = random_bytes(4096, 7);
  ASSERT_EQ(::pwrite(fd, island.data(), island.size(), 8 * kMiB), static_cast<ssize_t>(island.size()));
  ASSERT_EQ(::pwrite(fd, island.data(), 100, 16 * kMiB - 100), 100);
  ::close(fd);
}

struct stat stat_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) st.st_mode = 0;
  return st;
}

class SftpServerInteropTest : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() {
    user_ = new TestUser(kUserPrefix);
    ASSERT_TRUE(user_->created());
    ASSERT_TRUE(user_->set_password("Unus3d-but-unlocked"));  // a locked account may not log in
    keys_ = new TempDir;
    ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", *keys_ / "id"}).exit_code, 0);
  }
  static void TearDownTestSuite() {
    delete user_;
    user_ = nullptr;
    delete keys_;
    keys_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(user_, nullptr);
    user_->write_authorized_keys(read_text(*keys_ / "id.pub"));
    const bool internal = GetParam();
    std::string bin_dir = std::filesystem::path(our_bin("sshd")).parent_path().string();
    std::string subsystem = internal ? "internal-sftp" : our_bin("sftp-server");
    // Our scp first on the PATH, so `scp -O` runs our `scp -t` through the user's shell.
    sshd_ = std::make_unique<OurSshd>(dir_.path(), "Subsystem sftp " + subsystem + " -l INFO\nSetEnv PATH=" +
                                                       bin_dir + ":/usr/bin:/bin\n");
    ASSERT_TRUE(sshd_->listening());
    // The remote working area, emptied for every test.
    remote_ = user_->home() + "/t";
    std::filesystem::remove_all(remote_);
    local_ = local_dir_.path();
  }

  std::vector<std::string> common_options() const {
    return {"-P", std::to_string(sshd_->port()), "-i", *keys_ / "id", "-F", "none",
            "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + dir_ / "known_hosts",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
            "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"};
  }

  // Debian's sftp -b with these lines; the exit status says whether all succeeded.
  RunResult sftp_batch(const std::string& lines, const std::vector<std::string>& flags = {}) {
    std::string batch = dir_ / "batch";
    write_text(batch, lines, 0600);
    std::vector<std::string> argv{"/usr/bin/sftp", "-b", batch};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (const auto& o : common_options()) argv.push_back(o);
    argv.push_back(user_->name() + "@127.0.0.1");
    return run(argv);
  }

  RunResult scp(std::vector<std::string> args, const std::string& mode) {
    std::vector<std::string> argv{"/usr/bin/scp", mode};
    for (const auto& o : common_options()) argv.push_back(o);
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }
  std::string remote_spec(const std::string& path) const { return user_->name() + "@127.0.0.1:" + path; }

  void make_remote_dir() {
    ASSERT_EQ(::mkdir(remote_.c_str(), 0755), 0);
    ASSERT_EQ(::chown(remote_.c_str(), user_->uid(), user_->gid()), 0);
  }
  void write_remote(const std::string& name, const std::string& data) {
    write_text(remote_ + "/" + name, data, 0644);
    ASSERT_EQ(::chown((remote_ + "/" + name).c_str(), user_->uid(), user_->gid()), 0);
  }

  static TestUser* user_;
  static TempDir* keys_;
  TempDir dir_, local_dir_;
  std::string remote_, local_;
  std::unique_ptr<OurSshd> sshd_;
};

TestUser* SftpServerInteropTest::user_ = nullptr;
TempDir* SftpServerInteropTest::keys_ = nullptr;

TEST_P(SftpServerInteropTest, EveryInteractiveCommandFromABatchFile) {
  write_text(local_ + "/zero", "", 0644);
  write_text(local_ + "/one", "x", 0644);
  write_text(local_ + "/big", random_bytes(64 * kMiB, 1), 0644);
  write_sparse(local_ + "/sparse");
  write_text(local_ + "/with space", "spaced out\n", 0644);
  write_text(local_ + "/" + kNewlineName, "newline in the name\n", 0644);
  write_text(local_ + "/" + kNonUtf8Name, "not utf-8\n", 0644);
  ASSERT_EQ(::mkdir((local_ + "/back").c_str(), 0755), 0);
  const std::string L = local_;
  const std::string lines =
      "mkdir t\n"
      "cd t\n"
      "put " + L + "/zero\n"
      "put " + L + "/one\n"
      "put " + L + "/big\n"
      "put " + L + "/sparse\n"
      "put \"" + L + "/with space\"\n"
      "put " + L + "/nl?name\n"  // a newline cannot be typed in a batch line: a glob matches it
      "put \"" + L + "/" + kNonUtf8Name + "\"\n"
      "ls -l\n"
      "rename one one.renamed\n"
      "ln -s one.renamed soft\n"
      "symlink one.renamed soft2\n"
      "ln one.renamed hard\n"
      "chmod 600 one.renamed\n"
      "chown " + std::to_string(user_->uid()) + " one.renamed\n"
      "chgrp " + std::to_string(user_->gid()) + " one.renamed\n"
      "cp big big.copy\n"
      "df\n"
      "df -h\n"
      "df -i\n"
      "mkdir gone\n"
      "rmdir gone\n"
      "rm soft2\n"
      "get big " + L + "/back/big\n"
      "get zero " + L + "/back/zero\n"
      "get sparse " + L + "/back/sparse\n"
      "get \"with space\" \"" + L + "/back/with space\"\n"
      "get nl?name " + L + "/back/\n"
      "get \"" + kNonUtf8Name + "\" " + L + "/back/\n"
      "pwd\n"
      "ls -la\n";
  auto r = sftp_batch(lines);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const std::string name : {"zero", "big", "sparse", "with space", kNewlineName.c_str(), kNonUtf8Name.c_str()}) {
    EXPECT_EQ(sha256(remote_ + "/" + name), sha256(local_ + "/" + name)) << name;
    EXPECT_EQ(sha256(local_ + "/back/" + name), sha256(local_ + "/" + name)) << name;
  }
  EXPECT_EQ(stat_of(remote_ + "/zero").st_size, 0);
  EXPECT_EQ(stat_of(remote_ + "/big").st_size, static_cast<off_t>(64 * kMiB));
  EXPECT_EQ(sha256(remote_ + "/one.renamed"), sha256(local_ + "/one"));
  EXPECT_FALSE(std::filesystem::exists(remote_ + "/one"));
  EXPECT_EQ(std::filesystem::read_symlink(remote_ + "/soft").string(), "one.renamed");  // OpenSSH's argument order
  EXPECT_FALSE(std::filesystem::is_symlink(remote_ + "/soft2"));
  EXPECT_EQ(stat_of(remote_ + "/hard").st_nlink, 2u);
  EXPECT_EQ(stat_of(remote_ + "/one.renamed").st_mode & 07777, 0600u);
  EXPECT_EQ(stat_of(remote_ + "/one.renamed").st_uid, user_->uid());
  EXPECT_EQ(sha256(remote_ + "/big.copy"), sha256(local_ + "/big"));
  EXPECT_FALSE(std::filesystem::exists(remote_ + "/gone"));
  EXPECT_NE(r.out.find("%Capacity"), std::string::npos) << r.out;  // df
  EXPECT_NE(r.out.find("Inodes"), std::string::npos) << r.out;     // df -i
  EXPECT_NE(r.out.find("Remote working directory: " + remote_), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("one.renamed"), std::string::npos) << r.out;
}

TEST_P(SftpServerInteropTest, FailedCommandStopsTheBatchWithFailure) {
  auto r = sftp_batch("ls /no/such/dir\nmkdir should-not-run\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(user_->home() + "/should-not-run"));
  // A leading '-' ignores the failure.
  r = sftp_batch("-rm /no/such/file\nmkdir t\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_directory(remote_));
}

TEST_P(SftpServerInteropTest, PreserveFlagKeepsModeAndTimes) {
  make_remote_dir();
  const std::string up = local_ + "/up";
  write_text(up, random_bytes(100000, 2), 0640);
  ASSERT_EQ(::chmod(up.c_str(), 0640), 0);
  utimbuf old{1000000000, 1000000000};
  ASSERT_EQ(::utime(up.c_str(), &old), 0);
  write_remote("down", random_bytes(5000, 3));
  ASSERT_EQ(::chmod((remote_ + "/down").c_str(), 0604), 0);
  utimbuf older{900000000, 900000000};
  ASSERT_EQ(::utime((remote_ + "/down").c_str(), &older), 0);

  auto r = sftp_batch("cd t\nput -p " + up + "\nget -p down " + local_ + "/down\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  struct stat remote_up = stat_of(remote_ + "/up"), local_down = stat_of(local_ + "/down");
  EXPECT_EQ(remote_up.st_mode & 07777, 0640u);
  EXPECT_EQ(remote_up.st_mtime, 1000000000);
  EXPECT_EQ(local_down.st_mode & 07777, 0604u);
  EXPECT_EQ(local_down.st_mtime, 900000000);
  EXPECT_EQ(sha256(remote_ + "/up"), sha256(up));
  EXPECT_EQ(sha256(local_ + "/down"), sha256(remote_ + "/down"));
}

TEST_P(SftpServerInteropTest, RegetAndReputCompletePartialFiles) {
  make_remote_dir();
  const std::string data = random_bytes(24 * kMiB, 4);
  write_text(local_ + "/whole", data, 0644);
  write_remote("partial-up", data.substr(0, 10 * kMiB + 17));  // an upload cut off midway
  write_remote("whole", data);
  write_remote("partial-up2", data.substr(0, 1));
  write_text(local_ + "/partial-down", data.substr(0, 3 * kMiB + 5), 0644);
  auto r = sftp_batch("cd t\nreput " + local_ + "/whole partial-up\nreget whole " + local_ + "/partial-down\n" +
                      "put -a " + local_ + "/whole partial-up2\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(sha256(remote_ + "/partial-up"), sha256(local_ + "/whole"));
  EXPECT_EQ(sha256(local_ + "/partial-down"), sha256(local_ + "/whole"));
  EXPECT_EQ(sha256(remote_ + "/partial-up2"), sha256(local_ + "/whole"));
}

TEST_P(SftpServerInteropTest, DebianScpInSftpMode) {
  make_remote_dir();
  write_text(local_ + "/big", random_bytes(64 * kMiB, 5), 0644);
  write_text(local_ + "/with space", "x", 0600);
  utimbuf old{1100000000, 1100000000};
  ASSERT_EQ(::utime((local_ + "/big").c_str(), &old), 0);
  auto r = scp({"-p", local_ + "/big", local_ + "/with space", remote_spec("t/")}, "-s");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sha256(remote_ + "/big"), sha256(local_ + "/big"));
  EXPECT_EQ(sha256(remote_ + "/with space"), sha256(local_ + "/with space"));
  EXPECT_EQ(stat_of(remote_ + "/big").st_mtime, 1100000000);
  EXPECT_EQ(stat_of(remote_ + "/with space").st_mode & 07777, 0600u);
  r = scp({remote_spec("t/big"), local_ + "/big.back"}, "-s");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sha256(local_ + "/big.back"), sha256(local_ + "/big"));
  r = scp({remote_spec("t/missing"), local_ + "/missing"}, "-s");
  EXPECT_NE(r.exit_code, 0);
}

// The legacy protocol: Debian's scp -O runs `scp -t`/`scp -f` on our sshd through the
// user's shell, and SetEnv PATH makes that our scp.
TEST_P(SftpServerInteropTest, DebianScpLegacyProtocol) {
  ASSERT_EQ(::access(our_bin("scp").c_str(), X_OK), 0) << "our scp is not built";
  std::vector<std::string> which{"/usr/bin/ssh", "-p", std::to_string(sshd_->port())};
  for (std::size_t i = 2; i < common_options().size(); ++i) which.push_back(common_options()[i]);
  which.push_back(user_->name() + "@127.0.0.1");
  which.push_back("command -v scp");
  auto found = run(which);
  ASSERT_EQ(found.out, our_bin("scp") + "\n") << found.err;  // the remote side is ours, not Debian's
  make_remote_dir();
  write_text(local_ + "/big", random_bytes(64 * kMiB, 6), 0644);
  write_text(local_ + "/zero", "", 0640);
  utimbuf old{1200000000, 1200000000};
  ASSERT_EQ(::utime((local_ + "/big").c_str(), &old), 0);
  auto r = scp({"-p", local_ + "/big", local_ + "/zero", remote_spec("t/")}, "-O");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sha256(remote_ + "/big"), sha256(local_ + "/big"));
  EXPECT_EQ(stat_of(remote_ + "/zero").st_size, 0);
  EXPECT_EQ(stat_of(remote_ + "/zero").st_mode & 07777, 0640u);
  EXPECT_EQ(stat_of(remote_ + "/big").st_mtime, 1200000000);
  r = scp({"-r", remote_spec("t"), local_ + "/tree"}, "-O");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sha256(local_ + "/tree/big"), sha256(local_ + "/big"));
  r = scp({remote_spec("t/missing"), local_ + "/missing"}, "-O");
  EXPECT_NE(r.exit_code, 0);
}

// sshd -T prints internal-sftp's lines as Debian's sshd does, inside and outside Match.
TEST(SftpServerConfigInterop, SshdTPrintsInternalSftpLikeOpenSsh) {
  TempDir dir;
  ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", dir / "hk"}).exit_code, 0);
  write_text(dir / "c",
             "HostKey " + dir / "hk" +
                 "\nSubsystem sftp internal-sftp -l INFO -f LOCAL6\nMatch User fred\n"
                 "  ChrootDirectory %h\n  ForceCommand internal-sftp -d /%u -R\n",
             0644);
  auto wanted = [](const std::string& out) {
    std::string lines;
    for (std::size_t at = 0; at < out.size();) {
      auto end = out.find('\n', at);
      std::string line = out.substr(at, end == std::string::npos ? end : end - at);
      if (line.starts_with("subsystem ") || line.starts_with("forcecommand ") || line.starts_with("chrootdirectory "))
        lines += line + "\n";
      at = end == std::string::npos ? out.size() : end + 1;
    }
    return lines;
  };
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"-C", "user=fred,host=h,addr=192.0.2.1"}}) {
    std::vector<std::string> ours{our_bin("sshd"), "-T", "-f", dir / "c"}, debian{"/usr/sbin/sshd", "-T", "-f", dir / "c"};
    ours.insert(ours.end(), extra.begin(), extra.end());
    debian.insert(debian.end(), extra.begin(), extra.end());
    auto a = run(ours), b = run(debian);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(wanted(a.out), wanted(b.out));
    EXPECT_NE(wanted(a.out).find("subsystem sftp internal-sftp -l INFO -f LOCAL6\n"), std::string::npos) << a.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, SftpServerInteropTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? std::string("InternalSftp") : std::string("SftpServerProgram");
                         });

}  // namespace
}  // namespace sshpp::test

// A transfer stopped in the middle (Ctrl-C, or the client killed outright) leaves a
// partial file that reget, reput or get -a completes, byte for byte. Our sftp
// against our sftp-server over pipes (-D), slowed down with -l so that the
// interruption lands mid-file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace {

using namespace std::chrono_literals;
using sshpp::test::our_bin;
using sshpp::test::run;

constexpr std::uint64_t kFileSize = 4 * 1024 * 1024;

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string hex;
  for (unsigned char c : digest) hex += fmt::format("{:02x}", c);
  return hex;
}

void write_random_file(const std::string& path, std::uint64_t size) {
  std::mt19937_64 rng(42);
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << data;
}

std::uint64_t file_size(const std::string& path) {
  struct stat sb {};
  return ::stat(path.c_str(), &sb) == 0 ? static_cast<std::uint64_t>(sb.st_size) : 0;
}

class SftpInterruptedTransfer : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = dir_.path() + "/source.bin";
    write_random_file(source_, kFileSize);
  }

  std::string batch(const std::string& name, const std::string& text) {
    std::string path = dir_.path() + "/" + name;
    sshpp::test::write_text(path, text);
    return path;
  }

  // Starts `sftp -l 4000 -b batch` (about 500 KB/s), lets it copy for a while, then
  // sends `signal`; returns sftp's exit status.
  int run_and_interrupt(const std::string& batch_path, int signal) {
    std::vector<std::string> argv{our_bin("sftp"), "-l", "4000", "-D", our_bin("sftp-server"), "-b", batch_path};
    sshpp::test::BackgroundProcess sftp(argv, dir_.path() + "/sftp.log");
    std::this_thread::sleep_for(1500ms);
    ::kill(sftp.pid(), signal);
    int status = sftp.wait(30s);
    log_ = sftp.log();
    return status;
  }

  sshpp::test::TempDir dir_;
  std::string source_;
  std::string log_;
};

TEST_F(SftpInterruptedTransfer, CtrlCStopsAGetAndRegetCompletesIt) {
  const std::string partial = dir_.path() + "/partial.bin";
  int status = run_and_interrupt(batch("get", "get " + source_ + " " + partial + "\n"), SIGINT);
  EXPECT_EQ(status, 1) << log_;  // the interrupted get fails, which ends the batch
  // As Debian's sftp: "\rInterrupt  \n" and no further error line.
  EXPECT_NE(log_.find("\rInterrupt  \n"), std::string::npos) << log_;
  EXPECT_EQ(log_.find("Interrupted"), std::string::npos) << log_;
  std::uint64_t got = file_size(partial);
  EXPECT_GT(got, 0u);
  EXPECT_LT(got, kFileSize) << "the transfer was not interrupted mid-file";

  auto done = run({our_bin("sftp"), "-D", our_bin("sftp-server"), "-b",
                   batch("reget", "reget " + source_ + " " + partial + "\n")});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(file_size(partial), kFileSize);
  EXPECT_EQ(sha256_file(partial), sha256_file(source_));
}

TEST_F(SftpInterruptedTransfer, CtrlCStopsAPutAndReputCompletesIt) {
  const std::string remote = dir_.path() + "/uploaded.bin";
  int status = run_and_interrupt(batch("put", "put " + source_ + " " + remote + "\n"), SIGINT);
  EXPECT_EQ(status, 1) << log_;
  std::uint64_t got = file_size(remote);
  EXPECT_GT(got, 0u);
  EXPECT_LT(got, kFileSize);

  auto done = run({our_bin("sftp"), "-D", our_bin("sftp-server"), "-b",
                   batch("reput", "reput " + source_ + " " + remote + "\n")});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(sha256_file(remote), sha256_file(source_));
}

TEST_F(SftpInterruptedTransfer, KilledClientLeavesAPrefixThatGetDashACompletes) {
  const std::string partial = dir_.path() + "/killed.bin";
  int status = run_and_interrupt(batch("get", "get " + source_ + " " + partial + "\n"), SIGKILL);
  EXPECT_EQ(status, 128 + SIGKILL);
  std::uint64_t got = file_size(partial);
  EXPECT_LT(got, kFileSize);

  auto done = run({our_bin("sftp"), "-D", our_bin("sftp-server"), "-b",
                   batch("resume", "get -a " + source_ + " " + partial + "\n")});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(sha256_file(partial), sha256_file(source_));
}

}  // namespace

// Our sftp with payloads moved by splice(2) (its server is Debian's sftp-server over
// pipes, -D): downloads into targets of every kind (a regular file reached through
// /dev/stdout, a tmpfs file, /dev/null, /dev/full which takes no splice) keep every
// byte and keep the stream in step, and an upload of a file cut short while it is
// being sent sends only what the file holds.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshpp::test {
namespace {

constexpr const char* kDebianServer = "/usr/lib/openssh/sftp-server";

std::string sha256(const std::string& path) {
  auto r = run({"/bin/sh", "-c", "/usr/bin/sha256sum < \"$1\"", "sh", path});
  return r.exit_code == 0 ? r.out.substr(0, 64) : "unreadable " + path;
}

void make_file(const std::string& path, std::size_t size) {
  std::ofstream f(path, std::ios::binary);
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < size; i++) {
    x = x * 1103515245u + 12345u;
    f.put(static_cast<char>(x >> 23));
  }
}

RunResult run_batch(const std::string& dir, const std::string& batch, const std::string& redirect = "",
                    const std::string& flags = "") {
  write_text(dir + "/../batch", batch);
  RunOptions options;
  options.cwd = dir;
  options.new_session = true;
  return run({"/bin/sh", "-c", "exec \"$1\" -q " + flags + " -D \"$2\" -b \"$3\" " + redirect, "sh", our_bin("sftp"),
              kDebianServer, dir + "/../batch"},
             options);
}

}  // namespace

TEST(SftpClientSplice, GetIntoEveryKindOfTarget) {
  TempDir tmp;
  std::string dir = tmp / "w";
  std::filesystem::create_directories(dir);
  make_file(dir + "/big", 9 * 1024 * 1024 + 4097);
  std::string want = sha256(dir + "/big");

  // /dev/stdout reopens the file the shell redirected to.
  auto out = run_batch(dir, "get big /dev/stdout\n", "> \"" + dir + "/stdout\"");
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(sha256(dir + "/stdout"), want);

  // A tmpfs file.
  std::string shm = "/dev/shm/sftp-splice-" + std::to_string(::getpid());
  auto t = run_batch(dir, "get big " + shm + "\nget big /dev/null\nget big copy\n");
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(sha256(shm), want);
  EXPECT_EQ(sha256(dir + "/copy"), want);
  std::filesystem::remove(shm);

  // /dev/full takes no splice: the bytes are copied, the write fails as it always did,
  // and what follows in the same session still gets every byte.
  auto full = run_batch(dir, "-get big /dev/full\nget big after\nls -l after\n");
  EXPECT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(full.err, "write local \"/dev/full\": No space left on device\r\n");
  EXPECT_EQ(sha256(dir + "/after"), want);
  EXPECT_NE(full.out.find(std::to_string(9 * 1024 * 1024 + 4097)), std::string::npos) << full.out;
}

// The file is cut while the (rate-limited) put is under way: what arrives is exactly
// the part the file still holds, with nothing stale or invented past the cut.
TEST(SftpClientSplice, PutOfFileTruncatedDuringTransfer) {
  TempDir tmp;
  std::string dir = tmp / "w";
  std::filesystem::create_directories(dir);
  make_file(dir + "/big", 16 * 1024 * 1024);
  make_file(dir + "/orig", 16 * 1024 * 1024);
  constexpr std::size_t kCut = 6 * 1024 * 1024 + 1234;
  RunResult put;
  // 16 Mbit/s: about 2 MiB/s, so the cut comes after a second, well before its offset.
  std::thread transfer([&] { put = run_batch(dir, "put big up\n", "", "-l 16384"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  std::filesystem::resize_file(dir + "/big", kCut);
  transfer.join();
  ASSERT_EQ(put.exit_code, 0) << put.err;
  ASSERT_EQ(std::filesystem::file_size(dir + "/up"), kCut);
  std::filesystem::resize_file(dir + "/orig", kCut);
  EXPECT_EQ(sha256(dir + "/up"), sha256(dir + "/orig"));
}

}  // namespace sshpp::test

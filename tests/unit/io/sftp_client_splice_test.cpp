// SftpClientSession over pipes, where payloads move with splice(2): DATA replies go
// from the pipe into the file (read header-first), WRITE data is staged from the file
// into the pipe. A scripted server in a thread answers full-size READs in reverse
// order per batch and records every WRITE; it checks the stream it gets stays framed.
// Covered: downloads of odd sizes with replies out of order, an over-long DATA and a
// DATA with trailing bytes (the same protocol errors as the copying path), a local
// file that refuses a splice (/dev/full: copied, the error reported, the stream kept in
// step), an interrupt and a resume, uploads whose WRITEs are all full size (as the
// copying path sends them), and an upload of a file truncated in the middle: a
// shorter WRITE, no bytes invented.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "sshcore/io/sftp_client_session.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/scripted_sftp_server.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using namespace sshcore::io;
using namespace sshpp::test;
namespace sftp = sshcore::apps::sftp;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}


SftpSessionOptions sizes(std::uint32_t request, std::uint32_t in_flight) {
  SftpSessionOptions o;
  o.request_size = request;
  o.requests_in_flight = in_flight;
  return o;
}

}  // namespace

TEST(SftpClientSplice, DownloadsOddSizesOutOfOrder) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536}, std::size_t{3 * 1048576 + 4097}}) {
    TempDir dir;
    ScriptedSftpServer server(SftpScript{.content = random_bytes(size, 1)});
    ScriptedSftpRig rig(server, sizes(65536 + 13, 8));
    ASSERT_TRUE(rig.session);
    auto r = rig.session->download("/x", dir / "out");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE(slurp(dir / "out") == random_bytes(size, 1)) << size;
    // The stream is still in step: a small call after the transfer works.
    EXPECT_TRUE(rig.session->stat("/x"));
    // And a second download into the same session.
    ASSERT_TRUE(rig.session->download("/x", dir / "again"));
    EXPECT_TRUE(slurp(dir / "again") == random_bytes(size, 1)) << size;
  }
}

TEST(SftpClientSplice, OverlongDataIsTheSameProtocolError) {
  TempDir dir;
  ScriptedSftpServer server(SftpScript{.content = random_bytes(1 << 20, 2), .overlong_at = 3 * 65536});
  ScriptedSftpRig rig(server, sizes(65536, 4));
  ASSERT_TRUE(rig.session);
  auto r = rig.session->download("/x", dir / "out");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "Received more data than asked for 65537 > 65536");
  EXPECT_EQ(rig.session->last_status(), sftp::StatusCode::kBadMessage);
  EXPECT_FALSE(rig.session->connected());
  std::string partial = slurp(dir / "out");
  EXPECT_LE(partial.size(), 3u * 65536u);
  EXPECT_TRUE(random_bytes(1 << 20, 2).compare(0, partial.size(), partial) == 0);
}

TEST(SftpClientSplice, TrailingBytesAfterDataAreRefused) {
  TempDir dir;
  ScriptedSftpServer server(SftpScript{.content = random_bytes(1 << 20, 3), .trailing_at = 2 * 65536});
  ScriptedSftpRig rig(server, sizes(65536, 4));
  ASSERT_TRUE(rig.session);
  auto r = rig.session->download("/x", dir / "out");
  ASSERT_FALSE(r);
  EXPECT_EQ(rig.session->last_status(), sftp::StatusCode::kBadMessage);
  EXPECT_FALSE(rig.session->connected());
}

// /dev/full takes no splice (EINVAL): the payload is copied, the write's ENOSPC is the
// error, and the rest of the payloads are read and dropped so the session goes on.
TEST(SftpClientSplice, TargetWithoutSpliceFallsBackAndKeepsStep) {
  ScriptedSftpServer server(SftpScript{.content = random_bytes(1 << 20, 4)});
  ScriptedSftpRig rig(server, sizes(65536, 8));
  ASSERT_TRUE(rig.session);
  auto r = rig.session->download("/x", "/dev/full");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "write local \"/dev/full\": No space left on device");
  EXPECT_TRUE(rig.session->connected());
  EXPECT_TRUE(rig.session->stat("/x"));
  TempDir dir;
  ASSERT_TRUE(rig.session->download("/x", dir / "out"));
  EXPECT_TRUE(slurp(dir / "out") == random_bytes(1 << 20, 4));
  // /dev/null takes splices: everything is read and dropped in step.
  ASSERT_TRUE(rig.session->download("/x", "/dev/null"));
  EXPECT_TRUE(rig.session->stat("/x"));
}

TEST(SftpClientSplice, UploadSendsFullWritesLikeTheCopyingPath) {
  TempDir dir;
  // 200000-byte requests are not page aligned: the staging pipe fills before a whole
  // request fits now and then, and the rest of that WRITE is copied.
  std::string content = random_bytes(5 * 1048576 + 123, 5);
  spit(dir / "in", content);
  ScriptedSftpServer server(SftpScript{});
  ScriptedSftpRig rig(server, sizes(200000, 16));
  ASSERT_TRUE(rig.session);
  auto r = rig.session->upload(dir / "in", "/y");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(server.framing_errors(), 0);
  EXPECT_TRUE(server.received() == content);
  auto lengths = server.write_lengths();
  ASSERT_EQ(lengths.size(), content.size() / 200000 + 1);
  std::size_t full = 0;
  for (std::size_t n : lengths) full += n == 200000 ? 1 : 0;
  EXPECT_EQ(full, lengths.size() - 1);  // all full size but the last, as a copying client sends
  EXPECT_TRUE(rig.session->stat("/y"));
}

TEST(SftpClientSplice, UploadOfAFileTruncatedMidwaySendsNoGarbage) {
  TempDir dir;
  std::string content = random_bytes(4 * 1048576, 6);
  spit(dir / "in", content);
  ScriptedSftpServer server(SftpScript{});
  ScriptedSftpRig rig(server, sizes(32768, 2));
  ASSERT_TRUE(rig.session);
  constexpr std::size_t kCut = 500000;  // inside a request, not page aligned
  bool cut = false;
  TransferOptions t;
  t.progress = [&](std::uint64_t done, std::uint64_t) {
    if (!cut && done >= 65536) {
      cut = true;
      ASSERT_EQ(::truncate((dir / "in").c_str(), kCut), 0);
    }
  };
  auto r = rig.session->upload(dir / "in", "/y", t);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(cut);
  EXPECT_EQ(server.framing_errors(), 0);
  std::string got = server.received();
  EXPECT_EQ(got.size(), kCut);
  EXPECT_TRUE(content.compare(0, kCut, got) == 0);
  auto lengths = server.write_lengths();
  ASSERT_FALSE(lengths.empty());
  std::size_t sum = 0, short_writes = 0;
  for (std::size_t n : lengths) {
    sum += n;
    short_writes += n == 32768 ? 0 : 1;
  }
  EXPECT_EQ(sum, kCut);
  EXPECT_EQ(short_writes, 1u);  // the one the cut fell in
  EXPECT_TRUE(rig.session->stat("/y"));
}

// An interrupt while spliced payloads are arriving: the requests in flight are drained
// (their payloads read in step), the file is cut at the contiguous prefix, and the
// session goes on.
TEST(SftpClientSplice, InterruptDrainsAndCutsAtPrefix) {
  TempDir dir;
  std::string content = random_bytes(4 * 1048576, 7);
  ScriptedSftpServer server(SftpScript{.content = content});
  ScriptedSftpRig rig(server, sizes(65536, 8));
  ASSERT_TRUE(rig.session);
  volatile std::sig_atomic_t flag = 0;
  TransferOptions t;
  t.interrupted = &flag;
  t.progress = [&](std::uint64_t done, std::uint64_t) {
    if (done > 1048576) flag = 1;
  };
  auto r = rig.session->download("/x", dir / "out", t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "Interrupted");
  EXPECT_TRUE(rig.session->connected());
  std::string partial = slurp(dir / "out");
  EXPECT_GT(partial.size(), 1048576u);
  EXPECT_LT(partial.size(), content.size());
  EXPECT_TRUE(content.compare(0, partial.size(), partial) == 0);
  // A resume completes it.
  TransferOptions resume;
  resume.resume = true;
  ASSERT_TRUE(rig.session->download("/x", dir / "out", resume));
  EXPECT_TRUE(slurp(dir / "out") == content);
}

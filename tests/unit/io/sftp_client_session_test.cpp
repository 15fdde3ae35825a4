// SftpClientSession against a scripted server in a thread: it answers each batch of
// READs in reverse order and always short (777 bytes at most), so the download must
// re-request tails, accept replies out of order and still write every byte at its
// offset; a server that turns to garbage mid-transfer must fail the call cleanly
// and leave only the contiguous prefix behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <fstream>
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

constexpr std::size_t kShortRead = 777;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}


void spill(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string pattern_bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
  return s;
}

}  // namespace

TEST(SftpClientSession, ReorderedShortRepliesStillReassemble) {
  TempDir dir;
  std::string content = pattern_bytes(200000);
  ScriptedSftpServer server(SftpScript{.content = content, .short_read = kShortRead});
  SftpSessionOptions options;
  options.request_size = 4096;
  options.requests_in_flight = 16;
  ScriptedSftpRig rig(server, options);
  ASSERT_TRUE(rig.session);
  EXPECT_EQ(rig.session->server_version(), 3u);
  EXPECT_TRUE(rig.session->extensions().empty());
  std::uint64_t last = 0;
  TransferOptions t;
  t.progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_GE(done, last);
    EXPECT_EQ(total, 200000u);
    last = done;
  };
  auto r = rig.session->download("/x", dir / "out", t);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(last, 200000u);
  EXPECT_TRUE(slurp(dir / "out") == content);
}

TEST(SftpClientSession, GarbageMidTransferFailsAndKeepsPrefix) {
  TempDir dir;
  std::string content = pattern_bytes(300000);
  ScriptedSftpServer server(SftpScript{.content = content, .short_read = kShortRead, .garbage_after = 50000});
  SftpSessionOptions options;
  options.request_size = 4096;
  options.requests_in_flight = 8;
  ScriptedSftpRig rig(server, options);
  ASSERT_TRUE(rig.session);
  auto r = rig.session->download("/x", dir / "out");
  ASSERT_FALSE(r);
  EXPECT_FALSE(rig.session->connected());
  EXPECT_EQ(rig.session->last_status(), sftp::StatusCode::kBadMessage);
  std::string partial = slurp(dir / "out");
  EXPECT_GT(partial.size(), 0u);
  EXPECT_LT(partial.size(), content.size());
  EXPECT_TRUE(content.compare(0, partial.size(), partial) == 0);
  EXPECT_FALSE(rig.session->stat("/x"));
}

TEST(SftpClientSession, InterruptStopsDrainsAndCutsAtPrefix) {
  TempDir dir;
  std::string content = pattern_bytes(400000);
  ScriptedSftpServer server(SftpScript{.content = content, .short_read = kShortRead});
  SftpSessionOptions options;
  options.request_size = 4096;
  options.requests_in_flight = 8;
  ScriptedSftpRig rig(server, options);
  ASSERT_TRUE(rig.session);
  volatile std::sig_atomic_t flag = 0;
  TransferOptions t;
  t.interrupted = &flag;
  t.progress = [&](std::uint64_t done, std::uint64_t) {
    if (done > 100000) flag = 1;
  };
  auto r = rig.session->download("/x", dir / "out", t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "Interrupted");
  EXPECT_TRUE(rig.session->connected());  // drained: the session stays usable
  std::string partial = slurp(dir / "out");
  EXPECT_GT(partial.size(), 100000u);
  EXPECT_LT(partial.size(), content.size());
  EXPECT_TRUE(content.compare(0, partial.size(), partial) == 0);
  EXPECT_TRUE(rig.session->stat("/x"));
}

// A get of a plain path: its LSTAT, STAT and OPEN reach the server as one batch (one
// round trip, not three), the server answers them in reverse order, and the glob, the
// STAT and the download each take their own reply; the file arrives whole.
TEST(SftpClientSession, LookupsAheadOfAGetGoOutTogether) {
  using T = sftp::PacketType;
  TempDir dir;
  std::string content = pattern_bytes(100000);
  ScriptedSftpServer server(SftpScript{.content = content});
  ScriptedSftpRig rig(server, {});
  ASSERT_TRUE(rig.session);
  {
    LookupsAheadForGet ahead(*rig.session, "/d//f", false);
    auto matches = remote_glob(*rig.session, "/d//f");
    ASSERT_TRUE(matches);
    ASSERT_EQ(matches->size(), 1u);
    EXPECT_EQ((*matches)[0].path, "/d/f");
    auto attrs = rig.session->stat("/d/f");
    ASSERT_TRUE(attrs);
    EXPECT_EQ(attrs->size, content.size());
    TransferOptions t;
    t.remote_attrs = *attrs;
    ASSERT_TRUE(rig.session->download("/d/f", dir / "out", t));
  }
  EXPECT_EQ(slurp(dir / "out"), content);
  auto batches = server.batches();
  ASSERT_GE(batches.size(), 2u);
  EXPECT_EQ(batches[1], (std::vector<T>{T::kLstat, T::kStat, T::kOpen}));
  for (std::size_t i = 2; i < batches.size(); ++i)  // then READs and the CLOSE, nothing looked up again
    for (T t : batches[i]) EXPECT_TRUE(t == T::kRead || t == T::kClose) << static_cast<int>(t);
  EXPECT_EQ(server.framing_errors(), 0);
}

// Lookups nobody takes (the glob found a directory, the get failed early) are collected
// when the scope ends: a handle opened ahead is closed, and the session goes on in step.
// With -r no OPEN goes ahead, and a pattern with metacharacters sends nothing ahead.
TEST(SftpClientSession, LookupsAheadNobodyTakesAreSettled) {
  using T = sftp::PacketType;
  ScriptedSftpServer server(SftpScript{.content = "abc"});
  ScriptedSftpRig rig(server, {});
  ASSERT_TRUE(rig.session);
  { LookupsAheadForGet ahead(*rig.session, "/a", false); }
  { LookupsAheadForGet ahead(*rig.session, "/b", true); }
  { LookupsAheadForGet ahead(*rig.session, "/c*", false); }
  auto attrs = rig.session->lstat("/e");  // a later call gets its own reply
  ASSERT_TRUE(attrs) << attrs.error().message();
  EXPECT_EQ(attrs->size, 3u);
  EXPECT_TRUE(rig.session->connected());
  std::vector<T> sent;
  for (const auto& b : server.batches())
    for (T t : b) sent.push_back(t);
  EXPECT_EQ(sent, (std::vector<T>{T::kInit, T::kLstat, T::kStat, T::kOpen, T::kClose, T::kLstat, T::kStat, T::kLstat}));
}

// The READ that finds EOF goes at the known size while the last blocks are in flight,
// in the same batch: EOF is known when they are in, not a round trip later. The short
// last block's tail is that READ's range, so it is not asked for again.
TEST(SftpClientSession, EofProbeTravelsWithTheLastBlocks) {
  TempDir dir;
  std::string content = pattern_bytes(100000);  // 3 x 32 KiB and 1696 bytes
  ScriptedSftpServer server(SftpScript{.content = content});
  ScriptedSftpRig rig(server, {});
  ASSERT_TRUE(rig.session);
  ASSERT_TRUE(rig.session->download("/f", dir / "out"));
  EXPECT_EQ(slurp(dir / "out"), content);
  auto reads = server.read_batches();
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0], (std::vector<std::uint64_t>{0, 32768, 65536, 98304, 100000}));
}

// A file that grew after its STAT is still read to its end: the probe at the old size
// brings bytes, and probes go on from there until EOF.
TEST(SftpClientSession, FileThatGrewIsReadToItsEnd) {
  TempDir dir;
  std::string content = pattern_bytes(120000);
  ScriptedSftpServer server(SftpScript{.content = content, .stat_size = 50000});
  ScriptedSftpRig rig(server, {});
  ASSERT_TRUE(rig.session);
  ASSERT_TRUE(rig.session->download("/f", dir / "out"));
  EXPECT_EQ(slurp(dir / "out"), content);
  std::vector<std::uint64_t> all;
  for (const auto& b : server.read_batches()) all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(all, (std::vector<std::uint64_t>{0, 32768, 50000, 82768, 115536, 120000}));
}

// limits@openssh.com and REALPATH "." go out at the start, and their replies are taken
// when first needed: a get made right after the start travels with them, in one round
// trip. The READs use the server's limit, and realpath(".") asks nothing again.
TEST(SftpClientSession, StartRequestsTravelWithTheFirstCommand) {
  using T = sftp::PacketType;
  TempDir dir;
  std::string content = pattern_bytes(200000);
  ScriptedSftpServer server(SftpScript{.content = content, .limits_read = 65536});
  SftpSessionOptions options;
  options.prefetch_working_directory = true;
  ScriptedSftpRig rig(server, options);
  ASSERT_TRUE(rig.session);
  {
    LookupsAheadForGet ahead(*rig.session, "/f", false);
    auto matches = remote_glob(*rig.session, "/f");
    ASSERT_TRUE(matches);
    ASSERT_EQ(matches->size(), 1u);
    ASSERT_TRUE(rig.session->download("/f", dir / "out"));
  }
  EXPECT_EQ(slurp(dir / "out"), content);
  auto cwd = rig.session->realpath(".");
  ASSERT_TRUE(cwd) << cwd.error().message();
  EXPECT_EQ(*cwd, "/cwd");
  EXPECT_EQ(rig.session->limits().max_read_length, 65536u);
  auto batches = server.batches();
  ASSERT_GE(batches.size(), 2u);
  EXPECT_EQ(batches[1], (std::vector<T>{T::kExtended, T::kRealpath, T::kLstat, T::kStat, T::kOpen}));
  std::size_t realpaths = 0;
  for (const auto& b : batches) realpaths += static_cast<std::size_t>(std::count(b.begin(), b.end(), T::kRealpath));
  EXPECT_EQ(realpaths, 1u);
  auto reads = server.read_batches();
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads[0], (std::vector<std::uint64_t>{0, 65536, 131072, 196608, 200000}));
}

// A plain upload's CLOSE goes out right behind its last WRITE (its reply then comes
// with theirs, here even first: the server answers the batch in reverse order).
TEST(SftpClientSession, UploadClosesRightBehindItsLastWrite) {
  using T = sftp::PacketType;
  TempDir dir;
  std::string content = pattern_bytes(100000);
  spill(dir / "src", content);
  ScriptedSftpServer server(SftpScript{});
  ScriptedSftpRig rig(server, {});
  ASSERT_TRUE(rig.session);
  auto r = rig.session->upload(dir / "src", "/up");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(server.received(), content);
  auto batches = server.batches();
  ASSERT_GE(batches.size(), 3u);
  EXPECT_EQ(batches[1], std::vector<T>{T::kOpen});
  EXPECT_EQ(batches[2], (std::vector<T>{T::kWrite, T::kWrite, T::kWrite, T::kWrite, T::kClose}));
  EXPECT_EQ(batches.size(), 3u);
}

// A put to a named destination: the OPEN goes with the STAT that decides whether the
// destination is a directory, and the upload takes it (same flags and mode).
TEST(SftpClientSession, UploadOpenTravelsWithTheDestinationStat) {
  using T = sftp::PacketType;
  TempDir dir;
  std::string content = pattern_bytes(40000);
  spill(dir / "src", content);
  ASSERT_EQ(::chmod((dir / "src").c_str(), 0640), 0);
  ScriptedSftpServer server(SftpScript{.content = "x"});
  ScriptedSftpRig rig(server, {});
  ASSERT_TRUE(rig.session);
  rig.session->send_ahead_for_upload("/up", 0640);
  auto attrs = rig.session->stat("/up");
  ASSERT_TRUE(attrs);
  EXPECT_FALSE(attrs->is_directory());
  auto r = rig.session->upload(dir / "src", "/up");
  ASSERT_TRUE(r) << r.error().message();
  rig.session->settle_ahead();
  EXPECT_EQ(server.received(), content);
  auto batches = server.batches();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[1], (std::vector<T>{T::kStat, T::kOpen}));
  EXPECT_EQ(batches[2], (std::vector<T>{T::kWrite, T::kWrite, T::kClose}));
}

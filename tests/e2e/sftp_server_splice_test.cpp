// Our sftp-server with pipes on both sides (as our sshd runs it), where READ payloads
// are spliced from the file to the output pipe: a batch that reads a region, writes
// it and reads it again, all sent before any reply is read, gets the old bytes first
// and the new ones second, replies in request order, and OpenSSH's close log line.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>

#include "sshcore/apps/sftp/sftp_protocol.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshpp::test {
namespace {

namespace sftp = sshcore::apps::sftp;
using sftp::PacketType;

std::string random_text(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  return data;
}

class Batch {
 public:
  template <class Body>
  void add(PacketType type, std::uint32_t id, Body&& body) {
    sshcore::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(type));
    w.u32(id);  // the version, for INIT
    body(w);
    sftp::frame_packet(bytes_, w.view());
  }
  std::string text() const { return std::string(sshcore::as_chars(sshcore::ByteView(bytes_))); }

 private:
  sshcore::Bytes bytes_;
};

struct Reply {
  std::uint8_t type = 0;
  std::uint32_t id = 0;
  std::string rest;
};

std::vector<Reply> parse(const std::string& out) {
  std::vector<Reply> replies;
  sftp::PacketFramer framer(1 << 24);
  framer.feed(sshcore::as_bytes(out));
  while (auto next = framer.next()) {
    if (!*next) break;
    sshcore::wire::Reader r(**next);
    Reply reply;
    reply.type = *r.u8();
    reply.id = *r.u32();
    reply.rest = std::string(sshcore::as_chars(r.rest()));
    replies.push_back(std::move(reply));
  }
  EXPECT_EQ(framer.buffered(), 0u);
  return replies;
}

std::string data_of(const Reply& r) {
  EXPECT_EQ(r.type, static_cast<std::uint8_t>(PacketType::kData));
  sshcore::wire::Reader rd(r.rest);
  auto s = rd.string();
  return s ? std::string(sshcore::as_chars(*s)) : std::string();
}

TEST(SftpServerSpliceE2e, ReadThenWriteInOneBatchReturnsOldBytesThenNewOnes) {
  TempDir dir;
  std::string old_bytes = random_text(1024 * 1024 + 1, 11);
  std::string new_bytes = random_text(200000, 12);
  std::ofstream(dir / "f", std::ios::binary) << old_bytes;

  std::string handle("\0\0\0\0", 4);  // the first handle sftp-server hands out
  Batch b;
  b.add(PacketType::kInit, 3, [](sshcore::wire::Writer&) {});
  b.add(PacketType::kOpen, 1, [&](sshcore::wire::Writer& w) {
    w.string(dir / "f");
    w.u32(sftp::kOpenRead | sftp::kOpenWrite);
    sftp::write_attributes(w, sftp::FileAttributes{});
  });
  constexpr std::uint32_t kChunk = 255 * 1024;  // sftp-server's largest READ
  std::uint32_t id = 100;
  auto reads = [&] {
    for (std::uint64_t off = 0; off < old_bytes.size(); off += kChunk)
      b.add(PacketType::kRead, id++, [&](sshcore::wire::Writer& w) {
        w.string(handle);
        w.u64(off);
        w.u32(kChunk);
      });
  };
  reads();
  b.add(PacketType::kWrite, 2, [&](sshcore::wire::Writer& w) {
    w.string(handle);
    w.u64(0);
    w.string(new_bytes);
  });
  reads();
  b.add(PacketType::kClose, 3, [&](sshcore::wire::Writer& w) { w.string(handle); });

  RunOptions options;
  options.stdin_data = b.text();
  auto r = run({our_bin("sftp-server"), "-e", "-l", "INFO"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto replies = parse(r.out);
  std::size_t reads_per_pass = (old_bytes.size() + kChunk - 1) / kChunk;
  ASSERT_EQ(replies.size(), 1 + 1 + reads_per_pass + 1 + reads_per_pass + 1);
  EXPECT_EQ(replies[1].type, static_cast<std::uint8_t>(PacketType::kHandle));
  std::string first, second;
  std::size_t at = 2;
  std::uint32_t expect_id = 100;
  for (std::size_t i = 0; i < reads_per_pass; ++i, ++at) {
    EXPECT_EQ(replies[at].id, expect_id++);
    first += data_of(replies[at]);
  }
  EXPECT_EQ(replies[at].id, 2u);
  EXPECT_EQ(replies[at].type, static_cast<std::uint8_t>(PacketType::kStatus));
  ++at;
  for (std::size_t i = 0; i < reads_per_pass; ++i, ++at) {
    EXPECT_EQ(replies[at].id, expect_id++);
    second += data_of(replies[at]);
  }
  EXPECT_EQ(replies[at].id, 3u);
  EXPECT_TRUE(first == old_bytes);
  std::string expected = new_bytes + old_bytes.substr(new_bytes.size());
  EXPECT_TRUE(second == expected);
  std::string close_line = "close \"" + (dir / "f") + "\" bytes read " + std::to_string(2 * old_bytes.size()) +
                           " written " + std::to_string(new_bytes.size());
  EXPECT_NE(r.err.find(close_line), std::string::npos) << r.err;
}

// An upload of large WRITEs (after the first, their data is spliced from the pipe to
// the file), one to a handle that does not exist and one to a file opened for append
// (both with their data still in the pipe), then a READ: every byte lands where it
// should, the refused data is skipped, and the replies and log line are OpenSSH's.
TEST(SftpServerSpliceE2e, LargeWritesLandAndRefusedDataIsSkipped) {
  TempDir dir;
  std::string content = random_text(64 * 1024 * 1024 + 1, 21);
  std::string tail = random_text(100000, 22);
  std::string h0("\0\0\0\0", 4), h1("\0\0\0\1", 4), bad("\0\0\0\7", 4);
  Batch b;
  b.add(PacketType::kInit, 3, [](sshcore::wire::Writer&) {});
  auto open = [&](std::uint32_t id, const std::string& name, std::uint32_t flags) {
    b.add(PacketType::kOpen, id, [&](sshcore::wire::Writer& w) {
      w.string(dir / name);
      w.u32(flags);
      sftp::write_attributes(w, sftp::FileAttributes{});
    });
  };
  auto write = [&](std::uint32_t id, const std::string& handle, std::uint64_t off, std::string_view data) {
    b.add(PacketType::kWrite, id, [&](sshcore::wire::Writer& w) {
      w.string(handle);
      w.u64(off);
      w.string(data);
    });
  };
  open(1, "up", sftp::kOpenWrite | sftp::kOpenCreate | sftp::kOpenTruncate);
  open(2, "log", sftp::kOpenWrite | sftp::kOpenCreate | sftp::kOpenAppend);
  constexpr std::size_t kChunk = 255 * 1024;
  std::uint32_t id = 100;
  std::size_t writes = 0;
  for (std::size_t off = 0; off < content.size(); off += kChunk, ++writes) {
    write(id++, h0, off, std::string_view(content).substr(off, kChunk));
    if (writes == 3) write(7, bad, 0, tail);           // no such handle: FAILURE
    if (writes == 5) write(8, h1, 12345, tail);        // APPEND: at the end whatever the offset
  }
  b.add(PacketType::kClose, 9, [&](sshcore::wire::Writer& w) { w.string(h0); });
  b.add(PacketType::kClose, 10, [&](sshcore::wire::Writer& w) { w.string(h1); });

  RunOptions options;
  options.stdin_data = b.text();
  auto r = run({our_bin("sftp-server"), "-e", "-l", "INFO"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto replies = parse(r.out);
  ASSERT_EQ(replies.size(), 1 + 2 + writes + 2 + 2);
  std::uint32_t expect_id = 100;
  for (std::size_t i = 3; i < replies.size(); ++i) {
    sshcore::wire::Reader rd(replies[i].rest);
    ASSERT_EQ(replies[i].type, static_cast<std::uint8_t>(PacketType::kStatus));
    auto code = static_cast<sftp::StatusCode>(*rd.u32());
    if (replies[i].id == 7) {
      EXPECT_EQ(code, sftp::StatusCode::kFailure);
    } else {
      EXPECT_EQ(code, sftp::StatusCode::kOk) << replies[i].id;
      if (replies[i].id >= 100) {
        EXPECT_EQ(replies[i].id, expect_id++);
      }
    }
  }
  EXPECT_TRUE(read_text(dir / "up") == content);
  EXPECT_TRUE(read_text(dir / "log") == tail);
  std::string close_line =
      "close \"" + (dir / "up") + "\" bytes read 0 written " + std::to_string(content.size());
  EXPECT_NE(r.err.find(close_line), std::string::npos) << r.err;
}

// Read-only mode refuses large WRITEs whose data is still in the pipe; the stream goes
// on after them.
TEST(SftpServerSpliceE2e, ReadOnlyRefusalSkipsTheData) {
  TempDir dir;
  std::ofstream(dir / "f", std::ios::binary) << "unchanged";
  std::string big = random_text(200000, 23);
  Batch b;
  b.add(PacketType::kInit, 3, [](sshcore::wire::Writer&) {});
  b.add(PacketType::kOpen, 1, [&](sshcore::wire::Writer& w) {
    w.string(dir / "f");
    w.u32(sftp::kOpenRead);
    sftp::write_attributes(w, sftp::FileAttributes{});
  });
  for (std::uint32_t id = 2; id < 6; ++id)
    b.add(PacketType::kWrite, id, [&](sshcore::wire::Writer& w) {
      w.string(std::string("\0\0\0\0", 4));
      w.u64(0);
      w.string(big);
    });
  b.add(PacketType::kRead, 6, [&](sshcore::wire::Writer& w) {
    w.string(std::string("\0\0\0\0", 4));
    w.u64(0);
    w.u32(100);
  });
  RunOptions options;
  options.stdin_data = b.text();
  auto r = run({our_bin("sftp-server"), "-e", "-R"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto replies = parse(r.out);
  ASSERT_EQ(replies.size(), 7u);
  for (std::size_t i = 2; i < 6; ++i) {
    sshcore::wire::Reader rd(replies[i].rest);
    EXPECT_EQ(static_cast<sftp::StatusCode>(*rd.u32()), sftp::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(data_of(replies[6]), "unchanged");
}

}  // namespace
}  // namespace sshpp::test

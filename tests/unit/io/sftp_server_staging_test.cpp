// The SFTP server engine with READ payloads staged in a real SplicePipe (what
// sftp-server does when its output is a pipe): replies reassembled from the engine's
// bytes and staged runs match the files byte for byte; a short file, end of file and
// a full staging pipe (copied instead, or partly) work; and a request after a READ
// waits until the staged bytes are out, so a READ then WRITE of the same region in one
// batch returns the old bytes even though staged bytes are read when drained.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "sshcore/apps/sftp/sftp_server.hpp"
#include "sshcore/io/posix_sftp_filesystem.hpp"
#include "sshcore/io/splice_pipe.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/temp_dir.hpp"

namespace sftp = sshcore::apps::sftp;
using sftp::PacketType;
using sftp::StatusCode;
using sshcore::Bytes;
using sshcore::ByteView;

namespace {

std::string random_text(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  return data;
}

void spit(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

struct Reply {
  std::uint8_t type = 0;
  std::uint32_t id = 0;
  Bytes rest;  // after the id
  StatusCode status() const {
    sshcore::wire::Reader r{ByteView(rest)};
    return static_cast<StatusCode>(*r.u32());
  }
  std::string data() const {
    sshcore::wire::Reader r{ByteView(rest)};
    return std::string(sshcore::as_chars(*r.string()));
  }
};

class StagingHarness {
 public:
  explicit StagingHarness(std::size_t capacity)
      : pipe_(*sshcore::io::SplicePipe::open(capacity)), fs_(&pipe_), server_({}, fs_) {
    auto sink = sshcore::io::make_pipe();
    EXPECT_TRUE(sink);
    sink_ = std::move(*sink);
    EXPECT_TRUE(sshcore::io::set_nonblocking(sink_.read.get()));
    EXPECT_TRUE(sshcore::io::set_nonblocking(sink_.write.get()));
    queue(PacketType::kInit, [](sshcore::wire::Writer& w) { w.u32(3); });
  }

  // Appends a request to the batch; returns its id.
  template <class Body>
  std::uint32_t queue(PacketType type, Body&& body) {
    sshcore::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(type));
    std::uint32_t id = type == PacketType::kInit ? 0 : ++id_;
    if (type != PacketType::kInit) w.u32(id);
    body(w);
    sftp::frame_packet(batch_, w.view());
    return id;
  }
  std::uint32_t queue_read(const std::string& handle, std::uint64_t offset, std::uint32_t len) {
    return queue(PacketType::kRead, [&](sshcore::wire::Writer& w) {
      w.string(handle);
      w.u64(offset);
      w.u32(len);
    });
  }
  std::uint32_t queue_write(const std::string& handle, std::uint64_t offset, std::string_view data) {
    return queue(PacketType::kWrite, [&](sshcore::wire::Writer& w) {
      w.string(handle);
      w.u64(offset);
      w.string(data);
    });
  }
  std::uint32_t queue_handle_request(PacketType type, const std::string& handle) {
    return queue(type, [&](sshcore::wire::Writer& w) { w.string(handle); });
  }
  void queue_raw(ByteView framed) { batch_.insert(batch_.end(), framed.begin(), framed.end()); }

  // Feeds the batch at once, without draining in between.
  void send() {
    ASSERT_TRUE(server_.receive(batch_));
    batch_.clear();
  }

  // Drains everything as sftp-server's loop does (resuming held requests) and parses it.
  std::vector<Reply> drain(bool expect_ok = true) {
    for (;;) {
      ByteView out = server_.pending_output();
      if (!out.empty()) {
        stream_.insert(stream_.end(), out.begin(), out.end());
        server_.consume_output(out.size());
        continue;
      }
      if (std::size_t run = server_.pending_staged(); run > 0) {
        auto moved = pipe_.drain_to(sink_.write.get(), run);
        EXPECT_TRUE(moved);
        if (!moved) break;
        staged_total_ += *moved;
        server_.consume_staged(*moved);
        take_sink();
        continue;
      }
      EXPECT_EQ(server_.pending_size(), 0u);
      if (!server_.blocked()) break;
      auto resumed = server_.resume();
      EXPECT_EQ(resumed.has_value(), expect_ok);
      if (!resumed) break;
    }
    EXPECT_EQ(pipe_.held(), 0u);
    std::vector<Reply> replies;
    sftp::PacketFramer framer(1 << 24);
    framer.feed(stream_);
    stream_.clear();
    while (auto next = framer.next()) {
      if (!*next) break;
      sshcore::wire::Reader r(**next);
      Reply reply;
      reply.type = *r.u8();
      if (reply.type != static_cast<std::uint8_t>(PacketType::kVersion)) reply.id = *r.u32();
      ByteView rest = r.rest();
      reply.rest.assign(rest.begin(), rest.end());
      replies.push_back(std::move(reply));
    }
    EXPECT_EQ(framer.buffered(), 0u);
    return replies;
  }

  std::string open(const std::string& path, std::uint32_t flags) {
    queue(PacketType::kOpen, [&](sshcore::wire::Writer& w) {
      w.string(path);
      w.u32(flags);
      sftp::write_attributes(w, sftp::FileAttributes{});
    });
    send();
    auto replies = drain();
    EXPECT_EQ(replies.back().type, static_cast<std::uint8_t>(PacketType::kHandle));
    sshcore::wire::Reader r{ByteView(replies.back().rest)};
    return std::string(sshcore::as_chars(*r.string()));
  }

  sftp::SftpServer& server() { return server_; }
  std::size_t staged_total() const { return staged_total_; }

 private:
  void take_sink() {
    std::uint8_t buf[65536];
    for (;;) {
      ssize_t n = ::read(sink_.read.get(), buf, sizeof buf);
      if (n <= 0) break;
      stream_.insert(stream_.end(), buf, buf + n);
    }
  }

  sshcore::io::SplicePipe pipe_;
  sshcore::io::PosixSftpFilesystem fs_;
  sftp::SftpServer server_;
  sshcore::io::PipeEnds sink_;
  Bytes batch_;
  Bytes stream_;
  std::uint32_t id_ = 0;
  std::size_t staged_total_ = 0;
};

constexpr std::uint32_t kRead = sftp::kOpenRead;
constexpr std::uint32_t kReadWrite = sftp::kOpenRead | sftp::kOpenWrite;

TEST(SftpServerStaging, PipelinedReadsMatchTheFileAndAreStaged) {
  sshpp::test::TempDir dir;
  std::string content = random_text(1024 * 1024 + 1, 1);
  spit(dir / "f", content);
  StagingHarness h(4 * 1024 * 1024);
  std::string handle = h.open(dir / "f", kRead);
  constexpr std::uint32_t kChunk = 32768;
  std::vector<std::uint32_t> ids;
  for (std::uint64_t off = 0; off < content.size() + kChunk; off += kChunk) ids.push_back(h.queue_read(handle, off, kChunk));
  h.send();
  EXPECT_GT(h.server().pending_size(), 0u);
  auto replies = h.drain();
  ASSERT_EQ(replies.size(), ids.size());
  std::string got;
  for (std::size_t i = 0; i + 1 < replies.size(); ++i) {
    ASSERT_EQ(replies[i].type, static_cast<std::uint8_t>(PacketType::kData)) << i;
    EXPECT_EQ(replies[i].id, ids[i]);
    got += replies[i].data();
  }
  EXPECT_EQ(replies.back().status(), StatusCode::kEof);
  EXPECT_TRUE(got == content);
  // Every payload byte went by reference: READs that found the staging pipe full (it
  // may hold less than asked for) waited for it to drain instead of copying.
  EXPECT_EQ(h.staged_total(), content.size());
}

TEST(SftpServerStaging, ReadThenWriteOfTheSameRegionReturnsTheOldBytes) {
  sshpp::test::TempDir dir;
  std::string old_bytes = random_text(100000, 2);
  std::string new_bytes = random_text(100000, 3);
  spit(dir / "f", old_bytes);
  StagingHarness h(1024 * 1024);
  std::string handle = h.open(dir / "f", kReadWrite);
  std::uint32_t read1 = h.queue_read(handle, 0, 100000);
  std::uint32_t write = h.queue_write(handle, 0, new_bytes);
  std::uint32_t read2 = h.queue_read(handle, 0, 100000);
  std::uint32_t close = h.queue_handle_request(PacketType::kClose, handle);
  h.send();
  EXPECT_TRUE(h.server().blocked());  // the WRITE waits for the staged READ payload
  auto replies = h.drain();
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].id, read1);
  EXPECT_TRUE(replies[0].data() == old_bytes);
  EXPECT_EQ(replies[1].id, write);
  EXPECT_EQ(replies[1].status(), StatusCode::kOk);
  EXPECT_EQ(replies[2].id, read2);
  EXPECT_TRUE(replies[2].data() == new_bytes);
  EXPECT_EQ(replies[3].id, close);
  EXPECT_EQ(replies[3].status(), StatusCode::kOk);
  EXPECT_FALSE(h.server().blocked());
}

TEST(SftpServerStaging, ShortFileEmptyFileAndEndOfFile) {
  sshpp::test::TempDir dir;
  spit(dir / "short", "0123456789");
  spit(dir / "empty", "");
  StagingHarness h(1024 * 1024);
  std::string s = h.open(dir / "short", kRead);
  std::string e = h.open(dir / "empty", kRead);
  h.queue_read(s, 0, 100);
  h.queue_read(s, 4, 3);
  h.queue_read(s, 10, 100);
  h.queue_read(s, 1u << 30, 100);
  h.queue_read(e, 0, 100);
  h.queue_read(s, 0, 0);
  h.send();
  auto replies = h.drain();
  ASSERT_EQ(replies.size(), 6u);
  EXPECT_EQ(replies[0].data(), "0123456789");
  EXPECT_EQ(replies[1].data(), "456");
  EXPECT_EQ(replies[2].status(), StatusCode::kEof);
  EXPECT_EQ(replies[3].status(), StatusCode::kEof);
  EXPECT_EQ(replies[4].status(), StatusCode::kEof);
  EXPECT_EQ(replies[5].status(), StatusCode::kEof);
}

TEST(SftpServerStaging, FullPipeFallsBackToCopyingWithoutReordering) {
  sshpp::test::TempDir dir;
  std::string content = random_text(3 * 1024 * 1024 + 17, 4);
  spit(dir / "f", content);
  StagingHarness h(64 * 1024);  // far less than the batch asks for
  std::string handle = h.open(dir / "f", kRead);
  constexpr std::uint32_t kChunk = sftp::kMaxReadLength;
  for (std::uint64_t off = 0; off < content.size(); off += kChunk) h.queue_read(handle, off, kChunk);
  h.send();
  auto replies = h.drain();
  std::string got;
  for (const Reply& r : replies) got += r.data();
  EXPECT_TRUE(got == content);
  EXPECT_GT(h.staged_total(), 0u);
  EXPECT_LT(h.staged_total(), content.size());  // partly staged, the rest copied
}

TEST(SftpServerStaging, OtherRequestsAndGarbageWaitBehindStagedBytes) {
  sshpp::test::TempDir dir;
  spit(dir / "f", "hello world");
  StagingHarness h(1024 * 1024);
  std::string handle = h.open(dir / "f", kRead);
  h.queue_read(handle, 0, 5);
  std::uint32_t stat = h.queue_handle_request(PacketType::kFstat, handle);
  std::uint8_t unknown[] = {0, 0, 0, 5, 0xee, 0, 0, 0, 99};  // an unknown type, id 99
  h.queue_raw(unknown);
  h.queue_read(handle, 6, 5);
  h.send();
  EXPECT_TRUE(h.server().blocked());
  // While blocked, further input is kept, not answered out of order.
  ASSERT_TRUE(h.server().receive({}));
  EXPECT_TRUE(h.server().blocked());
  auto replies = h.drain();
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].data(), "hello");
  EXPECT_EQ(replies[1].id, stat);
  EXPECT_EQ(replies[1].type, static_cast<std::uint8_t>(PacketType::kAttrs));
  EXPECT_EQ(replies[2].id, 99u);
  EXPECT_EQ(replies[2].status(), StatusCode::kOpUnsupported);
  EXPECT_EQ(replies[3].data(), "world");
}

TEST(SftpServerStaging, UnparseableRequestHeldBehindStagedBytesStillEndsTheSession) {
  sshpp::test::TempDir dir;
  spit(dir / "f", "hello world");
  StagingHarness h(1024 * 1024);
  std::string handle = h.open(dir / "f", kRead);
  h.queue_read(handle, 0, 5);
  std::uint8_t no_id[] = {0, 0, 0, 2, static_cast<std::uint8_t>(PacketType::kFstat), 1};
  h.queue_raw(no_id);
  h.send();
  EXPECT_TRUE(h.server().blocked());
  EXPECT_GT(h.server().pending_size(), 0u);
  EXPECT_TRUE(h.server().resume());  // the staged bytes are not out yet: still waiting
  EXPECT_TRUE(h.server().blocked());
  h.drain(false);
  EXPECT_TRUE(h.server().finished());
}

}  // namespace

// WRITE data left in the input pipe (SftpServer::receive_write_head with the POSIX
// files' write_from_input): written at the offset, answered, counted; refused for a bad
// handle (the caller drops the data); and not taken while READ bytes are staged.
TEST(SftpServerStaging, WriteDataSplicedFromTheInputPipe) {
  sshpp::test::TempDir dir;
  auto input = sshcore::io::make_pipe();
  ASSERT_TRUE(input);
  ASSERT_EQ(::fcntl(input->write.get(), F_SETPIPE_SZ, 1024 * 1024), 1024 * 1024);
  sshcore::io::SplicePipe staging = *sshcore::io::SplicePipe::open(1024 * 1024);
  sshcore::io::PosixSftpFilesystem fs(&staging, input->read.get());
  sftp::SftpServer server({}, fs);
  Bytes init;
  sftp::frame_packet(init, std::vector<std::uint8_t>{1, 0, 0, 0, 3});
  Bytes open_packet;
  {
    sshcore::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(PacketType::kOpen));
    w.u32(1);
    w.string(dir / "f");
    w.u32(sftp::kOpenRead | sftp::kOpenWrite | sftp::kOpenCreate);
    sftp::write_attributes(w, sftp::FileAttributes{});
    sftp::frame_packet(open_packet, w.view());
  }
  ASSERT_TRUE(server.receive(init));
  ASSERT_TRUE(server.receive(open_packet));
  server.consume_output(server.pending_output().size());
  auto head = [](std::uint32_t id, std::string_view handle, std::uint64_t offset, std::uint32_t n) {
    sshcore::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(PacketType::kWrite));
    w.u32(id);
    w.string(handle);
    w.u64(offset);
    w.u32(n);
    return Bytes(w.view().begin(), w.view().end());
  };
  std::string handle("\0\0\0\0", 4);
  std::string data = random_text(300000, 5);
  ASSERT_EQ(::write(input->write.get(), data.data(), data.size()), static_cast<ssize_t>(data.size()));
  using WriteData = sftp::SftpServer::WriteData;
  EXPECT_EQ(server.receive_write_head(head(2, handle, 10, 200000), 200000), WriteData::kWritten);
  EXPECT_EQ(server.receive_write_head(head(3, std::string("\0\0\0\x09", 4), 0, 100000), 100000), WriteData::kDiscard);
  sshcore::io::discard_from_pipe(input->read.get(), 100000);
  // A mismatched data length is not taken: the caller feeds the packet as usual.
  EXPECT_EQ(server.receive_write_head(head(4, handle, 0, 5), 6), WriteData::kRead);
  std::string on_disk(200010, '\0');
  int fd = ::open((dir / "f").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::pread(fd, on_disk.data(), on_disk.size(), 0), 200010);
  ::close(fd);
  EXPECT_TRUE(on_disk == std::string(10, '\0') + data.substr(0, 200000));

  // While READ bytes are staged a WRITE must wait: not taken here.
  Bytes read_packet;
  {
    sshcore::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(PacketType::kRead));
    w.u32(5);
    w.string(handle);
    w.u64(0);
    w.u32(1000);
    sftp::frame_packet(read_packet, w.view());
  }
  ASSERT_TRUE(server.receive(read_packet));
  EXPECT_TRUE(server.has_staged());
  EXPECT_EQ(server.receive_write_head(head(6, handle, 0, 10), 10), WriteData::kRead);

  // Replies: OK for the WRITE, FAILURE for the bad handle, in order.
  sftp::PacketFramer framer(1 << 20);
  framer.feed(server.pending_output());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> statuses;
  while (auto next = framer.next()) {
    if (!*next) break;
    sshcore::wire::Reader r(**next);
    if (*r.u8() != static_cast<std::uint8_t>(PacketType::kStatus)) continue;
    std::uint32_t id = *r.u32();
    statuses.emplace_back(id, *r.u32());
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> expected = {
      {2, static_cast<std::uint32_t>(StatusCode::kOk)}, {3, static_cast<std::uint32_t>(StatusCode::kFailure)}};
  EXPECT_EQ(statuses, expected);
}

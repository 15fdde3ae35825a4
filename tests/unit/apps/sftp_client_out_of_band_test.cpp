// SftpClient with payloads that bypass the engine (the zero-copy driver's path):
// DATA replies taken header-first while their payload stays in the pipe, and WRITEs
// whose data is staged by the driver. What goes on the wire must be byte for byte
// what the copying calls produce, in the same order, and anything that is not a
// plain DATA to a request in flight must be refused so the ordinary path reports it.
#include <gtest/gtest.h>

#include <random>

#include "sshcore/apps/sftp/sftp_client.hpp"
#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::apps::sftp;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

SftpClient ready_client() {
  SftpClient c;
  c.send_init();
  c.consume_output(c.pending_output().size());
  c.feed(unhex("00000005 02 00000003"));
  auto r = c.next_reply();
  EXPECT_TRUE(r);
  return c;
}

Bytes data_reply(std::uint32_t id, ByteView data, std::size_t trailing = 0) {
  Bytes p;
  std::uint8_t b[4];
  store_be32(b, static_cast<std::uint32_t>(9 + data.size() + trailing));
  append(p, ByteView(b, 4));
  p.push_back(static_cast<std::uint8_t>(PacketType::kData));
  store_be32(b, id);
  append(p, ByteView(b, 4));
  store_be32(b, static_cast<std::uint32_t>(data.size()));
  append(p, ByteView(b, 4));
  append(p, data);
  p.resize(p.size() + trailing, 0x5a);
  return p;
}

ByteView header_of(const Bytes& packet) { return ByteView(packet).first(SftpClient::kDataHeaderLength); }

Bytes pattern(std::size_t n, std::uint32_t seed) {
  Bytes b(n);
  std::mt19937 rng(seed);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

// Sends what the engine queued the way the driver does: bytes, and for each staged run
// the next bytes of `staged_source`, in pieces of random size.
Bytes drain_like_driver(SftpClient& c, ByteView staged_source, std::size_t& staged_used, std::mt19937& rng) {
  Bytes wire;
  for (;;) {
    ByteView out = c.pending_output();
    if (!out.empty()) {
      std::size_t n = std::min<std::size_t>(out.size(), 1 + rng() % 97);
      append(wire, out.first(n));
      c.consume_output(n);
      continue;
    }
    std::size_t run = c.pending_staged();
    if (run == 0) break;
    std::size_t n = std::min<std::size_t>(run, 1 + rng() % 300);
    append(wire, staged_source.subspan(staged_used, n));
    staged_used += n;
    c.consume_staged(n);
  }
  return wire;
}

}  // namespace

TEST(SftpClientOutOfBand, DataHeaderTakenWhilePayloadStaysOut) {
  SftpClient c = ready_client();
  std::uint32_t id = c.send_read(as_bytes(std::string_view("h")), 0, 8);
  std::uint32_t other = c.send_read(as_bytes(std::string_view("h")), 8, 8);
  Bytes packet = data_reply(id, as_bytes(std::string_view("abcdefgh")));
  ASSERT_TRUE(c.at_packet_boundary());
  auto h = c.data_header(header_of(packet));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->id, id);
  EXPECT_EQ(h->length, 8u);
  auto reply = c.take_data_header(header_of(packet));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, PacketType::kData);
  EXPECT_EQ(reply->id, id);
  EXPECT_EQ(reply->out_of_band, 8u);
  EXPECT_TRUE(reply->data.empty());
  EXPECT_EQ(c.in_flight(), 1u);
  // Taken once: the id is no longer in flight, so the same header is refused now.
  EXPECT_FALSE(c.data_header(header_of(packet)));
  EXPECT_FALSE(c.take_data_header(header_of(packet)));
  // The stream goes on with the next packet as usual.
  c.feed(data_reply(other, as_bytes(std::string_view("ijklmnop"))));
  auto next = c.next_reply();
  ASSERT_TRUE(next);
  ASSERT_TRUE(*next);
  EXPECT_EQ((*next)->id, other);
  EXPECT_EQ((*next)->out_of_band, 0u);
  EXPECT_EQ(to_string((*next)->data), "ijklmnop");
  EXPECT_EQ(c.in_flight(), 0u);
}

TEST(SftpClientOutOfBand, AnythingButAPlainDataHeaderIsRefused) {
  SftpClient c = ready_client();
  std::uint32_t id = c.send_read(as_bytes(std::string_view("h")), 0, 8);
  ByteView eight = as_bytes(std::string_view("abcdefgh"));
  // A STATUS, trailing bytes after the data, an unknown id, a short header, a length
  // beyond what the framer takes.
  Bytes status = unhex("00000016 65 00000000 00000001 00000003 656f66 00000002 656e");
  store_be32(status.data() + 5, id);
  EXPECT_FALSE(c.data_header(ByteView(status).first(13)));
  EXPECT_FALSE(c.data_header(header_of(data_reply(id, eight, 1))));
  EXPECT_FALSE(c.data_header(header_of(data_reply(id + 7, eight))));
  EXPECT_FALSE(c.data_header(header_of(data_reply(id, eight)).first(12)));
  Bytes huge = data_reply(id, eight);
  store_be32(huge.data(), SftpClient::kMaxReplyLength + 1);
  store_be32(huge.data() + 9, SftpClient::kMaxReplyLength + 1 - 9);
  EXPECT_FALSE(c.data_header(header_of(huge)));
  Bytes wrapped = data_reply(id, eight);
  store_be32(wrapped.data() + 9, 0xfffffff7u);  // 9 + length wraps to 0 in 32 bits
  store_be32(wrapped.data(), 0);
  EXPECT_FALSE(c.data_header(header_of(wrapped)));
  // Not at a packet boundary: bytes of an unfinished packet are buffered.
  Bytes partial = data_reply(id, eight);
  c.feed(ByteView(partial).first(5));
  EXPECT_FALSE(c.at_packet_boundary());
  EXPECT_FALSE(c.data_header(header_of(data_reply(id, eight))));
  EXPECT_FALSE(c.take_data_header(header_of(data_reply(id, eight))));
  EXPECT_EQ(c.in_flight(), 1u);
  // Before VERSION nothing is taken.
  SftpClient fresh;
  fresh.send_init();
  EXPECT_FALSE(fresh.data_header(header_of(data_reply(1, eight))));
}

TEST(SftpClientOutOfBand, GarbageHeadersNeverTakeWhatIsNotInFlight) {
  SftpClient c = ready_client();
  for (int i = 0; i < 16; ++i) c.send_read(as_bytes(std::string_view("h")), 0, 64);
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    Bytes h(SftpClient::kDataHeaderLength);
    for (auto& b : h) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() : rng() % 20);
    if (i % 3 == 0) h[4] = static_cast<std::uint8_t>(PacketType::kData);
    auto taken = c.data_header(h);
    if (!taken) continue;
    EXPECT_EQ(load_be32(h.data()), 9 + taken->length);
    EXPECT_LE(taken->id, 16u);
  }
}

TEST(SftpClientOutOfBand, StagedWriteFramesOnlyTheHeader) {
  SftpClient c = ready_client();
  std::uint32_t id = c.send_write_staged(as_bytes(std::string_view("H")), 0x1122, 10);
  // length 4+1+4+1+8+4 + 10 staged = 0x20; data length 10; nothing of the data itself.
  EXPECT_EQ(hex(c.pending_output()), hex(unhex("00000020 06 00000001 00000001 48 0000000000001122 0000000a")));
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(c.queued_output(), 26u + 10u);
  EXPECT_EQ(c.pending_staged(), 0u);  // the header goes first
  // A request queued behind the run waits for it.
  c.send_path(PacketType::kStat, "x");
  c.consume_output(20);
  EXPECT_EQ(c.pending_staged(), 0u);
  EXPECT_EQ(c.pending_output().size(), 6u);  // stops where the run begins
  c.consume_output(100);                     // never past the run
  EXPECT_TRUE(c.pending_output().empty());
  EXPECT_EQ(c.pending_staged(), 10u);
  c.consume_staged(4);
  EXPECT_EQ(c.pending_staged(), 6u);
  EXPECT_TRUE(c.pending_output().empty());
  c.consume_staged(6);
  EXPECT_EQ(c.pending_staged(), 0u);
  EXPECT_EQ(hex(c.pending_output()), hex(unhex("0000000a 11 00000002 00000001 78")));
  c.consume_output(c.pending_output().size());
  EXPECT_EQ(c.queued_output(), 0u);
}

TEST(SftpClientOutOfBand, StagedPrefixThenCopiedTailAndCancel) {
  SftpClient c = ready_client();
  auto room = c.begin_write(as_bytes(std::string_view("H")), 0, 6, 4);
  ASSERT_EQ(room.size(), 6u);
  room[0] = 'e';
  room[1] = 'f';
  c.finish_write(2);  // 4 staged + 2 copied
  EXPECT_EQ(hex(c.pending_output()), hex(unhex("0000001c 06 00000001 00000001 48 0000000000000000 00000006")));
  c.consume_output(c.pending_output().size());
  EXPECT_EQ(c.pending_staged(), 4u);
  c.consume_staged(4);
  EXPECT_EQ(hex(c.pending_output()), "6566");
  c.consume_output(2);
  // A staged WRITE that is cancelled leaves nothing behind.
  c.begin_write(as_bytes(std::string_view("H")), 0, 6, 4);
  c.cancel_write();
  EXPECT_EQ(c.queued_output(), 0u);
  EXPECT_EQ(c.pending_staged(), 0u);
  EXPECT_TRUE(c.pending_output().empty());
  EXPECT_EQ(c.in_flight(), 1u);
}

// Random mixes of copied, staged and part-staged WRITEs and other requests, sent in
// random pieces: the stream equals what plain send_write() of the same data gives.
TEST(SftpClientOutOfBand, StagedStreamEqualsCopiedStream) {
  std::mt19937 rng(42);
  for (int round = 0; round < 40; ++round) {
    SftpClient staged = ready_client();
    SftpClient copied = ready_client();
    Bytes source = pattern(1 << 20, static_cast<std::uint32_t>(round));
    Bytes staged_bytes;  // what the driver stages, in order
    std::size_t used = 0, staged_used = 0;
    Bytes wire_staged, wire_copied;
    ByteView handle = as_bytes(std::string_view("handle"));
    for (int op = 0; op < 200; ++op) {
      std::size_t len = rng() % 5000;
      if (used + len > source.size()) break;
      ByteView data = ByteView(source).subspan(used, len);
      std::uint64_t offset = rng();
      bool write = true;
      switch (rng() % 4) {
        case 0:
          staged.send_write(handle, offset, data);
          break;
        case 1:
          staged.send_write_staged(handle, offset, len);
          append(staged_bytes, data);
          break;
        case 2: {
          std::size_t prefix = len == 0 ? 0 : rng() % len;
          auto room = staged.begin_write(handle, offset, len - prefix + 17, prefix);
          std::copy(data.begin() + static_cast<std::ptrdiff_t>(prefix), data.end(), room.begin());
          staged.finish_write(len - prefix);
          append(staged_bytes, data.first(prefix));
          break;
        }
        default:
          staged.send_path(PacketType::kStat, "p");
          copied.send_path(PacketType::kStat, "p");
          write = false;
      }
      if (write) copied.send_write(handle, offset, data);
      used += len;
      if (rng() % 3 == 0) append(wire_staged, drain_like_driver(staged, staged_bytes, staged_used, rng));
    }
    append(wire_staged, drain_like_driver(staged, staged_bytes, staged_used, rng));
    append(wire_copied, copied.pending_output());
    EXPECT_EQ(staged_used, staged_bytes.size());
    EXPECT_EQ(staged.queued_output(), 0u);
    ASSERT_EQ(wire_staged.size(), wire_copied.size()) << "round " << round;
    EXPECT_TRUE(wire_staged == wire_copied) << "round " << round;
    EXPECT_EQ(staged.in_flight(), copied.in_flight());
  }
}

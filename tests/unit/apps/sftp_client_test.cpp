// SftpClient (sans-I/O SFTP client engine): request bytes as draft-02 and PROTOCOL
// lay them out (hand-assembled vectors), VERSION and reply parsing, replies in any
// order, DATA as a view, and garbage that must fail cleanly.
#include "sshcore/apps/sftp/sftp_client.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::apps::sftp;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

// A client that has seen VERSION 3 with one extension.
SftpClient ready_client() {
  SftpClient c;
  c.send_init();
  c.consume_output(c.pending_output().size());
  c.feed(unhex("0000000f 02 00000003 00000001 78 00000001 31"));
  auto r = c.next_reply();
  EXPECT_TRUE(r);
  EXPECT_FALSE(r && *r);
  return c;
}

std::string take_output(SftpClient& c) {
  std::string h = hex(c.pending_output());
  c.consume_output(c.pending_output().size());
  return h;
}

}  // namespace

TEST(SftpClient, InitAndVersionWithExtensions) {
  SftpClient c;
  c.send_init();
  EXPECT_EQ(take_output(c), "000000050100000003");
  EXPECT_FALSE(c.server_version());
  // VERSION arriving in two pieces.
  Bytes version = unhex("0000001f 02 00000003 00000001 78 00000001 31 0000000a 6c696d69747340782e79 00000000");
  version[3] = static_cast<std::uint8_t>(version.size() - 4);
  c.feed(ByteView(version).first(7));
  ASSERT_TRUE(c.next_reply());
  EXPECT_FALSE(c.server_version());
  c.feed(ByteView(version).subspan(7));
  auto r = c.next_reply();
  ASSERT_TRUE(r);
  ASSERT_TRUE(c.server_version());
  EXPECT_EQ(c.server_version()->version, 3u);
  EXPECT_EQ(c.server_version()->extensions.at("x"), "1");
  EXPECT_EQ(c.server_version()->extensions.at("limits@x.y"), "");
}

TEST(SftpClient, RequestEncoding) {
  SftpClient c = ready_client();
  FileAttributes none;
  EXPECT_EQ(c.send_open("a", kOpenRead, none), 1u);
  EXPECT_EQ(take_output(c), "00000012" "03" "00000001" "0000000161" "00000001" "00000000");
  EXPECT_EQ(c.send_read(as_bytes("h"), 0x10, 0x8000), 2u);
  EXPECT_EQ(take_output(c), "00000016" "05" "00000002" "0000000168" "0000000000000010" "00008000");
  EXPECT_EQ(c.send_write(as_bytes("h"), 1, as_bytes("xy")), 3u);
  EXPECT_EQ(take_output(c), "00000018" "06" "00000003" "0000000168" "0000000000000001" "000000027879");
  c.send_symlink("target", "link");
  EXPECT_EQ(take_output(c), "00000017" "14" "00000004" "00000006746172676574" "000000046c696e6b");
  FileAttributes mode;
  mode.permissions = 0755;
  c.send_setstat("p", mode);
  EXPECT_EQ(take_output(c), "00000012" "09" "00000005" "0000000170" "00000004" "000001ed");
  c.send_extended("limits@openssh.com", {});
  EXPECT_EQ(take_output(c), "0000001b" "c8" "00000006" "000000126c696d697473406f70656e7373682e636f6d");
  EXPECT_EQ(c.in_flight(), 6u);
}

TEST(SftpClient, RepliesInAnyOrder) {
  SftpClient c = ready_client();
  std::uint32_t a = c.send_read(as_bytes("h"), 0, 4);
  std::uint32_t b = c.send_read(as_bytes("h"), 4, 4);
  std::uint32_t s = c.send_path(PacketType::kStat, "/");
  // DATA for b, STATUS EOF for a, ATTRS for s, all in one feed.
  c.feed(unhex("0000000d 67 00000002 00000004 64617461"
               "00000014 65 00000001 00000001 00000003 454f46 00000000"
               "00000011 69 00000003 00000001 0000000000000007"));
  auto r1 = c.next_reply();
  ASSERT_TRUE(r1 && *r1);
  EXPECT_EQ((*r1)->id, b);
  EXPECT_EQ((*r1)->type, PacketType::kData);
  EXPECT_EQ(as_chars((*r1)->data), "data");
  auto r2 = c.next_reply();
  ASSERT_TRUE(r2 && *r2);
  EXPECT_EQ((*r2)->id, a);
  EXPECT_EQ((*r2)->status, StatusCode::kEof);
  EXPECT_EQ((*r2)->message, "EOF");
  auto r3 = c.next_reply();
  ASSERT_TRUE(r3 && *r3);
  EXPECT_EQ((*r3)->id, s);
  EXPECT_EQ((*r3)->attrs.size.value_or(0), 7u);
  EXPECT_EQ(c.in_flight(), 0u);
  auto none = c.next_reply();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST(SftpClient, NameHandleAndExtendedReplies) {
  SftpClient c = ready_client();
  c.send_path(PacketType::kReaddir, "x");
  c.send_path(PacketType::kOpendir, "x");
  c.send_extended("statvfs@openssh.com", {});
  c.feed(unhex("00000027 68 00000001 00000002 0000000161 000000026c61 00000000 0000000162 000000026c62 00000000"
               "0000000a 66 00000002 00000001 48"
               "00000009 c9 00000003 01020304"));
  auto n = c.next_reply();
  ASSERT_TRUE(n && *n);
  ASSERT_EQ((*n)->names.size(), 2u);
  EXPECT_EQ((*n)->names[1].filename, "b");
  EXPECT_EQ((*n)->names[1].long_name, "lb");
  auto h = c.next_reply();
  ASSERT_TRUE(h && *h);
  EXPECT_EQ(as_chars((*h)->handle), "H");
  auto e = c.next_reply();
  ASSERT_TRUE(e && *e);
  EXPECT_EQ(hex((*e)->extended), "01020304");
}

TEST(SftpClient, RejectsUnknownIdTypeAndTrailingBytes) {
  {
    SftpClient c = ready_client();
    c.send_path(PacketType::kStat, "/");
    c.feed(unhex("00000009 65 00000063 00000000"));  // id 99 never sent
    EXPECT_FALSE(c.next_reply());
  }
  {
    SftpClient c = ready_client();
    c.send_path(PacketType::kStat, "/");
    c.feed(unhex("00000005 07 00000001"));  // a request type as a reply
    EXPECT_FALSE(c.next_reply());
  }
  {
    SftpClient c = ready_client();
    c.send_path(PacketType::kOpendir, "/");
    c.feed(unhex("0000000b 66 00000001 00000001 48 ff"));  // trailing byte
    EXPECT_FALSE(c.next_reply());
  }
  {
    SftpClient c = ready_client();
    c.send_path(PacketType::kReaddir, "/");
    c.feed(unhex("00000009 68 00000001 7fffffff"));  // count the packet cannot hold
    EXPECT_FALSE(c.next_reply());
  }
  {
    SftpClient c;
    c.send_init();
    c.feed(unhex("00000005 65 00000003"));  // not VERSION first
    EXPECT_FALSE(c.next_reply());
  }
  {
    SftpClient c = ready_client();
    c.feed(unhex("ffffffff 65"));  // oversized length
    EXPECT_FALSE(c.next_reply());
  }
}

TEST(SftpClient, GarbageNeverCrashes) {
  std::mt19937 gen(42);
  for (int round = 0; round < 2000; ++round) {
    SftpClient c = ready_client();
    for (int i = 0; i < 4; ++i) c.send_path(PacketType::kStat, "/");
    Bytes junk(gen() % 64);
    for (auto& b : junk) b = static_cast<std::uint8_t>(gen());
    if (junk.size() >= 9) {  // plausible framing so the parsers, not the framer, see it
      store_be32(junk.data(), static_cast<std::uint32_t>(junk.size() - 4));
      junk[4] = static_cast<std::uint8_t>(101 + gen() % 5);
      store_be32(junk.data() + 5, 1 + gen() % 4);
    }
    c.feed(junk);
    for (int i = 0; i < 4; ++i) {
      auto r = c.next_reply();
      if (!r || !*r) break;
    }
  }
}

TEST(SftpClient, WriteFilledInPlaceMatchesSendWrite) {
  SftpClient a = ready_client();
  SftpClient b = ready_client();
  a.send_write(as_bytes("hh"), 7, as_bytes("abc"));
  auto room = b.begin_write(as_bytes("hh"), 7, 100);
  ASSERT_EQ(room.size(), 100u);
  std::memcpy(room.data(), "abc", 3);
  EXPECT_EQ(b.finish_write(3), 1u);
  EXPECT_EQ(take_output(a), take_output(b));
  // A cancelled write leaves nothing behind and uses no id.
  b.begin_write(as_bytes("hh"), 0, 10);
  b.cancel_write();
  EXPECT_TRUE(b.pending_output().empty());
  EXPECT_EQ(b.send_path(PacketType::kStat, "/"), 2u);
  EXPECT_EQ(b.in_flight(), 2u);
}

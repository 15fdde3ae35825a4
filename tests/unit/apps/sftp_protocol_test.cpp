// The shared SFTP pieces: the ATTRS block laid out as draft-ietf-secsh-filexfer-02
// section 5 says, status texts as OpenSSH's, and packet framing with its bound.
#include "sshcore/apps/sftp/sftp_protocol.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace sftp = sshcore::apps::sftp;
using sshcore::Bytes;

namespace {

Bytes encode(const sftp::FileAttributes& a) {
  sshcore::wire::Writer w;
  sftp::write_attributes(w, a);
  auto b = w.view();
  return Bytes(b.begin(), b.end());
}

TEST(SftpAttributes, LayoutFollowsTheDraft) {
  sftp::FileAttributes a;
  a.size = 0x0102030405060708ULL;
  a.uid = 1000;
  a.gid = 100;
  a.permissions = 0100644;
  a.atime = 1;
  a.mtime = 2;
  const Bytes expected = {0x00, 0x00, 0x00, 0x0f,                          // flags: size|uidgid|perm|acmod
                          0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // size
                          0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x64,  // uid gid
                          0x00, 0x00, 0x81, 0xa4,                          // mode 0100644
                          0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02};
  EXPECT_EQ(encode(a), expected);
  sshcore::wire::Reader r(expected);
  auto back = sftp::read_attributes(r);
  ASSERT_TRUE(back);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(back->size, a.size);
  EXPECT_EQ(back->uid, 1000u);
  EXPECT_EQ(back->gid, 100u);
  EXPECT_TRUE(back->is_regular());
  EXPECT_FALSE(back->is_directory());
  EXPECT_EQ(back->mtime, 2u);
}

TEST(SftpAttributes, EmptyBlockIsJustFlags) {
  EXPECT_EQ(encode({}), (Bytes{0, 0, 0, 0}));
}

TEST(SftpAttributes, ExtendedPairsRoundTripAndHugeCountsAreRefused) {
  sftp::FileAttributes a;
  a.extended.push_back({"x@example.org", "data"});
  Bytes wire = encode(a);
  sshcore::wire::Reader r(wire);
  auto back = sftp::read_attributes(r);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->extended.size(), 1u);
  EXPECT_EQ(back->extended[0].type, "x@example.org");

  const Bytes lying = {0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};  // extended, 4 billion pairs, no bytes
  sshcore::wire::Reader r2(lying);
  EXPECT_FALSE(sftp::read_attributes(r2));
}

TEST(SftpAttributes, TruncatedBlocksAreErrors) {
  sftp::FileAttributes a;
  a.size = 5;
  a.atime = 1;
  a.mtime = 1;
  Bytes wire = encode(a);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    sshcore::wire::Reader r(sshcore::ByteView(wire.data(), n));
    EXPECT_FALSE(sftp::read_attributes(r)) << n;
  }
}

TEST(SftpStatus, TextsAreOpenSsh) {
  EXPECT_EQ(sftp::status_message(sftp::StatusCode::kNoSuchFile), "No such file");
  EXPECT_EQ(sftp::status_text(sftp::StatusCode::kNoSuchFile), "No such file or directory");
  EXPECT_EQ(sftp::status_text(static_cast<sftp::StatusCode>(99)), "Unknown status");
  EXPECT_EQ(sftp::status_from_errno(ENOENT), sftp::StatusCode::kNoSuchFile);
  EXPECT_EQ(sftp::status_from_errno(EACCES), sftp::StatusCode::kPermissionDenied);
  EXPECT_EQ(sftp::status_from_errno(ENOSPC), sftp::StatusCode::kFailure);
}

TEST(SftpFraming, PacketsArriveInPiecesAndTogether) {
  Bytes stream;
  sftp::frame_packet(stream, sshcore::as_bytes(std::string_view("\x01\x00\x00\x00\x03", 5)));
  sftp::frame_packet(stream, sshcore::as_bytes(std::string_view("\x02xyz", 4)));
  sftp::PacketFramer framer;
  std::vector<std::string> got;
  for (std::uint8_t byte : stream) {  // one byte at a time
    framer.feed(sshcore::ByteView(&byte, 1));
    while (true) {
      auto p = framer.next();
      ASSERT_TRUE(p);
      if (!*p) break;
      got.emplace_back(sshcore::as_chars(**p));
    }
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], "\x02xyz");
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(SftpFraming, OversizedAndEmptyLengthsAreRefused) {
  sftp::PacketFramer framer(1024);
  const Bytes huge = {0x00, 0x10, 0x00, 0x00, 0x01};
  framer.feed(huge);
  auto p = framer.next();
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, sshcore::Errc::kTooLarge);

  sftp::PacketFramer empty;
  const Bytes zero = {0, 0, 0, 0};
  empty.feed(zero);
  EXPECT_FALSE(empty.next());
}

TEST(SftpLimits, RoundTrip) {
  sftp::Limits l{262144, 261120, 261120, 512};
  sshcore::wire::Writer w;
  sftp::write_limits(w, l);
  auto v = w.view();
  EXPECT_EQ(v.size(), 32u);
  sshcore::wire::Reader r(v);
  auto back = sftp::read_limits(r);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->max_read_length, 261120u);
  EXPECT_EQ(back->max_open_handles, 512u);
}

}  // namespace

#include "sshcore/transport/version_exchange.hpp"

#include <gtest/gtest.h>

using namespace sshcore;
using namespace sshcore::transport;

namespace {
Result<std::optional<PeerIdentification>> feed_all(VersionExchange& v, std::string_view text, std::size_t& used) {
  return v.feed(as_bytes(text), used);
}
}  // namespace

TEST(VersionExchange, OurIdentification) {
  EXPECT_EQ(our_identification(), "SSH-2.0-sshpp_0.1");
  EXPECT_EQ(our_identification("Debian"), "SSH-2.0-sshpp_0.1 Debian");
}

TEST(VersionExchange, ParsesOpenSshLineAndStopsAtIt) {
  VersionExchange v(Role::kClient);
  std::string wire = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n\x00\x00\x01\x0c";
  std::size_t used = 0;
  auto r = feed_all(v, wire, used);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->line, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6");
  EXPECT_EQ((*r)->software, "OpenSSH_9.2p1");
  EXPECT_EQ((*r)->comment, "Debian-2+deb12u6");
  // What OpenSSH logs and matches compat.c against: the comment stays.
  EXPECT_EQ((*r)->software_version(), "OpenSSH_9.2p1 Debian-2+deb12u6");
  EXPECT_EQ(used, wire.find('\n') + 1);  // packet bytes are left for the codec
}

TEST(VersionExchange, ByteAtATimeAndBareLf) {
  VersionExchange v(Role::kClient);
  std::string wire = "SSH-2.0-dropbear_2022.83\n";
  std::optional<PeerIdentification> got;
  for (char c : wire) {
    std::size_t used = 0;
    auto r = v.feed(as_bytes(std::string_view(&c, 1)), used);
    ASSERT_TRUE(r);
    EXPECT_EQ(used, 1u);
    if (r->has_value()) got = **r;
  }
  ASSERT_TRUE(got);
  EXPECT_EQ(got->software, "dropbear_2022.83");
  EXPECT_EQ(got->software_version(), "dropbear_2022.83");
}

TEST(VersionExchange, ServerPreambleAllowedForClientOnly) {
  VersionExchange client(Role::kClient);
  std::size_t used = 0;
  auto r = feed_all(client, "Welcome\r\nauthorised use only\r\nSSH-1.99-Old_1.0\r\n", used);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->major, 2);  // 1.99 means "2.0 too"
  EXPECT_EQ((*r)->preamble.size(), 2u);

  VersionExchange server(Role::kServer);
  auto s = feed_all(server, "GET / HTTP/1.1\r\n", used);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail, "banner exchange: invalid format");
}

TEST(VersionExchange, RejectsSsh1AndMalformed) {
  VersionExchange a(Role::kServer);
  std::size_t used = 0;
  auto r = feed_all(a, "SSH-1.5-Legacy\r\n", used);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "Protocol major versions differ: 2 vs. 1");
  EXPECT_EQ(r.error().reason, DisconnectReason::kProtocolVersionNotSupported);

  for (std::string_view bad : {"SSH-2.0-\r\n", "SSH-x.0-a\r\n", "SSH-2-a\r\n", "SSH-2.0\r\n"}) {
    VersionExchange v(Role::kServer);
    auto e = feed_all(v, bad, used);
    ASSERT_FALSE(e) << bad;
    EXPECT_NE(e.error().detail.find("Bad remote protocol version identification"), std::string::npos);
  }
  VersionExchange nul(Role::kClient);
  EXPECT_FALSE(feed_all(nul, std::string_view("SSH-2.0-a\0b\r\n", 13), used));
  VersionExchange cr(Role::kClient);
  EXPECT_FALSE(feed_all(cr, "SSH-2.0-a\rb\r\n", used));
}

TEST(VersionExchange, LimitsLineLengthAndPreambleLines) {
  VersionExchange v(Role::kClient);
  std::size_t used = 0;
  auto r = feed_all(v, std::string(kMaxIdentificationLine + 1, 'a'), used);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kTooLarge);

  VersionExchange lines(Role::kClient);
  std::string many;
  for (std::size_t i = 0; i < kMaxPreambleLines; ++i) many += "x\n";
  auto m = feed_all(lines, many, used);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().detail, "banner exchange: too many preamble lines");
}

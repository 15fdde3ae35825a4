// The SOCKS requests of dynamic forwarding (channels.c channel_decode_socks4/5).
#include "socks_handshake.hpp"

#include <gtest/gtest.h>

namespace {

using ssh::SocksHandshake;
using State = SocksHandshake::State;

sshcore::Bytes b(std::initializer_list<int> v) {
  sshcore::Bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

TEST(SocksHandshake, Socks5DomainInPieces) {
  SocksHandshake h;
  sshcore::Bytes in = b({5, 2, 2, 0}), out;
  EXPECT_EQ(h.feed(in, out), State::kNeedMore);
  EXPECT_EQ(out, b({5, 0}));
  out.clear();
  sshcore::Bytes req = b({5, 1, 0, 3, 11});
  for (char c : std::string("example.org")) req.push_back(static_cast<std::uint8_t>(c));
  req.push_back(0x1f);
  req.push_back(0x90);
  in.insert(in.end(), req.begin(), req.end() - 3);
  EXPECT_EQ(h.feed(in, out), State::kNeedMore);
  in.insert(in.end(), req.end() - 3, req.end());
  in.push_back('x');  // early data stays in `in`
  EXPECT_EQ(h.feed(in, out), State::kReady);
  EXPECT_EQ(h.host(), "example.org");
  EXPECT_EQ(h.port(), 8080);
  EXPECT_EQ(out, b({5, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(in, b({'x'}));
}

TEST(SocksHandshake, Socks5Ipv4AndIpv6) {
  SocksHandshake h;
  sshcore::Bytes in = b({5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0x1f, 0x90}), out;
  EXPECT_EQ(h.feed(in, out), State::kReady);
  EXPECT_EQ(h.host(), "127.0.0.1");
  EXPECT_EQ(h.port(), 8080);
  EXPECT_EQ(out, b({5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(in.empty());
  SocksHandshake v6;
  sshcore::Bytes in6 = b({5, 1, 0, 5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 22}), out6;
  EXPECT_EQ(v6.feed(in6, out6), State::kReady);
  EXPECT_EQ(v6.host(), "0:0:0:0:0:0:0:1");
  EXPECT_EQ(v6.port(), 22);
}

TEST(SocksHandshake, Socks4And4a) {
  SocksHandshake h;
  sshcore::Bytes in = b({4, 1, 0, 80, 10, 1, 2, 3, 'u', 0}), out;
  EXPECT_EQ(h.feed(in, out), State::kReady);
  EXPECT_EQ(h.host(), "10.1.2.3");
  EXPECT_EQ(h.port(), 80);
  EXPECT_EQ(out, b({0, 90, 0, 0, 0, 0, 0, 0}));
  SocksHandshake a;
  sshcore::Bytes in4a = b({4, 1, 0, 22, 0, 0, 0, 1, 0, 'h', 'o', 's', 't', 0}), out4a;
  EXPECT_EQ(a.feed(in4a, out4a), State::kReady);
  EXPECT_EQ(a.host(), "host");
}

TEST(SocksHandshake, RefusesWhatOpenSshRefuses) {
  auto fails = [](sshcore::Bytes in) {
    SocksHandshake h;
    sshcore::Bytes out;
    return h.feed(in, out) == State::kFailed;
  };
  EXPECT_TRUE(fails(b({5, 1, 2})));                          // no "no authentication" method
  EXPECT_TRUE(fails(b({5, 1, 0, 5, 2, 0, 1, 1, 2, 3, 4, 0, 1})));  // BIND
  EXPECT_TRUE(fails(b({4, 2, 0, 1, 1, 2, 3, 4, 0})));        // SOCKS4 BIND
  EXPECT_TRUE(fails(b({6})));                                // unknown version
  EXPECT_TRUE(fails(b({5, 1, 0, 5, 1, 0, 9})));              // unknown address type
}

TEST(SocksHandshake, GarbageNeverCrashes) {
  for (int seed = 0; seed < 2000; ++seed) {
    SocksHandshake h;
    sshcore::Bytes in, out;
    unsigned x = static_cast<unsigned>(seed) * 2654435761u;
    for (int i = 0; i < 64; ++i) {
      x = x * 1103515245u + 12345u;
      in.push_back(static_cast<std::uint8_t>(i == 0 ? (x >> 16) % 3 + 4 : x >> 16));
    }
    (void)h.feed(in, out);
  }
  SUCCEED();
}

}  // namespace

// The connection engine over two real TransportSessions (encrypted, with a
// re-exchange in mid-transfer): data producers must pause during key exchange
// and resume on on_kex_complete(), losing and reordering nothing.
#include <gtest/gtest.h>

#include "sshcore/connection/connection_session.hpp"
#include "support/transport_pair.hpp"

using namespace sshcore;
using namespace sshcore::connection;
using sshpp::test::TransportPair;
using Kind = ConnectionEventKind;

namespace {

struct Peer {
  std::unique_ptr<ConnectionSession> conn;
  std::size_t fed = 0;  // messages of the transport log already handled
  std::size_t received = 0, sent = 0;
  bool in_order = true;
  ChannelId channel = 0;
  bool open = false;
  std::size_t kex_refusals = 0;
};

std::uint8_t byte_at(std::size_t i, std::uint8_t seed) { return static_cast<std::uint8_t>(seed + i * 13 + (i >> 10)); }

}  // namespace

TEST(ConnectionOverTransport, BulkBothWaysAcrossRekey) {
  transport::TransportConfig c, s;
  c.ciphers = s.ciphers = "chacha20-poly1305@openssh.com";
  TransportPair p(c, s);
  p.pump();
  ASSERT_TRUE(p.both_ready());

  Peer client, server;
  auto make = [](transport::TransportSession& t) {
    ConnectionConfig config;
    config.kex_in_progress = [&t] { return t.kex_in_progress(); };
    return config;
  };
  client.conn = std::make_unique<ConnectionSession>(
      Role::kClient, [&](ByteView m) { return p.client().send(m); }, make(p.client()));
  server.conn = std::make_unique<ConnectionSession>(
      Role::kServer, [&](ByteView m) { return p.server().send(m); }, make(p.server()));

  constexpr std::size_t kTotal = 8u << 20;
  Bytes up(kTotal), down(kTotal);
  for (std::size_t i = 0; i < kTotal; ++i) {
    up[i] = byte_at(i, 1);
    down[i] = byte_at(i, 2);
  }
  auto feed = [&](Peer& me, sshpp::test::SideLog& log, const Bytes& expect) {
    while (me.fed < log.messages.size()) {
      ASSERT_TRUE(me.conn->handle(log.messages[me.fed++]));
      while (auto ev = me.conn->next_event()) {
        switch (ev->kind) {
          case Kind::kChannelOpenRequest:
            me.channel = ev->channel;
            ASSERT_TRUE(me.conn->accept_open(ev->channel));
            me.open = true;
            break;
          case Kind::kOpenConfirmed:
            me.open = true;
            break;
          case Kind::kData:
            for (std::size_t i = 0; i < ev->data.size(); ++i)
              me.in_order &= ev->data[i] == expect[me.received + i];
            me.received += ev->data.size();
            ASSERT_TRUE(me.conn->consume(ev->channel, ev->data.size()));
            break;
          default:
            break;
        }
      }
    }
  };
  auto produce = [&](Peer& me, const Bytes& src) {
    if (!me.open || me.sent == kTotal) return;
    auto n = me.conn->send_data(me.channel, ByteView(src).subspan(me.sent));
    ASSERT_TRUE(n);
    if (*n == 0 && !me.conn->can_send(me.channel) && me.conn->send_window(me.channel) > 0) ++me.kex_refusals;
    me.sent += *n;
  };
  auto id = client.conn->open_session();
  ASSERT_TRUE(id);
  client.channel = *id;
  bool rekeyed = false;
  for (int round = 0; round < 20000 && (client.received < kTotal || server.received < kTotal); ++round) {
    produce(client, up);
    produce(server, down);
    if (!rekeyed && client.sent > kTotal / 3) {
      ASSERT_TRUE(p.server().request_rekey());
      rekeyed = true;
    }
    p.pump();
    ASSERT_FALSE(p.client_log().error) << p.client_log().error->message();
    ASSERT_FALSE(p.server_log().error) << p.server_log().error->message();
    feed(server, p.server_log(), up);
    feed(client, p.client_log(), down);
    if (!p.client().kex_in_progress()) client.conn->on_kex_complete();
    if (!p.server().kex_in_progress()) server.conn->on_kex_complete();
  }
  EXPECT_EQ(server.received, kTotal);
  EXPECT_EQ(client.received, kTotal);
  EXPECT_TRUE(server.in_order);
  EXPECT_TRUE(client.in_order);
  EXPECT_EQ(p.client().kex_count(), 2u);
}

#include "sshcore/connection/connection_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "connection_pair.hpp"
#include "sshcore/connection/terminal_modes.hpp"

using namespace sshcore;
using namespace sshcore::connection;
using sshpp::test::ConnectionPair;
using sshpp::test::ConnSide;
using Kind = ConnectionEventKind;

namespace {

// Server accepts every open; returns the pair with one open session channel.
struct OpenSession {
  ConnectionPair pair;
  ChannelId client_id = 0, server_id = 0;
  explicit OpenSession(ConnectionConfig c = {}, ConnectionConfig s = {},
                       std::optional<WindowConfig> server_window = {})
      : pair(std::move(c), std::move(s)) {
    pair.server().on_event = [this, server_window](const ConnectionEvent& ev) {
      if (ev.kind == Kind::kChannelOpenRequest) {
        server_id = ev.channel;
        EXPECT_TRUE(pair.server()->accept_open(ev.channel, server_window));
      }
    };
    auto id = pair.client()->open_session();
    EXPECT_TRUE(id);
    client_id = *id;
    pair.pump();
    EXPECT_EQ(pair.client().count(Kind::kOpenConfirmed), 1u);
    pair.server().on_event = {};
  }
  ConnSide& client() { return pair.client(); }
  ConnSide& server() { return pair.server(); }
};

Bytes pattern(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7 + (i >> 12));
  return b;
}

// A raw message from the peer straight into a side.
Result<void> inject(ConnSide& side, const Bytes& message) { return side->handle(message); }

}  // namespace

TEST(ConnectionSession, OpenSessionPtyEnvExecWithReplies) {
  OpenSession s;
  EXPECT_EQ(s.server().last(Kind::kChannelOpenRequest)->ev.open.type, "session");
  const Channel* cc = s.client()->channel(s.client_id);
  ASSERT_NE(cc, nullptr);
  EXPECT_EQ(cc->remote_window(), kInitialWindow);
  EXPECT_EQ(cc->remote_max_packet(), kMaxDataChunk);  // what we advertise (OpenSSH: 32 KiB)

  std::vector<TerminalMode> modes = {{tty_op::kVintr, 3}, {tty_op::kEcho, 1}, {tty_op::kOspeed, 38400}};
  auto encoded = encode_terminal_modes(modes);
  ASSERT_TRUE(encoded);
  PtyRequest pty{"xterm-256color", 80, 24, 640, 480, *encoded};
  s.server().on_event = [&](const ConnectionEvent& ev) {
    if (ev.kind != Kind::kChannelRequest) return;
    if (ev.request.type == "env") {
      EXPECT_TRUE(s.server()->reply_failure(ev.channel));  // AcceptEnv says no
    } else if (ev.request.want_reply) {
      EXPECT_TRUE(s.server()->reply_success(ev.channel));
    }
  };
  ASSERT_TRUE(s.client()->send_request(s.client_id, pty, true));
  ASSERT_TRUE(s.client()->send_request(s.client_id, EnvRequest{"LANG", "C.UTF-8"}, true));
  ASSERT_TRUE(s.client()->send_request(s.client_id, ExecRequest{"echo hi"}, true));
  s.pair.pump();
  ASSERT_EQ(s.server().count(Kind::kChannelRequest), 3u);
  const auto& first = s.server().events[1].ev;
  ASSERT_EQ(first.kind, Kind::kChannelRequest);
  EXPECT_EQ(first.channel, s.server_id);
  auto got = first.request.body<PtyRequest>();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->term, "xterm-256color");
  EXPECT_EQ(got->cols, 80u);
  auto got_modes = decode_terminal_modes(got->modes);
  ASSERT_TRUE(got_modes);
  EXPECT_EQ(*got_modes, modes);
  EXPECT_EQ(s.server().events[2].ev.request.body<EnvRequest>()->value, "C.UTF-8");
  EXPECT_EQ(s.server().events[3].ev.request.body<ExecRequest>()->command, "echo hi");
  // Replies in order: success, failure, success.
  std::vector<bool> replies;
  for (const auto& e : s.client().events)
    if (e.ev.kind == Kind::kChannelReply) replies.push_back(e.ev.success);
  EXPECT_EQ(replies, (std::vector<bool>{true, false, true}));
  EXPECT_FALSE(s.client().error);
  EXPECT_FALSE(s.server().error);
}

TEST(ConnectionSession, RepliesStayInOrderWhenAnsweredLate) {
  OpenSession s;
  ASSERT_TRUE(s.client()->send_request(s.client_id, ShellRequest{}, true));
  ASSERT_TRUE(s.client()->send_request(s.client_id, KeepaliveRequest{}, true));  // answered inside
  s.pair.pump();
  EXPECT_EQ(s.client().count(Kind::kChannelReply), 0u);  // keepalive's answer waits behind shell's
  ASSERT_TRUE(s.server()->reply_success(s.server_id));
  s.pair.pump();
  ASSERT_EQ(s.client().count(Kind::kChannelReply), 2u);
  std::vector<bool> replies;
  for (const auto& e : s.client().events)
    if (e.ev.kind == Kind::kChannelReply) replies.push_back(e.ev.success);
  EXPECT_EQ(replies, (std::vector<bool>{true, false}));
  EXPECT_FALSE(s.server()->reply_success(s.server_id));  // nothing left to answer
}

TEST(ConnectionSession, BulkDataBothWaysRespectsAndGrowsWindows) {
  OpenSession s;
  constexpr std::size_t kTotal = 100u << 20;  // enough to grow 2 MiB windows to the 64 MiB cap
  Bytes up = pattern(1 << 20, 1), down = pattern(1 << 20, 99);
  std::size_t up_sent = 0, down_sent = 0, up_got = 0, down_got = 0;
  bool up_ok = true, down_ok = true;
  std::uint32_t max_server_window = 0, max_client_window = 0;
  auto producer = [&](ConnSide& side, ChannelId id, const Bytes& src, std::size_t& sent) {
    while (sent < kTotal) {
      std::size_t off = sent % src.size();
      auto n = side->send_data(id, ByteView(src).subspan(off, std::min(src.size() - off, kTotal - sent)));
      ASSERT_TRUE(n);
      if (*n == 0) break;
      sent += *n;
    }
  };
  s.client().produce = [&] { producer(s.client(), s.client_id, up, up_sent); };
  s.server().produce = [&] { producer(s.server(), s.server_id, down, down_sent); };
  auto checker = [](const Bytes& src, std::size_t& got, bool& ok) {
    return [&src, &got, &ok](const ConnectionEvent& ev) {
      if (ev.kind != Kind::kData) return;
      for (std::size_t i = 0; i < ev.data.size(); ++i)
        ok &= ev.data[i] == src[(got + i) % src.size()];
      got += ev.data.size();
    };
  };
  auto up_check = checker(up, up_got, up_ok);
  auto down_check = checker(down, down_got, down_ok);
  s.server().on_event = [&](const ConnectionEvent& ev) {
    up_check(ev);
    max_server_window = std::max(max_server_window, s.server()->channel(s.server_id)->receive_window().window());
  };
  s.client().on_event = [&](const ConnectionEvent& ev) {
    down_check(ev);
    max_client_window = std::max(max_client_window, s.client()->channel(s.client_id)->receive_window().window());
  };
  s.pair.pump();
  EXPECT_FALSE(s.client().error) << s.client().error->message();
  EXPECT_FALSE(s.server().error) << s.server().error->message();
  EXPECT_EQ(up_got, kTotal);
  EXPECT_EQ(down_got, kTotal);
  EXPECT_TRUE(up_ok);
  EXPECT_TRUE(down_ok);
  // Drained instantly (the fake clock stands still): the windows grew to the cap, no further.
  EXPECT_EQ(max_server_window, kDefaultMaxWindow);
  EXPECT_EQ(max_client_window, kDefaultMaxWindow);
  EXPECT_GT(s.client().count(Kind::kWindowAvailable), 0u);
  // Every data packet respected the max packet.
  for (const auto& e : s.server().events)
    if (e.ev.kind == Kind::kData) {
      ASSERT_LE(e.data.size(), kMaxDataChunk);
    }
}

TEST(ConnectionSession, SlowConsumerKeepsTheInitialWindow) {
  OpenSession s;
  s.server().auto_consume = false;
  std::size_t backlog = 0;
  s.server().on_event = [&](const ConnectionEvent& ev) {
    if (ev.kind == Kind::kData) backlog += ev.data.size();
  };
  Bytes chunk = pattern(2 * kInitialWindow, 3);
  auto n = s.client()->send_data(s.client_id, chunk);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, kInitialWindow);  // exactly the window, the rest stays with the caller
  EXPECT_FALSE(s.client()->can_send(s.client_id));
  s.pair.pump();
  EXPECT_EQ(backlog, kInitialWindow);
  // The consumer drains slowly: one second per 256 KiB.
  std::size_t sent = *n;
  for (int round = 0; round < 64 && sent < chunk.size(); ++round) {
    s.pair.now += std::chrono::seconds(1);
    std::size_t step = std::min<std::size_t>(backlog, 256 << 10);
    ASSERT_TRUE(s.server()->consume(s.server_id, step));
    backlog -= step;
    s.pair.pump();
    auto more = s.client()->send_data(s.client_id, ByteView(chunk).subspan(sent));
    ASSERT_TRUE(more);
    sent += *more;
    s.pair.pump();
  }
  EXPECT_EQ(s.server()->channel(s.server_id)->receive_window().window(), kInitialWindow);
  EXPECT_LE(backlog, kInitialWindow);
  EXPECT_FALSE(s.server().error);
}

TEST(ConnectionSession, LargePeerMaxPacketIsSplitBelowThePacketLimit) {
  WindowConfig big{8u << 20, 256u << 10, 8u << 20};
  OpenSession s({}, {}, big);
  EXPECT_EQ(s.client()->channel(s.client_id)->remote_max_packet(), kMaxDataChunk);  // clamped offer
  Bytes data = pattern(1 << 20, 5);
  auto n = s.client()->send_data(s.client_id, data);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, data.size());
  s.pair.pump();
  std::size_t total = 0, packets = 0;
  for (const auto& e : s.server().events)
    if (e.ev.kind == Kind::kData) {
      EXPECT_LE(e.data.size(), kMaxDataChunk);
      total += e.data.size();
      ++packets;
    }
  EXPECT_EQ(total, data.size());
  EXPECT_EQ(packets, 5u);
}

TEST(ConnectionSession, ExtendedDataExitStatusAndSignal) {
  OpenSession s;
  Bytes err = to_bytes("oops\n");
  ASSERT_EQ(*s.server()->send_extended_data(s.server_id, err), err.size());
  ASSERT_TRUE(s.server()->send_request(s.server_id, ExitStatusRequest{3}, false));
  ASSERT_TRUE(s.server()->send_request(s.server_id, ExitSignalRequest{"TERM", true, "killed", ""}, false));
  s.pair.pump();
  const auto* e = s.client().last(Kind::kExtendedData);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data, err);
  EXPECT_EQ(e->ev.data_type, kExtendedDataStderr);
  std::vector<std::string> types;
  for (const auto& x : s.client().events)
    if (x.ev.kind == Kind::kChannelRequest) types.push_back(x.ev.request.type);
  ASSERT_EQ(types, (std::vector<std::string>{"exit-status", "exit-signal"}));
  const auto& reqs = s.client().events;
  auto status = reqs[reqs.size() - 2].ev.request.body<ExitStatusRequest>();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->exit_status, 3u);
  auto sig = reqs.back().ev.request.body<ExitSignalRequest>();
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->signal_name, "TERM");
  EXPECT_TRUE(sig->core_dumped);
}

TEST(ConnectionSession, EofThenCloseFromServer) {
  OpenSession s;
  ASSERT_TRUE(s.server()->send_data(s.server_id, to_bytes("out")));
  ASSERT_TRUE(s.server()->send_eof(s.server_id));
  ASSERT_TRUE(s.server()->send_eof(s.server_id));  // once only
  EXPECT_FALSE(s.server()->send_data(s.server_id, to_bytes("late")));  // our mistake, not the peer's
  ASSERT_TRUE(s.server()->close(s.server_id));
  ASSERT_TRUE(s.server()->close(s.server_id));
  s.pair.pump();
  EXPECT_EQ(s.client().count(Kind::kEof), 1u);
  EXPECT_EQ(s.client().count(Kind::kClose), 1u);
  EXPECT_EQ(s.server().count(Kind::kClose), 1u);
  EXPECT_EQ(s.client()->channel_count(), 0u);
  EXPECT_EQ(s.server()->channel_count(), 0u);
  EXPECT_FALSE(s.client().error);
  EXPECT_FALSE(s.server().error);
}

TEST(ConnectionSession, SimultaneousCloseSendsOneCloseEach) {
  OpenSession s;
  std::size_t c0 = s.client().sent_messages, s0 = s.server().sent_messages;
  ASSERT_TRUE(s.client()->close(s.client_id));
  ASSERT_TRUE(s.server()->close(s.server_id));
  s.pair.pump();
  EXPECT_EQ(s.client().sent_messages - c0, 1u);
  EXPECT_EQ(s.server().sent_messages - s0, 1u);
  EXPECT_EQ(s.client().count(Kind::kClose), 1u);
  EXPECT_EQ(s.server().count(Kind::kClose), 1u);
  EXPECT_EQ(s.client()->channel_count() + s.server()->channel_count(), 0u);
  // The id is free again and reused.
  auto again = s.client()->open_session();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, s.client_id);
}

TEST(ConnectionSession, CloseWithoutEofAndDataInFlightIsIgnored) {
  OpenSession s;
  ASSERT_TRUE(s.client()->close(s.client_id));
  // The server had data on the way before it saw our CLOSE.
  ASSERT_TRUE(s.server()->send_data(s.server_id, to_bytes("in flight")));
  ASSERT_TRUE(s.server()->send_eof(s.server_id));
  s.pair.pump();
  EXPECT_EQ(s.client().count(Kind::kData), 0u);
  EXPECT_EQ(s.client().count(Kind::kEof), 0u);
  EXPECT_EQ(s.client().count(Kind::kClose), 1u);
  EXPECT_EQ(s.server().count(Kind::kClose), 1u);
  EXPECT_FALSE(s.client().error);
  EXPECT_FALSE(s.server().error);
}

TEST(ConnectionSession, EofBothWaysThenClose) {
  OpenSession s;
  ASSERT_TRUE(s.client()->send_eof(s.client_id));
  ASSERT_TRUE(s.server()->send_data(s.server_id, to_bytes("still")));  // the other direction stays open
  s.pair.pump();
  EXPECT_EQ(s.server().count(Kind::kEof), 1u);
  EXPECT_EQ(s.client().last(Kind::kData)->data, to_bytes("still"));
  ASSERT_TRUE(s.server()->send_eof(s.server_id));
  ASSERT_TRUE(s.client()->close(s.client_id));
  s.pair.pump();
  EXPECT_EQ(s.client().count(Kind::kClose), 1u);
  EXPECT_EQ(s.server().count(Kind::kClose), 1u);
}

TEST(ConnectionSession, CloseWhileOpening) {
  ConnectionPair pair;
  pair.server().on_event = [&](const ConnectionEvent& ev) {
    if (ev.kind == Kind::kChannelOpenRequest) {
      EXPECT_TRUE(pair.server()->accept_open(ev.channel));
    }
  };
  auto id = pair.client()->open_session();
  ASSERT_TRUE(id);
  ASSERT_TRUE(pair.client()->close(*id));
  pair.pump();
  EXPECT_EQ(pair.client().count(Kind::kOpenConfirmed), 0u);
  EXPECT_EQ(pair.client().count(Kind::kClose), 1u);
  EXPECT_EQ(pair.server().count(Kind::kClose), 1u);
  EXPECT_EQ(pair.client()->channel_count() + pair.server()->channel_count(), 0u);
}

TEST(ConnectionSession, RejectedOpenReportsReason) {
  ConnectionPair pair;
  pair.server().on_event = [&](const ConnectionEvent& ev) {
    if (ev.kind == Kind::kChannelOpenRequest) {
      EXPECT_TRUE(pair.server()->reject_open(ev.channel, OpenFailureReason::kConnectFailed, "connect failed"));
    }
  };
  auto id = pair.client()->open(DirectTcpipOpen{"localhost", 22, "127.0.0.1", 5555});
  ASSERT_TRUE(id);
  pair.pump();
  const auto* f = pair.client().last(Kind::kOpenFailed);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->ev.failure_reason, 2u);
  EXPECT_EQ(f->ev.description, "connect failed");
  EXPECT_EQ(pair.server().last(Kind::kChannelOpenRequest)->ev.open.body<DirectTcpipOpen>()->port, 22u);
  EXPECT_EQ(pair.client()->channel_count() + pair.server()->channel_count(), 0u);
}

TEST(ConnectionSession, GlobalRequestsKeepaliveAndOrder) {
  ConnectionPair pair;
  ASSERT_TRUE(pair.client()->send_global_request(TcpipForwardRequest{"localhost", 0}, true));
  ASSERT_TRUE(pair.client()->send_global_request(KeepaliveRequest{}, true));
  ASSERT_TRUE(pair.client()->send_global_request(CancelTcpipForwardRequest{"localhost", 80}, true));
  pair.pump();
  ASSERT_EQ(pair.server().count(Kind::kGlobalRequest), 2u);  // keepalive answered inside
  EXPECT_EQ(pair.client().count(Kind::kGlobalReply), 0u);    // its answer waits in order
  ASSERT_TRUE(pair.server()->reply_global(true, TcpipForwardReply{40000}.encode()));
  ASSERT_TRUE(pair.server()->reply_global(false));
  EXPECT_FALSE(pair.server()->reply_global(false));
  pair.pump();
  std::vector<std::pair<bool, Bytes>> replies;
  for (const auto& e : pair.client().events)
    if (e.ev.kind == Kind::kGlobalReply) replies.emplace_back(e.ev.success, e.ev.reply_data);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_TRUE(replies[0].first);
  EXPECT_EQ(TcpipForwardReply::decode(replies[0].second)->bound_port, 40000u);
  EXPECT_FALSE(replies[1].first);
  EXPECT_FALSE(replies[2].first);
  // A reply nobody asked for is ignored, as clientloop.c does.
  EXPECT_TRUE(inject(pair.client(), MsgRequestFailure{}.encode()));
}

TEST(ConnectionSession, NoMoreSessionsEndsTheConnectionOnTheNextSessionOpen) {
  OpenSession s;
  ASSERT_TRUE(s.client()->send_global_request(NoMoreSessionsRequest{}, false));
  s.pair.pump();
  EXPECT_TRUE(s.server()->no_more_sessions());
  EXPECT_EQ(s.server().count(Kind::kGlobalRequest), 0u);
  // Other channel types are still fine.
  s.server().on_event = [&](const ConnectionEvent& ev) {
    if (ev.kind == Kind::kChannelOpenRequest) {
      EXPECT_TRUE(s.server()->accept_open(ev.channel));
    }
  };
  ASSERT_TRUE(s.client()->open(DirectTcpipOpen{"h", 1, "o", 2}));
  s.pair.pump();
  EXPECT_FALSE(s.server().error);
  ASSERT_TRUE(s.client()->open_session());
  s.pair.pump();
  ASSERT_TRUE(s.server().error);
  EXPECT_EQ(s.server().error->reason, DisconnectReason::kProtocolError);
  EXPECT_NE(s.server().error->detail.find("Possible attack: attempt to open a session after additional "
                                          "sessions disabled"),
            std::string::npos);
  // The error is sticky.
  EXPECT_FALSE(inject(s.server(), MsgRequestFailure{}.encode()));
}

TEST(ConnectionSession, FloodOfOpensIsRefusedAtTheCap) {
  ConnectionConfig server_config;
  server_config.max_channels = 8;
  ConnectionPair pair({}, server_config);
  pair.server().on_event = [&](const ConnectionEvent& ev) {
    if (ev.kind == Kind::kChannelOpenRequest) {
      EXPECT_TRUE(pair.server()->accept_open(ev.channel));
    }
  };
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(pair.client()->open_session());
  pair.pump();
  EXPECT_EQ(pair.client().count(Kind::kOpenConfirmed), 8u);
  EXPECT_EQ(pair.client().count(Kind::kOpenFailed), 192u);
  EXPECT_EQ(pair.client().last(Kind::kOpenFailed)->ev.failure_reason,
            static_cast<std::uint32_t>(OpenFailureReason::kResourceShortage));
  EXPECT_EQ(pair.server()->channel_count(), 8u);
  EXPECT_EQ(pair.client()->channel_count(), 8u);
  EXPECT_EQ(pair.server()->channel_ids(), (std::vector<ChannelId>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_FALSE(pair.server().error);
}

TEST(ConnectionSession, OurOwnCapRefusesLocally) {
  ConnectionConfig c;
  c.max_channels = 2;
  ConnectionPair pair(c);
  ASSERT_TRUE(pair.client()->open_session());
  ASSERT_TRUE(pair.client()->open_session());
  EXPECT_FALSE(pair.client()->open_session());
}

TEST(ConnectionSession, DataPastTheWindowIsDroppedThenFatal) {
  WindowConfig small{10000, 4096, 10000};
  OpenSession s({}, {}, small);
  std::uint32_t recipient = s.server_id;
  Bytes chunk(4000, 0x41);
  // 10000 bytes of credit: 4000 + 4000 fit, 2000 fit of the next 4000 -> dropped (excess 2000 > 1000).
  ASSERT_TRUE(inject(s.server(), MsgChannelData{recipient, chunk}.encode()));
  ASSERT_TRUE(inject(s.server(), MsgChannelData{recipient, chunk}.encode()));
  Bytes small_over(2500, 0x42);  // credit 2000: excess 500, inside OpenSSH's 10% grace
  ASSERT_TRUE(inject(s.server(), MsgChannelData{recipient, small_over}.encode()));
  auto fatal = inject(s.server(), MsgChannelData{recipient, chunk}.encode());
  ASSERT_FALSE(fatal);
  EXPECT_EQ(fatal.error().reason, DisconnectReason::kProtocolError);
  EXPECT_NE(fatal.error().detail.find("peer ignored channel window"), std::string::npos);
}

TEST(ConnectionSession, PacketOverOurMaxPacketIsDropped) {
  WindowConfig small{100000, 1024, 100000};
  OpenSession s({}, {}, small);
  Bytes big(2048, 1);
  s.server().session->next_event();
  ASSERT_TRUE(inject(s.server(), MsgChannelData{s.server_id, big}.encode()));
  EXPECT_FALSE(s.server()->next_event());  // dropped, as channels.c does
  EXPECT_EQ(s.server()->channel(s.server_id)->receive_window().credit(), 100000u);
}

TEST(ConnectionSession, DataAfterEofIsAProtocolError) {
  OpenSession s;
  ASSERT_TRUE(inject(s.server(), MsgChannelEof{s.server_id}.encode()));
  auto r = inject(s.server(), MsgChannelData{s.server_id, to_bytes("x")}.encode());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, DisconnectReason::kProtocolError);
}

TEST(ConnectionSession, UnknownChannelIsAProtocolError) {
  OpenSession s;
  // Window adjusts may race with a close: logged only (channels.c).
  EXPECT_TRUE(inject(s.server(), MsgChannelWindowAdjust{77, 10}.encode()));
  auto r = inject(s.server(), MsgChannelData{77, to_bytes("x")}.encode());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "data packet referred to nonexistent channel 77");
  for (Bytes m : {MsgChannelEof{9}.encode(), MsgChannelClose{9}.encode(), MsgChannelSuccess{9}.encode(),
                  MsgChannelRequest{9, "shell", false, {}}.encode(),
                  MsgChannelOpenConfirmation{9, 1, 2, 3, {}}.encode(), MsgChannelOpenFailure{9, 1, "", ""}.encode(),
                  MsgChannelExtendedData{9, 1, {}}.encode()}) {
    OpenSession t;
    EXPECT_FALSE(inject(t.server(), m)) << int(m[0]);
  }
}

TEST(ConnectionSession, ConfirmationForAnOpenChannelIsAProtocolError) {
  OpenSession s;
  auto r = inject(s.client(), MsgChannelOpenConfirmation{s.client_id, 5, 100, 100, {}}.encode());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("non-opening channel"), std::string::npos);
}

TEST(ConnectionSession, WindowAdjustOverflowIsAProtocolError) {
  OpenSession s;
  auto r = inject(s.client(), MsgChannelWindowAdjust{s.client_id, 0xFFFFFFFFu}.encode());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("overflows remote window"), std::string::npos);
}

TEST(ConnectionSession, MalformedKnownRequestBodyIsAProtocolError) {
  OpenSession s;
  MsgChannelRequest bad{s.server_id, "pty-req", true, to_bytes("\x00\x00")};
  EXPECT_FALSE(inject(s.server(), bad.encode()));
  OpenSession t;
  MsgChannelRequest unknown{t.server_id, "whatever@example.com", true, to_bytes("anything")};
  EXPECT_TRUE(inject(t.server(), unknown.encode()));  // unknown types pass to the driver
}

TEST(ConnectionSession, KexInProgressHoldsDataBack) {
  OpenSession s;
  s.client().kex = true;
  EXPECT_FALSE(s.client()->can_send(s.client_id));
  auto n = s.client()->send_data(s.client_id, to_bytes("hello"));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
  s.client().kex = false;
  s.client()->on_kex_complete();
  auto ev = s.client()->next_event();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, Kind::kWindowAvailable);
  EXPECT_EQ(ev->channel, s.client_id);
  EXPECT_EQ(*s.client()->send_data(s.client_id, to_bytes("hello")), 5u);
}

TEST(ConnectionSession, GarbageNeverCrashes) {
  std::mt19937 rng(12345);
  std::vector<Bytes> valid = {
      MsgGlobalRequest{"tcpip-forward", true, TcpipForwardRequest{"a", 1}.encode()}.encode(),
      MsgChannelOpen{"session", 0, 1000, 100, {}}.encode(),
      MsgChannelRequest{0, "pty-req", true, PtyRequest{"xterm", 1, 2, 3, 4, {0}}.encode()}.encode(),
      MsgChannelData{0, to_bytes("abc")}.encode(),
      MsgChannelWindowAdjust{0, 5}.encode(),
      MsgChannelOpenFailure{0, 1, "x", ""}.encode(),
  };
  for (int i = 0; i < 3000; ++i) {
    OpenSession s;
    Bytes m = valid[rng() % valid.size()];
    switch (i % 3) {
      case 0: m.resize(rng() % (m.size() + 1)); break;                       // truncated
      case 1: m[rng() % m.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255); break;  // flipped
      default: m.resize(rng() % 64); for (auto& b : m) b = static_cast<std::uint8_t>(rng()); break;
    }
    (void)inject(s.server(), m);
    (void)inject(s.client(), m);
    while (s.server()->next_event()) {
    }
  }
  EXPECT_FALSE(inject(ConnectionPair().server(), {}));                         // empty
  EXPECT_FALSE(inject(ConnectionPair().server(), Bytes{50}));                  // a userauth number
  EXPECT_TRUE(inject(ConnectionPair().server(), Bytes{120}));                  // unassigned: ignored
  EXPECT_FALSE(inject(ConnectionPair().server(), Bytes{msg::kChannelData, 0, 0}));
}

namespace {

// A MessageRoom over a plain buffer, as TransportSession::begin_message gives one:
// finished messages are collected whole.
struct RoomCollector {
  Bytes room;
  std::vector<Bytes> messages;
  std::size_t begun = 0, cancelled = 0;
  ConnectionSession::MessageRoom hooks() {
    return {[this](std::size_t n) {
              ++begun;
              room.assign(n, 0xee);
              return std::span<std::uint8_t>(room);
            },
            [this](std::size_t n) -> Result<void> {
              if (n > room.size()) return fail(Errc::kInternal, "finished beyond the room");
              if (n == 0) {
                ++cancelled;
              } else {
                messages.emplace_back(room.begin(), room.begin() + static_cast<std::ptrdiff_t>(n));
              }
              return {};
            }};
  }
};

}  // namespace

// Data sent through a message room (header and bytes written in place into the packet
// being built) is the very message the one-part sink gets.
TEST(ConnectionSession, MessageRoomGivesTheSameMessagesAsTheWholeSink) {
  std::vector<Bytes> whole_messages;
  RoomCollector room;
  ConnectionSession whole(Role::kClient, [&](ByteView m) -> Result<void> {
    whole_messages.push_back(to_bytes(m));
    return {};
  });
  ConnectionSession parts(Role::kClient, [&](ByteView m) -> Result<void> {
    room.messages.push_back(to_bytes(m));
    return {};
  });
  parts.set_message_room(room.hooks());
  const Bytes data = pattern(600 * 1024 + 17, 3);
  for (ConnectionSession* s : {&whole, &parts}) {
    auto id = s->open_session();
    ASSERT_TRUE(id);
    ASSERT_TRUE(s->handle(MsgChannelOpenConfirmation{*id, 42, 8u << 20, 100000, {}}.encode()));
    auto sent = s->send_data(*id, data);
    ASSERT_TRUE(sent);
    EXPECT_EQ(*sent, data.size());
    auto err = s->send_extended_data(*id, ByteView(data).first(150000));
    ASSERT_TRUE(err);
    EXPECT_EQ(*err, 150000u);
  }
  ASSERT_EQ(whole_messages.size(), room.messages.size());
  EXPECT_EQ(whole_messages, room.messages);
  // 600 KiB in packets of at most the peer's 100000 bytes, plus the open and stderr.
  EXPECT_EQ(whole_messages.size(), 1u + 7u + 2u);
}

// begin_data/finish_data: the driver reads into the packet itself. The room is cut to
// the peer's packet size and window, the header carries the count really written, the
// window shrinks by it, 0 sends nothing, and a closed window refuses until an adjust.
// With and without a message room the messages are those send_data() would give.
TEST(ConnectionSession, DataWrittenInPlaceIsTheMessageSendDataGives) {
  for (bool with_room : {true, false}) {
    SCOPED_TRACE(with_room ? "message room" : "scratch buffer");
    std::vector<Bytes> sent;
    RoomCollector room;
    ConnectionSession c(Role::kClient, [&](ByteView m) -> Result<void> {
      sent.push_back(to_bytes(m));
      return {};
    });
    if (with_room) c.set_message_room(room.hooks());
    auto id = c.open_session();
    ASSERT_TRUE(id);
    ASSERT_TRUE(c.handle(MsgChannelOpenConfirmation{*id, 42, 150000, 100000, {}}.encode()));
    while (c.next_event()) {
    }
    auto& out = with_room ? room.messages : sent;
    out.clear();

    auto r = c.begin_data(*id, 1u << 20);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 100000u);  // the peer's max packet
    const Bytes data = pattern(70000, 9);
    std::copy(data.begin(), data.end(), r->begin());
    ASSERT_TRUE(c.finish_data(*id, data.size()));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], (MsgChannelData{42, data}.encode()));
    EXPECT_EQ(c.send_window(*id), 150000u - 70000u);

    r = c.begin_data(*id, 5);  // 0 written: nothing goes out, the window stays
    ASSERT_TRUE(r);
    EXPECT_EQ(r->size(), 5u);
    ASSERT_TRUE(c.finish_data(*id, 0));
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(c.send_window(*id), 80000u);
    if (with_room) {
      EXPECT_EQ(room.cancelled, 1u);
    }

    r = c.begin_data(*id, 1u << 20);  // the rest of the window
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 80000u);
    std::fill(r->begin(), r->end(), 0x5a);
    ASSERT_TRUE(c.finish_data(*id, 80000));
    EXPECT_EQ(out.back(), (MsgChannelData{42, Bytes(80000, 0x5a)}.encode()));
    EXPECT_EQ(c.send_window(*id), 0u);

    r = c.begin_data(*id, 10);  // window closed: refused, and kWindowAvailable after an adjust
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
    EXPECT_FALSE(c.finish_data(*id, 1));  // nothing was begun
    ASSERT_TRUE(c.handle(MsgChannelWindowAdjust{*id, 1000}.encode()));
    auto ev = c.next_event();
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->kind, Kind::kWindowAvailable);
    r = c.begin_data(*id, 1u << 20);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->size(), 1000u);
    EXPECT_FALSE(c.finish_data(*id, 1001));  // more than the room
  }
}

// Writing in place is for open channels only.
TEST(ConnectionSession, DataInPlaceNeedsAnOpenChannel) {
  ConnectionSession c(Role::kClient, [](ByteView) -> Result<void> { return {}; });
  EXPECT_FALSE(c.begin_data(7, 100));
  auto id = c.open_session();
  ASSERT_TRUE(id);
  EXPECT_FALSE(c.begin_data(*id, 100));  // not confirmed yet
}

#include "sshcore/connection/connection_messages.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <random>

#include "sshcore/base/encoding.hpp"
#include "sshcore/connection/terminal_modes.hpp"

using namespace sshcore;
using namespace sshcore::connection;

namespace {

// A known answer written out field by field: hex pieces (spaces allowed) and
// plain ASCII pieces marked with a leading '"'.
Bytes wire_bytes(std::initializer_list<std::string_view> pieces) {
  Bytes out;
  for (std::string_view p : pieces) {
    if (!p.empty() && p.front() == '"') {
      append(out, as_bytes(p.substr(1)));
      continue;
    }
    std::string digits;
    for (char c : p)
      if (c != ' ') digits.push_back(c);
    auto b = hex_decode(digits);
    EXPECT_TRUE(b) << p;
    if (b) {
      append(out, *b);
    }
  }
  return out;
}

ByteView after_number(const Bytes& payload) { return ByteView(payload).subspan(1); }

// Encode, check the number, decode, re-encode identically. With `strict`, every
// truncation and any trailing byte must fail; otherwise (messages whose tail is
// raw bytes) only truncations inside the first `fixed` bytes after the number.
template <class M>
M round_trip(const M& m, bool strict = true, std::size_t fixed = 0) {
  Bytes payload = m.encode();
  EXPECT_FALSE(payload.empty());
  if (payload.empty()) return m;
  EXPECT_EQ(payload[0], M::kNumber);
  auto back = M::decode(wire::Reader(after_number(payload)));
  EXPECT_TRUE(back) << back.error().message();
  if (!back) return m;
  EXPECT_EQ(back->encode(), payload);
  std::size_t limit = strict ? payload.size() - 1 : fixed;
  for (std::size_t n = 0; n < limit; ++n) {
    auto cut = M::decode(wire::Reader(after_number(payload).first(n)));
    EXPECT_FALSE(cut) << "decoded from " << n << " bytes";
    if (!cut) {
      EXPECT_EQ(cut.error().code, Errc::kTruncated);
    }
  }
  if (strict) {
    Bytes longer = payload;
    longer.push_back(0);
    auto extra = M::decode(wire::Reader(after_number(longer)));
    EXPECT_FALSE(extra);
    if (!extra) {
      EXPECT_EQ(extra.error().code, Errc::kTrailingData);
    }
  }
  return *back;
}

// The same for a typed body: its tail round-trips, every truncation fails, a trailing byte fails.
template <class Body>
Body body_round_trip(const Body& b) {
  Bytes tail = b.encode();
  auto back = Body::decode(tail);
  EXPECT_TRUE(back) << back.error().message();
  if (!back) return b;
  EXPECT_EQ(back->encode(), tail);
  for (std::size_t n = 0; n < tail.size(); ++n) {
    auto cut = Body::decode(ByteView(tail).first(n));
    EXPECT_FALSE(cut) << Body::kType << " decoded from " << n << " bytes";
  }
  Bytes longer = tail;
  longer.push_back(0);
  EXPECT_FALSE(Body::decode(longer)) << Body::kType;
  return *back;
}

template <class M>
void expect_decodes_to(const Bytes& known, const M& built) {
  EXPECT_EQ(hex_encode(built.encode()), hex_encode(known));
  ASSERT_FALSE(known.empty());
  EXPECT_EQ(known[0], M::kNumber);
  auto parsed = M::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->encode(), known);
}

}  // namespace

// ---------------------------------------------------------------- known answers

TEST(ConnectionMessages, ChannelOpenSessionKnownAnswer) {
  Bytes known = wire_bytes({"5a", "00000007", "\"session", "00000000", "00200000", "00008000"});
  auto m = MsgChannelOpen::make(SessionOpen{}, 0, 2097152, 32768);
  expect_decodes_to(known, m);
  auto parsed = MsgChannelOpen::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->type, "session");
  EXPECT_EQ(parsed->sender_channel, 0u);
  EXPECT_EQ(parsed->initial_window, 2097152u);
  EXPECT_EQ(parsed->max_packet, 32768u);
  EXPECT_TRUE(parsed->data.empty());
  EXPECT_TRUE(parsed->body<SessionOpen>());
  EXPECT_FALSE(parsed->body<DirectTcpipOpen>());
}

TEST(ConnectionMessages, ChannelOpenDirectTcpipKnownAnswer) {
  Bytes known = wire_bytes({"5a", "0000000c", "\"direct-tcpip", "00000001", "00200000", "00008000",
                            "00000009", "\"127.0.0.1", "00000016", "00000009", "\"127.0.0.1", "0000d431"});
  auto m = MsgChannelOpen::make(DirectTcpipOpen{"127.0.0.1", 22, "127.0.0.1", 54321}, 1, 2097152, 32768);
  expect_decodes_to(known, m);
  auto parsed = MsgChannelOpen::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed);
  auto body = parsed->body<DirectTcpipOpen>();
  ASSERT_TRUE(body);
  EXPECT_EQ(body->host, "127.0.0.1");
  EXPECT_EQ(body->port, 22u);
  EXPECT_EQ(body->originator_address, "127.0.0.1");
  EXPECT_EQ(body->originator_port, 54321u);
}

TEST(ConnectionMessages, PtyRequestKnownAnswer) {
  // modes: ECHO=1, TTY_OP_ISPEED=38400, TTY_OP_END
  Bytes modes = wire_bytes({"35 00000001", "80 00009600", "00"});
  Bytes known = wire_bytes({"62", "00000000", "00000007", "\"pty-req", "01", "00000005", "\"xterm",
                            "00000050", "00000018", "00000000", "00000000", "0000000b", "35 00000001",
                            "80 00009600", "00"});
  auto encoded_modes = encode_terminal_modes(std::vector<TerminalMode>{{tty_op::kEcho, 1}, {tty_op::kIspeed, 38400}});
  ASSERT_TRUE(encoded_modes);
  EXPECT_EQ(*encoded_modes, modes);
  auto m = MsgChannelRequest::make(0, PtyRequest{"xterm", 80, 24, 0, 0, modes}, true);
  expect_decodes_to(known, m);
  auto parsed = MsgChannelRequest::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->want_reply);
  auto pty = parsed->body<PtyRequest>();
  ASSERT_TRUE(pty);
  EXPECT_EQ(pty->term, "xterm");
  EXPECT_EQ(pty->cols, 80u);
  EXPECT_EQ(pty->rows, 24u);
  EXPECT_EQ(pty->modes, modes);
}

TEST(ConnectionMessages, ExitStatusAndExitSignalKnownAnswers) {
  expect_decodes_to(wire_bytes({"62", "00000002", "0000000b", "\"exit-status", "00", "00000001"}),
                    MsgChannelRequest::make(2, ExitStatusRequest{1}, false));
  Bytes known = wire_bytes({"62", "00000000", "0000000b", "\"exit-signal", "00", "00000004", "\"TERM", "00",
                            "00000000", "00000000"});
  expect_decodes_to(known, MsgChannelRequest::make(0, ExitSignalRequest{"TERM", false, "", ""}, false));
  auto parsed = MsgChannelRequest::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed);
  auto sig = parsed->body<ExitSignalRequest>();
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->signal_name, "TERM");
  EXPECT_FALSE(sig->core_dumped);
}

TEST(ConnectionMessages, DataKnownAnswerIsAViewIntoThePayload) {
  Bytes known = wire_bytes({"5e", "00000003", "00000005", "\"hello"});
  std::string_view hello = "hello";
  expect_decodes_to(known, MsgChannelData{3, as_bytes(hello)});
  auto parsed = MsgChannelData::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->recipient_channel, 3u);
  EXPECT_EQ(as_chars(parsed->data), "hello");
  EXPECT_EQ(parsed->data.data(), known.data() + MsgChannelData::kHeaderSize);  // no copy

  Bytes out = {0xaa};
  MsgChannelData{3, as_bytes(hello)}.encode_into(out);
  EXPECT_EQ(out.size(), 1 + known.size());
  EXPECT_TRUE(std::equal(known.begin(), known.end(), out.begin() + 1));
}

TEST(ConnectionMessages, ExtendedDataKnownAnswer) {
  Bytes known = wire_bytes({"5f", "00000003", "00000001", "00000003", "\"err"});
  std::string_view err = "err";
  expect_decodes_to(known, MsgChannelExtendedData{3, kExtendedDataStderr, as_bytes(err)});
  auto parsed = MsgChannelExtendedData::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->data_type, 1u);
  EXPECT_EQ(parsed->data.data(), known.data() + MsgChannelExtendedData::kHeaderSize);
}

TEST(ConnectionMessages, OpenFailureKnownAnswerAndReasonNames) {
  Bytes known = wire_bytes({"5c", "00000001", "00000002", "0000000e", "\"connect failed", "00000000"});
  expect_decodes_to(known, MsgChannelOpenFailure{1, 2, "connect failed", ""});
  EXPECT_EQ(open_failure_reason_name(1), "SSH_OPEN_ADMINISTRATIVELY_PROHIBITED");
  EXPECT_EQ(open_failure_reason_name(2), "SSH_OPEN_CONNECT_FAILED");
  EXPECT_EQ(open_failure_reason_name(3), "SSH_OPEN_UNKNOWN_CHANNEL_TYPE");
  EXPECT_EQ(open_failure_reason_name(4), "SSH_OPEN_RESOURCE_SHORTAGE");
  EXPECT_EQ(open_failure_reason_name(5), "");
  EXPECT_EQ(open_failure_reason_text(static_cast<std::uint32_t>(OpenFailureReason::kConnectFailed)),
            "connect failed");
  EXPECT_EQ(open_failure_reason_text(0), "unknown reason");
}

TEST(ConnectionMessages, GlobalRequestKnownAnswers) {
  Bytes known = wire_bytes({"50", "0000000d", "\"tcpip-forward", "01", "00000009", "\"localhost", "00001f90"});
  expect_decodes_to(known, MsgGlobalRequest::make(TcpipForwardRequest{"localhost", 8080}, true));
  auto parsed = MsgGlobalRequest::decode(wire::Reader(after_number(known)));
  ASSERT_TRUE(parsed);
  auto fwd = parsed->body<TcpipForwardRequest>();
  ASSERT_TRUE(fwd);
  EXPECT_EQ(fwd->bind_address, "localhost");
  EXPECT_EQ(fwd->bind_port, 8080u);
  EXPECT_FALSE(parsed->body<CancelTcpipForwardRequest>());

  Bytes hostkeys = wire_bytes({"50", "00000017", "\"hostkeys-00@openssh.com", "00", "00000003", "010203",
                               "00000001", "ff"});
  expect_decodes_to(hostkeys, MsgGlobalRequest::make(HostkeysRequest{{{1, 2, 3}, {0xff}}}, false));
  auto hk = MsgGlobalRequest::decode(wire::Reader(after_number(hostkeys)));
  ASSERT_TRUE(hk);
  auto blobs = hk->body<HostkeysRequest>();
  ASSERT_TRUE(blobs);
  ASSERT_EQ(blobs->blobs.size(), 2u);
  EXPECT_EQ(blobs->blobs[1], Bytes{0xff});

  expect_decodes_to(wire_bytes({"50", "0000001c", "\"no-more-sessions@openssh.com", "00"}),
                    MsgGlobalRequest::make(NoMoreSessionsRequest{}, false));
  expect_decodes_to(wire_bytes({"51", "00000000"}), MsgRequestSuccess{TcpipForwardReply{0}.encode()});
  expect_decodes_to(wire_bytes({"52"}), MsgRequestFailure{});
}

TEST(ConnectionMessages, SmallChannelMessagesKnownAnswers) {
  expect_decodes_to(wire_bytes({"5b", "00000000", "00000007", "00200000", "00008000"}),
                    MsgChannelOpenConfirmation{0, 7, 2097152, 32768, {}});
  expect_decodes_to(wire_bytes({"5d", "00000000", "00010000"}), MsgChannelWindowAdjust{0, 65536});
  expect_decodes_to(wire_bytes({"60", "00000007"}), MsgChannelEof{7});
  expect_decodes_to(wire_bytes({"61", "00000007"}), MsgChannelClose{7});
  expect_decodes_to(wire_bytes({"63", "00000007"}), MsgChannelSuccess{7});
  expect_decodes_to(wire_bytes({"64", "00000007"}), MsgChannelFailure{7});
  expect_decodes_to(wire_bytes({"62", "00000001", "0000000f", "\"eow@openssh.com", "00"}),
                    MsgChannelRequest::make(1, EowRequest{}, false));
  expect_decodes_to(wire_bytes({"62", "00000001", "00000005", "\"shell", "01"}),
                    MsgChannelRequest::make(1, ShellRequest{}, true));
}

// ---------------------------------------------------------------- round trips

TEST(ConnectionMessages, EveryMessageRoundTrips) {
  auto gr = round_trip(MsgGlobalRequest{"tcpip-forward", true, {0, 0, 0, 0, 0, 0, 0, 0x50}}, false, 4 + 13 + 1);
  EXPECT_EQ(gr.name, "tcpip-forward");
  EXPECT_TRUE(gr.want_reply);
  EXPECT_EQ(gr.data.size(), 8u);
  EXPECT_EQ(round_trip(MsgRequestSuccess{{0, 0, 0x1f, 0x90}}, false).data.size(), 4u);
  EXPECT_TRUE(round_trip(MsgRequestSuccess{}, false).data.empty());
  round_trip(MsgRequestFailure{});
  auto open = round_trip(MsgChannelOpen{"x11", 5, 1000, 2000, {9, 9}}, false, 4 + 3 + 12);
  EXPECT_EQ(open.sender_channel, 5u);
  EXPECT_EQ(open.initial_window, 1000u);
  EXPECT_EQ(open.max_packet, 2000u);
  EXPECT_EQ(open.data, (Bytes{9, 9}));
  auto conf = round_trip(MsgChannelOpenConfirmation{1, 2, 3, 4, {}}, false, 16);
  EXPECT_EQ(conf.recipient_channel, 1u);
  EXPECT_EQ(conf.max_packet, 4u);
  auto failure = round_trip(MsgChannelOpenFailure{9, 4, "no more", "en"});
  EXPECT_EQ(failure.reason, 4u);
  EXPECT_EQ(failure.description, "no more");
  EXPECT_EQ(failure.language, "en");
  EXPECT_EQ(round_trip(MsgChannelWindowAdjust{3, 0xffffffff}).bytes_to_add, 0xffffffffu);
  Bytes payload(1000, 0x5a);
  auto data = round_trip(MsgChannelData{4, payload});
  EXPECT_EQ(data.recipient_channel, 4u);
  round_trip(MsgChannelData{4, {}});
  round_trip(MsgChannelExtendedData{4, kExtendedDataStderr, payload});
  EXPECT_EQ(round_trip(MsgChannelEof{11}).recipient_channel, 11u);
  EXPECT_EQ(round_trip(MsgChannelClose{12}).recipient_channel, 12u);
  auto req = round_trip(MsgChannelRequest{13, "exec", true, {0, 0, 0, 1, 'x'}}, false, 4 + 4 + 4 + 1);
  EXPECT_EQ(req.recipient_channel, 13u);
  EXPECT_EQ(req.type, "exec");
  EXPECT_EQ(round_trip(MsgChannelSuccess{14}).recipient_channel, 14u);
  EXPECT_EQ(round_trip(MsgChannelFailure{15}).recipient_channel, 15u);
}

TEST(ConnectionMessages, EveryBodyRoundTrips) {
  EXPECT_EQ(body_round_trip(DirectTcpipOpen{"example.org", 443, "10.0.0.1", 5000}).host, "example.org");
  EXPECT_EQ(body_round_trip(ForwardedTcpipOpen{"0.0.0.0", 8080, "192.0.2.7", 40000}).connected_port, 8080u);
  EXPECT_EQ(body_round_trip(X11Open{"127.0.0.1", 6010}).originator_port, 6010u);
  EXPECT_EQ(body_round_trip(DirectStreamlocalOpen{"/run/sock", "", 0}).socket_path, "/run/sock");
  EXPECT_EQ(body_round_trip(ForwardedStreamlocalOpen{"/tmp/s", ""}).socket_path, "/tmp/s");
  auto pty = body_round_trip(PtyRequest{"xterm-256color", 132, 43, 1024, 768, {0x35, 0, 0, 0, 1, 0}});
  EXPECT_EQ(pty.width_px, 1024u);
  EXPECT_EQ(pty.height_px, 768u);
  auto x11 = body_round_trip(X11Request{true, "MIT-MAGIC-COOKIE-1", "00112233", 0});
  EXPECT_TRUE(x11.single_connection);
  EXPECT_EQ(x11.auth_cookie, "00112233");
  auto env = body_round_trip(EnvRequest{"LANG", "C.UTF-8"});
  EXPECT_EQ(env.name, "LANG");
  EXPECT_EQ(env.value, "C.UTF-8");
  EXPECT_EQ(body_round_trip(ExecRequest{std::string("ls\0-l", 5)}).command.size(), 5u);
  EXPECT_EQ(body_round_trip(SubsystemRequest{"sftp"}).name, "sftp");
  EXPECT_EQ(body_round_trip(WindowChangeRequest{100, 50, 0, 0}).cols, 100u);
  EXPECT_TRUE(body_round_trip(XonXoffRequest{true}).client_can_do);
  EXPECT_EQ(body_round_trip(SignalRequest{"INFO"}).signal_name, "INFO");
  EXPECT_EQ(body_round_trip(ExitStatusRequest{255}).exit_status, 255u);
  auto sig = body_round_trip(ExitSignalRequest{"SEGV", true, "Segmentation fault", "en-US"});
  EXPECT_TRUE(sig.core_dumped);
  EXPECT_EQ(sig.error_message, "Segmentation fault");
  EXPECT_EQ(body_round_trip(BreakRequest{500}).length_ms, 500u);
  body_round_trip(SessionOpen{});
  body_round_trip(ShellRequest{});
  body_round_trip(EowRequest{});
  body_round_trip(KeepaliveRequest{});
  body_round_trip(NoMoreSessionsRequest{});
  EXPECT_EQ(body_round_trip(TcpipForwardRequest{"", 0}).bind_port, 0u);
  EXPECT_EQ(body_round_trip(CancelTcpipForwardRequest{"localhost", 2222}).bind_address, "localhost");
  EXPECT_EQ(body_round_trip(StreamlocalForwardRequest{"/a"}).socket_path, "/a");
  EXPECT_EQ(body_round_trip(CancelStreamlocalForwardRequest{"/b"}).socket_path, "/b");
  auto reply = TcpipForwardReply::decode(TcpipForwardReply{40123}.encode());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->bound_port, 40123u);
}

TEST(ConnectionMessages, HostkeyListsAcceptEmptyAndRefuseAPartialBlob) {
  auto empty = HostkeysRequest::decode({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->blobs.empty());
  Bytes tail = HostkeysProveRequest{{{1, 2}, {3}}}.encode();
  auto back = HostkeysProveRequest::decode(tail);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->blobs.size(), 2u);
  for (std::size_t n = 1; n < tail.size(); ++n) {
    if (n == 6) continue;  // exactly the first blob
    EXPECT_FALSE(HostkeysProveRequest::decode(ByteView(tail).first(n))) << n;
  }
}

TEST(ConnectionMessages, NamesWithNulAreRefused) {
  Bytes bad = wire_bytes({"00000003", "73 00 68", "00"});  // "s\0h", want_reply false
  EXPECT_FALSE(MsgGlobalRequest::decode(wire::Reader(ByteView(bad))));
}

// ---------------------------------------------------------------- garbage

namespace {
template <class M>
void decode_garbage(ByteView in) {
  auto m = M::decode(wire::Reader(in));
  if (!m) return;
  Bytes again = m->encode();
  auto second = M::decode(wire::Reader(after_number(again)));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->encode(), again);
}
template <class Body>
void body_garbage(ByteView in) {
  auto b = Body::decode(in);
  if (!b) return;
  auto second = Body::decode(b->encode());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->encode(), b->encode());
}
}  // namespace

TEST(ConnectionMessages, GarbageNeverCrashes) {
  std::mt19937 rng(4254);
  for (int i = 0; i < 3000; ++i) {
    Bytes in(rng() % 48);
    for (auto& b : in) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0 : rng());  // zeros make short lengths
    decode_garbage<MsgGlobalRequest>(in);
    decode_garbage<MsgRequestSuccess>(in);
    decode_garbage<MsgRequestFailure>(in);
    decode_garbage<MsgChannelOpen>(in);
    decode_garbage<MsgChannelOpenConfirmation>(in);
    decode_garbage<MsgChannelOpenFailure>(in);
    decode_garbage<MsgChannelWindowAdjust>(in);
    decode_garbage<MsgChannelData>(in);
    decode_garbage<MsgChannelExtendedData>(in);
    decode_garbage<MsgChannelEof>(in);
    decode_garbage<MsgChannelClose>(in);
    decode_garbage<MsgChannelRequest>(in);
    decode_garbage<MsgChannelSuccess>(in);
    decode_garbage<MsgChannelFailure>(in);
    body_garbage<DirectTcpipOpen>(in);
    body_garbage<ForwardedTcpipOpen>(in);
    body_garbage<X11Open>(in);
    body_garbage<DirectStreamlocalOpen>(in);
    body_garbage<ForwardedStreamlocalOpen>(in);
    body_garbage<PtyRequest>(in);
    body_garbage<X11Request>(in);
    body_garbage<EnvRequest>(in);
    body_garbage<ExecRequest>(in);
    body_garbage<SubsystemRequest>(in);
    body_garbage<WindowChangeRequest>(in);
    body_garbage<XonXoffRequest>(in);
    body_garbage<SignalRequest>(in);
    body_garbage<ExitStatusRequest>(in);
    body_garbage<ExitSignalRequest>(in);
    body_garbage<BreakRequest>(in);
    body_garbage<TcpipForwardRequest>(in);
    body_garbage<CancelTcpipForwardRequest>(in);
    body_garbage<HostkeysRequest>(in);
    (void)decode_terminal_modes(in);
  }
}

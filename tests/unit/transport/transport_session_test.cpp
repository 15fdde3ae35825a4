// The transport engine, client and server in one process (EnginePair): every
// method and algorithm, re-exchange while data flows, strict KEX, refusals.
#include "sshcore/transport/transport_session.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "sshcore/base/encoding.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/transport/transport_messages.hpp"
#include "support/process.hpp"
#include "support/transport_pair.hpp"

using namespace sshcore;
using namespace sshcore::transport;
using sshpp::test::TransportPair;

namespace {
TransportConfig with(std::string kex, std::string cipher, std::string mac = default_macs(),
                     std::string host_key = {}) {
  TransportConfig c;
  c.kex = std::move(kex);
  c.ciphers = std::move(cipher);
  c.macs = std::move(mac);
  c.host_key_algorithms = std::move(host_key);
  return c;
}

Bytes message(std::uint8_t number, std::size_t size, std::uint8_t fill) {
  Bytes m(size + 1, fill);
  m[0] = number;
  return m;
}

void exchange_messages(TransportPair& p) {
  ASSERT_TRUE(p.client().send(message(94, 1000, 1)));
  ASSERT_TRUE(p.server().send(message(94, 20000, 2)));
  p.pump();
  ASSERT_FALSE(p.client_log().messages.empty());
  ASSERT_FALSE(p.server_log().messages.empty());
  EXPECT_EQ(p.server_log().messages.back(), message(94, 1000, 1));
  EXPECT_EQ(p.client_log().messages.back(), message(94, 20000, 2));
}
}  // namespace

TEST(TransportSession, EveryKexMethodCompletes) {
  for (const auto& kex : kex_algs()) {
    SCOPED_TRACE(std::string(kex.name));
    TransportPair p(with(std::string(kex.name), "aes128-ctr"), with(std::string(kex.name), "aes128-ctr"));
    p.pump();
    ASSERT_TRUE(p.both_ready()) << (p.client_log().error ? p.client_log().error->message() : "")
                                << (p.server_log().error ? p.server_log().error->message() : "");
    EXPECT_EQ(p.client().negotiated()->kex->name, kex.name);
    EXPECT_EQ(p.client().session_id().size(), crypto::digest_info(kex.hash).size);
    exchange_messages(p);
  }
}

TEST(TransportSession, EveryCipherAndMacCarriesData) {
  for (const auto& cipher : cipher_algs()) {
    for (const auto& mac : mac_algs()) {
      if (cipher.aead() && mac.name != mac_algs()[0].name) continue;  // MAC unused with AEAD
      SCOPED_TRACE(std::string(cipher.name) + " " + std::string(mac.name));
      TransportPair p(with("curve25519-sha256", std::string(cipher.name), std::string(mac.name)),
                      with("curve25519-sha256", std::string(cipher.name), std::string(mac.name)));
      p.pump();
      ASSERT_TRUE(p.both_ready());
      EXPECT_EQ(p.client().negotiated()->client_to_server.cipher->name, cipher.name);
      exchange_messages(p);
    }
  }
}

TEST(TransportSession, EveryHostKeyAlgorithm) {
  using keys::KeyType;
  std::vector<KeyType> all{KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521,
                           KeyType::kRsa};
  for (std::string alg : {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                          "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"}) {
    SCOPED_TRACE(alg);
    std::optional<keys::PublicKey> seen;
    TransportPair p(with("curve25519-sha256", "aes128-ctr", default_macs(), alg),
                    with("curve25519-sha256", "aes128-ctr", default_macs(), alg), all,
                    [&](const keys::PublicKey& k) -> Result<void> { seen = k; return {}; });
    p.pump();
    ASSERT_TRUE(p.both_ready());
    EXPECT_EQ(p.client().negotiated()->host_key_alg, alg);
    ASSERT_TRUE(seen);
    EXPECT_TRUE(*seen == *p.client().server_host_key());
  }
}

TEST(TransportSession, RekeyWhileDataFlowsLosesAndReordersNothing) {
  TransportConfig c = with("curve25519-sha256", "chacha20-poly1305@openssh.com");
  TransportConfig s = with("ecdh-sha2-nistp256,curve25519-sha256", "chacha20-poly1305@openssh.com");
  TransportPair p(c, s);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  Bytes id = p.client().session_id();
  std::size_t sent = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(p.client().send(message(94, 4000 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(sent))));
      ++sent;
      if (i == 10) {
        ASSERT_TRUE((round % 2 == 0 ? p.client() : p.server()).request_rekey());
      }
      if (i % 7 == 0) p.pump();
    }
    p.pump();
  }
  ASSERT_FALSE(p.server_log().error) << p.server_log().error->message();
  ASSERT_EQ(p.server_log().messages.size(), sent);
  for (std::size_t i = 0; i < sent; ++i)
    ASSERT_EQ(p.server_log().messages[i][1], static_cast<std::uint8_t>(i)) << "message " << i;
  EXPECT_EQ(p.client().kex_count(), 4u);
  EXPECT_EQ(p.client().session_id(), id);  // the session id never changes
}

TEST(TransportSession, ByteLimitTriggersRekey) {
  TransportConfig c = with("curve25519-sha256", "aes128-gcm@openssh.com");
  c.rekey_limit_bytes = 64 * 1024;
  TransportPair p(c, with("curve25519-sha256", "aes128-gcm@openssh.com"));
  p.pump();
  ASSERT_TRUE(p.both_ready());
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(p.client().send(message(94, 8000, 7)));
    p.pump();
  }
  EXPECT_GE(p.client().kex_count(), 4u);
  EXPECT_EQ(p.server_log().messages.size(), 40u);
}

TEST(TransportSession, DelayedCompressionAfterAuthentication) {
  TransportConfig c = with("curve25519-sha256", "aes256-ctr");
  c.compression = "zlib@openssh.com,none";
  TransportConfig s = c;
  TransportPair p(c, s);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  EXPECT_EQ(p.client().negotiated()->client_to_server.compression->name, "zlib@openssh.com");
  exchange_messages(p);
  ASSERT_TRUE(p.client().enable_delayed_compression());
  ASSERT_TRUE(p.server().enable_delayed_compression());
  exchange_messages(p);
  ASSERT_TRUE(p.client().request_rekey());
  p.pump();
  exchange_messages(p);  // compression stays on across a re-exchange
}

TEST(TransportSession, GroupExchangeWithModuliAndFallback) {
  TransportConfig s = with("diffie-hellman-group-exchange-sha256", "aes128-ctr");
  s.moduli = parse_moduli(sshpp::test::read_text(sshpp::test::test_data("moduli/debian-sample")));
  TransportPair p(with("diffie-hellman-group-exchange-sha256", "aes128-ctr"), s);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  exchange_messages(p);
}

TEST(TransportSession, NoCommonCipherEndsBothSidesWithReason) {
  TransportPair p(with("curve25519-sha256", "aes128-cbc"), with("curve25519-sha256", "chacha20-poly1305@openssh.com"));
  p.pump();
  ASSERT_TRUE(p.server_log().error);
  EXPECT_EQ(p.server_log().error->code, sshcore::Errc::kNoCommonAlgorithm);
  EXPECT_EQ(p.server_log().error->detail, "no matching cipher found. Their offer: aes128-cbc");
  EXPECT_EQ(p.server_log().error->reason, DisconnectReason::kKeyExchangeFailed);
  ASSERT_TRUE(p.client_log().error);  // the client fails too, on its own negotiation
  EXPECT_EQ(p.client_log().error->detail, "no matching cipher found. Their offer: chacha20-poly1305@openssh.com");
  EXPECT_TRUE(p.client().closed());
  EXPECT_TRUE(p.server().closed());
}

TEST(TransportSession, RejectedHostKeyFailsVerification) {
  TransportPair p(with("curve25519-sha256", "aes128-ctr"), with("curve25519-sha256", "aes128-ctr"),
                  {keys::KeyType::kEd25519},
                  [](const keys::PublicKey&) -> Result<void> { return fail(Errc::kNotFound, "unknown"); });
  p.pump();
  ASSERT_TRUE(p.client_log().error);
  EXPECT_EQ(p.client_log().error->detail, "Host key verification failed.");
  EXPECT_EQ(p.client_log().error->reason, DisconnectReason::kHostKeyNotVerifiable);
  EXPECT_TRUE(p.client().session_id().empty() || !p.both_ready());
}

// Terrapin (CVE-2023-48795): an IGNORE slipped in before NEWKEYS shifts the
// sequence numbers; strict KEX makes the receiver refuse it outright.
TEST(TransportSession, StrictKexRejectsInjectedIgnore) {
  TransportPair p(with("curve25519-sha256", "chacha20-poly1305@openssh.com"),
                  with("curve25519-sha256", "chacha20-poly1305@openssh.com"));
  PacketEncoder plain;  // an unprotected packet, as an attacker on the wire could forge
  ASSERT_TRUE(plain.encode(Bytes{msg::kIgnore, 0, 0, 0, 0}));
  Bytes ignore = to_bytes(plain.pending_output());
  bool injected = false;
  p.pump([&](Bytes& chunk) {
    // After the identification line and KEXINIT: append the IGNORE once.
    if (!injected && chunk.size() > 40 && chunk[0] != 'S') {
      append(chunk, ignore);
      injected = true;
    }
  });
  ASSERT_TRUE(injected);
  ASSERT_TRUE(p.server_log().error);
  EXPECT_NE(p.server_log().error->detail.find("strict KEX violation"), std::string::npos)
      << p.server_log().error->detail;
  EXPECT_EQ(p.server_log().error->reason, DisconnectReason::kProtocolError);
}

TEST(TransportSession, MessagesBeforeKeyExchangeAreRefused) {
  TransportPair p(with("curve25519-sha256", "aes128-ctr"), with("curve25519-sha256", "aes128-ctr"));
  PacketEncoder plain;
  ASSERT_TRUE(plain.encode(Bytes{msg::kServiceRequest, 0, 0, 0, 0}));
  Bytes early = to_bytes(plain.pending_output());
  bool injected = false;
  p.pump([&](Bytes& chunk) {
    if (!injected && chunk.size() > 40 && chunk[0] != 'S') {
      chunk.insert(chunk.begin(), early.begin(), early.end());  // before the client's KEXINIT
      injected = true;
    }
  });
  ASSERT_TRUE(p.server_log().error);
}

TEST(TransportSession, PeerDisconnectIsAnEvent) {
  TransportPair p(with("curve25519-sha256", "aes128-ctr"), with("curve25519-sha256", "aes128-ctr"));
  p.pump();
  ASSERT_TRUE(p.both_ready());
  p.client().disconnect(DisconnectReason::kByApplication, "disconnected by user");
  p.pump();
  ASSERT_TRUE(p.server_log().disconnect_description);
  EXPECT_EQ(*p.server_log().disconnect_description, "disconnected by user");
  EXPECT_TRUE(p.server().closed());
}

TEST(TransportSession, GarbageFromPeerNeverCrashes) {
  std::uint32_t seed = 7;
  for (int round = 0; round < 200; ++round) {
    TransportConfig c;
    c.role = Role::kServer;
    TransportSession s(c, {TransportPair::host_key(keys::KeyType::kEd25519)}, {});
    s.start();
    std::string head = round % 2 ? "SSH-2.0-fuzz\r\n" : "";
    Bytes junk(head.begin(), head.end());
    for (int i = 0; i < 300; ++i) {
      seed = seed * 1103515245u + 12345u;
      junk.push_back(static_cast<std::uint8_t>(seed >> 16));
    }
    s.receive(junk);
    for (int i = 0; i < 10; ++i) {
      auto ev = s.next_event();
      if (!ev || !ev->has_value()) break;
    }
  }
  SUCCEED();
}

TEST(TransportSession, StalledKeyExchangeTimesOutWithDisconnect) {
  TransportConfig c = with("curve25519-sha256", "aes128-ctr");
  c.kex_timeout = std::chrono::seconds(30);
  TransportConfig s = with("curve25519-sha256", "aes128-ctr");
  TransportPair p(c, s);
  // The server's bytes never reach the client: it stalls mid exchange.
  p.server().receive(p.client().pending_output());
  p.client().consume_output(p.client().pending_output().size());
  auto now = std::chrono::steady_clock::now();
  EXPECT_TRUE(p.client().on_timer(now + std::chrono::seconds(5)));  // not yet
  EXPECT_FALSE(p.client().closed());
  auto r = p.client().on_timer(now + std::chrono::seconds(31));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, DisconnectReason::kKeyExchangeFailed);
  EXPECT_NE(r.error().detail.find("Timeout during key exchange"), std::string::npos);
  EXPECT_TRUE(p.client().closed());
  EXPECT_FALSE(p.client().pending_output().empty());  // the DISCONNECT, for the driver to flush
  // What the server receives is a DISCONNECT with that reason.
  p.server().receive(p.client().pending_output());
  bool saw = false;
  for (int i = 0; i < 10; ++i) {
    auto ev = p.server().next_event();
    ASSERT_TRUE(ev) << ev.error().message();
    if (!ev->has_value()) break;
    if ((*ev)->kind == TransportEventKind::kDisconnected) {
      saw = true;
      EXPECT_EQ((*ev)->reason, DisconnectReason::kKeyExchangeFailed);
    }
  }
  EXPECT_TRUE(saw);
}

TEST(TransportSession, TimeBasedRekey) {
  TransportConfig c = with("curve25519-sha256", "aes128-ctr");
  c.rekey_interval = std::chrono::seconds(60);
  TransportPair p(c, with("curve25519-sha256", "aes128-ctr"));
  p.pump();
  ASSERT_TRUE(p.both_ready());
  auto now = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.client().on_timer(now + std::chrono::seconds(10)));
  p.pump();
  EXPECT_EQ(p.client().kex_count(), 1u);
  ASSERT_TRUE(p.client().on_timer(now + std::chrono::seconds(61)));
  p.pump();
  EXPECT_EQ(p.client().kex_count(), 2u);
  exchange_messages(p);
}

// A failed negotiation is the driver's to report (it knows the peer's address:
// "Unable to negotiate with ADDR port N: ..."): the transport logs it at DEBUG1 only.
TEST(TransportSession, NegotiationFailureIsLeftToTheDriver) {
  std::string path = std::filesystem::temp_directory_path() / "sshpp-transport-log-test.log";
  std::filesystem::remove(path);
  sshcore::log::Options o;
  o.level = sshcore::log::Level::kDebug1;
  o.sink = sshcore::log::Sink::kFile;
  o.file = path;
  sshcore::log::init(o);
  TransportPair p(with("curve25519-sha256", "aes128-cbc"), with("curve25519-sha256", "aes256-ctr"));
  p.pump();
  sshcore::log::init(sshcore::log::Options{});
  std::string logged = sshpp::test::read_text(path);
  std::filesystem::remove(path);
  EXPECT_NE(logged.find("debug1: no matching cipher found. Their offer: aes256-ctr"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("\nno matching cipher found"), std::string::npos) << logged;
  EXPECT_FALSE(logged.starts_with("no matching cipher found")) << logged;
}

// A message sent in two parts (header, then data) arrives whole, with every cipher and
// with compression, and also when it is held back during a key exchange.
TEST(TransportSession, TwoPartMessagesArriveWhole) {
  for (const auto& cipher : cipher_algs()) {
    SCOPED_TRACE(std::string(cipher.name));
    TransportConfig c = with("curve25519-sha256", std::string(cipher.name));
    c.compression = "zlib";
    TransportPair p(c, c);
    Bytes head = message(94, 8, 5);
    Bytes tail(70000, 9);
    Bytes whole = head;
    whole.insert(whole.end(), tail.begin(), tail.end());
    ASSERT_TRUE(p.client().send(ByteView(head), ByteView(tail)));  // before NEWKEYS: held
    p.pump();
    ASSERT_TRUE(p.both_ready());
    ASSERT_TRUE(p.client().send(ByteView(head), ByteView(tail)));
    ASSERT_TRUE(p.client().send(ByteView(head), ByteView()));
    p.pump();
    ASSERT_GE(p.server_log().messages.size(), 3u);
    auto n = p.server_log().messages.size();
    EXPECT_EQ(p.server_log().messages[n - 3], whole);
    EXPECT_EQ(p.server_log().messages[n - 2], whole);
    EXPECT_EQ(p.server_log().messages[n - 1], head);
  }
}

// Bytes read straight into the input queue (receive_buffer, then commit_received with
// the count read) make the same session as receive(): from the identification line on,
// in pieces that split lines and packets anywhere, with a closing commit of 0 bytes.
TEST(TransportSession, BytesReceivedInPlaceMakeTheSameSession) {
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{300000}}) {
    SCOPED_TRACE(piece);
    TransportConfig c = with("curve25519-sha256", "chacha20-poly1305@openssh.com");
    TransportPair p(c, c);
    p.receive_in_place(piece);
    p.pump();
    ASSERT_TRUE(p.both_ready());
    Bytes big = message(94, 200000, 6);
    ASSERT_TRUE(p.client().send(big));
    ASSERT_TRUE(p.server().send(message(94, 10, 1)));
    p.pump();
    ASSERT_FALSE(p.server_log().messages.empty());
    EXPECT_EQ(p.server_log().messages.back(), big);
    ASSERT_FALSE(p.client_log().messages.empty());
    EXPECT_EQ(p.client_log().messages.back(), message(94, 10, 1));
    (void)p.client().receive_buffer(100);
    p.client().commit_received(0);  // a read() that returned nothing changes nothing
    EXPECT_TRUE(p.both_ready());
  }
}

// A message written in place (begin_message, then finish_message with the length
// really written) arrives as written, with and without compression; a room finished
// with 0 sends nothing and costs no sequence number; during the initial exchange the
// room is a scratch buffer whose message is held until NEWKEYS.
TEST(TransportSession, MessagesWrittenInPlaceArriveAsWritten) {
  for (const char* compression : {"none", "zlib"}) {
    SCOPED_TRACE(compression);
    TransportConfig c = with("curve25519-sha256", "aes128-gcm@openssh.com");
    c.compression = compression;
    TransportPair p(c, c);
    Bytes first = message(94, 1000, 3);
    auto room = p.client().begin_message(100000);  // held: the exchange has not run
    ASSERT_EQ(room.size(), 100000u);
    std::copy(first.begin(), first.end(), room.begin());
    ASSERT_TRUE(p.client().finish_message(first.size()));
    p.pump();
    ASSERT_TRUE(p.both_ready());
    room = p.client().begin_message(50);
    ASSERT_EQ(room.size(), 50u);
    ASSERT_TRUE(p.client().finish_message(0));  // nothing
    Bytes second = message(94, 200000, 4);
    room = p.client().begin_message(262000);
    std::copy(second.begin(), second.end(), room.begin());
    ASSERT_TRUE(p.client().finish_message(second.size()));
    p.pump();
    ASSERT_GE(p.server_log().messages.size(), 2u);
    auto n = p.server_log().messages.size();
    EXPECT_EQ(p.server_log().messages[n - 2], first);
    EXPECT_EQ(p.server_log().messages[n - 1], second);
    EXPECT_TRUE(p.both_ready());  // the peer's MACs and sequence numbers still agree
  }
}

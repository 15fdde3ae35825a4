// Privilege separation's handoff: a server session exported mid-connection and
// imported into a fresh TransportSession continues the same connection with the
// unchanged client, in both directions and across a re-exchange, for every
// cipher family (stream position, chaining block, GCM counter) and MAC kind.
#include "sshcore/transport/transport_state.hpp"

#include <gtest/gtest.h>

#include "support/transport_pair.hpp"

using namespace sshcore;
using namespace sshcore::transport;
using sshpp::test::SideLog;
using sshpp::test::TransportPair;

namespace {

TransportConfig with(std::string cipher, std::string mac) {
  TransportConfig c;
  c.kex = "curve25519-sha256";
  c.ciphers = std::move(cipher);
  c.macs = std::move(mac);
  return c;
}

Bytes message(std::uint8_t number, std::size_t size, std::uint8_t fill) {
  Bytes m(size + 1, fill);
  m[0] = number;
  return m;
}

// Collects upper-layer messages; false on a session error.
bool drain(TransportSession& s, std::vector<Bytes>& got) {
  while (true) {
    auto ev = s.next_event();
    if (!ev) {
      ADD_FAILURE() << ev.error().message();
      return false;
    }
    if (!ev->has_value()) return true;
    if ((*ev)->kind == TransportEventKind::kMessage) got.push_back(to_bytes((*ev)->message));
  }
}

void pump(TransportSession& a, TransportSession& b, std::vector<Bytes>& got_a, std::vector<Bytes>& got_b) {
  for (int round = 0; round < 1000; ++round) {
    bool moved = false;
    if (auto out = a.pending_output(); !out.empty()) {
      b.receive(out);
      a.consume_output(out.size());
      moved = true;
    }
    if (auto out = b.pending_output(); !out.empty()) {
      a.receive(out);
      b.consume_output(out.size());
      moved = true;
    }
    ASSERT_TRUE(drain(a, got_a));
    ASSERT_TRUE(drain(b, got_b));
    if (!moved) return;
  }
}

std::unique_ptr<TransportSession> hand_off(const TransportSession& server, const TransportConfig& config) {
  auto state = export_transport_state(server);
  EXPECT_TRUE(state) << state.error().message();
  if (!state) return nullptr;
  TransportConfig c = config;
  c.role = Role::kServer;
  auto imported = import_transport_state(state->view(), {TransportPair::host_key(keys::KeyType::kEd25519)}, c);
  EXPECT_TRUE(imported) << imported.error().message();
  if (!imported) return nullptr;
  return std::move(*imported);
}

// Handshake, traffic, handoff (with output queued on the old server and half a
// client packet buffered in it), traffic both ways, re-exchange, traffic.
void run_handoff(const std::string& cipher, const std::string& mac) {
  SCOPED_TRACE(cipher + " " + mac);
  TransportConfig config = with(cipher, mac);
  TransportPair p(config, config);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  ASSERT_EQ(p.client().negotiated()->client_to_server.cipher->name, cipher);
  ASSERT_TRUE(p.client().send(message(94, 300, 1)));
  ASSERT_TRUE(p.server().send(message(94, 5000, 2)));
  p.pump();
  ASSERT_EQ(p.server_log().messages.size(), 1u);

  // Leftovers the new process must take over: server output not yet written,
  // and a client packet of which only the first 40 bytes arrived (an MtE
  // decoder has already decrypted its first block by then).
  ASSERT_TRUE(p.server().send(message(95, 77, 3)));
  ASSERT_TRUE(p.client().send(message(96, 123, 4)));
  Bytes client_bytes = to_bytes(p.client().pending_output());
  p.client().consume_output(client_bytes.size());
  p.server().receive(ByteView(client_bytes).first(40));
  std::vector<Bytes> ignored;
  ASSERT_TRUE(drain(p.server(), ignored));
  ASSERT_TRUE(ignored.empty());

  auto server = hand_off(p.server(), config);
  ASSERT_TRUE(server);
  EXPECT_EQ(server->session_id(), p.client().session_id());
  server->receive(ByteView(client_bytes).subspan(40));

  std::vector<Bytes> at_client, at_server;
  pump(p.client(), *server, at_client, at_server);
  ASSERT_EQ(at_server.size(), 1u);
  EXPECT_EQ(at_server[0], message(96, 123, 4));
  ASSERT_EQ(at_client.size(), 1u);
  EXPECT_EQ(at_client[0], message(95, 77, 3));

  ASSERT_TRUE(server->send(message(94, 20000, 5)));
  ASSERT_TRUE(p.client().send(message(94, 9000, 6)));
  pump(p.client(), *server, at_client, at_server);
  ASSERT_EQ(at_client.size(), 2u);
  EXPECT_EQ(at_client[1], message(94, 20000, 5));
  ASSERT_EQ(at_server.size(), 2u);
  EXPECT_EQ(at_server[1], message(94, 9000, 6));

  std::uint32_t kexes = server->kex_count();
  ASSERT_TRUE(server->request_rekey());
  ASSERT_TRUE(server->send(message(94, 100, 7)));
  pump(p.client(), *server, at_client, at_server);
  EXPECT_EQ(server->kex_count(), kexes + 1);
  ASSERT_TRUE(p.client().send(message(94, 100, 8)));
  pump(p.client(), *server, at_client, at_server);
  ASSERT_EQ(at_client.size(), 3u);
  EXPECT_EQ(at_client[2], message(94, 100, 7));
  ASSERT_EQ(at_server.size(), 3u);
  EXPECT_EQ(at_server[2], message(94, 100, 8));
}

}  // namespace

TEST(TransportState, HandoffContinuesEveryCipherFamily) {
  const char* aead[] = {"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"};
  for (const char* c : aead) run_handoff(c, "hmac-sha2-256");
  const char* ciphers[] = {"aes128-ctr", "aes256-ctr", "aes128-cbc", "aes256-cbc", "3des-cbc"};
  const char* macs[] = {"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512", "umac-64@openssh.com",
                        "umac-128-etm@openssh.com", "hmac-sha1"};
  for (const char* c : ciphers)
    for (const char* m : macs) run_handoff(c, m);
}

TEST(TransportState, RefusesWhileKeyExchangeRuns) {
  TransportConfig config = with("aes128-ctr", "hmac-sha2-256");
  TransportPair p(config, config);
  auto before = export_transport_state(p.server());
  EXPECT_FALSE(before);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  ASSERT_TRUE(p.server().request_rekey());
  EXPECT_FALSE(export_transport_state(p.server()));
}

TEST(TransportState, ImportRefusesWrongRoleAndGarbage) {
  TransportConfig config = with("aes128-gcm@openssh.com", "hmac-sha2-256");
  TransportPair p(config, config);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  auto state = export_transport_state(p.server());
  ASSERT_TRUE(state);
  TransportConfig client_config = config;
  client_config.role = Role::kClient;
  EXPECT_FALSE(import_transport_state(state->view(), {}, client_config));

  config.role = Role::kServer;
  // Every truncation, and single-byte corruptions all through the state: an
  // error or a session, never a crash.
  for (std::size_t n = 0; n < state->size(); ++n)
    EXPECT_FALSE(import_transport_state(state->view().first(n), {}, config));
  for (std::size_t i = 0; i < state->size(); ++i) {
    SecretBytes bent = *state;
    bent[i] ^= 0xff;
    (void)import_transport_state(bent.view(), {}, config);
  }
  Bytes garbage(500, 0x41);
  EXPECT_FALSE(import_transport_state(garbage, {}, config));
  EXPECT_FALSE(import_transport_state(ByteView(), {}, config));
}

// The running IV alone carries each family's stream position: after traffic, a
// protection rebuilt from export_keys() seals the next packet exactly as the
// original does, and opens what the original's peer sends.
TEST(TransportState, ExportedKeysContinueTheCipherStream) {
  struct Row {
    const char* cipher;
    const char* mac;
  };
  const Row rows[] = {{"aes128-ctr", "hmac-sha2-256"},       {"aes256-cbc", "hmac-sha2-512-etm@openssh.com"},
                      {"3des-cbc", "umac-64@openssh.com"},    {"aes128-gcm@openssh.com", nullptr},
                      {"chacha20-poly1305@openssh.com", nullptr}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.cipher);
    const CipherAlg* cipher = find_cipher(row.cipher);
    const MacAlg* mac = row.mac != nullptr ? find_mac(row.mac) : nullptr;
    ASSERT_NE(cipher, nullptr);
    DirectionKeys keys;
    keys.iv = SecretBytes(Bytes(cipher->iv_len, 0x11));
    keys.enc_key = SecretBytes(Bytes(cipher->key_len, 0x22));
    keys.mac_key = SecretBytes(Bytes(mac != nullptr ? mac->key_len : 0, 0x33));
    auto original = PacketProtection::create(*cipher, mac, keys, PacketDirection::kOutbound);
    ASSERT_TRUE(original);
    // The encrypted span is a multiple of every block size.
    const std::size_t len = (*original)->aad_len() + 4 * 24;
    std::vector<std::uint8_t> packet(len, 0), tag((*original)->tag_len());
    packet[3] = static_cast<std::uint8_t>(len - 4);
    for (std::uint32_t seq = 0; seq < 3; ++seq) ASSERT_TRUE((*original)->seal(seq, packet, tag));
    auto exported = (*original)->export_keys();
    ASSERT_TRUE(exported);
    auto copy = PacketProtection::create(*cipher, mac, *exported, PacketDirection::kOutbound);
    ASSERT_TRUE(copy);
    std::vector<std::uint8_t> a(len, 5), b(len, 5), tag_a(tag.size()), tag_b(tag.size());
    a[3] = b[3] = static_cast<std::uint8_t>(len - 4);
    ASSERT_TRUE((*original)->seal(3, a, tag_a));
    ASSERT_TRUE((*copy)->seal(3, b, tag_b));
    EXPECT_EQ(a, b);
    EXPECT_EQ(tag_a, tag_b);
    if (std::string_view(row.cipher) != "chacha20-poly1305@openssh.com") {
      EXPECT_NE(to_bytes(exported->iv.view()), to_bytes(keys.iv.view()));  // the IV moved on
    }
  }
}

// zlib@openssh.com: the handoff happens before authentication completes, so no
// stream runs yet; the user child then starts it on its side as the client does.
TEST(TransportState, DelayedCompressionStartsAfterTheHandoff) {
  TransportConfig config = with("aes128-ctr", "hmac-sha2-256-etm@openssh.com");
  config.compression = "zlib@openssh.com";
  TransportPair p(config, config);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  auto server = hand_off(p.server(), config);
  ASSERT_TRUE(server);
  ASSERT_TRUE(server->enable_delayed_compression());
  ASSERT_TRUE(p.client().enable_delayed_compression());
  std::vector<Bytes> at_client, at_server;
  ASSERT_TRUE(server->send(message(94, 30000, 9)));
  ASSERT_TRUE(p.client().send(message(94, 30000, 10)));
  pump(p.client(), *server, at_client, at_server);
  ASSERT_EQ(at_client.size(), 1u);
  EXPECT_EQ(at_client[0], message(94, 30000, 9));
  ASSERT_EQ(at_server.size(), 1u);
  EXPECT_EQ(at_server[0], message(94, 30000, 10));
  // A running zlib stream cannot move.
  EXPECT_FALSE(export_transport_state(*server));
}

TEST(TransportState, StateNamesItsSessionId) {
  TransportConfig config = with("chacha20-poly1305@openssh.com", "hmac-sha2-256");
  TransportPair p(config, config);
  p.pump();
  ASSERT_TRUE(p.both_ready());
  auto state = export_transport_state(p.server());
  ASSERT_TRUE(state);
  auto id = transport_state_session_id(state->view());
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, p.server().session_id());
  EXPECT_FALSE(transport_state_session_id(Bytes(3, 0)));
}

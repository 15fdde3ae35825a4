#include "sshcore/transport/kex_method.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "sshcore/base/encoding.hpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;
using namespace sshcore::transport;

namespace {
crypto::RandomSource fixed(std::string hex) {
  Bytes b = *hex_decode(hex);
  return [b](std::span<std::uint8_t> out) {
    ASSERT_EQ(out.size(), b.size());
    std::memcpy(out.data(), b.data(), b.size());
  };
}
Bytes string_field(ByteView v) {
  wire::Writer w;
  w.string(v);
  return *std::move(w).finish();
}
}  // namespace

// RFC 7748 section 6.1: Alice is the client, Bob the server.
TEST(KexMethod, X25519Rfc7748Vectors) {
  auto alice = make_x25519_kex(fixed("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = make_x25519_kex(fixed("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  auto q_c = alice->client_public();
  ASSERT_TRUE(q_c);
  EXPECT_EQ(hex_encode(*q_c), "00000020" "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  auto reply = bob->server_reply(*q_c);
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_EQ(hex_encode(reply->server_public),
            "00000020" "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const char* k = "00000020" "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  EXPECT_EQ(hex_encode(reply->shared_secret.view()), k);
  auto client_k = alice->client_shared_secret(reply->server_public);
  ASSERT_TRUE(client_k);
  EXPECT_EQ(hex_encode(client_k->view()), k);
}

TEST(KexMethod, X25519RejectsBadPeerValues) {
  auto server = make_x25519_kex({});
  Bytes zero(32, 0);  // a low-order point: the shared secret would be all zero
  auto r = server->server_reply(string_field(zero));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, DisconnectReason::kKeyExchangeFailed);
  EXPECT_FALSE(server->server_reply(string_field(Bytes(31, 9))));
  Bytes trailing = string_field(Bytes(32, 9));
  trailing.push_back(0);
  EXPECT_FALSE(server->server_reply(trailing));
}

TEST(KexMethod, EveryClassicMethodAgreesBothWays) {
  for (const auto& alg : kex_algs()) {
    auto client = make_kex_method(alg);
    auto server = make_kex_method(alg);
    if (!client) continue;  // DH-GEX has a round in front (TransportSession tests cover it)
    auto q_c = client->client_public();
    ASSERT_TRUE(q_c) << alg.name;
    auto reply = server->server_reply(*q_c);
    ASSERT_TRUE(reply) << alg.name << ": " << reply.error().message();
    auto k = client->client_shared_secret(reply->server_public);
    ASSERT_TRUE(k) << alg.name;
    EXPECT_EQ(hex_encode(k->view()), hex_encode(reply->shared_secret.view())) << alg.name;
    EXPECT_GT(k->size(), 20u) << alg.name;
  }
}

TEST(KexMethod, EcdhAndDhRejectInvalidPublicValues) {
  auto ecdh = make_ecdh_kex("nistp256", {});
  Bytes off_curve(65, 0x01);
  off_curve[0] = 0x04;
  auto r = ecdh->server_reply(string_field(off_curve));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, DisconnectReason::kKeyExchangeFailed);
  Bytes compressed(33, 0x02);
  EXPECT_FALSE(ecdh->server_reply(string_field(compressed)));

  auto dh = make_dh_group_kex("group14", {});
  for (const char* bad : {"0000000101", "00000000"}) {  // f = 1 and f = 0
    EXPECT_FALSE(dh->server_reply(*hex_decode(bad))) << bad;
  }
  // f = p - 1 for the 2048-bit MODP group (RFC 3526): ...FFFFFFFE
  Bytes p_minus_1 = *hex_decode(
      "0000010100"
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
      "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
      "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
      "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
      "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
      "15728E5A8AACAA68FFFFFFFFFFFFFFFE");
  EXPECT_FALSE(dh->server_reply(p_minus_1));
}

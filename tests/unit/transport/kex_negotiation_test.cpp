#include "sshcore/transport/kex_negotiation.hpp"

#include <gtest/gtest.h>

#include "sshcore/transport/algorithm_tables.hpp"

using namespace sshcore;
using namespace sshcore::transport;

namespace {
MsgKexInit proposal(std::string kex, std::string host_key, std::string cipher, std::string mac,
                    std::string comp = "none") {
  MsgKexInit m;
  m[Proposal::kKex] = std::move(kex);
  m[Proposal::kHostKey] = std::move(host_key);
  m[Proposal::kCipherCtoS] = m[Proposal::kCipherStoC] = std::move(cipher);
  m[Proposal::kMacCtoS] = m[Proposal::kMacStoC] = std::move(mac);
  m[Proposal::kCompressionCtoS] = m[Proposal::kCompressionStoC] = std::move(comp);
  return m;
}
}  // namespace

TEST(AlgorithmTables, DefaultsInOpenSshOrder) {
  EXPECT_EQ(default_ciphers(),
            "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
            "aes128-gcm@openssh.com,aes256-gcm@openssh.com");
  EXPECT_EQ(default_macs(),
            "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
            "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
            "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1");
  EXPECT_EQ(default_kex().substr(0, 46), "mlkem768x25519-sha256,sntrup761x25519-sha512,s");
  EXPECT_EQ(default_kex().find("group14-sha1"), std::string::npos);
  EXPECT_TRUE(find_cipher("aes128-cbc"));
  EXPECT_FALSE(find_cipher("arcfour"));
}

TEST(KexNegotiation, ClientPreferenceWinsAndAeadHasNoMac) {
  auto c = proposal("curve25519-sha256,ext-info-c,kex-strict-c-v00@openssh.com", "ssh-ed25519,rsa-sha2-512",
                    "aes256-gcm@openssh.com,aes128-ctr", "hmac-sha2-256");
  auto s = proposal("sntrup761x25519-sha512@openssh.com,curve25519-sha256,kex-strict-s-v00@openssh.com",
                    "rsa-sha2-512,ssh-ed25519", "aes128-ctr,aes256-gcm@openssh.com", "hmac-sha2-256");
  auto n = negotiate(c, s, /*we_are_server=*/true, /*initial=*/true);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->kex->name, "curve25519-sha256");
  EXPECT_EQ(n->host_key_alg, "ssh-ed25519");
  EXPECT_EQ(n->client_to_server.cipher->name, "aes256-gcm@openssh.com");
  EXPECT_EQ(n->client_to_server.mac, nullptr);
  EXPECT_TRUE(n->strict_kex);
  EXPECT_TRUE(n->peer_ext_info);
  // A rekey never turns strict mode or ext-info on.
  auto later = negotiate(c, s, true, false);
  ASSERT_TRUE(later);
  EXPECT_FALSE(later->strict_kex);
  EXPECT_FALSE(later->peer_ext_info);
  // The client sees ext-info-s only if the server sent it.
  auto as_client = negotiate(c, s, false, true);
  ASSERT_TRUE(as_client);
  EXPECT_FALSE(as_client->peer_ext_info);
}

TEST(KexNegotiation, NoCommonAlgorithmSaysWhatEachSideOffered) {
  auto c = proposal("curve25519-sha256", "ssh-ed25519", "aes128-cbc", "hmac-sha1");
  auto s = proposal("curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com,aes256-ctr", "hmac-sha1");
  auto n = negotiate(c, s, true, true);
  ASSERT_FALSE(n);
  // kex.c's words with the peer's offer: the server (we_are_server) quotes the client's list.
  EXPECT_EQ(n.error().code, sshcore::Errc::kNoCommonAlgorithm);
  EXPECT_EQ(n.error().detail, "no matching cipher found. Their offer: aes128-cbc");
  EXPECT_EQ(n.error().reason, DisconnectReason::kKeyExchangeFailed);
  auto as_client = negotiate(c, s, false, true);
  ASSERT_FALSE(as_client);
  EXPECT_EQ(as_client.error().detail,
            "no matching cipher found. Their offer: chacha20-poly1305@openssh.com,aes256-ctr");

  auto k = negotiate(proposal("diffie-hellman-group1-sha1", "ssh-ed25519", "aes128-ctr", "hmac-sha1"),
                     proposal("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha1"), false, true);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().detail, "no matching key exchange method found. Their offer: curve25519-sha256");

  auto m = negotiate(proposal("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-md5"),
                     proposal("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha1"), false, true);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().detail, "no matching MAC found. Their offer: hmac-sha1");

  auto h = negotiate(proposal("curve25519-sha256", "ssh-rsa", "aes128-ctr", "hmac-sha1"),
                     proposal("curve25519-sha256", "ssh-ed25519,ecdsa-sha2-nistp256", "aes128-ctr", "hmac-sha1"),
                     false, true);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, Errc::kNoCommonAlgorithm);
  EXPECT_EQ(h.error().detail, "no matching host key type found. Their offer: ssh-ed25519,ecdsa-sha2-nistp256");

  auto z = negotiate(proposal("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha1", "zlib@openssh.com"),
                     proposal("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha1", "none"), true, true);
  ASSERT_FALSE(z);
  EXPECT_EQ(z.error().detail, "no matching compression method found. Their offer: zlib@openssh.com");
  EXPECT_EQ(z.error().reason, DisconnectReason::kKeyExchangeFailed);

  // Pseudo-algorithms are never chosen as a key exchange method.
  auto p = negotiate(proposal("ext-info-c", "ssh-ed25519", "aes128-ctr", "hmac-sha1"),
                     proposal("ext-info-c", "ssh-ed25519", "aes128-ctr", "hmac-sha1"), true, true);
  EXPECT_FALSE(p);
}

TEST(KexNegotiation, WrongGuessIsDetected) {
  auto c = proposal("curve25519-sha256,ecdh-sha2-nistp256", "ssh-ed25519", "aes128-ctr", "hmac-sha1");
  auto s = proposal("ecdh-sha2-nistp256,curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha1");
  c.first_kex_packet_follows = true;
  auto n = negotiate(c, s, true, true);
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->ignore_guessed_packet);
  s[Proposal::kKex] = "curve25519-sha256";
  n = negotiate(c, s, true, true);
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->ignore_guessed_packet);
}

TEST(KexInitMessage, RoundTripAndStrictDecoding) {
  auto m = proposal("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha1");
  m.cookie[0] = 0xab;
  m.first_kex_packet_follows = true;
  wire::Writer w;
  m.encode(w);
  auto bytes = std::move(w).finish();
  ASSERT_TRUE(bytes);
  ASSERT_EQ((*bytes)[0], MsgKexInit::kNumber);
  auto d = MsgKexInit::decode(wire::Reader(ByteView(*bytes).subspan(1)));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->lists, m.lists);
  EXPECT_EQ(d->cookie, m.cookie);
  EXPECT_TRUE(d->first_kex_packet_follows);
  // Every truncation fails; a trailing byte fails.
  for (std::size_t n = 1; n < bytes->size(); ++n)
    EXPECT_FALSE(MsgKexInit::decode(wire::Reader(ByteView(*bytes).subspan(1, n - 1)))) << n;
  Bytes longer = *bytes;
  longer.push_back(0);
  EXPECT_FALSE(MsgKexInit::decode(wire::Reader(ByteView(longer).subspan(1))));
}

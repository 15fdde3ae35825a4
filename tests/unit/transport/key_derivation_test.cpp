#include "sshcore/transport/key_derivation.hpp"

#include <gtest/gtest.h>

#include "sshcore/base/encoding.hpp"

using namespace sshcore;
using namespace sshcore::transport;

// Expected values computed independently with Python's hashlib, following
// RFC 4253 section 7.2 literally:
//   K = mpint(32 bytes of 0xff) = 00000021 00 ff..ff
//   H = sha256("sshpp exchange hash"), session_id = sha256("sshpp session id")
//   key = HASH(K || H || letter || session_id), extended by HASH(K || H || key so far)
TEST(KeyDerivation, MatchesIndependentComputation) {
  Bytes k = *hex_decode("0000002100" + std::string(64, 'f'));
  Bytes h = crypto::digest(crypto::DigestAlg::kSha256, as_bytes("sshpp exchange hash"));
  Bytes sid = crypto::digest(crypto::DigestAlg::kSha256, as_bytes("sshpp session id"));
  EXPECT_EQ(hex_encode(derive_key(crypto::DigestAlg::kSha256, k, h, 'A', sid, 64).view()),
            "dc875864cc488652bdab15dd2731d6aec7ff4a2768cb3ed175bddeaa0bea39e2"
            "973dd0ac599efb02c94565908f6332f7ecf25ac7c73c9541df87176170eb54e4");
  EXPECT_EQ(hex_encode(derive_key(crypto::DigestAlg::kSha512, k, h, 'A', sid, 100).view()),
            "3a8005de634dad6f8c82b0a4c081841a7e40894659208d42478352a38c4a30b63dacd4e3a827c390eec058f0bae6264a"
            "93b44d6f6246be2c4ceb51e98b83f209144fa8cf28afee58578d26dfa4469102e66bcbae6b769376a6d8bd86ab64ffb4"
            "bb621111");
  auto all = derive_keys(crypto::DigestAlg::kSha256, k, h, sid, KeySizes{16, 16, 64, 32, 64, 0});
  EXPECT_EQ(hex_encode(all.enc_client_to_server.view()),
            "a667853f95c46efb9d5c0f79cc85583c9e913e1475cd23cdf578f9b9c4632ca6"
            "f34b1155fbc29c88c4f54f2a77acc1900b7e573c50537f8d1c6dec3cc0e3aef2");
  EXPECT_EQ(hex_encode(all.mac_client_to_server.view()),
            "f1dc14615bf2676cf24f348c6762459e5eb6b46b8ecf0b83c2ced8390ec7763e"
            "9ef6dc6880288b73c050e60e205b944a209707cb0135168da7c28e3871121092");
  EXPECT_EQ(all.iv_client_to_server.size(), 16u);
  EXPECT_EQ(all.enc_server_to_client.size(), 32u);
  EXPECT_TRUE(all.mac_server_to_client.empty());
  // Prefix property: a shorter key is the start of a longer one.
  EXPECT_EQ(hex_encode(all.iv_client_to_server.view()), "dc875864cc488652bdab15dd2731d6ae");
}

#include <gtest/gtest.h>

#include <string>

#include "sshcore/crypto/chacha20.hpp"
#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

const char* const kRfcKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Bytes ietf_keystream(const Bytes& key, const Bytes& nonce, std::uint32_t counter, std::size_t n) {
  Bytes out(n, 0);
  auto r = chacha20_ietf_xor(key, nonce, counter, out);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return out;
}

Bytes djb_keystream(const Bytes& key, const Bytes& nonce, std::uint64_t counter, std::size_t n) {
  Bytes out(n, 0);
  auto r = chacha20_xor(key, nonce, counter, out);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return out;
}

}  // namespace

// RFC 8439 section 2.3.2: the block function with counter 1.
TEST(ChaCha20Ietf, Rfc8439BlockFunction) {
  EXPECT_EQ(hex(ietf_keystream(unhex(kRfcKey), unhex("000000090000004a00000000"), 1, 64)),
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
            "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

// RFC 8439 section 2.4.2: the "sunscreen" encryption, two blocks and a tail.
TEST(ChaCha20Ietf, Rfc8439Encryption) {
  const std::string plain =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
      "sunscreen would be it.";
  ASSERT_EQ(plain.size(), 114u);
  Bytes data = to_bytes(plain);
  ASSERT_TRUE(chacha20_ietf_xor(unhex(kRfcKey), unhex("000000000000004a00000000"), 1, data));
  EXPECT_EQ(hex(data),
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
            "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
            "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
            "5af90bbf74a35be6b40b8eedf2785e42874d");
  // Decryption is the same operation.
  ASSERT_TRUE(chacha20_ietf_xor(unhex(kRfcKey), unhex("000000000000004a00000000"), 1, data));
  EXPECT_EQ(as_chars(data), plain);
}

// RFC 8439 appendix A.1: block functions.
TEST(ChaCha20Ietf, Rfc8439AppendixA1) {
  struct Vector {
    const char* key;
    const char* nonce;
    std::uint32_t counter;
    const char* keystream;
  };
  const char* zero_key = "0000000000000000000000000000000000000000000000000000000000000000";
  const Vector vectors[] = {
      {zero_key, "000000000000000000000000", 0,
       "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
       "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"},
      {zero_key, "000000000000000000000000", 1,
       "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
       "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f"},
      {"0000000000000000000000000000000000000000000000000000000000000001",
       "000000000000000000000000", 1,
       "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
       "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0"},
      {"00ff000000000000000000000000000000000000000000000000000000000000",
       "000000000000000000000000", 2,
       "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
       "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096"},
      {zero_key, "000000000000000000000002", 0,
       "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
       "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d"},
  };
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.keystream);
    EXPECT_EQ(hex(ietf_keystream(unhex(v.key), unhex(v.nonce), v.counter, 64)), v.keystream);
  }
}

// RFC 8439 appendix A.2 test vector #3: initial counter 42, a 127-byte message.
TEST(ChaCha20Ietf, Rfc8439AppendixA2Jabberwocky) {
  const std::string plain =
      "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n"
      "All mimsy were the borogoves,\nAnd the mome raths outgrabe.";
  ASSERT_EQ(plain.size(), 127u);
  Bytes data = to_bytes(plain);
  ASSERT_TRUE(chacha20_ietf_xor(
      unhex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"),
      unhex("000000000000000000000002"), 42, data));
  EXPECT_EQ(hex(data),
            "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf"
            "166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb"
            "f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
            "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1");
}

// RFC 8439 section 2.6.2: the Poly1305 key is the first 32 bytes of block 0.
TEST(ChaCha20Ietf, Rfc8439Poly1305KeyGeneration) {
  Bytes block = ietf_keystream(
      unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"),
      unhex("000000000001020304050607"), 0, 32);
  EXPECT_EQ(hex(block), "8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646");
}

// The original form with a 64-bit nonce: draft-strombergson-chacha-test-vectors-01
// section 7, 256-bit keys, 20 rounds, keystream blocks 0 and 1.
TEST(ChaCha20Original, StrombergsonVectors) {
  struct Vector {
    const char* name;
    const char* key;
    const char* iv;
    const char* block0;
    const char* block1;
  };
  const Vector vectors[] = {
      {"TC7 sequence patterns",
       "00112233445566778899aabbccddeeffffeeddccbbaa99887766554433221100", "0f1e2d3c4b5a6978",
       "9fadf409c00811d00431d67efbd88fba59218d5d6708b1d685863fabbb0e961e"
       "ea480fd6fb532bfd494b2151015057423ab60a63fe4f55f7a212e2167ccab931",
       "fbfd29cf7bc1d279eddf25dd316bb8843d6edee0bd1ef121d12fa17cbc2c574c"
       "ccab5e275167b08bd686f8a09df87ec3ffb35361b94ebfa13fec0e4889d18da5"},
      {"TC8 random key and IV",
       "c46ec1b18ce8a878725a37e780dfb7351f68ed2e194c79fbc6aebee1a667975d", "1ada31d5cf688221",
       "f63a89b75c2271f9368816542ba52f06ed49241792302b00b5e8f80ae9a473af"
       "c25b218f519af0fdd406362e8d69de7f54c604a6e00f353f110f771bdca8ab92",
       "e5fbc34e60a1d9a9db17345b0a402736853bf910b060bdf1f897b6290f01d138"
       "ae2c4c90225ba9ea14d518f55929dea098ca7a6ccfe61227053c84e49a4a3332"},
  };
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name);
    Bytes stream = djb_keystream(unhex(v.key), unhex(v.iv), 0, 128);
    EXPECT_EQ(hex(ByteView(stream).first(64)), v.block0);
    EXPECT_EQ(hex(ByteView(stream).subspan(64)), v.block1);
    // Starting at block 1 gives the second block directly.
    EXPECT_EQ(hex(djb_keystream(unhex(v.key), unhex(v.iv), 1, 64)), v.block1);
  }
  // TC1 (all-zero key and IV) is the same block as RFC 8439 A.1 #1.
  EXPECT_EQ(hex(djb_keystream(Bytes(32, 0), Bytes(8, 0), 0, 32)),
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7");
}

TEST(ChaCha20Original, CounterCarriesIntoTheHighWord) {
  // State words 12 and 13 hold the original form's 64-bit counter; in the IETF
  // form word 13 is the first nonce word. So block 2^32 - 1 and block 2^32 of the
  // original form are the IETF blocks (counter 0xffffffff, nonce 0 || N) and
  // (counter 0, nonce le32(1) || N).
  const Bytes key = unhex("c46ec1b18ce8a878725a37e780dfb7351f68ed2e194c79fbc6aebee1a667975d");
  const Bytes iv = unhex("1ada31d5cf688221");
  Bytes stream = djb_keystream(key, iv, 0xffffffffULL, 128);
  Bytes low = ietf_keystream(key, unhex("00000000 1ada31d5cf688221"), 0xffffffffU, 64);
  Bytes high = ietf_keystream(key, unhex("01000000 1ada31d5cf688221"), 0, 64);
  EXPECT_EQ(hex(ByteView(stream).first(64)), hex(low));
  EXPECT_EQ(hex(ByteView(stream).subspan(64)), hex(high));
}

TEST(ChaCha20, PartialAndEmptyBuffers) {
  // XOR over a prefix equals the prefix of the full keystream.
  Bytes full = djb_keystream(Bytes(32, 7), Bytes(8, 9), 3, 200);
  Bytes part = djb_keystream(Bytes(32, 7), Bytes(8, 9), 3, 65);
  EXPECT_EQ(Bytes(full.begin(), full.begin() + 65), part);
  Bytes empty;
  EXPECT_TRUE(chacha20_xor(Bytes(32, 0), Bytes(8, 0), 0, empty));
  EXPECT_TRUE(chacha20_ietf_xor(Bytes(32, 0), Bytes(12, 0), 0, empty));
}

TEST(ChaCha20, RejectsBadSizes) {
  Bytes data(64);
  for (std::size_t key_len : {0u, 16u, 31u, 33u}) {
    auto r = chacha20_xor(Bytes(key_len, 0), Bytes(8, 0), 0, data);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_FALSE(chacha20_ietf_xor(Bytes(key_len, 0), Bytes(12, 0), 0, data));
  }
  EXPECT_FALSE(chacha20_xor(Bytes(32, 0), Bytes(12, 0), 0, data));
  EXPECT_FALSE(chacha20_xor(Bytes(32, 0), Bytes(0, 0), 0, data));
  EXPECT_FALSE(chacha20_ietf_xor(Bytes(32, 0), Bytes(8, 0), 0, data));
  // The 32-bit counter must not wrap inside the message: the last block is fine,
  // one more is refused rather than aborting the process.
  EXPECT_TRUE(chacha20_ietf_xor(Bytes(32, 0), Bytes(12, 0), 0xffffffffU, data));
  Bytes two_blocks(65);
  auto wrap = chacha20_ietf_xor(Bytes(32, 0), Bytes(12, 0), 0xffffffffU, two_blocks);
  ASSERT_FALSE(wrap);
  EXPECT_EQ(wrap.error().code, Errc::kInvalidArgument);
}

#include <gtest/gtest.h>

#include <string>

#include "sshcore/crypto/chacha20.hpp"
#include "sshcore/crypto/poly1305.hpp"
#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

// The message of RFC 8439 A.2 #2 and A.3 #2/#3 (375 bytes).
const std::string kIetfText =
    "Any submission to the IETF intended by the Contributor for publication as all or part of an "
    "IETF Internet-Draft or RFC and any statement made within the context of an IETF activity is "
    "considered an \"IETF Contribution\". Such statements include oral statements in IETF "
    "sessions, as well as written and electronic communications made at any time or place, which "
    "are addressed to";

const std::string kJabberwocky =
    "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n"
    "All mimsy were the borogoves,\nAnd the mome raths outgrabe.";

std::string tag_hex(const Bytes& key, ByteView message) {
  auto tag = poly1305_tag(key, message);
  EXPECT_TRUE(tag);
  if (!tag) return {};
  return hex(*tag);
}

}  // namespace

// RFC 8439 section 2.5.2.
TEST(Poly1305, Rfc8439Example) {
  const Bytes key = unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
  EXPECT_EQ(tag_hex(key, as_bytes("Cryptographic Forum Research Group")),
            "a8061dc1305136c6c22b8baf0c0127a9");
}

// RFC 8439 appendix A.3, test vectors #1-#11 (the last seven probe reduction edge
// cases; key = r || s).
TEST(Poly1305, Rfc8439AppendixA3) {
  ASSERT_EQ(kIetfText.size(), 375u);
  ASSERT_EQ(kJabberwocky.size(), 127u);
  struct Vector {
    int number;
    Bytes key;
    Bytes message;
    const char* tag;
  };
  const std::string r2 = "02000000000000000000000000000000";
  const std::string r1 = "01000000000000000000000000000000";
  const std::string r10 = "01000000000000000400000000000000";
  const std::string s0 = "00000000000000000000000000000000";
  const Vector vectors[] = {
      {1, Bytes(32, 0), Bytes(64, 0), "00000000000000000000000000000000"},
      {2, unhex("00000000000000000000000000000000 36e5f6b5c5e06070f0efca96227a863e"),
       to_bytes(kIetfText), "36e5f6b5c5e06070f0efca96227a863e"},
      {3, unhex("36e5f6b5c5e06070f0efca96227a863e 00000000000000000000000000000000"),
       to_bytes(kIetfText), "f3477e7cd95417af89a6b8794c310cf0"},
      {4, unhex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"),
       to_bytes(kJabberwocky), "4541669a7eaaee61e708dc7cbcc5eb62"},
      {5, unhex(r2 + s0), unhex("ffffffffffffffffffffffffffffffff"),
       "03000000000000000000000000000000"},
      {6, unhex(r2 + "ffffffffffffffffffffffffffffffff"), unhex("02000000000000000000000000000000"),
       "03000000000000000000000000000000"},
      {7, unhex(r1 + s0),
       unhex("ffffffffffffffffffffffffffffffff f0ffffffffffffffffffffffffffffff"
             "11000000000000000000000000000000"),
       "05000000000000000000000000000000"},
      {8, unhex(r1 + s0),
       unhex("ffffffffffffffffffffffffffffffff fbfefefefefefefefefefefefefefefe"
             "01010101010101010101010101010101"),
       "00000000000000000000000000000000"},
      {9, unhex(r2 + s0), unhex("fdffffffffffffffffffffffffffffff"),
       "faffffffffffffffffffffffffffffff"},
      {10, unhex(r10 + s0),
       unhex("e33594d7505e43b90000000000000000 3394d7505e4379cd0100000000000000"
             "00000000000000000000000000000000 01000000000000000000000000000000"),
       "14000000000000005500000000000000"},
      {11, unhex(r10 + s0),
       unhex("e33594d7505e43b90000000000000000 3394d7505e4379cd0100000000000000"
             "00000000000000000000000000000000"),
       "13000000000000000000000000000000"},
  };
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.number);
    EXPECT_EQ(tag_hex(v.key, v.message), v.tag);
    EXPECT_TRUE(poly1305_verify(v.key, v.message, unhex(v.tag)));
  }
}

TEST(Poly1305, VerifyRejectsAnyFlippedBit) {
  const Bytes key = unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
  const auto message = as_bytes("Cryptographic Forum Research Group");
  const Bytes good = unhex("a8061dc1305136c6c22b8baf0c0127a9");
  ASSERT_TRUE(poly1305_verify(key, message, good));
  for (std::size_t bit = 0; bit < 128; ++bit) {
    Bytes bad = good;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto r = poly1305_verify(key, message, bad);
    ASSERT_FALSE(r) << bit;
    EXPECT_EQ(r.error().code, Errc::kMacInvalid);
  }
  // A changed message fails too.
  Bytes altered = to_bytes(as_chars(message));
  altered.back() ^= 1;
  EXPECT_FALSE(poly1305_verify(key, altered, good));
}

TEST(Poly1305, RejectsBadSizes) {
  const auto message = as_bytes("m");
  for (std::size_t key_len : {0u, 16u, 31u, 33u}) {
    auto t = poly1305_tag(Bytes(key_len, 1), message);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, Errc::kInvalidArgument);
    EXPECT_FALSE(poly1305_verify(Bytes(key_len, 1), message, Bytes(16, 0)));
  }
  for (std::size_t tag_len : {0u, 15u, 17u, 32u}) {
    auto r = poly1305_verify(Bytes(32, 1), message, Bytes(tag_len, 0));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  }
  // The empty message is valid input.
  EXPECT_TRUE(poly1305_tag(Bytes(32, 1), {}));
}

// RFC 8439 section 2.8.2: the AEAD built from both primitives (the composition
// differs from chacha20-poly1305@openssh.com, but it exercises the two together on
// a published answer: one-time key from block 0, payload from block 1).
TEST(Poly1305, Rfc8439AeadConstruction) {
  const Bytes key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  const Bytes nonce = unhex("07000000 4041424344454647");
  const Bytes aad = unhex("50515253c0c1c2c3c4c5c6c7");
  Bytes text = to_bytes(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
      "sunscreen would be it.");

  Bytes one_time_key(32, 0);
  ASSERT_TRUE(chacha20_ietf_xor(key, nonce, 0, one_time_key));
  EXPECT_EQ(hex(one_time_key), "7bac2b252db447af09b67a55a4e955840ae1d6731075d9eb2a9375783ed553ff");
  ASSERT_TRUE(chacha20_ietf_xor(key, nonce, 1, text));
  EXPECT_EQ(hex(text),
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
            "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
            "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
            "3ff4def08e4b7a9de576d26586cec64b6116");

  Bytes mac_data = aad;
  mac_data.resize(16, 0);
  append(mac_data, text);
  mac_data.resize((mac_data.size() + 15) / 16 * 16, 0);
  for (std::uint64_t len : {std::uint64_t{aad.size()}, std::uint64_t{text.size()}})
    for (int i = 0; i < 8; ++i) mac_data.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
  EXPECT_EQ(tag_hex(one_time_key, mac_data), "1ae10b594f09e26a7e902ecbd0600691");
}

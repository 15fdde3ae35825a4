#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sshcore/crypto/digest.hpp"
#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

const std::string kTwoBlock448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string kTwoBlock896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
    "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

// One million 'a', fed in uneven pieces so the incremental path crosses block
// boundaries at every offset.
std::string million_a_digest(DigestAlg alg) {
  const std::string piece(997, 'a');
  Digest d(alg);
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t n = std::min(left, piece.size());
    d.update(as_bytes(std::string_view(piece).substr(0, n)));
    left -= n;
  }
  return hex(d.finish());
}

}  // namespace

// FIPS 180-2 appendices A-D (also RFC 6234 section 8.5): "abc", the two-block
// messages and one million 'a'.
TEST(Digest, Sha1Fips180) {
  EXPECT_EQ(hex(digest(DigestAlg::kSha1, as_bytes("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(digest(DigestAlg::kSha1, as_bytes(kTwoBlock448))),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(million_a_digest(DigestAlg::kSha1), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Digest, Sha256Fips180) {
  EXPECT_EQ(hex(digest(DigestAlg::kSha256, as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(digest(DigestAlg::kSha256, as_bytes(kTwoBlock448))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(million_a_digest(DigestAlg::kSha256),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Digest, Sha384Fips180) {
  EXPECT_EQ(hex(digest(DigestAlg::kSha384, as_bytes("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(hex(digest(DigestAlg::kSha384, as_bytes(kTwoBlock896))),
            "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
            "fcc7c71a557e2db966c3e9fa91746039");
  EXPECT_EQ(million_a_digest(DigestAlg::kSha384),
            "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b"
            "07b8b3dc38ecc4ebae97ddd87f3d8985");
}

TEST(Digest, Sha512Fips180) {
  EXPECT_EQ(hex(digest(DigestAlg::kSha512, as_bytes("abc"))),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(hex(digest(DigestAlg::kSha512, as_bytes(kTwoBlock896))),
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
            "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
  EXPECT_EQ(million_a_digest(DigestAlg::kSha512),
            "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
            "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

// RFC 1321 appendix A.5, the MD5 test suite.
TEST(Digest, Md5Rfc1321) {
  const std::pair<std::string, const char*> cases[] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
       "d174ab98d277d9f5a5611c2c9f419d9f"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
  };
  for (const auto& [message, md5] : cases) {
    SCOPED_TRACE(message);
    EXPECT_EQ(hex(digest(DigestAlg::kMd5, as_bytes(message))), md5);
  }
}

TEST(Digest, TableAndNames) {
  const std::pair<DigestAlg, std::size_t> sizes[] = {{DigestAlg::kMd5, 16},
                                                     {DigestAlg::kSha1, 20},
                                                     {DigestAlg::kSha256, 32},
                                                     {DigestAlg::kSha384, 48},
                                                     {DigestAlg::kSha512, 64}};
  for (auto [alg, size] : sizes) {
    EXPECT_EQ(digest_info(alg).alg, alg);
    EXPECT_EQ(digest_info(alg).size, size);
    EXPECT_EQ(digest(alg, as_bytes("x")).size(), size);
  }
  EXPECT_EQ(digest_info(DigestAlg::kSha256).name, "SHA256");
  EXPECT_EQ(digest_by_name("sha256"), DigestAlg::kSha256);
  EXPECT_EQ(digest_by_name("SHA512"), DigestAlg::kSha512);
  EXPECT_EQ(digest_by_name("Md5"), DigestAlg::kMd5);
  EXPECT_FALSE(digest_by_name("sha"));
  EXPECT_FALSE(digest_by_name("sha2566"));
  EXPECT_FALSE(digest_by_name(""));
}

TEST(Digest, IncrementalEqualsOneShotAndSurvivesMove) {
  Digest d(DigestAlg::kSha256);
  d.update(as_bytes("a"));
  Digest moved(std::move(d));
  moved.update({});
  moved.update(as_bytes("bc"));
  EXPECT_EQ(hex(moved.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// HMAC-SHA-256 and HMAC-SHA-512: RFC 4231 section 4, test cases 1-4, 6 and 7
// (case 5 is a truncated output, which hmac() does not offer).
TEST(Hmac, Rfc4231) {
  struct Case {
    int number;
    Bytes key;
    Bytes data;
    const char* sha256;
    const char* sha512;
  };
  const Bytes big_key(131, 0xaa);
  const Case cases[] = {
      {1, Bytes(20, 0x0b), to_bytes("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {2, to_bytes("Jefe"), to_bytes("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {3, Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
       "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
      {4, unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Bytes(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
       "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
      {6, big_key, to_bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
      {7, big_key,
       to_bytes("This is a test using a larger than block-size key and a larger than block-size "
                "data. The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
       "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.number);
    EXPECT_EQ(hex(hmac(DigestAlg::kSha256, c.key, c.data)), c.sha256);
    EXPECT_EQ(hex(hmac(DigestAlg::kSha512, c.key, c.data)), c.sha512);
  }
}

// HMAC-SHA-1 and HMAC-MD5: RFC 2202 sections 2 and 3, test cases 1-7. Cases 1, 3
// and 5 use a 16-byte key for MD5 and a 20-byte key for SHA-1.
TEST(Hmac, Rfc2202) {
  struct Case {
    int number;
    Bytes md5_key;
    Bytes sha1_key;
    Bytes data;
    const char* md5;
    const char* sha1;
  };
  const Bytes big_key(80, 0xaa);
  const Bytes case4_key = unhex("0102030405060708090a0b0c0d0e0f10111213141516171819");
  const Case cases[] = {
      {1, Bytes(16, 0x0b), Bytes(20, 0x0b), to_bytes("Hi There"),
       "9294727a3638bb1c13f48ef8158bfc9d", "b617318655057264e28bc0b6fb378c8ef146be00"},
      {2, to_bytes("Jefe"), to_bytes("Jefe"), to_bytes("what do ya want for nothing?"),
       "750c783e6ab0b503eaa86e310a5db738", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {3, Bytes(16, 0xaa), Bytes(20, 0xaa), Bytes(50, 0xdd),
       "56be34521d144c88dbb8c733f0e8b3f6", "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {4, case4_key, case4_key, Bytes(50, 0xcd),
       "697eaf0aca3a3aea3a75164746ffaa79", "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
      {5, Bytes(16, 0x0c), Bytes(20, 0x0c), to_bytes("Test With Truncation"),
       "56461ef2342edc00f9bab995690efd4c", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
      {6, big_key, big_key, to_bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
       "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd", "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      {7, big_key, big_key,
       to_bytes("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
       "6f630fad67cda0ee1fb1f562db3aa53e", "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.number);
    EXPECT_EQ(hex(hmac(DigestAlg::kMd5, c.md5_key, c.data)), c.md5);
    EXPECT_EQ(hex(hmac(DigestAlg::kSha1, c.sha1_key, c.data)), c.sha1);
  }
}

TEST(Hmac, EmptyKeyAndData) {
  // HMAC with an empty key and empty message (the example values printed in the
  // HMAC article of Wikipedia; the key is zero-padded to the block size).
  EXPECT_EQ(hex(hmac(DigestAlg::kMd5, {}, {})), "74e6f7298a9c2d168935f58c001bad88");
  EXPECT_EQ(hex(hmac(DigestAlg::kSha1, {}, {})), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  EXPECT_EQ(hex(hmac(DigestAlg::kSha256, {}, {})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

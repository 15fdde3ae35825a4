#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "sshcore/crypto/symmetric_cipher.hpp"
#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

const SymmetricCipherInfo& cipher(std::string_view name) {
  const SymmetricCipherInfo* c = find_symmetric_cipher(name);
  if (c == nullptr) throw std::runtime_error("no cipher " + std::string(name));
  return *c;
}

// NIST SP 800-38A appendix F: the four plaintext blocks and the keys.
const char* const kSp80038aPlain =
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
const char* const kKey128 = "2b7e151628aed2a6abf7158809cf4f3c";
const char* const kKey192 = "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b";
const char* const kKey256 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
const char* const kCtrInit = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
const char* const kCbcIv = "000102030405060708090a0b0c0d0e0f";

struct BlockVector {
  const char* section;
  const char* name;
  const char* key;
  const char* iv;
  const char* cipher_text;
};

// Encrypts the SP 800-38A plaintext, compares, then decrypts back.
void check_sp80038a(const BlockVector& v) {
  SCOPED_TRACE(v.section);
  const Bytes plain = unhex(kSp80038aPlain);
  Bytes data = plain;
  auto enc = symmetric_crypt(cipher(v.name), unhex(v.key), unhex(v.iv), data, true);
  ASSERT_TRUE(enc) << enc.error().message();
  EXPECT_EQ(hex(data), hex(unhex(v.cipher_text)));
  auto dec = symmetric_crypt(cipher(v.name), unhex(v.key), unhex(v.iv), data, false);
  ASSERT_TRUE(dec) << dec.error().message();
  EXPECT_EQ(data, plain);
}

}  // namespace

TEST(SymmetricCipher, TableRows) {
  std::set<std::string_view> names;
  for (const auto& c : symmetric_ciphers()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
  EXPECT_EQ(cipher("aes256-ctr").key_len, 32u);
  EXPECT_EQ(cipher("aes256-ctr").iv_len, 16u);
  EXPECT_EQ(cipher("aes256-gcm@openssh.com").iv_len, 12u);
  EXPECT_EQ(cipher("aes256-gcm@openssh.com").tag_len, 16u);
  EXPECT_EQ(cipher("aes128-cbc").tag_len, 0u);
  EXPECT_EQ(cipher("none").block_len, 8u);
  EXPECT_EQ(find_symmetric_cipher("3des-cbc"), nullptr);
  EXPECT_EQ(find_symmetric_cipher("AES256-CTR"), nullptr);
  EXPECT_EQ(find_symmetric_cipher(""), nullptr);
}

// SP 800-38A F.5.1, F.5.3, F.5.5 (CTR) and F.2.1, F.2.3, F.2.5 (CBC).
TEST(SymmetricCipher, AesCtrSp80038a) {
  const BlockVector vectors[] = {
      {"F.5.1 CTR-AES128", "aes128-ctr", kKey128, kCtrInit,
       "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff"
       "5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"},
      {"F.5.3 CTR-AES192", "aes192-ctr", kKey192, kCtrInit,
       "1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94"
       "1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050"},
      {"F.5.5 CTR-AES256", "aes256-ctr", kKey256, kCtrInit,
       "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5"
       "2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6"},
  };
  for (const auto& v : vectors) check_sp80038a(v);
}

TEST(SymmetricCipher, AesCbcSp80038a) {
  const BlockVector vectors[] = {
      {"F.2.1 CBC-AES128", "aes128-cbc", kKey128, kCbcIv,
       "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
       "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"},
      {"F.2.3 CBC-AES192", "aes192-cbc", kKey192, kCbcIv,
       "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a"
       "571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd"},
      {"F.2.5 CBC-AES256", "aes256-cbc", kKey256, kCbcIv,
       "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d"
       "39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b"},
  };
  for (const auto& v : vectors) check_sp80038a(v);
}

// GCM test cases from McGrew & Viega, "The Galois/Counter Mode of Operation"
// (revised 2005), appendix B: cases 1-4 (AES-128) and 13-16 (AES-256) with a
// 96-bit IV. Cases 4 and 16 carry additional authenticated data.
TEST(SymmetricCipher, AesGcmMcGrewViega) {
  const char* const plain64 =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
  const Bytes full = unhex(plain64);
  const Bytes plain60(full.begin(), full.begin() + 60);
  const char* const aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
  const char* const iv = "cafebabefacedbaddecaf888";
  const char* const k128 = "feffe9928665731c6d6a8f9467308308";
  const char* const k256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
  struct Case {
    int number;
    const char* name;
    Bytes key;
    Bytes iv;
    Bytes plain;
    Bytes aad;
    const char* cipher_text;
    const char* tag;
  };
  const Case cases[] = {
      {1, "aes128-gcm@openssh.com", Bytes(16, 0), Bytes(12, 0), {}, {}, "",
       "58e2fccefa7e3061367f1d57a4e7455a"},
      {2, "aes128-gcm@openssh.com", Bytes(16, 0), Bytes(12, 0), Bytes(16, 0), {},
       "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
      {3, "aes128-gcm@openssh.com", unhex(k128), unhex(iv), unhex(plain64), {},
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
       "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
       "4d5c2af327cd64a62cf35abd2ba6fab4"},
      {4, "aes128-gcm@openssh.com", unhex(k128), unhex(iv), plain60, unhex(aad),
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
       "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
       "5bc94fbc3221a5db94fae95ae7121a47"},
      {13, "aes256-gcm@openssh.com", Bytes(32, 0), Bytes(12, 0), {}, {}, "",
       "530f8afbc74536b9a963b4f1c4cb738b"},
      {14, "aes256-gcm@openssh.com", Bytes(32, 0), Bytes(12, 0), Bytes(16, 0), {},
       "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
      {15, "aes256-gcm@openssh.com", unhex(k256), unhex(iv), unhex(plain64), {},
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
       "b094dac5d93471bdec1a502270e3cc6c"},
      {16, "aes256-gcm@openssh.com", unhex(k256), unhex(iv), plain60, unhex(aad),
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
       "76fc6ece0f4e1768cddf8853bb2d551b"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.number);
    Bytes data = c.plain;
    Bytes tag(16, 0);
    auto enc = symmetric_crypt(cipher(c.name), c.key, c.iv, data, true, tag, c.aad);
    ASSERT_TRUE(enc) << enc.error().message();
    EXPECT_EQ(hex(data), c.cipher_text);
    EXPECT_EQ(hex(tag), c.tag);

    // Decrypt with the published tag.
    Bytes back = data;
    Bytes good_tag = unhex(c.tag);
    auto dec = symmetric_crypt(cipher(c.name), c.key, c.iv, back, false, good_tag, c.aad);
    ASSERT_TRUE(dec) << dec.error().message();
    EXPECT_EQ(back, c.plain);

    // One flipped tag bit: refused, and no unauthenticated plaintext is left behind.
    Bytes forged = data;
    Bytes bad_tag = unhex(c.tag);
    bad_tag[c.number % 16] ^= 0x01;
    auto bad = symmetric_crypt(cipher(c.name), c.key, c.iv, forged, false, bad_tag, c.aad);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::kMacInvalid);
    EXPECT_EQ(forged, Bytes(forged.size(), 0));

    // Changed AAD (or AAD added where there was none) fails the same way.
    Bytes other_aad = c.aad.empty() ? Bytes{0x00} : c.aad;
    if (!c.aad.empty()) other_aad.back() ^= 0x80;
    Bytes again = data;
    auto aad_bad = symmetric_crypt(cipher(c.name), c.key, c.iv, again, false, good_tag, other_aad);
    ASSERT_FALSE(aad_bad);
    EXPECT_EQ(aad_bad.error().code, Errc::kMacInvalid);
  }
}

TEST(SymmetricCipher, NoneLeavesDataAlone) {
  Bytes data = to_bytes("unchanged");
  EXPECT_TRUE(symmetric_crypt(cipher("none"), {}, {}, data, true));
  EXPECT_EQ(to_string(data), "unchanged");
}

TEST(SymmetricCipher, RejectsGarbageArguments) {
  Bytes block(32, 0x42);
  Bytes tag(16, 0);
  auto expect_invalid = [](const Result<void>& r, const char* what) {
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << what;
  };
  for (const auto& c : symmetric_ciphers()) {
    if (c.name == "none") continue;
    SCOPED_TRACE(c.name);
    Bytes t(c.tag_len, 0);
    expect_invalid(symmetric_crypt(c, Bytes(c.key_len - 1, 1), Bytes(c.iv_len, 2), block, true, t),
                   "short key");
    expect_invalid(symmetric_crypt(c, Bytes(c.key_len + 1, 1), Bytes(c.iv_len, 2), block, true, t),
                   "long key");
    expect_invalid(symmetric_crypt(c, {}, Bytes(c.iv_len, 2), block, true, t), "empty key");
    expect_invalid(symmetric_crypt(c, Bytes(c.key_len, 1), Bytes(c.iv_len + 1, 2), block, true, t),
                   "long IV");
    expect_invalid(symmetric_crypt(c, Bytes(c.key_len, 1), {}, block, false, t), "empty IV");
    if (c.tag_len != 0) {
      Bytes short_tag(c.tag_len - 1, 0);
      expect_invalid(symmetric_crypt(c, Bytes(c.key_len, 1), Bytes(c.iv_len, 2), block, false,
                                     short_tag),
                     "short tag");
      expect_invalid(symmetric_crypt(c, Bytes(c.key_len, 1), Bytes(c.iv_len, 2), block, true, {}),
                     "no tag");
    } else {
      expect_invalid(symmetric_crypt(c, Bytes(c.key_len, 1), Bytes(c.iv_len, 2), block, true, {},
                                     as_bytes("aad")),
                     "AAD without AEAD");
    }
  }
  // CBC cannot work on a partial block; CTR and GCM are stream modes and can.
  for (const char* name : {"aes128-cbc", "aes192-cbc", "aes256-cbc"}) {
    const auto& c = cipher(name);
    for (std::size_t len : {1u, 15u, 17u, 31u}) {
      Bytes partial(len, 0);
      expect_invalid(symmetric_crypt(c, Bytes(c.key_len, 1), Bytes(c.iv_len, 2), partial, true),
                     name);
    }
  }
  Bytes odd(17, 0);
  EXPECT_TRUE(symmetric_crypt(cipher("aes128-ctr"), Bytes(16, 1), Bytes(16, 2), odd, true));
  EXPECT_TRUE(symmetric_crypt(cipher("aes256-gcm@openssh.com"), Bytes(32, 1), Bytes(12, 2), odd,
                              true, tag));
}

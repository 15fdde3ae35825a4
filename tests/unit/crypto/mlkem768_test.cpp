// ML-KEM-768 against two independent sources: vectors made by @noble/post-quantum
// (tests/data/mlkem768/vectors.txt) and NIST ACVP vectors (acvp.txt); see the
// README there. Then the API's edges: random round trips, implicit rejection,
// and inputs that must be refused without a crash.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sshcore/crypto/mlkem768.hpp"
#include "sshcore/crypto/random.hpp"
#include "support/hex_literal.hpp"
#include "support/process.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

using Block = std::map<std::string, std::string>;

// "key = value" lines, blocks separated by blank lines, '#' comments.
std::vector<Block> load_blocks(const std::string& name) {
  std::istringstream in(sshpp::test::read_text(sshpp::test::test_data("mlkem768/" + name)));
  std::vector<Block> blocks(1);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    if (line[0] == '#') continue;
    auto eq = line.find(" = ");
    if (eq == std::string::npos) {
      ADD_FAILURE() << "bad line in " << name << ": " << line;
      continue;
    }
    blocks.back()[line.substr(0, eq)] = line.substr(eq + 3);
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

std::string field(const Block& b, const std::string& key) {
  auto it = b.find(key);
  if (it == b.end()) {
    ADD_FAILURE() << "vector lacks " << key;
    return {};
  }
  return it->second;
}

std::string sha256_hex(ByteView data) {
  std::array<std::uint8_t, 32> out;
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr);
  return hex(out);
}

// A field given either in full ("ek") or as its SHA-256 ("ek_sha256").
void expect_value(const Block& b, const std::string& key, ByteView got) {
  if (b.count(key)) EXPECT_EQ(hex(got), b.at(key)) << key;
  else EXPECT_EQ(sha256_hex(got), field(b, key + "_sha256")) << key;
}

// J(z || c) = SHAKE256(z || c, 32) through OpenSSL, independent of our Keccak.
std::string openssl_rejection_secret(ByteView z, ByteView c) {
  std::array<std::uint8_t, 32> out;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_shake256(), nullptr);
  EVP_DigestUpdate(ctx, z.data(), z.size());
  EVP_DigestUpdate(ctx, c.data(), c.size());
  EVP_DigestFinalXOF(ctx, out.data(), out.size());
  EVP_MD_CTX_free(ctx);
  return hex(out);
}

MlKem768Encapsulation must_encaps(ByteView ek, ByteView m) {
  auto r = mlkem768_encaps_derand(ek, m);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? std::move(*r) : MlKem768Encapsulation{};
}

std::string must_decaps(ByteView dk, ByteView c) {
  auto r = mlkem768_decaps(dk, c);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? hex(r->view()) : std::string();
}

}  // namespace

TEST(MlKem768, NobleKnownAnswers) {
  int seen = 0;
  for (const Block& b : load_blocks("vectors.txt")) {
    if (!b.count("count")) continue;
    SCOPED_TRACE("noble vector " + b.at("count"));
    ++seen;
    auto kp = mlkem768_keygen_derand(unhex(field(b, "d")), unhex(field(b, "z")));
    ASSERT_EQ(kp.public_key.size(), kMlKem768PublicKeySize);
    ASSERT_EQ(kp.secret_key.size(), kMlKem768SecretKeySize);
    expect_value(b, "ek", kp.public_key);
    expect_value(b, "dk", kp.secret_key.view());

    auto enc = must_encaps(kp.public_key, unhex(field(b, "m")));
    ASSERT_EQ(enc.ciphertext.size(), kMlKem768CiphertextSize);
    expect_value(b, "ct", enc.ciphertext);
    EXPECT_EQ(hex(enc.shared_secret.view()), field(b, "ss"));
    EXPECT_EQ(must_decaps(kp.secret_key.view(), enc.ciphertext), field(b, "ss"));
  }
  EXPECT_EQ(seen, 10);
}

// A flipped ciphertext bit must give noble's rejection secret J(z || c'), which
// OpenSSL's SHAKE256 recomputes as a third opinion, never the honest secret.
TEST(MlKem768, NobleImplicitRejection) {
  int seen = 0;
  for (const Block& b : load_blocks("vectors.txt")) {
    if (!b.count("reject")) continue;
    SCOPED_TRACE("noble reject vector " + b.at("reject"));
    ++seen;
    Bytes z = unhex(field(b, "z"));
    auto kp = mlkem768_keygen_derand(unhex(field(b, "d")), z);
    auto enc = must_encaps(kp.public_key, unhex(field(b, "m")));
    EXPECT_EQ(hex(enc.shared_secret.view()), field(b, "ss"));

    Bytes bad = enc.ciphertext;
    bad.at(std::stoul(field(b, "flip_byte"))) ^= static_cast<std::uint8_t>(1u << std::stoul(field(b, "flip_bit")));
    std::string rejected = must_decaps(kp.secret_key.view(), bad);
    EXPECT_EQ(rejected, field(b, "ss_reject"));
    EXPECT_EQ(rejected, openssl_rejection_secret(z, bad));
    EXPECT_NE(rejected, field(b, "ss"));
    EXPECT_EQ(must_decaps(kp.secret_key.view(), bad), rejected);  // deterministic
  }
  EXPECT_EQ(seen, 3);
}

TEST(MlKem768, NistAcvpKnownAnswers) {
  int keygen = 0, encaps = 0, decaps = 0;
  for (const Block& b : load_blocks("acvp.txt")) {
    SCOPED_TRACE(field(b, "source"));
    const std::string kind = field(b, "kind");
    if (kind == "keygen") {
      ++keygen;
      auto kp = mlkem768_keygen_derand(unhex(field(b, "d")), unhex(field(b, "z")));
      EXPECT_EQ(hex(kp.public_key), field(b, "ek"));
      EXPECT_EQ(hex(kp.secret_key.view()), field(b, "dk"));
    } else if (kind == "encaps") {
      ++encaps;
      auto enc = must_encaps(unhex(field(b, "ek")), unhex(field(b, "m")));
      EXPECT_EQ(hex(enc.ciphertext), field(b, "c"));
      EXPECT_EQ(hex(enc.shared_secret.view()), field(b, "k"));
      EXPECT_EQ(must_decaps(unhex(field(b, "dk")), unhex(field(b, "c"))), field(b, "k"));
    } else if (kind == "decaps") {
      ++decaps;
      EXPECT_EQ(must_decaps(unhex(field(b, "dk")), unhex(field(b, "c"))), field(b, "k"));
    } else {
      ADD_FAILURE() << "unknown kind " << kind;
    }
  }
  EXPECT_EQ(keygen, 1);
  EXPECT_EQ(encaps, 1);
  EXPECT_EQ(decaps, 2);
}

TEST(MlKem768, RandomRoundTrips) {
  for (int i = 0; i < 25; ++i) {
    auto kp = mlkem768_keygen();
    auto enc = mlkem768_encaps(kp.public_key);
    ASSERT_TRUE(enc) << enc.error().message();
    ASSERT_EQ(enc->shared_secret.size(), kMlKem768SharedSecretSize);
    auto dec = mlkem768_decaps(kp.secret_key.view(), enc->ciphertext);
    ASSERT_TRUE(dec) << dec.error().message();
    EXPECT_EQ(hex(dec->view()), hex(enc->shared_secret.view()));
  }
  // Fresh randomness each time: two key pairs, two encapsulations differ.
  auto a = mlkem768_keygen(), b = mlkem768_keygen();
  EXPECT_NE(a.public_key, b.public_key);
  auto e1 = mlkem768_encaps(a.public_key), e2 = mlkem768_encaps(a.public_key);
  ASSERT_TRUE(e1 && e2);
  EXPECT_NE(e1->ciphertext, e2->ciphertext);
  EXPECT_NE(hex(e1->shared_secret.view()), hex(e2->shared_secret.view()));
}

TEST(MlKem768, EveryCiphertextBitIsBound) {
  auto kp = mlkem768_keygen();
  auto enc = mlkem768_encaps(kp.public_key);
  ASSERT_TRUE(enc);
  const std::string honest = hex(enc->shared_secret.view());
  ByteView z = kp.secret_key.view().last(32);
  for (std::size_t byte = 0; byte < kMlKem768CiphertextSize; byte += 97) {
    Bytes bad = enc->ciphertext;
    bad[byte] ^= 0x10;
    std::string got = must_decaps(kp.secret_key.view(), bad);
    EXPECT_NE(got, honest) << byte;
    EXPECT_EQ(got, openssl_rejection_secret(z, bad)) << byte;
  }
}

TEST(MlKem768, WrongSecretKeyGivesUnrelatedSecret) {
  auto alice = mlkem768_keygen(), mallory = mlkem768_keygen();
  auto enc = mlkem768_encaps(alice.public_key);
  ASSERT_TRUE(enc);
  EXPECT_NE(must_decaps(mallory.secret_key.view(), enc->ciphertext), hex(enc->shared_secret.view()));
}

TEST(MlKem768, PublicKeyOfWrongSizeIsRefused) {
  auto kp = mlkem768_keygen();
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kMlKem768PublicKeySize - 1, kMlKem768PublicKeySize + 1}) {
    Bytes ek = kp.public_key;
    ek.resize(size);
    auto r = mlkem768_encaps(ek);
    ASSERT_FALSE(r) << size;
    EXPECT_EQ(r.error().code, Errc::kInvalidFormat);
    EXPECT_NE(r.error().detail.find("1184"), std::string::npos) << r.error().detail;
    EXPECT_FALSE(mlkem768_encaps_derand(ek, Bytes(32, 1)));
  }
}

// FIPS 203 section 7.2: ek must be ByteEncode_12(ByteDecode_12(ek)), i.e. every
// 12-bit coefficient below q. The same key noble's generate.mjs refuses.
TEST(MlKem768, PublicKeyWithCoefficientNotBelowQIsRefused) {
  auto kp = mlkem768_keygen();
  // First coefficient := 3329 (0xd01); last coefficient of the third polynomial := 4095.
  Bytes first = kp.public_key;
  first[0] = 0x01;
  first[1] = static_cast<std::uint8_t>((first[1] & 0xf0) | 0x0d);
  Bytes last = kp.public_key;
  last[1150] |= 0xf0;
  last[1151] = 0xff;
  for (const Bytes& ek : {first, last}) {
    auto r = mlkem768_encaps(ek);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kKeyInvalid);
    EXPECT_NE(r.error().detail.find("below q"), std::string::npos) << r.error().detail;
    EXPECT_FALSE(mlkem768_encaps_derand(ek, Bytes(32, 7)));
  }
  // rho (the last 32 bytes) is not a coefficient: any value is allowed there.
  Bytes rho_all_ones = kp.public_key;
  std::fill(rho_all_ones.end() - 32, rho_all_ones.end(), 0xff);
  EXPECT_TRUE(mlkem768_encaps(rho_all_ones));
}

TEST(MlKem768, DecapsRefusesBadSizesAndBadKeyHash) {
  auto kp = mlkem768_keygen();
  auto enc = mlkem768_encaps(kp.public_key);
  ASSERT_TRUE(enc);
  ByteView dk = kp.secret_key.view();
  for (std::size_t size : {std::size_t{0}, kMlKem768CiphertextSize - 1, kMlKem768CiphertextSize + 1}) {
    Bytes c = enc->ciphertext;
    c.resize(size);
    auto r = mlkem768_decaps(dk, c);
    ASSERT_FALSE(r) << size;
    EXPECT_EQ(r.error().code, Errc::kInvalidFormat);
    EXPECT_NE(r.error().detail.find("1088"), std::string::npos);
  }
  for (std::size_t size : {std::size_t{0}, kMlKem768SecretKeySize - 1, kMlKem768SecretKeySize + 1}) {
    Bytes short_dk(dk.begin(), dk.end());
    short_dk.resize(size);
    auto r = mlkem768_decaps(short_dk, enc->ciphertext);
    ASSERT_FALSE(r) << size;
    EXPECT_EQ(r.error().code, Errc::kInvalidFormat);
    EXPECT_NE(r.error().detail.find("2400"), std::string::npos);
  }
  // The embedded ek, or H(ek), altered: the section 7.3 hash check fails.
  for (std::size_t at : {std::size_t{1152}, std::size_t{1152 + 1183}, std::size_t{2336}, std::size_t{2367}}) {
    Bytes bad(dk.begin(), dk.end());
    bad[at] ^= 1;
    auto r = mlkem768_decaps(bad, enc->ciphertext);
    ASSERT_FALSE(r) << at;
    EXPECT_EQ(r.error().code, Errc::kKeyInvalid);
    EXPECT_NE(r.error().detail.find("hash check"), std::string::npos);
  }
  // z and dk_pke are not covered by the hash: those still decapsulate (to something).
  Bytes other_z(dk.begin(), dk.end());
  other_z[2399] ^= 1;
  EXPECT_TRUE(mlkem768_decaps(other_z, enc->ciphertext));
}

TEST(MlKem768, DerandInputsOfWrongSize) {
  EXPECT_THROW(mlkem768_keygen_derand(Bytes(31), Bytes(32)), std::invalid_argument);
  EXPECT_THROW(mlkem768_keygen_derand(Bytes(32), Bytes(33)), std::invalid_argument);
  auto kp = mlkem768_keygen();
  auto r = mlkem768_encaps_derand(kp.public_key, Bytes(31));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

// Garbage of the right sizes: never a crash, and decapsulation of garbage is
// still deterministic (implicit rejection, not an error).
TEST(MlKem768, GarbageInputsOfRightSize) {
  for (int i = 0; i < 20; ++i) {
    Bytes ek = random_bytes(kMlKem768PublicKeySize);
    auto enc = mlkem768_encaps(ek);  // random 12-bit values: almost surely one >= q
    if (enc) EXPECT_EQ(enc->ciphertext.size(), kMlKem768CiphertextSize);
    else EXPECT_EQ(enc.error().code, Errc::kKeyInvalid);

    auto kp = mlkem768_keygen();
    Bytes c = random_bytes(kMlKem768CiphertextSize);
    std::string once = must_decaps(kp.secret_key.view(), c);
    EXPECT_EQ(once, must_decaps(kp.secret_key.view(), c));
    EXPECT_EQ(once, openssl_rejection_secret(kp.secret_key.view().last(32), c));
  }
}

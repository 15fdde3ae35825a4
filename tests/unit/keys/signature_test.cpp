// Signing and verification for every key type: RFC 8032 known answers for Ed25519,
// then sign/verify, tampering and algorithm mismatches (RFC 8332, RFC 5656).
#include <gtest/gtest.h>

#include <string>

#include "key_fixtures.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/hex_literal.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test::keys;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

struct SigParts {
  std::string alg;
  Bytes sig;
};
SigParts split(const Bytes& blob) {
  wire::Reader r{ByteView(blob)};
  SigParts p;
  p.alg = std::string(*r.cstring());
  p.sig = to_bytes(*r.string());
  EXPECT_TRUE(r.finish("sig"));
  return p;
}
Bytes join(std::string_view alg, ByteView sig) {
  wire::Writer w;
  w.string(alg);
  w.string(sig);
  return *std::move(w).finish();
}

const Bytes kMessage = to_bytes(std::string_view("data to be signed by sshpp"));

// Keys for the generic tests: generated ones, and the Debian RSA fixture (generating
// RSA is slow).
std::vector<PrivateKey> test_keys() {
  std::vector<PrivateKey> keys;
  for (KeyType t : {KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521}) {
    auto k = PrivateKey::generate(t);
    EXPECT_TRUE(k) << k.error().message();
    keys.push_back(*k);
  }
  keys.push_back(load_fixture("rsa2048").key);
  keys.push_back(load_fixture("rsa1024").key);
  return keys;
}

std::vector<std::string_view> algs_for(KeyType t) {
  std::vector<std::string_view> out;
  for (const auto& a : signature_algs())
    if (a.key_type == t) out.push_back(a.name);
  return out;
}

}  // namespace

// RFC 8032 section 7.1, TEST 1-3: secret key (seed), public key, message, signature.
TEST(Signature, Ed25519Rfc8032Vectors) {
  struct Vector { const char* seed; const char* pk; const char* msg; const char* sig; };
  const Vector vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };
  for (const Vector& v : vectors) {
    auto key = PrivateKey::from_ed25519_seed(unhex(v.seed));
    ASSERT_TRUE(key) << key.error().message();
    Bytes expected_blob = join("ssh-ed25519", unhex(v.pk));
    EXPECT_EQ(hex(key->public_key().blob()), hex(expected_blob));
    Bytes msg = unhex(v.msg);
    auto sig = key->sign(msg);
    ASSERT_TRUE(sig);
    SigParts parts = split(*sig);
    EXPECT_EQ(parts.alg, "ssh-ed25519");
    EXPECT_EQ(hex(parts.sig), v.sig);
    auto pub = PublicKey::from_blob(expected_blob);
    ASSERT_TRUE(pub);
    EXPECT_TRUE(pub->verify(msg, join("ssh-ed25519", unhex(v.sig))));
    Bytes other = msg;
    other.push_back(0);
    EXPECT_FALSE(pub->verify(other, join("ssh-ed25519", unhex(v.sig))));
  }
  EXPECT_FALSE(PrivateKey::from_ed25519_seed(Bytes(31, 1)));
}

TEST(Signature, EveryAlgorithmSignsAndVerifies) {
  for (const PrivateKey& key : test_keys()) {
    const PublicKey& pub = key.public_key();
    for (std::string_view alg : algs_for(key.type())) {
      auto sig = key.sign(kMessage, alg);
      ASSERT_TRUE(sig) << alg << ": " << sig.error().message();
      EXPECT_EQ(split(*sig).alg, alg);
      auto ok = pub.verify(kMessage, *sig);
      EXPECT_TRUE(ok) << alg << ": " << (ok ? "" : ok.error().message());
      Bytes tampered = kMessage;
      tampered[3] ^= 0x20;
      auto bad = pub.verify(tampered, *sig);
      ASSERT_FALSE(bad) << alg;
      EXPECT_EQ(bad.error().code, Errc::kSignatureInvalid);
    }
  }
}

TEST(Signature, DefaultAlgorithmsFollowOpenSsh) {
  for (const PrivateKey& key : test_keys()) {
    auto sig = key.sign(kMessage);
    ASSERT_TRUE(sig);
    std::string expected = key.type() == KeyType::kRsa ? "rsa-sha2-512" : std::string(key.public_key().info().ssh_name);
    EXPECT_EQ(split(*sig).alg, expected);
  }
}

TEST(Signature, EveryFlippedSignatureByteIsRejected) {
  for (const PrivateKey& key : test_keys()) {
    auto sig = key.sign(kMessage);
    ASSERT_TRUE(sig);
    for (std::size_t i = 0; i < sig->size(); ++i) {
      Bytes bad = *sig;
      bad[i] ^= 0x01;
      EXPECT_FALSE(key.public_key().verify(kMessage, bad)) << key.public_key().info().ssh_name << " byte " << i;
    }
  }
}

TEST(Signature, AlgorithmMustBelongToTheKey) {
  auto keys = test_keys();
  for (const PrivateKey& signer : keys) {
    auto sig = signer.sign(kMessage);
    ASSERT_TRUE(sig);
    for (const PrivateKey& other : keys) {
      if (other.type() == signer.type()) continue;
      auto r = other.public_key().verify(kMessage, *sig);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, Errc::kSignatureInvalid);
      EXPECT_NE(r.error().message().find("does not match key type"), std::string::npos) << r.error().message();
    }
    // Signing with another type's algorithm is a caller error.
    std::string_view foreign = signer.type() == KeyType::kEd25519 ? "rsa-sha2-256" : "ssh-ed25519";
    auto s = signer.sign(kMessage, foreign);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::kInvalidArgument);
    EXPECT_FALSE(signer.sign(kMessage, "no-such-alg"));
  }
  auto p256 = PrivateKey::generate(KeyType::kEcdsaP256);
  auto sig = p256->sign(kMessage);
  auto relabeled = join("ecdsa-sha2-nistp384", split(*sig).sig);
  EXPECT_FALSE(p256->public_key().verify(kMessage, relabeled));
  EXPECT_FALSE(p256->public_key().verify(kMessage, join("unknown-alg", split(*sig).sig)));
}

TEST(Signature, RsaHashIsBoundToTheAlgorithmName) {
  PrivateKey rsa = load_fixture("rsa2048").key;
  for (std::string_view a : algs_for(KeyType::kRsa)) {
    auto sig = rsa.sign(kMessage, a);
    ASSERT_TRUE(sig);
    EXPECT_EQ(split(*sig).sig.size(), 256u);
    for (std::string_view b : algs_for(KeyType::kRsa)) {
      auto r = rsa.public_key().verify(kMessage, join(b, split(*sig).sig));
      EXPECT_EQ(static_cast<bool>(r), a == b) << a << " as " << b;
    }
  }
}

TEST(Signature, RsaShortSignaturesArePaddedLongOnesRefused) {
  PrivateKey rsa = load_fixture("rsa1024").key;
  // Find a signature whose first byte is zero: some signers send it without.
  bool found = false;
  for (int i = 0; i < 4000 && !found; ++i) {
    Bytes msg = kMessage;
    msg.push_back(static_cast<std::uint8_t>(i));
    msg.push_back(static_cast<std::uint8_t>(i >> 8));
    auto sig = rsa.sign(msg, "rsa-sha2-256");
    ASSERT_TRUE(sig);
    SigParts p = split(*sig);
    ASSERT_EQ(p.sig.size(), 128u);
    if (p.sig[0] != 0) continue;
    found = true;
    EXPECT_TRUE(rsa.public_key().verify(msg, join(p.alg, ByteView(p.sig).subspan(1))));
    Bytes longer = p.sig;
    longer.insert(longer.begin(), 0);
    auto r = rsa.public_key().verify(msg, join(p.alg, longer));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kSignatureInvalid);
  }
  EXPECT_TRUE(found);
}

TEST(Signature, MalformedSignatureBlobsAreRefused) {
  auto ed = PrivateKey::generate(KeyType::kEd25519);
  auto ec = PrivateKey::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(ed && ec);
  auto ed_sig = *ed->sign(kMessage);
  auto ec_sig = *ec->sign(kMessage);

  Bytes trailing = ed_sig;
  trailing.push_back(0);
  auto t = ed->public_key().verify(kMessage, trailing);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::kTrailingData);

  Bytes ed_raw = split(ed_sig).sig;
  for (std::size_t len : {0u, 63u, 65u}) {
    Bytes s = ed_raw;
    s.resize(len);
    auto r = ed->public_key().verify(kMessage, join("ssh-ed25519", s));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().code, Errc::kSignatureInvalid);
  }

  // ECDSA: the inner blob is mpint r, mpint s with nothing after them.
  Bytes ec_inner = split(ec_sig).sig;
  Bytes ec_trailing = ec_inner;
  ec_trailing.push_back(0);
  EXPECT_FALSE(ec->public_key().verify(kMessage, join("ecdsa-sha2-nistp256", ec_trailing)));
  wire::Writer zero;
  zero.mpint(Bytes{});
  zero.mpint(Bytes{1});
  EXPECT_FALSE(ec->public_key().verify(kMessage, join("ecdsa-sha2-nistp256", *std::move(zero).finish())));
  wire::Writer big;
  big.mpint(Bytes(33, 0x7f));
  big.mpint(Bytes{1});
  EXPECT_FALSE(ec->public_key().verify(kMessage, join("ecdsa-sha2-nistp256", *std::move(big).finish())));

  for (std::size_t n = 0; n < ed_sig.size(); ++n)
    EXPECT_FALSE(ed->public_key().verify(kMessage, ByteView(ed_sig).first(n))) << n;
}

TEST(Generate, SizesAndDefaults) {
  auto small = PrivateKey::generate(KeyType::kRsa, 1023);
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().code, Errc::kKeySizeInvalid);
  EXPECT_EQ(PrivateKey::generate(KeyType::kRsa, 16385).error().code, Errc::kKeySizeInvalid);
  EXPECT_EQ(PrivateKey::generate(KeyType::kEcdsaP256, 384).error().code, Errc::kKeySizeInvalid);

  auto rsa = PrivateKey::generate(KeyType::kRsa);
  ASSERT_TRUE(rsa) << rsa.error().message();
  EXPECT_EQ(rsa->public_key().bits(), 3072u);
  wire::Reader r{ByteView(rsa->public_key().blob())};
  ASSERT_EQ(*r.cstring(), "ssh-rsa");
  EXPECT_EQ(hex(*r.mpint(8)), "010001");  // e = 65537, as ssh-keygen

  auto rsa1024 = PrivateKey::generate(KeyType::kRsa, 1024);
  ASSERT_TRUE(rsa1024);
  EXPECT_EQ(rsa1024->public_key().bits(), 1024u);

  for (KeyType t : {KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521}) {
    auto a = PrivateKey::generate(t);
    auto b = PrivateKey::generate(t, key_type_info(t).default_bits);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->type(), t);
    EXPECT_EQ(a->public_key().bits(), key_type_info(t).default_bits);
    EXPECT_FALSE(a->public_key() == b->public_key());
    // The blob parses back to the same key.
    auto again = PublicKey::from_blob(a->public_key().blob());
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again == a->public_key());
  }
}

// The key type and signature algorithm tables.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sshcore/keys/key_type.hpp"

using namespace sshcore;
using namespace sshcore::keys;

TEST(KeyType, TableRowsMatchOpenSshNames) {
  struct Row { KeyType type; const char* ssh; const char* shortn; const char* keygen; const char* curve; unsigned bits; };
  const Row rows[] = {
      {KeyType::kEd25519, "ssh-ed25519", "ED25519", "ed25519", "", 256},
      {KeyType::kEcdsaP256, "ecdsa-sha2-nistp256", "ECDSA", "ecdsa", "nistp256", 256},
      {KeyType::kEcdsaP384, "ecdsa-sha2-nistp384", "ECDSA", "ecdsa", "nistp384", 384},
      {KeyType::kEcdsaP521, "ecdsa-sha2-nistp521", "ECDSA", "ecdsa", "nistp521", 521},
      {KeyType::kRsa, "ssh-rsa", "RSA", "rsa", "", 3072},
  };
  ASSERT_EQ(key_types().size(), std::size(rows));
  for (const Row& r : rows) {
    const KeyTypeInfo& info = key_type_info(r.type);
    EXPECT_EQ(info.type, r.type);
    EXPECT_EQ(info.ssh_name, r.ssh);
    EXPECT_EQ(info.short_name, r.shortn);
    EXPECT_EQ(info.keygen_name, r.keygen);
    EXPECT_EQ(info.curve, r.curve);
    EXPECT_EQ(info.default_bits, r.bits);
    ASSERT_NE(find_key_type(r.ssh), nullptr);
    EXPECT_EQ(find_key_type(r.ssh)->type, r.type);
  }
}

TEST(KeyType, UnknownAndRefusedNamesAreNotFound) {
  for (const char* name : {"ssh-dss", "", "ssh-ed448", "ssh-rsa-cert-v01@openssh.com", "SSH-RSA"})
    EXPECT_EQ(find_key_type(name), nullptr) << name;
}

TEST(KeyType, SignatureAlgorithmsBelongToTheirKeyTypes) {
  struct Row { const char* name; KeyType type; crypto::DigestAlg hash; };
  const Row rows[] = {
      {"ssh-ed25519", KeyType::kEd25519, crypto::DigestAlg::kSha512},
      {"ecdsa-sha2-nistp256", KeyType::kEcdsaP256, crypto::DigestAlg::kSha256},
      {"ecdsa-sha2-nistp384", KeyType::kEcdsaP384, crypto::DigestAlg::kSha384},
      {"ecdsa-sha2-nistp521", KeyType::kEcdsaP521, crypto::DigestAlg::kSha512},
      {"rsa-sha2-512", KeyType::kRsa, crypto::DigestAlg::kSha512},
      {"rsa-sha2-256", KeyType::kRsa, crypto::DigestAlg::kSha256},
      {"ssh-rsa", KeyType::kRsa, crypto::DigestAlg::kSha1},
  };
  ASSERT_EQ(signature_algs().size(), std::size(rows));
  for (const Row& r : rows) {
    const SignatureAlgInfo* s = find_signature_alg(r.name);
    ASSERT_NE(s, nullptr) << r.name;
    EXPECT_EQ(s->key_type, r.type) << r.name;
    if (r.type != KeyType::kEd25519) {
      EXPECT_EQ(s->hash, r.hash) << r.name;
    }
  }
  EXPECT_EQ(find_signature_alg("ssh-dss"), nullptr);
  EXPECT_EQ(find_signature_alg("rsa-sha2-384"), nullptr);
}

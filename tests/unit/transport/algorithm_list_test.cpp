#include "sshcore/transport/algorithm_list.hpp"

#include "sshcore/transport/algorithm_tables.hpp"

#include <gtest/gtest.h>

using namespace sshcore;
using namespace sshcore::transport;

namespace {
std::string assemble(AlgorithmKind kind, std::string_view spec) {
  auto r = assemble_algorithm_list(kind, spec);
  return r ? *r : "ERROR: " + r.error().detail;
}
}  // namespace

TEST(AlgorithmList, DefaultsExplicitAppendPrependRemove) {
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, ""), default_ciphers());
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "aes256-ctr,aes128-ctr"), "aes256-ctr,aes128-ctr");
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "+aes128-cbc"), default_ciphers() + ",aes128-cbc");
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "+aes128-ctr"), default_ciphers());  // already there
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "^aes256-gcm@openssh.com"),
            "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
            "aes128-gcm@openssh.com");
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "-chacha20*,aes1*"), "aes256-ctr,aes256-gcm@openssh.com");
  EXPECT_EQ(assemble(AlgorithmKind::kMac, "-*-etm@openssh.com"),
            "umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1");
  EXPECT_EQ(assemble(AlgorithmKind::kKex, "+diffie-hellman-group14-sha1"),
            default_kex() + ",diffie-hellman-group14-sha1");
  EXPECT_EQ(assemble(AlgorithmKind::kHostKey, "+ssh-rsa"), default_algorithms(AlgorithmKind::kHostKey) + ",ssh-rsa");
}

TEST(AlgorithmList, RefusesWhatOpenSshRefuses) {
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "arcfour"), "ERROR: Bad SSH2 cipher spec 'arcfour'.");
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "aes128-ctr,blowfish-cbc"),
            "ERROR: Bad SSH2 cipher spec 'aes128-ctr,blowfish-cbc'.");
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "aes*"), "ERROR: Bad SSH2 cipher spec 'aes*'.");  // wildcards only with '-'
  EXPECT_EQ(assemble(AlgorithmKind::kMac, "+hmac-md5"), "ERROR: Bad SSH2 MAC spec '+hmac-md5'.");
  EXPECT_EQ(assemble(AlgorithmKind::kKex, "-*"), "ERROR: Bad SSH2 KexAlgorithms '-*'.");  // nothing left
  EXPECT_EQ(assemble(AlgorithmKind::kCipher, "aes128-ctr,,aes256-ctr"),
            "ERROR: Bad SSH2 cipher spec 'aes128-ctr,,aes256-ctr'.");
  EXPECT_EQ(assemble(AlgorithmKind::kHostKey, "ssh-dss"), "ERROR: Bad key types 'ssh-dss'.");
}

TEST(AlgorithmList, AllListsEveryRow) {
  EXPECT_NE(all_algorithms(AlgorithmKind::kCipher).find("3des-cbc"), std::string::npos);
  EXPECT_NE(all_algorithms(AlgorithmKind::kKex).find("mlkem768x25519-sha256"), std::string::npos);
  EXPECT_NE(all_algorithms(AlgorithmKind::kHostKey).find("rsa-sha2-512"), std::string::npos);
  EXPECT_EQ(all_algorithms(AlgorithmKind::kCompression), "none,zlib@openssh.com,zlib");
}

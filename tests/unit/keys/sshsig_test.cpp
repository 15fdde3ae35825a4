// SSHSIG (PROTOCOL.sshsig): signatures Debian's ssh-keygen -Y sign made, verified
// by us; ours compared with theirs where signing is deterministic (Ed25519, RSA).
#include <gtest/gtest.h>

#include <string>

#include "key_fixtures.hpp"
#include "sshcore/keys/sshsig.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test::keys;

namespace {
constexpr const char* kNamespace = "sshpp-test";
const std::vector<std::string>& signed_stems() {
  static const std::vector<std::string> s{"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048"};
  return s;
}
}  // namespace

TEST(Sshsig, VerifiesSignaturesMadeBySshKeygen) {
  Bytes message = fixture_bytes("message.txt");
  std::vector<std::pair<std::string, std::string>> sigs;
  for (const auto& stem : signed_stems()) sigs.emplace_back(stem + ".sig", stem);
  sigs.emplace_back("rsa2048_sha256.sig", "rsa2048");
  for (const auto& [file, stem] : sigs) {
    auto signer = sshsig_verify(fixture_text(file), kNamespace, message);
    ASSERT_TRUE(signer) << file << ": " << signer.error().message();
    EXPECT_TRUE(*signer == fixture_pub(stem).key) << file;
  }
  auto parsed = sshsig_parse(fixture_text("rsa2048_sha256.sig"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->hash, crypto::DigestAlg::kSha256);
  EXPECT_EQ(parsed->ns, kNamespace);
}

TEST(Sshsig, RefusesTamperedMessageNamespaceAndSignature) {
  Bytes message = fixture_bytes("message.txt");
  for (const auto& stem : signed_stems()) {
    std::string sig = fixture_text(stem + ".sig");
    Bytes other = message;
    other.back() ^= 1;
    auto r1 = sshsig_verify(sig, kNamespace, other);
    ASSERT_FALSE(r1) << stem;
    EXPECT_EQ(r1.error().code, Errc::kSignatureInvalid);
    auto r2 = sshsig_verify(sig, "file", message);
    ASSERT_FALSE(r2) << stem;
    EXPECT_NE(r2.error().message().find("namespace"), std::string::npos);
    // Flip one base64 character in the middle of the signature.
    std::string bad = sig;
    std::size_t at = bad.size() - 60;
    bad[at] = bad[at] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(sshsig_verify(bad, kNamespace, message)) << stem;
  }
}

// Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic, so our SSHSIG of the same
// message with the same key is Debian's file byte for byte (armor, wrapping, fields).
TEST(Sshsig, DeterministicSignaturesEqualSshKeygenOutput) {
  Bytes message = fixture_bytes("message.txt");
  for (const char* stem : {"ed25519", "rsa2048"}) {
    PrivateKey key = load_fixture(stem).key;
    auto ours = sshsig_sign(key, kNamespace, message);
    ASSERT_TRUE(ours) << ours.error().message();
    EXPECT_EQ(*ours, fixture_text(std::string(stem) + ".sig")) << stem;
  }
  PrivateKey rsa = load_fixture("rsa2048").key;
  auto sha256 = sshsig_sign(rsa, kNamespace, message, crypto::DigestAlg::kSha256);
  ASSERT_TRUE(sha256);
  EXPECT_EQ(*sha256, fixture_text("rsa2048_sha256.sig"));
}

TEST(Sshsig, SignAndVerifyEveryType) {
  Bytes message = to_bytes(std::string_view("another message\n"));
  for (const auto& stem : signed_stems()) {
    PrivateKey key = load_fixture(stem).key;
    for (auto hash : {crypto::DigestAlg::kSha256, crypto::DigestAlg::kSha512}) {
      auto sig = sshsig_sign(key, "git", message, hash);
      ASSERT_TRUE(sig) << sig.error().message();
      EXPECT_TRUE(sig->starts_with("-----BEGIN SSH SIGNATURE-----\n"));
      EXPECT_TRUE(sig->ends_with("\n-----END SSH SIGNATURE-----\n"));
      auto signer = sshsig_verify(*sig, "git", message);
      ASSERT_TRUE(signer) << signer.error().message();
      EXPECT_TRUE(*signer == key.public_key());
    }
  }
  PrivateKey ed = load_fixture("ed25519").key;
  EXPECT_EQ(sshsig_sign(ed, "", message).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(sshsig_sign(ed, "git", message, crypto::DigestAlg::kSha1).error().code, Errc::kInvalidArgument);
}

TEST(Sshsig, MalformedSignaturesAreRefused) {
  Bytes message = fixture_bytes("message.txt");
  std::string sig = fixture_text("ed25519.sig");
  const std::string cases[] = {
      "",
      "-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n",
      "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n",
      sig.substr(0, sig.find("-----END")),
      "junk\n" + sig,
  };
  for (const std::string& c : cases) {
    auto r = sshsig_verify(c, kNamespace, message);
    ASSERT_FALSE(r) << c;
    EXPECT_FALSE(r.error().message().empty());
  }
}

// Round trips through Debian's /usr/bin/ssh-keygen at test time: keys we write are
// read by OpenSSH, keys OpenSSH writes now are read by us, and SSHSIG signatures
// are checked both ways.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <string>

#include "key_fixtures.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/sshsig.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test;
using namespace sshpp::test::keys;

namespace {

constexpr const char* kNs = "sshpp-interop";

RunResult keygen(std::vector<std::string> args, const std::string& stdin_data = {}) {
  args.insert(args.begin(), kKeygen);
  RunOptions options;
  options.stdin_data = stdin_data;
  options.new_session = true;  // no tty: ssh-keygen can never prompt
  return run(args, options);
}

const std::vector<PrivateKey>& generated_keys() {
  static const std::vector<PrivateKey> keys = [] {
    std::vector<PrivateKey> k;
    for (KeyType t : {KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521})
      k.push_back(*PrivateKey::generate(t));
    k.push_back(*PrivateKey::generate(KeyType::kRsa, 2048));
    return k;
  }();
  return keys;
}

std::string our_line(const PrivateKey& key) { return format_public_key_line(key.public_key(), ""); }

}  // namespace

TEST(KeygenInterop, OpenSshReadsKeysWeWrite) {
  TempDir dir;
  int n = 0;
  for (const PrivateKey& key : generated_keys()) {
    for (auto format : {PrivateKeyFormat::kOpenSSH, PrivateKeyFormat::kPem, PrivateKeyFormat::kPkcs8}) {
      for (bool encrypted : {false, true}) {
        PrivateKeyWriteOptions options;
        options.format = format;
        options.kdf_rounds = 4;
        auto text = format_private_key(key, "written by sshpp", encrypted ? kPassphrase : "", options);
        ASSERT_TRUE(text) << text.error().message();
        std::string path = dir / ("key" + std::to_string(n++));
        write_text(path, std::string(text->chars()), 0600);
        std::string what = std::string(key.public_key().info().ssh_name) + " format " +
                           std::to_string(static_cast<int>(format)) + (encrypted ? " encrypted" : "");
        auto r = keygen({"-y", "-P", encrypted ? kPassphrase : "", "-f", path});
        ASSERT_EQ(r.exit_code, 0) << what << ": " << r.err;
        EXPECT_EQ(type_and_blob(r.out), our_line(key)) << what;
        if (format == PrivateKeyFormat::kOpenSSH && !encrypted) {
          EXPECT_EQ(r.out, our_line(key) + " written by sshpp\n") << what;
        }
        if (encrypted) {
          auto wrong = keygen({"-y", "-P", "wrong-passphrase", "-f", path});
          EXPECT_NE(wrong.exit_code, 0) << what;
        }
      }
    }
  }
}

TEST(KeygenInterop, WeReadKeysOpenSshWritesNow) {
  TempDir dir;
  struct Gen { const char* type; const char* bits; };
  const Gen gens[] = {{"ed25519", "256"}, {"ecdsa", "256"}, {"ecdsa", "384"}, {"ecdsa", "521"},
                      {"rsa", "1024"},    {"rsa", "2048"}};
  int n = 0;
  for (const Gen& g : gens) {
    for (const char* format : {"RFC4716", "PEM", "PKCS8"}) {
      for (bool encrypted : {false, true}) {
        std::string path = dir / ("k" + std::to_string(n++));
        auto r = keygen({"-q", "-t", g.type, "-b", g.bits, "-N", encrypted ? kPassphrase : "", "-a", "4", "-m",
                         format, "-C", "made by openssh", "-f", path});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        std::string what = std::string(g.type) + g.bits + " " + format + (encrypted ? " encrypted" : "");
        auto pub = parse_public_key_line(read_text(path + ".pub"));
        ASSERT_TRUE(pub) << what;
        Bytes file = to_bytes(read_text(path));
        EXPECT_EQ(private_key_is_encrypted(file), encrypted) << what;
        auto loaded = parse_private_key(file, encrypted ? kPassphrase : "");
        ASSERT_TRUE(loaded) << what << ": " << loaded.error().message();
        EXPECT_TRUE(loaded->key.public_key() == pub->key) << what;
        // A fresh signature by the loaded key verifies under the .pub key.
        Bytes msg = to_bytes(what);
        auto sig = loaded->key.sign(msg);
        ASSERT_TRUE(sig);
        EXPECT_TRUE(pub->key.verify(msg, *sig)) << what;
      }
    }
  }
}

TEST(KeygenInterop, OpenSshVerifiesOurSshsigSignatures) {
  TempDir dir;
  std::string message = "a message signed by sshpp\n";
  int n = 0;
  for (const PrivateKey& key : generated_keys()) {
    for (auto hash : {crypto::DigestAlg::kSha512, crypto::DigestAlg::kSha256}) {
      auto sig = sshsig_sign(key, kNs, to_bytes(message), hash);
      ASSERT_TRUE(sig);
      std::string path = dir / ("sig" + std::to_string(n++));
      write_text(path, *sig);
      auto ok = keygen({"-Y", "check-novalidate", "-n", kNs, "-s", path}, message);
      EXPECT_EQ(ok.exit_code, 0) << key.public_key().info().ssh_name << ": " << ok.out << ok.err;
      EXPECT_NE(ok.out.find("Good \"" + std::string(kNs) + "\" signature"), std::string::npos) << ok.out;
      auto bad = keygen({"-Y", "check-novalidate", "-n", kNs, "-s", path}, message + "x");
      EXPECT_NE(bad.exit_code, 0) << key.public_key().info().ssh_name;
      auto wrong_ns = keygen({"-Y", "check-novalidate", "-n", "other", "-s", path}, message);
      EXPECT_NE(wrong_ns.exit_code, 0);
    }
  }
}

TEST(KeygenInterop, WeVerifySshsigSignaturesOpenSshMakesNow) {
  TempDir dir;
  std::string message_path = dir / "message";
  std::string message = "a message signed by OpenSSH\n";
  write_text(message_path, message);
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    std::string key = dir / type;
    ASSERT_EQ(keygen({"-q", "-t", type, "-N", "", "-f", key}).exit_code, 0);
    auto r = keygen({"-Y", "sign", "-f", key, "-n", kNs, message_path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string sig = read_text(message_path + ".sig");
    std::remove((message_path + ".sig").c_str());
    auto signer = sshsig_verify(sig, kNs, to_bytes(message));
    ASSERT_TRUE(signer) << type << ": " << signer.error().message();
    EXPECT_TRUE(*signer == parse_public_key_line(read_text(key + ".pub"))->key);
    EXPECT_FALSE(sshsig_verify(sig, kNs, to_bytes(message + "!")));
  }
}

TEST(KeygenInterop, ExportsMatchSshKeygenForThisUserAndHost) {
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  const passwd* pw = getpwuid(getuid());
  ASSERT_NE(pw, nullptr);
  std::string identity = std::string(pw->pw_name) + "@" + host;
  TempDir dir;
  for (const std::string& stem : fixture_keys()) {
    std::string pub_path = dir / (stem + ".pub");
    write_text(pub_path, fixture_text(stem + ".pub"));
    PublicKey key = fixture_pub(stem).key;
    auto theirs = keygen({"-e", "-f", pub_path});
    ASSERT_EQ(theirs.exit_code, 0);
    std::string comment = std::to_string(key.bits()) + "-bit " + std::string(key.info().short_name) +
                          ", converted by " + identity + " from OpenSSH";
    auto ours = export_public_key(key, PublicKeyFormat::kRfc4716, comment);
    ASSERT_TRUE(ours);
    EXPECT_EQ(*ours, theirs.out) << stem;
    // ssh-keygen -i reads our exports back to the same key.
    for (auto [format, name] : {std::pair{PublicKeyFormat::kRfc4716, "RFC4716"},
                                std::pair{PublicKeyFormat::kPkcs8, "PKCS8"}, std::pair{PublicKeyFormat::kPem, "PEM"}}) {
      auto text = export_public_key(key, format, "sshpp export");
      if (!text) continue;  // Ed25519 has no PKCS8/PEM form; ECDSA no PEM
      std::string path = dir / (stem + "." + name);
      write_text(path, *text);
      auto back = keygen({"-i", "-m", name, "-f", path});
      ASSERT_EQ(back.exit_code, 0) << stem << " " << name << ": " << back.err;
      EXPECT_EQ(type_and_blob(back.out), format_public_key_line(key, "")) << stem << " " << name;
    }
  }
}

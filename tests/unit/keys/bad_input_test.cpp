// Garbage into every keys parser: truncations, flipped bytes, huge lengths, random
// bytes and wrong-type fields must give a clear error and never crash.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "key_fixtures.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/armor.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/openssh_private_key.hpp"
#include "sshcore/keys/sshsig.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;
using namespace sshcore::keys;
using namespace sshpp::test::keys;

namespace {

template <class T>
void expect_clear_error(const Result<T>& r, const std::string& what) {
  ASSERT_FALSE(r) << what;
  EXPECT_FALSE(r.error().detail.empty()) << what << ": " << r.error().message();
}

std::string rearmor(const Bytes& blob) { return detail::armor(detail::kOpensshKeyLabel, blob); }

Bytes decoded(const std::string& name) {
  auto blob = detail::dearmor(fixture_text(name), detail::kOpensshKeyLabel);
  EXPECT_TRUE(blob);
  return *blob;
}

Bytes pub_blob(const std::string& stem) { return fixture_pub(stem).key.blob(); }

}  // namespace

TEST(BadInput, EveryPrefixOfAPrivateKeyFileFails) {
  for (const char* name : {"ed25519", "ecdsa256", "ed25519_enc"}) {
    std::string text = fixture_text(name);
    // Every prefix short of the END marker's last dash (the final newline is optional).
    for (std::size_t n = 0; n + 1 < text.size(); ++n) {
      auto r = parse_private_key(to_bytes(std::string_view(text).substr(0, n)), kPassphrase);
      expect_clear_error(r, std::string(name) + " text prefix " + std::to_string(n));
    }
    Bytes blob = decoded(name);
    for (std::size_t n = 0; n < blob.size(); ++n) {
      auto file = to_bytes(rearmor(Bytes(blob.begin(), blob.begin() + static_cast<long>(n))));
      expect_clear_error(parse_private_key(file, kPassphrase), std::string(name) + " blob prefix " + std::to_string(n));
      expect_clear_error(private_key_public_half(file), std::string(name) + " public half prefix " + std::to_string(n));
    }
  }
}

TEST(BadInput, FlippedBytesInAPrivateKeyFail) {
  for (const char* stem : {"ed25519", "ecdsa256", "rsa1024"}) {
    Bytes blob = decoded(stem);
    PublicKey original = fixture_pub(stem).key;
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < blob.size(); ++i) {
      Bytes bad = blob;
      bad[i] ^= 0x41;
      auto r = parse_private_key(to_bytes(rearmor(bad)));
      if (r) {
        // Only the comment may change without the key noticing.
        EXPECT_TRUE(r->key.public_key() == original) << stem << " byte " << i;
        EXPECT_NE(r->comment, "sshpp " + std::string(stem)) << stem << " byte " << i;
        ++accepted;
        continue;
      }
      EXPECT_FALSE(r.error().detail.empty()) << stem << " byte " << i;
    }
    EXPECT_LE(accepted, std::string("sshpp ").size() + std::string(stem).size()) << stem;
  }
}

TEST(BadInput, HugeLengthFieldsFail) {
  for (const char* stem : {"ed25519", "ecdsa384", "rsa1024"}) {
    Bytes blob = decoded(stem);
    for (std::size_t i = 15; i + 4 <= blob.size(); ++i) {
      Bytes bad = blob;
      std::fill(bad.begin() + static_cast<long>(i), bad.begin() + static_cast<long>(i) + 4, 0xff);
      auto r = parse_private_key(to_bytes(rearmor(bad)));
      if (r) {
        EXPECT_TRUE(r->key.public_key() == fixture_pub(stem).key) << stem << " at " << i;  // inside the comment
        continue;
      }
      EXPECT_FALSE(r.error().detail.empty());
    }
    // Each length field of the public blob (all its fields are strings or mpints).
    Bytes pub = pub_blob(stem);
    for (std::size_t i = 0; i + 4 <= pub.size(); i += 4 + load_be32(pub.data() + i)) {
      Bytes bad = pub;
      std::fill(bad.begin() + static_cast<long>(i), bad.begin() + static_cast<long>(i) + 4, 0xff);
      expect_clear_error(PublicKey::from_blob(bad), std::string(stem) + " pub at " + std::to_string(i));
    }
  }
}

TEST(BadInput, FlippedBytesInPublicBlobsNeverCrash) {
  for (const std::string& stem : fixture_keys()) {
    Bytes blob = pub_blob(stem);
    for (std::size_t i = 0; i < blob.size(); ++i) {
      Bytes bad = blob;
      bad[i] ^= 0x80;
      auto r = PublicKey::from_blob(bad);
      if (r) {
        // Ed25519 and RSA keys have no structure to check: a different key is fine.
        EXPECT_FALSE(*r == fixture_pub(stem).key);
        continue;
      }
      EXPECT_FALSE(r.error().detail.empty()) << stem << " byte " << i;
    }
  }
}

TEST(BadInput, WrongTypeFieldsFail) {
  auto ed = load_fixture("ed25519").key;
  auto ec = load_fixture("ecdsa256").key;
  auto rsa = load_fixture("rsa1024").key;
  // A private section whose fields belong to another type.
  for (const PrivateKey* key : {&ed, &ec, &rsa}) {
    for (std::string_view name : {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ssh-rsa"}) {
      if (name == key->public_key().info().ssh_name) continue;
      wire::Writer fields(wire::Writer::kDefaultLimit, wire::Wipe::kYes);
      ASSERT_TRUE(key->write_private_fields(fields));
      auto bytes = std::move(fields).finish_secret();
      wire::Reader r(bytes->view());
      (void)r.string();  // drop the real name
      wire::Writer relabeled(wire::Writer::kDefaultLimit, wire::Wipe::kYes);
      relabeled.string(name);
      relabeled.raw(r.rest());
      auto again = std::move(relabeled).finish_secret();
      wire::Reader rr(again->view());
      auto parsed = PrivateKey::read_private_fields(rr);
      if (parsed) {
        EXPECT_FALSE(rr.empty()) << name;  // never a whole, valid key of the other type
        continue;
      }
      EXPECT_FALSE(parsed.error().detail.empty());
    }
  }
  // Public blobs relabeled likewise.
  for (const std::string& stem : fixture_keys()) {
    Bytes blob = pub_blob(stem);
    wire::Reader r{ByteView(blob)};
    std::string real(*r.cstring());
    for (const auto& info : key_types()) {
      if (info.ssh_name == real) continue;
      wire::Writer w;
      w.string(info.ssh_name);
      w.raw(r.rest());
      auto parsed = PublicKey::from_blob(*std::move(w).finish());
      // Any two odd numbers make an RSA public key, so an ECDSA blob's curve name and
      // point can pass as e and n; the key is then an RSA key, not the original.
      if (parsed && info.type == KeyType::kRsa) {
        EXPECT_EQ(parsed->type(), KeyType::kRsa);
        continue;
      }
      expect_clear_error(parsed, stem + " as " + std::string(info.ssh_name));
    }
  }
}

TEST(BadInput, RandomBytesIntoEveryParser) {
  std::mt19937 rng(20240601);
  auto random_bytes = [&](std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
  };
  const std::string labels[] = {"OPENSSH PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY",
                                "ENCRYPTED PRIVATE KEY", "SSH SIGNATURE", "PUBLIC KEY", "RSA PUBLIC KEY"};
  for (int i = 0; i < 400; ++i) {
    Bytes raw = random_bytes(rng() % 700);
    // Raw bytes, raw bytes behind the OpenSSH magic, and base64 of them in each armor.
    std::vector<Bytes> inputs{raw};
    Bytes magic = to_bytes(std::string_view("openssh-key-v1\0", 15));
    append(magic, raw);
    inputs.push_back(to_bytes(rearmor(magic)));
    const std::string& label = labels[static_cast<std::size_t>(i) % std::size(labels)];
    inputs.push_back(to_bytes(detail::armor(label, raw)));
    for (const Bytes& in : inputs) {
      std::string_view text = as_chars(in);
      EXPECT_FALSE(parse_private_key(in));
      EXPECT_FALSE(parse_private_key(in, kPassphrase));
      EXPECT_FALSE(private_key_public_half(in));
      (void)private_key_is_encrypted(in);
      EXPECT_FALSE(PublicKey::from_blob(in));
      EXPECT_FALSE(parse_public_key_line(text));
      EXPECT_FALSE(parse_public_key_line("ssh-ed25519 " + base64_encode(in)));
      EXPECT_FALSE(import_public_key(text, PublicKeyFormat::kRfc4716));
      EXPECT_FALSE(import_public_key(text, PublicKeyFormat::kPkcs8));
      EXPECT_FALSE(import_public_key(text, PublicKeyFormat::kPem));
      EXPECT_FALSE(sshsig_verify(text, "ns", in));
    }
  }
}

TEST(BadInput, FlippedBytesInSshsigFail) {
  Bytes message = fixture_bytes("message.txt");
  auto blob = detail::dearmor(fixture_text("ecdsa256.sig"), "SSH SIGNATURE");
  ASSERT_TRUE(blob);
  for (std::size_t i = 0; i < blob->size(); ++i) {
    Bytes bad = *blob;
    bad[i] ^= 0x10;
    auto r = sshsig_verify(detail::armor("SSH SIGNATURE", bad), "sshpp-test", message);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_FALSE(r.error().detail.empty());
  }
  for (std::size_t n = 0; n < blob->size(); ++n) {
    Bytes cut(blob->begin(), blob->begin() + static_cast<long>(n));
    expect_clear_error(sshsig_verify(detail::armor("SSH SIGNATURE", cut), "sshpp-test", message),
                       "sshsig prefix " + std::to_string(n));
  }
}

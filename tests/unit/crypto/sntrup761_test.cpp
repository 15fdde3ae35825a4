#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sshcore/base/encoding.hpp"
#include "sshcore/crypto/digest.hpp"
#include "sshcore/crypto/random.hpp"
#include "sshcore/crypto/sntrup761.hpp"
#include "sshcore/crypto/sntrup761_encoding.hpp"
#include "support/hex_literal.hpp"
#include "support/nist_kat_drbg.hpp"
#include "support/process.hpp"

using namespace sshcore;
using namespace sshcore::crypto;
using sshpp::test::NistKatDrbg;
using sshpp::test::unhex;

namespace {

// SHA-256 of the NIST-format KAT text for sntrup761 in PQClean/liboqs draw order (see
// tests/data/sntrup761/README.md). The first vector: PQClean META.yml nistkat-sha256 and
// liboqs tests/KATs/kem/kats.json "single"; all 100: liboqs kats.json "all".
constexpr std::string_view kPublishedFirstVectorSha256 =
    "afc42c3a5b10f4ef69654250097ebda9b9564570f4086744b24a6daf2bd1f89a";
constexpr std::string_view kPublishedHundredVectorsSha256 =
    "36e1e53d4e6e295e8fb804449958ad9a3719aa350e91933c65791b9117382d57";
constexpr std::size_t kKatCount = 100;

constexpr std::size_t kRhoOffset = 2 * 191 + kSntrup761PublicKeySize;
constexpr std::size_t kRhoSize = 191;

std::string sha256_hex(std::string_view text) {
  return hex_encode(digest(DigestAlg::kSha256, as_bytes(text)));
}

std::string upper_hex(ByteView bytes) {
  std::string s = hex_encode(bytes);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Bytes secret_bytes(const SecretBytes& s) { return to_bytes(s.view()); }

// The reference draw order: every request goes straight to the DRBG.
RandomSource drbg_source(NistKatDrbg& drbg) {
  return [&drbg](std::span<std::uint8_t> out) { drbg.generate(out); };
}

// The PQClean/liboqs draw order: a random polynomial's 4p bytes in one DRBG request.
// Our KEM asks for them as p consecutive 4-byte requests; they are answered here from
// one 4p-byte request, which reproduces that order exactly.
class BulkPolynomialSource {
 public:
  explicit BulkPolynomialSource(NistKatDrbg& drbg) : drbg_(drbg) {}

  RandomSource source() {
    return [this](std::span<std::uint8_t> out) {
      if (out.size() == 4) {
        if (used_ == pool_.size()) {
          pool_.assign(4 * 761, 0);
          drbg_.generate(pool_);
          used_ = 0;
        }
        std::copy_n(pool_.begin() + static_cast<std::ptrdiff_t>(used_), 4, out.begin());
        used_ += 4;
        return;
      }
      if (used_ != pool_.size()) ADD_FAILURE() << "a polynomial's random bytes were not all used";
      drbg_.generate(out);
    };
  }

 private:
  NistKatDrbg& drbg_;
  Bytes pool_;
  std::size_t used_ = 0;
};

enum class DrawOrder { kReference, kBulk };

struct KatVector {
  Bytes seed;
  Bytes public_key;
  Bytes secret_key;
  Bytes ciphertext;
  Bytes shared_secret;
};

KatVector make_kat_vector(ByteView seed, DrawOrder order) {
  KatVector v;
  v.seed = to_bytes(seed);
  NistKatDrbg drbg(std::span<const std::uint8_t, NistKatDrbg::kSeedSize>(seed.data(), seed.size()));
  BulkPolynomialSource bulk(drbg);
  const RandomSource source = order == DrawOrder::kReference ? drbg_source(drbg) : bulk.source();
  auto pair = sntrup761_keygen(source);
  auto encapsulation = sntrup761_encaps(pair.public_key, source);
  EXPECT_TRUE(encapsulation.has_value());
  if (!encapsulation) return v;
  v.public_key = pair.public_key;
  v.secret_key = secret_bytes(pair.secret_key);
  v.ciphertext = encapsulation->ciphertext;
  v.shared_secret = secret_bytes(encapsulation->shared_secret);
  return v;
}

// The seeds of a NIST KAT file: consecutive 48-byte draws from the standard entropy.
std::vector<Bytes> kat_seeds(std::size_t count) {
  NistKatDrbg outer = NistKatDrbg::with_standard_entropy();
  std::vector<Bytes> seeds(count, Bytes(NistKatDrbg::kSeedSize));
  for (auto& seed : seeds) outer.generate(seed);
  return seeds;
}

// One vector in the text format of PQClean's nistkat.c and liboqs's kat_kem.c.
std::string rsp_entry(std::size_t count, const KatVector& v) {
  std::ostringstream out;
  out << "count = " << count << "\n"
      << "seed = " << upper_hex(v.seed) << "\n"
      << "pk = " << upper_hex(v.public_key) << "\n"
      << "sk = " << upper_hex(v.secret_key) << "\n"
      << "ct = " << upper_hex(v.ciphertext) << "\n"
      << "ss = " << upper_hex(v.shared_secret) << "\n";
  return out.str();
}

// "key = value" lines, grouped by "count = N"; '#' lines are comments.
std::map<std::size_t, std::map<std::string, std::string>> parse_kat_file(const std::string& text) {
  std::map<std::size_t, std::map<std::string, std::string>> vectors;
  std::istringstream in(text);
  std::string line;
  std::size_t count = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) {
      ADD_FAILURE() << "bad KAT line: " << line;
      continue;
    }
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 3);
    if (key == "count") {
      count = std::stoul(value);
    } else {
      vectors[count][key] = value;
    }
  }
  return vectors;
}

std::string data_file(const std::string& name) {
  return sshpp::test::read_text(sshpp::test::test_data("sntrup761/" + name));
}

// Hash_b(x) = SHA-512(b || x)[0..32], computed here without the KEM's code.
Bytes truncated_hash(std::uint8_t prefix, ByteView a, ByteView b = {}) {
  Bytes input{prefix};
  append(input, a);
  append(input, b);
  Bytes h = digest(DigestAlg::kSha512, input);
  h.resize(32);
  return h;
}

// What decapsulation must return for a ciphertext it rejects: Hash_0(Hash_3(rho) || c).
Bytes implicit_rejection_secret(ByteView secret_key, ByteView ciphertext) {
  const ByteView rho = secret_key.subspan(kRhoOffset, kRhoSize);
  return truncated_hash(0, truncated_hash(3, rho), ciphertext);
}

struct TestPair {
  Bytes public_key;
  Bytes secret_key;
  Bytes ciphertext;
  Bytes shared_secret;
};

TestPair deterministic_pair(std::uint8_t seed_byte) {
  std::array<std::uint8_t, NistKatDrbg::kSeedSize> seed;
  seed.fill(seed_byte);
  KatVector v = make_kat_vector(seed, DrawOrder::kReference);
  return {v.public_key, v.secret_key, v.ciphertext, v.shared_secret};
}

}  // namespace

TEST(Sntrup761Kat, DrbgYieldsTheSeedsOfEveryNistKatFile) {
  const auto seeds = kat_seeds(2);
  EXPECT_EQ(upper_hex(seeds[0]),
            "061550234D158C5EC95595FE04EF7A25767F2E24CC2BC479D09D86DC9ABCFDE7056A8C266F9EF97ED0"
            "8541DBD2E1FFA1");
  EXPECT_EQ(upper_hex(seeds[1]),
            "D81C4D8D734FCBFBEADE3D3F8A039FAA2A2C9957E835AD55B22E75BF57BB556AC81ADDE6AEEB4A5A87"
            "5C3BFCADFA958F");
}

TEST(Sntrup761Kat, OfficialRound3VectorsInReferenceDrawOrder) {
  const auto expected = parse_kat_file(data_file("round3_kat_excerpts.txt"));
  ASSERT_EQ(expected.size(), 2u);
  const auto seeds = kat_seeds(expected.size());
  for (const auto& [count, fields] : expected) {
    SCOPED_TRACE("count = " + std::to_string(count));
    ASSERT_EQ(upper_hex(seeds[count]), fields.at("seed"));
    const KatVector v = make_kat_vector(seeds[count], DrawOrder::kReference);
    const std::map<std::string, std::string> ours = {{"pk", upper_hex(v.public_key)},
                                                     {"sk", upper_hex(v.secret_key)},
                                                     {"ct", upper_hex(v.ciphertext)}};
    EXPECT_EQ(upper_hex(v.shared_secret), fields.at("ss"));
    for (const auto& [name, hex] : ours) {
      const std::string& head = fields.at(name + "_head");
      const std::string& tail = fields.at(name + "_tail");
      EXPECT_EQ(hex.substr(0, head.size()), head) << name;
      EXPECT_EQ(hex.substr(hex.size() - tail.size()), tail) << name;
    }
    auto decapsulated = sntrup761_decaps(v.secret_key, v.ciphertext);
    ASSERT_TRUE(decapsulated.has_value());
    EXPECT_EQ(upper_hex(decapsulated->view()), fields.at("ss"));
  }
}

TEST(Sntrup761Kat, FirstVectorInBulkDrawOrderMatchesPublishedHash) {
  const std::string committed = data_file("pqclean_kat_count0.rsp");
  EXPECT_EQ(sha256_hex(committed), kPublishedFirstVectorSha256);
  const std::string ours = rsp_entry(0, make_kat_vector(kat_seeds(1)[0], DrawOrder::kBulk));
  EXPECT_EQ(sha256_hex(ours), kPublishedFirstVectorSha256);
  EXPECT_EQ(ours, committed);
}

TEST(Sntrup761Kat, CommittedVectorDecapsulates) {
  const auto vectors = parse_kat_file(data_file("pqclean_kat_count0.rsp"));
  ASSERT_EQ(vectors.count(0), 1u);
  const auto& v = vectors.at(0);
  const Bytes secret_key = unhex(v.at("sk"));
  const Bytes ciphertext = unhex(v.at("ct"));
  ASSERT_EQ(secret_key.size(), kSntrup761SecretKeySize);
  ASSERT_EQ(ciphertext.size(), kSntrup761CiphertextSize);
  auto shared = sntrup761_decaps(secret_key, ciphertext);
  ASSERT_TRUE(shared.has_value());
  EXPECT_EQ(upper_hex(shared->view()), v.at("ss"));
  // The secret key carries the public key and Hash_4(pk) after f, 1/g and before rho.
  const Bytes public_key = unhex(v.at("pk"));
  EXPECT_TRUE(std::equal(public_key.begin(), public_key.end(), secret_key.begin() + 2 * 191));
  EXPECT_EQ(truncated_hash(4, public_key),
            Bytes(secret_key.end() - 32, secret_key.end()));
}

TEST(Sntrup761Kat, HundredVectorsInBulkDrawOrderMatchPublishedHash) {
  std::map<std::size_t, std::string> digests;
  {
    std::istringstream in(data_file("pqclean_kat_digests.txt"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::size_t count = 0;
      std::string sha;
      fields >> count >> sha;
      digests[count] = sha;
    }
  }
  ASSERT_EQ(digests.size(), kKatCount);

  const auto seeds = kat_seeds(kKatCount);
  std::string all;
  for (std::size_t count = 0; count < kKatCount; ++count) {
    const KatVector v = make_kat_vector(seeds[count], DrawOrder::kBulk);
    const std::string entry = rsp_entry(count, v);
    ASSERT_EQ(sha256_hex(entry), digests[count]) << "first differing vector: count = " << count;
    auto decapsulated = sntrup761_decaps(v.secret_key, v.ciphertext);
    ASSERT_TRUE(decapsulated.has_value());
    ASSERT_EQ(secret_bytes(*decapsulated), v.shared_secret) << "count = " << count;
    if (count > 0) all += "\n";
    all += entry;
  }
  EXPECT_EQ(sha256_hex(all), kPublishedHundredVectorsSha256);
}

TEST(Sntrup761, RoundTripWithSystemRandomness) {
  Bytes previous_public_key;
  for (int i = 0; i < 4; ++i) {
    auto pair = sntrup761_keygen();
    ASSERT_EQ(pair.public_key.size(), kSntrup761PublicKeySize);
    ASSERT_EQ(pair.secret_key.size(), kSntrup761SecretKeySize);
    EXPECT_NE(pair.public_key, previous_public_key);
    previous_public_key = pair.public_key;

    auto first = sntrup761_encaps(pair.public_key);
    auto second = sntrup761_encaps(pair.public_key);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(second.has_value());
    ASSERT_EQ(first->ciphertext.size(), kSntrup761CiphertextSize);
    ASSERT_EQ(first->shared_secret.size(), kSntrup761SharedSecretSize);
    EXPECT_NE(first->ciphertext, second->ciphertext);
    EXPECT_NE(secret_bytes(first->shared_secret), secret_bytes(second->shared_secret));

    for (const auto* enc : {&*first, &*second}) {
      auto shared = sntrup761_decaps(pair.secret_key.view(), enc->ciphertext);
      ASSERT_TRUE(shared.has_value());
      EXPECT_EQ(secret_bytes(*shared), secret_bytes(enc->shared_secret));
    }
  }
}

TEST(Sntrup761, DrawsRandomnessInTheReferenceOrder) {
  std::vector<std::size_t> requests;
  NistKatDrbg drbg = NistKatDrbg::with_standard_entropy();
  const RandomSource recording = [&](std::span<std::uint8_t> out) {
    requests.push_back(out.size());
    drbg.generate(out);
  };
  auto pair = sntrup761_keygen(recording);
  // Small_random for g (repeated while g has no inverse mod 3), Short_random for f:
  // one 4-byte request per coefficient; then rho in one request.
  ASSERT_GE(requests.size(), 2u * 761 + 1);
  EXPECT_EQ(requests.back(), 191u);
  EXPECT_EQ((requests.size() - 1) % 761, 0u);
  EXPECT_TRUE(
      std::all_of(requests.begin(), requests.end() - 1, [](std::size_t n) { return n == 4; }));

  requests.clear();
  ASSERT_TRUE(sntrup761_encaps(pair.public_key, recording).has_value());
  EXPECT_EQ(requests, std::vector<std::size_t>(761, 4));
}

TEST(Sntrup761, SameRandomnessGivesSameResults) {
  const TestPair a = deterministic_pair(7);
  const TestPair b = deterministic_pair(7);
  const TestPair c = deterministic_pair(8);
  EXPECT_EQ(a.public_key, b.public_key);
  EXPECT_EQ(a.secret_key, b.secret_key);
  EXPECT_EQ(a.ciphertext, b.ciphertext);
  EXPECT_EQ(a.shared_secret, b.shared_secret);
  EXPECT_NE(a.public_key, c.public_key);
  EXPECT_NE(a.shared_secret, c.shared_secret);
}

TEST(Sntrup761, ModifiedCiphertextGivesImplicitRejectionSecret) {
  const TestPair pair = deterministic_pair(1);
  auto genuine = sntrup761_decaps(pair.secret_key, pair.ciphertext);
  ASSERT_TRUE(genuine.has_value());
  ASSERT_EQ(secret_bytes(*genuine), pair.shared_secret);

  std::vector<Bytes> rejected_secrets;
  // Inside the rounded polynomial, at its last byte, and in the confirmation hash.
  for (std::size_t position : {std::size_t{0}, std::size_t{500}, std::size_t{1006},
                               std::size_t{1007}, kSntrup761CiphertextSize - 1}) {
    SCOPED_TRACE("flipped byte " + std::to_string(position));
    Bytes modified = pair.ciphertext;
    modified[position] ^= 0x01;
    auto first = sntrup761_decaps(pair.secret_key, modified);
    auto again = sntrup761_decaps(pair.secret_key, modified);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(again.has_value());
    const Bytes secret = secret_bytes(*first);
    EXPECT_NE(secret, pair.shared_secret);
    EXPECT_EQ(secret, secret_bytes(*again));
    EXPECT_EQ(secret, implicit_rejection_secret(pair.secret_key, modified));
    for (const Bytes& other : rejected_secrets) EXPECT_NE(secret, other);
    rejected_secrets.push_back(secret);
  }
}

TEST(Sntrup761, CiphertextForAnotherKeyIsRejectedImplicitly) {
  const TestPair alice = deterministic_pair(2);
  const TestPair bob = deterministic_pair(3);
  auto shared = sntrup761_decaps(bob.secret_key, alice.ciphertext);
  ASSERT_TRUE(shared.has_value());
  EXPECT_NE(secret_bytes(*shared), alice.shared_secret);
  EXPECT_EQ(secret_bytes(*shared), implicit_rejection_secret(bob.secret_key, alice.ciphertext));
}

TEST(Sntrup761, RejectsWrongSizes) {
  const TestPair pair = deterministic_pair(4);
  for (std::size_t size :
       {std::size_t{0}, kSntrup761PublicKeySize - 1, kSntrup761PublicKeySize + 1}) {
    const Bytes public_key(size, 0x11);
    auto result = sntrup761_encaps(public_key);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(result.error().detail, "sntrup761 public key is " + std::to_string(size) +
                                         " bytes, expected 1158");
  }
  for (std::size_t size :
       {std::size_t{0}, kSntrup761SecretKeySize - 1, kSntrup761SecretKeySize + 1}) {
    const Bytes secret_key(size, 0x22);
    auto result = sntrup761_decaps(secret_key, pair.ciphertext);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(result.error().detail, "sntrup761 secret key is " + std::to_string(size) +
                                         " bytes, expected 1763");
  }
  for (std::size_t size :
       {std::size_t{0}, kSntrup761CiphertextSize - 1, kSntrup761CiphertextSize + 1}) {
    const Bytes ciphertext(size, 0x33);
    auto result = sntrup761_decaps(pair.secret_key, ciphertext);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(result.error().detail, "sntrup761 ciphertext is " + std::to_string(size) +
                                         " bytes, expected 1039");
  }
}

TEST(Sntrup761, GarbageInputsGiveResultsNotCrashes) {
  const TestPair pair = deterministic_pair(5);
  std::vector<Bytes> public_keys = {Bytes(kSntrup761PublicKeySize, 0x00),
                                    Bytes(kSntrup761PublicKeySize, 0xff)};
  std::vector<Bytes> secret_keys = {Bytes(kSntrup761SecretKeySize, 0x00),
                                    Bytes(kSntrup761SecretKeySize, 0xff)};
  std::vector<Bytes> ciphertexts = {Bytes(kSntrup761CiphertextSize, 0x00),
                                    Bytes(kSntrup761CiphertextSize, 0xff)};
  for (int i = 0; i < 4; ++i) {
    public_keys.push_back(random_bytes(kSntrup761PublicKeySize));
    secret_keys.push_back(random_bytes(kSntrup761SecretKeySize));
    ciphertexts.push_back(random_bytes(kSntrup761CiphertextSize));
  }
  for (const Bytes& public_key : public_keys) {
    auto encapsulation = sntrup761_encaps(public_key);
    ASSERT_TRUE(encapsulation.has_value());
    EXPECT_EQ(encapsulation->ciphertext.size(), kSntrup761CiphertextSize);
    EXPECT_EQ(encapsulation->shared_secret.size(), kSntrup761SharedSecretSize);
    // Not made for this key pair, so the real key rejects it implicitly.
    auto shared = sntrup761_decaps(pair.secret_key, encapsulation->ciphertext);
    ASSERT_TRUE(shared.has_value());
    EXPECT_EQ(secret_bytes(*shared),
              implicit_rejection_secret(pair.secret_key, encapsulation->ciphertext));
  }
  for (const Bytes& ciphertext : ciphertexts) {
    auto shared = sntrup761_decaps(pair.secret_key, ciphertext);
    ASSERT_TRUE(shared.has_value());
    EXPECT_EQ(secret_bytes(*shared), implicit_rejection_secret(pair.secret_key, ciphertext));
  }
  for (const Bytes& secret_key : secret_keys) {
    for (const Bytes& ciphertext : ciphertexts) {
      auto shared = sntrup761_decaps(secret_key, ciphertext);
      ASSERT_TRUE(shared.has_value());
      EXPECT_EQ(shared->size(), kSntrup761SharedSecretSize);
    }
  }
}

namespace {
using namespace sshcore::crypto::ntru_prime;

FqPoly random_fq_poly(bool multiples_of_3) {
  FqPoly r;
  for (auto& c : r) {
    auto v = static_cast<int>(random_uniform(kQ)) - kQ12;
    // Down to a multiple of 3; -kQ12 = -3 * 765 is one, so v stays in range.
    if (multiples_of_3) v -= ((v % 3) + 3) % 3;
    c = static_cast<Fq>(v);
  }
  return r;
}
}  // namespace

TEST(Sntrup761Encoding, RqElementsRoundTrip) {
  std::vector<FqPoly> polys = {random_fq_poly(false), random_fq_poly(false)};
  FqPoly lowest, highest;
  lowest.fill(static_cast<Fq>(-kQ12));
  highest.fill(static_cast<Fq>(kQ12));
  polys.push_back(lowest);
  polys.push_back(highest);
  for (const FqPoly& r : polys) {
    std::array<std::uint8_t, kRqBytes> encoded;
    rq_encode(encoded, r);
    EXPECT_EQ(rq_decode(encoded), r);
  }
}

TEST(Sntrup761Encoding, RoundedElementsRoundTrip) {
  std::vector<FqPoly> polys = {random_fq_poly(true), random_fq_poly(true)};
  FqPoly lowest, highest;
  lowest.fill(static_cast<Fq>(-kQ12));
  highest.fill(static_cast<Fq>(kQ12));
  polys.push_back(lowest);
  polys.push_back(highest);
  for (const FqPoly& r : polys) {
    std::array<std::uint8_t, kRoundedBytes> encoded;
    rounded_encode(encoded, r);
    EXPECT_EQ(rounded_decode(encoded), r);
  }
}

TEST(Sntrup761Encoding, SmallElementsRoundTrip) {
  SmallPoly f;
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<Small>(static_cast<int>(i % 3) - 1);
  std::array<std::uint8_t, kSmallBytes> encoded;
  small_encode(encoded, f);
  EXPECT_EQ(encoded[0], (1 << 2) | (2 << 4));  // -1, 0, 1, -1 as 0, 1, 2, 0
  EXPECT_EQ(small_decode(encoded), f);
}

TEST(Sntrup761Encoding, ArbitraryBytesDecodeIntoRange) {
  for (int i = 0; i < 6; ++i) {
    // All ones (never produced by Encode), all zeros, then random bytes.
    const std::uint8_t fill = i == 0 ? 0xff : 0x00;
    Bytes rq = i < 2 ? Bytes(kRqBytes, fill) : random_bytes(kRqBytes);
    Bytes rounded = i < 2 ? Bytes(kRoundedBytes, fill) : random_bytes(kRoundedBytes);
    const FqPoly a = rq_decode(std::span<const std::uint8_t, kRqBytes>(rq.data(), rq.size()));
    const FqPoly b = rounded_decode(
        std::span<const std::uint8_t, kRoundedBytes>(rounded.data(), rounded.size()));
    for (int k = 0; k < kP; ++k) {
      EXPECT_GE(a[k], -kQ12);
      EXPECT_LE(a[k], kQ12);
      EXPECT_GE(b[k], -kQ12);
      EXPECT_LE(b[k], kQ12);
      EXPECT_EQ((b[k] + kQ12) % 3, 0);
    }
  }
}

// The post-quantum hybrids: sntrup761x25519-sha512 (and its @openssh.com name)
// and mlkem768x25519-sha256 (OpenSSH's kexsntrup761x25519.c / kexmlkem768x25519.c,
// draft-kampanakis-curdle-ssh-pq-ke). The client sends string(kem_pk || x25519_pk);
// the server encapsulates and answers string(ciphertext || x25519_pk); both take
// K = string(HASH(kem_secret || x25519_secret)).
#include "sshcore/crypto/mlkem768.hpp"
#include "sshcore/crypto/sntrup761.hpp"
#include "sshcore/crypto/x25519.hpp"
#include "sshcore/transport/kex_method.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {
namespace {
// One KEM's shape and operations.
struct Kem {
  std::size_t public_key_size, ciphertext_size;
  crypto::DigestAlg hash;
  // Returns (public key, secret key).
  std::pair<Bytes, SecretBytes> (*keygen)(const crypto::RandomSource&);
  Result<std::pair<Bytes, SecretBytes>> (*encaps)(ByteView public_key, const crypto::RandomSource&);  // (ct, ss)
  Result<SecretBytes> (*decaps)(const SecretBytes& secret_key, ByteView ciphertext);
};

const Kem kSntrup761{
    crypto::kSntrup761PublicKeySize, crypto::kSntrup761CiphertextSize, crypto::DigestAlg::kSha512,
    [](const crypto::RandomSource& random) {
      auto kp = crypto::sntrup761_keygen(random);
      return std::pair<Bytes, SecretBytes>{std::move(kp.public_key), std::move(kp.secret_key)};
    },
    [](ByteView pk, const crypto::RandomSource& random) -> Result<std::pair<Bytes, SecretBytes>> {
      SSH_TRY(e, crypto::sntrup761_encaps(pk, random));
      return std::pair<Bytes, SecretBytes>{std::move(e.ciphertext), std::move(e.shared_secret)};
    },
    [](const SecretBytes& sk, ByteView ct) { return crypto::sntrup761_decaps(sk.view(), ct); },
};

const Kem kMlKem768{
    crypto::kMlKem768PublicKeySize, crypto::kMlKem768CiphertextSize, crypto::DigestAlg::kSha256,
    [](const crypto::RandomSource& random) {
      SecretBytes seed(64);
      crypto::fill_random(random, seed.span());
      auto kp = crypto::mlkem768_keygen_derand(seed.view().first(32), seed.view().subspan(32));
      return std::pair<Bytes, SecretBytes>{std::move(kp.public_key), std::move(kp.secret_key)};
    },
    [](ByteView pk, const crypto::RandomSource& random) -> Result<std::pair<Bytes, SecretBytes>> {
      SecretBytes m(32);
      crypto::fill_random(random, m.span());
      SSH_TRY(e, crypto::mlkem768_encaps_derand(pk, m.view()));
      return std::pair<Bytes, SecretBytes>{std::move(e.ciphertext), std::move(e.shared_secret)};
    },
    [](const SecretBytes& sk, ByteView ct) { return crypto::mlkem768_decaps(sk.view(), ct); },
};

class HybridKemKex final : public KexMethod {
 public:
  HybridKemKex(const Kem& kem, crypto::RandomSource random) : kem_(kem), random_(std::move(random)) {}

  Result<Bytes> client_public() override {
    auto [pk, sk] = kem_.keygen(random_);
    kem_secret_ = std::move(sk);
    x25519_ = crypto::x25519_keypair(random_);
    Bytes both = std::move(pk);
    append(both, x25519_.public_key);
    return as_string(both);
  }

  Result<KexServerReply> server_reply(ByteView client_field) override {
    SSH_TRY(value, read_value(client_field, kem_.public_key_size));
    SSH_TRY(enc, kem_.encaps(value.first(kem_.public_key_size), random_));
    x25519_ = crypto::x25519_keypair(random_);
    SSH_TRY(k, combine(enc.second, value.subspan(kem_.public_key_size)));
    Bytes both = std::move(enc.first);
    append(both, x25519_.public_key);
    SSH_TRY(field, as_string(both));
    return KexServerReply{std::move(field), std::move(k)};
  }

  Result<SecretBytes> client_shared_secret(ByteView server_field) override {
    if (kem_secret_.empty()) return kex_failure("key exchange reply before our public value");
    SSH_TRY(value, read_value(server_field, kem_.ciphertext_size));
    auto kem_shared = kem_.decaps(kem_secret_, value.first(kem_.ciphertext_size));
    if (!kem_shared) return kex_failure(kem_shared.error().detail);
    return combine(*kem_shared, value.subspan(kem_.ciphertext_size));
  }

 private:
  static Result<Bytes> as_string(ByteView v) {
    wire::Writer w;
    w.string(v);
    return std::move(w).finish();
  }

  static Result<ByteView> read_value(ByteView field, std::size_t kem_part) {
    wire::Reader r(field);
    SSH_TRY(value, r.string());
    SSH_TRY_VOID(r.finish("hybrid key exchange value"));
    if (value.size() != kem_part + crypto::kX25519Size) return kex_failure("invalid hybrid key exchange value length");
    return value;
  }

  Result<SecretBytes> combine(const SecretBytes& kem_shared, ByteView peer_x25519) {
    auto ecdh = crypto::x25519_shared(x25519_.secret, peer_x25519);
    if (!ecdh) return kex_failure(ecdh.error().detail);
    crypto::Digest d(kem_.hash);
    d.update(kem_shared.view());
    d.update(ecdh->view());
    Bytes hash = d.finish();
    wire::Writer w(1024, wire::Wipe::kYes);
    w.string(hash);
    secure_wipe(hash.data(), hash.size());
    return std::move(w).finish_secret();
  }

  const Kem& kem_;
  crypto::RandomSource random_;
  SecretBytes kem_secret_;
  crypto::X25519KeyPair x25519_;
};
}  // namespace

std::unique_ptr<KexMethod> make_hybrid_kem_kex(KexFamily family, crypto::RandomSource random) {
  if (family == KexFamily::kSntrup761X25519) return std::make_unique<HybridKemKex>(kSntrup761, std::move(random));
  if (family == KexFamily::kMlKem768X25519) return std::make_unique<HybridKemKex>(kMlKem768, std::move(random));
  return nullptr;
}

}  // namespace sshcore::transport

// Ed25519 keys (RFC 8709) through libsodium's crypto_sign.
#include <sodium.h>

#include <array>

#include "sshcore/crypto/sodium_runtime.hpp"
#include "sshcore/keys/key_family.hpp"

namespace sshcore::keys::detail {
namespace {

constexpr std::size_t kPublicLen = crypto_sign_PUBLICKEYBYTES;  // 32
constexpr std::size_t kSecretLen = crypto_sign_SECRETKEYBYTES;  // 64: seed || public
constexpr std::size_t kSeedLen = crypto_sign_SEEDBYTES;         // 32
constexpr std::size_t kSigLen = crypto_sign_BYTES;              // 64
static_assert(kPublicLen == 32 && kSecretLen == 64 && kSeedLen == 32 && kSigLen == 64);

const KeyTypeInfo& ed25519_info() { return key_type_info(KeyType::kEd25519); }

PublicKey public_from_checked(ByteView pk) {
  auto impl = std::make_shared<PublicKey::Impl>();
  impl->info = &ed25519_info();
  impl->bits = 256;
  impl->ed25519 = to_bytes(pk);
  wire::Writer w;
  w.string(impl->info->ssh_name);
  w.string(pk);
  impl->blob = to_bytes(w.view());
  return make_public(std::move(impl));
}

// `secret` is seed || public key; the caller has checked it is consistent.
PrivateKey private_from_secret(SecretBytes secret) {
  auto impl = std::make_shared<PrivateKey::Impl>(public_from_checked(secret.view().subspan(kSeedLen)));
  impl->ed25519 = std::move(secret);
  return make_private(std::move(impl));
}

Result<PublicKey> read_public(const KeyTypeInfo&, wire::Reader& r, ByteView) {
  SSH_TRY(pk, r.string());
  if (pk.size() != kPublicLen) return fail(Errc::kInvalidFormat, "Ed25519 public key is not 32 bytes");
  return public_from_checked(pk);
}

Result<void> verify(const PublicKey::Impl& key, const SignatureAlgInfo&, ByteView data, ByteView sig) {
  if (sig.size() != kSigLen) return fail(Errc::kSignatureInvalid, "Ed25519 signature is not 64 bytes");
  crypto::ensure_sodium();
  if (crypto_sign_verify_detached(sig.data(), data.data(), data.size(), key.ed25519.data()) != 0)
    return fail(Errc::kSignatureInvalid, "Ed25519 signature does not verify");
  return {};
}

Result<Bytes> sign(const PrivateKey::Impl& key, const SignatureAlgInfo&, ByteView data) {
  crypto::ensure_sodium();
  Bytes sig(kSigLen);
  unsigned long long len = 0;
  if (crypto_sign_detached(sig.data(), &len, data.data(), data.size(), key.ed25519.data()) != 0 ||
      len != kSigLen)
    return fail(Errc::kCryptoFailure, "Ed25519 signing failed");
  return sig;
}

Result<PrivateKey> generate(const KeyTypeInfo&, unsigned) {
  // OpenSSH ignores -b for Ed25519; so do we.
  crypto::ensure_sodium();
  SecretBytes seed(kSeedLen);
  randombytes_buf(seed.data(), seed.size());
  return ed25519_private_from_seed(seed.view());
}

Result<void> write_private(const PrivateKey::Impl& key, wire::Writer& w) {
  w.string(ByteView(key.pub.impl().ed25519));
  w.string(key.ed25519.view());
  return {};
}

Result<PrivateKey> read_private(const KeyTypeInfo&, wire::Reader& r) {
  SSH_TRY(pk, r.string());
  SSH_TRY(sk, r.string());
  if (pk.size() != kPublicLen) return fail(Errc::kInvalidFormat, "Ed25519 public key is not 32 bytes");
  if (sk.size() != kSecretLen) return fail(Errc::kInvalidFormat, "Ed25519 private key is not 64 bytes");
  SSH_TRY(key, ed25519_private_from_seed(sk.first(kSeedLen)));
  // The stored public halves must be the ones the seed makes, or signatures would
  // hash the wrong public key.
  if (!constant_time_equal(key.impl().ed25519.view(), sk) ||
      !constant_time_equal(ByteView(key.public_key().impl().ed25519), pk))
    return fail(Errc::kKeyInvalid, "Ed25519 public key does not match the private key");
  return key;
}

}  // namespace

Result<PrivateKey> ed25519_private_from_seed(ByteView seed) {
  if (seed.size() != kSeedLen) return fail(Errc::kInvalidFormat, "Ed25519 seed is not 32 bytes");
  crypto::ensure_sodium();
  std::array<std::uint8_t, kPublicLen> pk{};
  SecretBytes sk(kSecretLen);
  if (crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data()) != 0)
    return fail(Errc::kCryptoFailure, "Ed25519 key derivation failed");
  return private_from_secret(std::move(sk));
}

Result<PublicKey> ed25519_public_from_bytes(ByteView pk) {
  if (pk.size() != kPublicLen) return fail(Errc::kInvalidFormat, "Ed25519 public key is not 32 bytes");
  return public_from_checked(pk);
}

const KeyFamily kEd25519Family{&read_public, &verify, &sign, &generate, &write_private, &read_private};

}  // namespace sshcore::keys::detail

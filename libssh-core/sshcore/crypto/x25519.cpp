#include "sshcore/crypto/x25519.hpp"

#include <sodium.h>

namespace sshcore::crypto {

X25519KeyPair x25519_keypair(const RandomSource& random) {
  X25519KeyPair kp{SecretBytes(kX25519Size), Bytes(kX25519Size)};
  fill_random(random, kp.secret.span());
  crypto_scalarmult_curve25519_base(kp.public_key.data(), kp.secret.data());
  return kp;
}

Result<SecretBytes> x25519_shared(const SecretBytes& secret, ByteView peer_public) {
  if (secret.size() != kX25519Size || peer_public.size() != kX25519Size)
    return fail(Errc::kInvalidArgument, "X25519 value length");
  SecretBytes shared(kX25519Size);
  if (crypto_scalarmult_curve25519(shared.data(), secret.data(), peer_public.data()) != 0)
    return fail(Errc::kInvalidFormat, "X25519 shared secret is all zero");
  return shared;
}

}  // namespace sshcore::crypto

#include "sshcore/crypto/poly1305.hpp"

#include <sodium.h>

#include "sshcore/crypto/sodium_runtime.hpp"

namespace sshcore::crypto {
namespace {

static_assert(kPoly1305KeySize == crypto_onetimeauth_poly1305_KEYBYTES);
static_assert(kPoly1305TagSize == crypto_onetimeauth_poly1305_BYTES);

// An empty span may carry a null pointer; libsodium is given a valid one anyway.
const std::uint8_t* message_pointer(ByteView message) {
  static const std::uint8_t kNothing = 0;
  return message.empty() ? &kNothing : message.data();
}

}  // namespace

Result<Poly1305Tag> poly1305_tag(ByteView key, ByteView message) {
  if (key.size() != kPoly1305KeySize) return fail(Errc::kInvalidArgument, "poly1305 key size");
  ensure_sodium();
  Poly1305Tag tag;
  crypto_onetimeauth_poly1305(tag.data(), message_pointer(message), message.size(), key.data());
  return tag;
}

Result<void> poly1305_verify(ByteView key, ByteView message, ByteView tag) {
  if (key.size() != kPoly1305KeySize) return fail(Errc::kInvalidArgument, "poly1305 key size");
  if (tag.size() != kPoly1305TagSize) return fail(Errc::kInvalidArgument, "poly1305 tag size");
  ensure_sodium();
  // crypto_onetimeauth_poly1305_verify compares with crypto_verify_16 (constant time).
  if (crypto_onetimeauth_poly1305_verify(tag.data(), message_pointer(message), message.size(),
                                         key.data()) != 0)
    return fail(Errc::kMacInvalid, "poly1305 tag mismatch");
  return {};
}

}  // namespace sshcore::crypto

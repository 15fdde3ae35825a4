#include "sshcore/crypto/bcrypt_pbkdf.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/blowfish.hpp"
#include "sshcore/crypto/sodium_runtime.hpp"

// The construction is OpenBSD's bcrypt_pbkdf (Ted Unangst, 2013), which OpenSSH's
// private key format names "bcrypt": a PBKDF2-like loop whose PRF is a bcrypt
// variant over SHA-512 digests of the passphrase and salt. Each output block's
// bytes are spread across the key with a stride, so that an attacker cannot get
// the first bytes of the key without computing every block.

namespace sshcore::crypto {
namespace {

constexpr std::size_t kSha512Len = crypto_hash_sha512_BYTES;
constexpr std::size_t kHashWords = 8;
constexpr std::size_t kHashLen = kHashWords * 4;         // one bcrypt_hash output
constexpr std::size_t kMaxKeyLen = kHashLen * kHashLen;  // OpenSSH's limit: 1024 bytes
constexpr std::size_t kMaxSaltLen = std::size_t{1} << 20;
constexpr int kBcryptRounds = 64;
constexpr std::string_view kMagic = "OxychromaticBlowfishSwatDynamite";
static_assert(kMagic.size() == kHashLen);

using Sha512 = std::array<std::uint8_t, kSha512Len>;
using HashBlock = std::array<std::uint8_t, kHashLen>;

// libsodium's SHA-512 writes into caller storage, so every digest of secret data
// stays in buffers this file wipes.
void sha512(ByteView a, ByteView b, Sha512& out) {
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, a.data(), a.size());
  crypto_hash_sha512_update(&state, b.data(), b.size());
  crypto_hash_sha512_final(&state, out.data());
  secure_wipe(&state, sizeof(state));
}

// The PRF: eksblowfish keyed with both digests (64 expensive rounds), then the
// 32-byte magic text enciphered 64 times in ECB mode, words stored little-endian.
void bcrypt_hash(const Sha512& sha2pass, const Sha512& sha2salt, HashBlock& out) {
  Blowfish state;
  state.expand_state(sha2salt, sha2pass);
  for (int i = 0; i < kBcryptRounds; ++i) {
    state.expand0_state(sha2salt);
    state.expand0_state(sha2pass);
  }

  std::array<std::uint32_t, kHashWords> cdata;
  const ByteView magic = as_bytes(kMagic);
  for (std::size_t i = 0; i < kHashWords; ++i) cdata[i] = load_be32(magic.data() + 4 * i);
  for (int i = 0; i < kBcryptRounds; ++i)
    for (std::size_t j = 0; j < kHashWords; j += 2) state.encipher(cdata[j], cdata[j + 1]);

  for (std::size_t i = 0; i < kHashWords; ++i) {
    out[4 * i + 0] = static_cast<std::uint8_t>(cdata[i]);
    out[4 * i + 1] = static_cast<std::uint8_t>(cdata[i] >> 8);
    out[4 * i + 2] = static_cast<std::uint8_t>(cdata[i] >> 16);
    out[4 * i + 3] = static_cast<std::uint8_t>(cdata[i] >> 24);
  }
  secure_wipe(cdata.data(), sizeof(cdata));
}

}  // namespace

Result<void> bcrypt_pbkdf(ByteView passphrase, ByteView salt, std::uint32_t rounds,
                          std::span<std::uint8_t> out) {
  if (rounds < 1) return fail(Errc::kInvalidArgument, "bcrypt_pbkdf: rounds must be at least 1");
  if (passphrase.empty()) return fail(Errc::kInvalidArgument, "bcrypt_pbkdf: empty passphrase");
  if (salt.empty()) return fail(Errc::kInvalidArgument, "bcrypt_pbkdf: empty salt");
  if (salt.size() > kMaxSaltLen) return fail(Errc::kInvalidArgument, "bcrypt_pbkdf: salt too long");
  if (out.empty() || out.size() > kMaxKeyLen)
    return fail(Errc::kInvalidArgument, "bcrypt_pbkdf: output length must be 1..1024");

  ensure_sodium();
  const std::size_t key_len = out.size();
  const std::size_t stride = (key_len + kHashLen - 1) / kHashLen;
  std::size_t amount = (key_len + stride - 1) / stride;

  Sha512 sha2pass;
  Sha512 sha2salt;
  HashBlock tmp;
  HashBlock block;
  sha512(passphrase, {}, sha2pass);

  std::size_t remaining = key_len;
  for (std::uint32_t count = 1; remaining > 0; ++count) {
    std::array<std::uint8_t, 4> count_be;
    store_be32(count_be.data(), count);
    sha512(salt, count_be, sha2salt);
    bcrypt_hash(sha2pass, sha2salt, tmp);
    block = tmp;
    for (std::uint32_t r = 1; r < rounds; ++r) {
      sha512(tmp, {}, sha2salt);
      bcrypt_hash(sha2pass, sha2salt, tmp);
      for (std::size_t i = 0; i < kHashLen; ++i) block[i] ^= tmp[i];
    }

    // Byte i of this block lands at key position i * stride + (count - 1).
    amount = std::min(amount, remaining);
    std::size_t i = 0;
    for (; i < amount; ++i) {
      const std::size_t dest = i * stride + (count - 1);
      if (dest >= key_len) break;
      out[dest] = block[i];
    }
    remaining -= i;
  }

  secure_wipe(sha2pass.data(), sha2pass.size());
  secure_wipe(sha2salt.data(), sha2salt.size());
  secure_wipe(tmp.data(), tmp.size());
  secure_wipe(block.data(), block.size());
  return {};
}

}  // namespace sshcore::crypto

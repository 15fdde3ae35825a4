#include "sshcore/crypto/chacha20.hpp"

#include <sodium.h>

#include "sshcore/crypto/sodium_runtime.hpp"

namespace sshcore::crypto {

static_assert(kChaCha20KeySize == crypto_stream_chacha20_KEYBYTES);
static_assert(kChaCha20NonceSize == crypto_stream_chacha20_NONCEBYTES);
static_assert(kChaCha20KeySize == crypto_stream_chacha20_ietf_KEYBYTES);
static_assert(kChaCha20IetfNonceSize == crypto_stream_chacha20_ietf_NONCEBYTES);

Result<void> chacha20_xor(ByteView key, ByteView nonce, std::uint64_t counter,
                          std::span<std::uint8_t> data) {
  if (key.size() != kChaCha20KeySize) return fail(Errc::kInvalidArgument, "chacha20 key size");
  if (nonce.size() != kChaCha20NonceSize) return fail(Errc::kInvalidArgument, "chacha20 nonce size");
  if (data.empty()) return {};
  ensure_sodium();
  crypto_stream_chacha20_xor_ic(data.data(), data.data(), data.size(), nonce.data(), counter,
                                key.data());
  return {};
}

Result<void> chacha20_ietf_xor(ByteView key, ByteView nonce, std::uint32_t counter,
                               std::span<std::uint8_t> data) {
  if (key.size() != kChaCha20KeySize) return fail(Errc::kInvalidArgument, "chacha20 key size");
  if (nonce.size() != kChaCha20IetfNonceSize)
    return fail(Errc::kInvalidArgument, "chacha20 nonce size");
  if (data.empty()) return {};
  // libsodium aborts the process (sodium_misuse) when the 32-bit counter would
  // wrap; refuse such input here instead.
  const std::uint64_t blocks = (std::uint64_t{data.size()} + kChaCha20BlockSize - 1) / kChaCha20BlockSize;
  if (std::uint64_t{counter} + blocks > (std::uint64_t{1} << 32))
    return fail(Errc::kInvalidArgument, "chacha20 block counter would wrap");
  ensure_sodium();
  crypto_stream_chacha20_ietf_xor_ic(data.data(), data.data(), data.size(), nonce.data(), counter,
                                     key.data());
  return {};
}

}  // namespace sshcore::crypto

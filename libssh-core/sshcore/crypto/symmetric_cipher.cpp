#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/crypto/symmetric_cipher.hpp"

#include <openssl/evp.h>

#include <array>
#include <climits>
#include <cstring>
#include <memory>

namespace sshcore::crypto {
namespace {
constexpr std::array kCiphers{
    SymmetricCipherInfo{"none", 0, 0, 8, 0},
    SymmetricCipherInfo{"aes128-ctr", 16, 16, 16, 0},
    SymmetricCipherInfo{"aes192-ctr", 24, 16, 16, 0},
    SymmetricCipherInfo{"aes256-ctr", 32, 16, 16, 0},
    SymmetricCipherInfo{"aes128-cbc", 16, 16, 16, 0},
    SymmetricCipherInfo{"aes192-cbc", 24, 16, 16, 0},
    SymmetricCipherInfo{"aes256-cbc", 32, 16, 16, 0},
    SymmetricCipherInfo{"aes128-gcm@openssh.com", 16, 12, 16, 16},
    SymmetricCipherInfo{"aes256-gcm@openssh.com", 32, 12, 16, 16},
};

const EVP_CIPHER* evp_cipher(std::string_view name) {
  if (name == "aes128-ctr") return EVP_aes_128_ctr();
  if (name == "aes192-ctr") return EVP_aes_192_ctr();
  if (name == "aes256-ctr") return EVP_aes_256_ctr();
  if (name == "aes128-cbc") return EVP_aes_128_cbc();
  if (name == "aes192-cbc") return EVP_aes_192_cbc();
  if (name == "aes256-cbc") return EVP_aes_256_cbc();
  if (name == "aes128-gcm@openssh.com") return EVP_aes_128_gcm();
  if (name == "aes256-gcm@openssh.com") return EVP_aes_256_gcm();
  return nullptr;
}

using CtxFree = crypto::OpensslFree<EVP_CIPHER_CTX_free>;
}  // namespace

const SymmetricCipherInfo* find_symmetric_cipher(std::string_view name) {
  for (const auto& c : kCiphers)
    if (c.name == name) return &c;
  return nullptr;
}

std::span<const SymmetricCipherInfo> symmetric_ciphers() { return kCiphers; }

Result<void> symmetric_crypt(const SymmetricCipherInfo& cipher, ByteView key, ByteView iv,
                             std::span<std::uint8_t> data, bool encrypt, std::span<std::uint8_t> tag,
                             ByteView aad) {
  if (cipher.name == "none") return {};
  const EVP_CIPHER* evp = evp_cipher(cipher.name);
  if (evp == nullptr) return fail(Errc::kInvalidArgument, std::string(cipher.name));
  if (key.size() != cipher.key_len || iv.size() != cipher.iv_len)
    return fail(Errc::kInvalidArgument, "cipher key or IV length");
  // EVP takes int lengths.
  if (data.size() > INT_MAX || aad.size() > INT_MAX)
    return fail(Errc::kInvalidArgument, "data too long");
  if (EVP_CIPHER_get_mode(evp) == EVP_CIPH_CBC_MODE && data.size() % cipher.block_len != 0)
    return fail(Errc::kInvalidArgument, "data not a multiple of the block size");
  const bool aead = cipher.tag_len != 0;
  if (aead && tag.size() != cipher.tag_len) return fail(Errc::kInvalidArgument, "AEAD tag length");
  if (!aead && !aad.empty()) return fail(Errc::kInvalidArgument, "AAD given to a non-AEAD cipher");

  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), evp, nullptr, key.data(), iv.data(), encrypt ? 1 : 0) != 1)
    return fail(Errc::kCryptoFailure, "cipher init");
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  if (aead && !encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) != 1)
    return fail(Errc::kCryptoFailure, "set tag");
  int n = 0;
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1)
    return fail(Errc::kCryptoFailure, "cipher AAD");
  if (!data.empty() &&
      EVP_CipherUpdate(ctx.get(), data.data(), &n, data.data(), static_cast<int>(data.size())) != 1)
    return fail(Errc::kCryptoFailure, "cipher update");
  std::uint8_t final_block[32];
  int m = 0;
  if (EVP_CipherFinal_ex(ctx.get(), final_block, &m) != 1) {
    if (!aead) return fail(Errc::kCryptoFailure, "cipher final");
    secure_wipe(data.data(), data.size());
    return fail(Errc::kMacInvalid, "authentication tag mismatch");
  }
  if (aead && encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()), tag.data()) != 1)
    return fail(Errc::kCryptoFailure, "get tag");
  return {};
}

}  // namespace sshcore::crypto

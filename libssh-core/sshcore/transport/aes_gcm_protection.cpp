// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647, PROTOCOL 1.6).
//
// The 12-byte IV from key derivation is a 4-byte fixed field and an 8-byte
// big-endian invocation counter, incremented after every packet (RFC 5647
// section 7.1); the sequence number plays no part. The packet length is the
// additional authenticated data and travels in the clear. One EVP context per
// direction keeps the expanded key; each packet sets the IV and makes one pass,
// which OpenSSL runs as its stitched AES-NI/VAES + carry-less-multiply loop.
#include <openssl/evp.h>

#include <array>
#include <cstring>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/transport/packet_protection.hpp"

namespace sshcore::transport {
namespace {

constexpr std::size_t kIvLen = 12;
constexpr std::size_t kTagLen = 16;

using CipherCtxFree = crypto::OpensslFree<EVP_CIPHER_CTX_free>;

unexpected<Error> crypto_failure(const char* what) {
  return fail(Errc::kCryptoFailure, std::string("aes-gcm: ") + what);
}

class AesGcmProtection final : public PacketProtection {
 public:
  AesGcmProtection(const CipherAlg& row, PacketDirection direction)
      : PacketProtection(Shape{row.name, {}, row.block_len, kTagLen, 4, false, false}),
        encrypt_(direction == PacketDirection::kOutbound ? 1 : 0) {}
  ~AesGcmProtection() override { secure_wipe(iv_.data(), iv_.size()); }

  Result<void> init(const EVP_CIPHER* type, ByteView key, ByteView iv) {
    ctx_.reset(EVP_CIPHER_CTX_new());
    if (!ctx_) return crypto_failure("allocation");
    if (EVP_CipherInit_ex(ctx_.get(), type, nullptr, nullptr, nullptr, encrypt_) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kIvLen), nullptr) != 1 ||
        EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, key.data(), nullptr, encrypt_) != 1)
      return crypto_failure("key setup");
    std::memcpy(iv_.data(), iv.data(), kIvLen);
    return {};
  }

  Result<void> seal(std::uint32_t, std::span<std::uint8_t> packet, std::span<std::uint8_t> tag) override {
    SSH_TRY_VOID(start_packet(packet.first(4)));
    int n = 0;
    auto body = packet.subspan(4);
    if (!body.empty() &&
        EVP_EncryptUpdate(ctx_.get(), body.data(), &n, body.data(), static_cast<int>(body.size())) != 1)
      return crypto_failure("encrypt");
    std::uint8_t none[16];
    if (EVP_EncryptFinal_ex(ctx_.get(), none, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagLen), tag.data()) != 1)
      return crypto_failure("tag");
    return {};
  }

  Result<std::uint32_t> decrypt_length(std::uint32_t, std::span<std::uint8_t> head) override {
    return load_be32(head.data());
  }

  Result<void> open(std::uint32_t, std::span<std::uint8_t> packet, ByteView tag) override {
    SSH_TRY_VOID(start_packet(packet.first(4)));
    int n = 0;
    auto body = packet.subspan(4);
    // GCM decrypts and authenticates in the same pass; the plaintext written
    // here is never handed out unless the tag below checks.
    if (!body.empty() &&
        EVP_DecryptUpdate(ctx_.get(), body.data(), &n, body.data(), static_cast<int>(body.size())) != 1)
      return crypto_failure("decrypt");
    std::array<std::uint8_t, kTagLen> expected_tag{};
    std::memcpy(expected_tag.data(), tag.data(), kTagLen);
    if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagLen),
                            expected_tag.data()) != 1)
      return crypto_failure("tag");
    std::uint8_t none[16];
    if (EVP_DecryptFinal_ex(ctx_.get(), none, &n) != 1)  // OpenSSL compares in constant time
      return fail(Errc::kMacInvalid, "Corrupted MAC on input.");
    return {};
  }

  Result<SecretBytes> running_iv() const override { return SecretBytes(ByteView(iv_)); }

 private:
  // Sets this packet's IV, advances the invocation counter for the next one and
  // feeds the length as additional data.
  Result<void> start_packet(std::span<const std::uint8_t> length) {
    if (EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv_.data(), -1) != 1)
      return crypto_failure("iv");
    store_be64(iv_.data() + 4, load_be64(iv_.data() + 4) + 1);
    int n = 0;
    if (EVP_CipherUpdate(ctx_.get(), nullptr, &n, length.data(), static_cast<int>(length.size())) != 1)
      return crypto_failure("aad");
    return {};
  }

  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx_;
  std::array<std::uint8_t, kIvLen> iv_{};
  int encrypt_;
};

}  // namespace

Result<std::unique_ptr<PacketProtection>> make_aes_gcm_protection(const CipherAlg& cipher,
                                                                  const DirectionKeys& keys,
                                                                  PacketDirection direction) {
  const EVP_CIPHER* type = nullptr;
  if (cipher.key_len == 16) type = EVP_aes_128_gcm();
  else if (cipher.key_len == 32) type = EVP_aes_256_gcm();
  if (type == nullptr || cipher.tag_len != kTagLen || cipher.iv_len != kIvLen)
    return fail(Errc::kInvalidArgument, std::string(cipher.name) + ": not an AES-GCM row");
  if (keys.enc_key.size() < cipher.key_len || keys.iv.size() < kIvLen)
    return fail(Errc::kInvalidArgument, std::string(cipher.name) + ": key or IV too short");
  auto p = std::make_unique<AesGcmProtection>(cipher, direction);
  SSH_TRY_VOID(p->init(type, keys.enc_key.view().first(cipher.key_len), keys.iv.view().first(kIvLen)));
  return std::unique_ptr<PacketProtection>(std::move(p));
}

}  // namespace sshcore::transport

// chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305).
//
// The ChaCha20 here is the original 64-bit-nonce form. We run it through
// OpenSSL's EVP_chacha20, whose 16-byte IV is the little-endian block counter
// followed by the nonce: IV = LE64(counter) || BE64(seq) gives exactly the
// state words of Bernstein's construction (OpenSSL increments only the low
// 32-bit counter word, and an SSH packet spans at most ~4100 blocks). OpenSSL's
// ChaCha20 and Poly1305 use the widest vector units the CPU has, which is what
// makes this path as fast as `openssl speed -evp chacha20-poly1305`.
#include <openssl/evp.h>

#include <array>
#include <cstring>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/transport/packet_protection.hpp"

namespace sshcore::transport {
namespace {

constexpr std::size_t kKeyHalf = 32;
constexpr std::size_t kTagLen = 16;
constexpr std::size_t kPolyKeyLen = 32;
constexpr std::size_t kChaChaBlock = 64;

using CipherCtxFree = crypto::OpensslFree<EVP_CIPHER_CTX_free>;
using MacCtxFree = crypto::OpensslFree<EVP_MAC_CTX_free>;
using MacFree = crypto::OpensslFree<EVP_MAC_free>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

unexpected<Error> crypto_failure(const char* what) {
  return fail(Errc::kCryptoFailure, std::string("chacha20-poly1305: ") + what);
}

class ChaCha20Poly1305Protection final : public PacketProtection {
 public:
  explicit ChaCha20Poly1305Protection(const CipherAlg& row)
      : PacketProtection(Shape{row.name, {}, row.block_len, kTagLen, 4, false, false}) {}

  // The first half of the key material is K_2 (payload and Poly1305 keys), the
  // second K_1 (length only).
  Result<void> init(ByteView key_material) {
    main_.reset(EVP_CIPHER_CTX_new());
    header_.reset(EVP_CIPHER_CTX_new());
    std::unique_ptr<EVP_MAC, MacFree> poly(EVP_MAC_fetch(nullptr, "POLY1305", nullptr));
    if (!main_ || !header_ || !poly) return crypto_failure("allocation");
    poly_.reset(EVP_MAC_CTX_new(poly.get()));
    if (!poly_) return crypto_failure("allocation");
    if (EVP_EncryptInit_ex(main_.get(), EVP_chacha20(), nullptr, key_material.data(), nullptr) != 1 ||
        EVP_EncryptInit_ex(header_.get(), EVP_chacha20(), nullptr, key_material.data() + kKeyHalf,
                           nullptr) != 1)
      return crypto_failure("key setup");
    return {};
  }

  Result<void> seal(std::uint32_t seq, std::span<std::uint8_t> packet,
                    std::span<std::uint8_t> tag) override {
    std::array<std::uint8_t, kChaChaBlock> block0{};
    SSH_TRY_VOID(start_payload_stream(seq, block0));
    SSH_TRY_VOID(xor_stream(main_.get(), packet.subspan(4)));
    SSH_TRY_VOID(xor_length(seq, packet.first(4)));
    auto computed = poly1305(block0, packet, tag);
    secure_wipe(block0.data(), block0.size());
    return computed;
  }

  Result<std::uint32_t> decrypt_length(std::uint32_t seq, std::span<std::uint8_t> head) override {
    // The ciphertext of the length stays in place: the tag covers it.
    std::array<std::uint8_t, 4> length{};
    std::memcpy(length.data(), head.data(), length.size());
    SSH_TRY_VOID(xor_length(seq, length));
    return load_be32(length.data());
  }

  Result<void> open(std::uint32_t seq, std::span<std::uint8_t> packet, ByteView tag) override {
    std::array<std::uint8_t, kChaChaBlock> block0{};
    std::array<std::uint8_t, kTagLen> expected{};
    SSH_TRY_VOID(start_payload_stream(seq, block0));
    auto computed = poly1305(block0, packet, expected);
    secure_wipe(block0.data(), block0.size());
    SSH_TRY_VOID(computed);
    if (tag.size() != kTagLen || !constant_time_equal(expected, tag))
      return fail(Errc::kMacInvalid, "Corrupted MAC on input.");
    SSH_TRY_VOID(xor_length(seq, packet.first(4)));
    return xor_stream(main_.get(), packet.subspan(4));
  }

 private:
  static std::array<std::uint8_t, 16> iv_for(std::uint32_t seq) {
    std::array<std::uint8_t, 16> iv{};  // block counter 0, then the nonce
    store_be64(iv.data() + 8, seq);
    return iv;
  }

  // Positions K_2's stream at block 0 of this packet's nonce and takes that
  // block: its first 32 bytes are the Poly1305 key, and the stream then stands
  // at block 1, where the payload starts.
  Result<void> start_payload_stream(std::uint32_t seq, std::span<std::uint8_t, kChaChaBlock> block0) {
    auto iv = iv_for(seq);
    if (EVP_EncryptInit_ex(main_.get(), nullptr, nullptr, nullptr, iv.data()) != 1)
      return crypto_failure("nonce");
    return xor_stream(main_.get(), block0);
  }

  Result<void> xor_length(std::uint32_t seq, std::span<std::uint8_t> length) {
    auto iv = iv_for(seq);
    if (EVP_EncryptInit_ex(header_.get(), nullptr, nullptr, nullptr, iv.data()) != 1)
      return crypto_failure("nonce");
    return xor_stream(header_.get(), length);
  }

  static Result<void> xor_stream(EVP_CIPHER_CTX* ctx, std::span<std::uint8_t> data) {
    if (data.empty()) return {};
    int out_len = 0;
    if (EVP_EncryptUpdate(ctx, data.data(), &out_len, data.data(), static_cast<int>(data.size())) != 1)
      return crypto_failure("stream");
    return {};
  }

  Result<void> poly1305(std::span<const std::uint8_t> block0, ByteView message,
                        std::span<std::uint8_t> out) {
    std::size_t out_len = 0;
    if (EVP_MAC_init(poly_.get(), block0.data(), kPolyKeyLen, nullptr) != 1 ||
        EVP_MAC_update(poly_.get(), message.data(), message.size()) != 1 ||
        EVP_MAC_final(poly_.get(), out.data(), &out_len, out.size()) != 1 || out_len != kTagLen)
      return crypto_failure("poly1305");
    return {};
  }

  CipherCtx main_;    // K_2
  CipherCtx header_;  // K_1
  MacCtx poly_;
};

}  // namespace

Result<std::unique_ptr<PacketProtection>> make_chacha20_poly1305_protection(const CipherAlg& cipher,
                                                                            const DirectionKeys& keys) {
  if (cipher.key_len != 2 * kKeyHalf || keys.enc_key.size() < 2 * kKeyHalf)
    return fail(Errc::kInvalidArgument, "chacha20-poly1305: needs 64 bytes of key material");
  auto p = std::make_unique<ChaCha20Poly1305Protection>(cipher);
  SSH_TRY_VOID(p->init(keys.enc_key.view().first(2 * kKeyHalf)));
  return std::unique_ptr<PacketProtection>(std::move(p));
}

}  // namespace sshcore::transport

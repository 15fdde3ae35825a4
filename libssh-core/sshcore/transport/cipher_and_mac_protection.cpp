// The classic pairs: a block cipher (AES-CTR, AES-CBC, 3DES-CBC via OpenSSL EVP)
// and a separate MAC (HMAC via EVP_MAC, or UMAC), in either order:
//   MAC-then-encrypt (RFC 4253 section 6.4): MAC(key, seq || packet in the
//     clear); the whole packet, length included, is encrypted;
//   encrypt-then-MAC (PROTOCOL 1.5): the length stays in the clear and the MAC
//     covers seq || length || ciphertext, so it is checked before decrypting.
// The cipher context runs on from packet to packet (CTR's counter, CBC's
// chaining value), as the protocol requires. The HMAC key is set once; each
// packet only re-initialises the context from the stored key.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/crypto/umac.hpp"
#include "sshcore/transport/packet_protection.hpp"

namespace sshcore::transport {
namespace {

using CipherCtxFree = crypto::OpensslFree<EVP_CIPHER_CTX_free>;
using MacCtxFree = crypto::OpensslFree<EVP_MAC_CTX_free>;
using MacFree = crypto::OpensslFree<EVP_MAC_free>;

struct BlockCipher {
  std::string_view name;
  const EVP_CIPHER* (*evp)();
  bool cbc;
};
constexpr std::array kBlockCiphers{
    BlockCipher{"aes128-ctr", &EVP_aes_128_ctr, false}, BlockCipher{"aes192-ctr", &EVP_aes_192_ctr, false},
    BlockCipher{"aes256-ctr", &EVP_aes_256_ctr, false}, BlockCipher{"aes128-cbc", &EVP_aes_128_cbc, true},
    BlockCipher{"aes192-cbc", &EVP_aes_192_cbc, true},  BlockCipher{"aes256-cbc", &EVP_aes_256_cbc, true},
    BlockCipher{"3des-cbc", &EVP_des_ede3_cbc, true},
};

const BlockCipher* find_block_cipher(std::string_view name) {
  for (const BlockCipher& c : kBlockCiphers)
    if (c.name == name) return &c;
  return nullptr;
}

unexpected<Error> crypto_failure(std::string_view cipher, const char* what) {
  return fail(Errc::kCryptoFailure, std::string(cipher) + ": " + what);
}

class CipherAndMacProtection final : public PacketProtection {
 public:
  CipherAndMacProtection(const CipherAlg& cipher, const MacAlg& mac, bool cbc)
      : PacketProtection(Shape{cipher.name, mac.name, cipher.block_len, mac.mac_len,
                               mac.etm ? std::size_t{4} : std::size_t{0}, false, cbc && !mac.etm}),
        etm_(mac.etm) {}

  Result<void> init_cipher(const EVP_CIPHER* type, ByteView key, ByteView iv, PacketDirection direction) {
    cipher_.reset(EVP_CIPHER_CTX_new());
    if (!cipher_) return crypto_failure(cipher_name(), "allocation");
    const int enc = direction == PacketDirection::kOutbound ? 1 : 0;
    if (EVP_CipherInit_ex(cipher_.get(), type, nullptr, key.data(), iv.data(), enc) != 1 ||
        EVP_CIPHER_CTX_set_padding(cipher_.get(), 0) != 1)  // CBC must not hold back a block
      return crypto_failure(cipher_name(), "key setup");
    return {};
  }

  Result<void> init_hmac(const MacAlg& mac, ByteView key) {
    std::unique_ptr<EVP_MAC, MacFree> evp(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!evp) return crypto_failure(mac.name, "HMAC unavailable");
    hmac_.reset(EVP_MAC_CTX_new(evp.get()));
    if (!hmac_) return crypto_failure(mac.name, "allocation");
    std::string digest(crypto::digest_info(mac.digest).name);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(hmac_.get(), key.data(), key.size(), params) != 1)
      return crypto_failure(mac.name, "key setup");
    hmac_len_ = EVP_MAC_CTX_get_mac_size(hmac_.get());
    if (hmac_len_ < tag_len() || hmac_len_ > kMaxTagLen) return crypto_failure(mac.name, "digest size");
    return {};
  }

  Result<void> init_umac(const MacAlg& mac, ByteView key) {
    auto size = mac.mac_len == 8 ? crypto::UmacTagSize::k64 : crypto::UmacTagSize::k128;
    if (mac.mac_len != 8 && mac.mac_len != 16) return fail(Errc::kInvalidArgument, "umac tag size");
    SSH_TRY(umac, crypto::Umac::create(size, key));
    umac_.emplace(std::move(umac));
    return {};
  }

  Result<void> seal(std::uint32_t seq, std::span<std::uint8_t> packet,
                    std::span<std::uint8_t> tag) override {
    if (etm_) {
      SSH_TRY_VOID(crypt(packet.subspan(4)));
      return compute_mac(seq, packet, tag);
    }
    SSH_TRY_VOID(compute_mac(seq, packet, tag));
    return crypt(packet);
  }

  Result<std::uint32_t> decrypt_length(std::uint32_t, std::span<std::uint8_t> head) override {
    if (!etm_) SSH_TRY_VOID(crypt(head.first(block_size())));
    return load_be32(head.data());
  }

  Result<void> open(std::uint32_t seq, std::span<std::uint8_t> packet, ByteView tag) override {
    std::array<std::uint8_t, kMaxTagLen> expected{};
    auto mac = std::span<std::uint8_t>(expected).first(tag_len());
    if (etm_) {
      SSH_TRY_VOID(compute_mac(seq, packet, mac));
      if (!constant_time_equal(mac, tag)) return fail(Errc::kMacInvalid, "Corrupted MAC on input.");
      return crypt(packet.subspan(4));
    }
    SSH_TRY_VOID(crypt(packet.subspan(block_size())));
    SSH_TRY_VOID(compute_mac(seq, packet, mac));
    if (!constant_time_equal(mac, tag)) return fail(Errc::kMacInvalid, "Corrupted MAC on input.");
    return {};
  }

  // CTR's next counter block or CBC's last ciphertext block, as OpenSSL keeps it.
  Result<SecretBytes> running_iv() const override {
    SecretBytes iv(static_cast<std::size_t>(EVP_CIPHER_CTX_get_iv_length(cipher_.get())));
    if (EVP_CIPHER_CTX_get_updated_iv(cipher_.get(), iv.data(), iv.size()) != 1)
      return crypto_failure(cipher_name(), "running IV");
    return iv;
  }

  void spend_mac_time(std::uint32_t seq, std::size_t length) override {
    static constexpr std::array<std::uint8_t, 1024> kFiller{};
    std::array<std::uint8_t, kMaxTagLen> sink{};
    if (hmac_) {
      std::uint8_t seq_bytes[4];
      store_be32(seq_bytes, seq);
      if (EVP_MAC_init(hmac_.get(), nullptr, 0, nullptr) != 1) return;
      EVP_MAC_update(hmac_.get(), seq_bytes, sizeof seq_bytes);
      for (std::size_t done = 0; done < length; done += kFiller.size())
        EVP_MAC_update(hmac_.get(), kFiller.data(), std::min(kFiller.size(), length - done));
      std::size_t n = 0;
      EVP_MAC_final(hmac_.get(), sink.data(), &n, sink.size());
    } else if (umac_) {
      for (std::size_t done = 0; done < length; done += kFiller.size())
        umac_->update(ByteView(kFiller).first(std::min(kFiller.size(), length - done)));
      std::uint8_t nonce[8];
      store_be64(nonce, seq);
      umac_->finish(nonce, std::span<std::uint8_t>(sink).first(tag_len()));
    }
  }

 private:
  Result<void> crypt(std::span<std::uint8_t> data) {
    if (data.empty()) return {};
    int n = 0;
    if (EVP_CipherUpdate(cipher_.get(), data.data(), &n, data.data(), static_cast<int>(data.size())) != 1 ||
        static_cast<std::size_t>(n) != data.size())
      return crypto_failure(cipher_name(), "encryption");
    return {};
  }

  // HMAC(key, uint32 seq || data) truncated to the row's length (RFC 4253
  // section 6.4); UMAC(key, nonce = uint64 seq, data) as OpenSSH's mac.c forms it.
  Result<void> compute_mac(std::uint32_t seq, ByteView data, std::span<std::uint8_t> out) {
    if (umac_) {
      std::uint8_t nonce[8];
      store_be64(nonce, seq);
      umac_->tag(nonce, data, out.first(tag_len()));
      return {};
    }
    std::uint8_t seq_bytes[4];
    store_be32(seq_bytes, seq);
    std::array<std::uint8_t, kMaxTagLen> full{};
    std::size_t n = 0;
    if (EVP_MAC_init(hmac_.get(), nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(hmac_.get(), seq_bytes, sizeof seq_bytes) != 1 ||
        EVP_MAC_update(hmac_.get(), data.data(), data.size()) != 1 ||
        EVP_MAC_final(hmac_.get(), full.data(), &n, full.size()) != 1 || n != hmac_len_)
      return crypto_failure(mac_name(), "hmac");
    std::memcpy(out.data(), full.data(), tag_len());
    return {};
  }

  bool etm_;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> cipher_;
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> hmac_;
  std::size_t hmac_len_ = 0;
  std::optional<crypto::Umac> umac_;
};

}  // namespace

Result<std::unique_ptr<PacketProtection>> make_cipher_and_mac_protection(const CipherAlg& cipher,
                                                                         const MacAlg& mac,
                                                                         const DirectionKeys& keys,
                                                                         PacketDirection direction) {
  const BlockCipher* block = find_block_cipher(cipher.name);
  if (block == nullptr) return fail(Errc::kInvalidArgument, "no packet cipher " + std::string(cipher.name));
  const EVP_CIPHER* type = block->evp();
  if (static_cast<std::size_t>(EVP_CIPHER_get_key_length(type)) != cipher.key_len ||
      static_cast<std::size_t>(EVP_CIPHER_get_iv_length(type)) != cipher.iv_len ||
      cipher.block_len < 8)
    return fail(Errc::kInvalidArgument, std::string(cipher.name) + ": row does not match the cipher");
  if (keys.enc_key.size() < cipher.key_len || keys.iv.size() < cipher.iv_len ||
      keys.mac_key.size() < mac.key_len)
    return fail(Errc::kInvalidArgument, std::string(cipher.name) + "/" + std::string(mac.name) +
                                            ": key material too short");
  if (mac.mac_len == 0 || mac.mac_len > kMaxTagLen)
    return fail(Errc::kInvalidArgument, std::string(mac.name) + ": bad MAC length");

  auto p = std::make_unique<CipherAndMacProtection>(cipher, mac, block->cbc);
  SSH_TRY_VOID(p->init_cipher(type, keys.enc_key.view().first(cipher.key_len),
                              keys.iv.view().first(cipher.iv_len), direction));
  ByteView mac_key = keys.mac_key.view().first(mac.key_len);
  if (mac.kind == MacKind::kHmac) {
    SSH_TRY_VOID(p->init_hmac(mac, mac_key));
  } else {
    SSH_TRY_VOID(p->init_umac(mac, mac_key));
  }
  return std::unique_ptr<PacketProtection>(std::move(p));
}

}  // namespace sshcore::transport

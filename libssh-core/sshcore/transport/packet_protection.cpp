#include "sshcore/transport/packet_protection.hpp"

namespace sshcore::transport {
namespace {

constexpr std::string_view kNoneName = "none";
constexpr std::string_view kChaCha20Poly1305Name = "chacha20-poly1305@openssh.com";

// No cipher, no MAC: what both directions use until the first NEWKEYS.
class NoProtection final : public PacketProtection {
 public:
  NoProtection()
      : PacketProtection(Shape{kNoneName, {}, 8, 0, 0, /*plaintext=*/true, /*discard_on_error=*/false}) {}

  Result<void> seal(std::uint32_t, std::span<std::uint8_t>, std::span<std::uint8_t>) override {
    return {};
  }
  Result<std::uint32_t> decrypt_length(std::uint32_t, std::span<std::uint8_t> head) override {
    return load_be32(head.data());
  }
  Result<void> open(std::uint32_t, std::span<std::uint8_t>, ByteView) override { return {}; }
};

}  // namespace

PacketProtection::PacketProtection(const Shape& shape)
    : cipher_name_(shape.cipher_name),
      mac_name_(shape.mac_name),
      block_size_(shape.block_size),
      tag_len_(shape.tag_len),
      aad_len_(shape.aad_len),
      plaintext_(shape.plaintext),
      discard_on_error_(shape.discard_on_error) {}

std::uint64_t PacketProtection::max_blocks() const {
  // OpenSSH's ssh_set_newkeys(): the 2^(blocksize*2) limit is too generous for
  // 64-bit block ciphers, which get 1 GB.
  if (block_size_ >= 16) return std::uint64_t{1} << (block_size_ * 2);
  return (std::uint64_t{1} << 30) / block_size_;
}

void PacketProtection::spend_mac_time(std::uint32_t, std::size_t) {}

Result<SecretBytes> PacketProtection::running_iv() const { return keys_.iv; }

Result<DirectionKeys> PacketProtection::export_keys() const {
  DirectionKeys out = keys_;
  SSH_TRY(iv, running_iv());
  out.iv = std::move(iv);
  return out;
}

std::unique_ptr<PacketProtection> PacketProtection::none() { return std::make_unique<NoProtection>(); }

Result<std::unique_ptr<PacketProtection>> PacketProtection::create(const CipherAlg& cipher,
                                                                   const MacAlg* mac,
                                                                   const DirectionKeys& keys,
                                                                   PacketDirection direction) {
  if (cipher.name == kNoneName) {
    if (mac != nullptr) return fail(Errc::kInvalidArgument, "cipher none takes no MAC");
    return none();
  }
  Result<std::unique_ptr<PacketProtection>> made = fail(Errc::kInternal, "no protection");
  if (cipher.aead()) {
    if (mac != nullptr)
      return fail(Errc::kInvalidArgument, std::string(cipher.name) + " needs no MAC");
    made = cipher.name == kChaCha20Poly1305Name ? make_chacha20_poly1305_protection(cipher, keys)
                                                : make_aes_gcm_protection(cipher, keys, direction);
  } else {
    if (mac == nullptr) return fail(Errc::kInvalidArgument, std::string(cipher.name) + " needs a MAC");
    made = make_cipher_and_mac_protection(cipher, *mac, keys, direction);
  }
  if (made) (*made)->keys_ = keys;
  return made;
}

}  // namespace sshcore::transport

// The cryptographic protection of one direction of the binary packet protocol
// (RFC 4253 section 6): a cipher row, a MAC row (none for AEAD ciphers) and the
// keys derived for that direction.
//
// The framing differences between the families live here, behind one interface
// (ANCHORS G1), instead of as aadlen/authlen/etm branches in the codec:
//   - "none" and MAC-then-encrypt (MtE): the length is inside the first cipher
//     block; the MAC covers seq || plaintext packet;
//   - encrypt-then-MAC (EtM, PROTOCOL 1.5) and AES-GCM (RFC 5647, PROTOCOL 1.6):
//     the length travels in the clear and is authenticated;
//   - chacha20-poly1305@openssh.com: the length is encrypted with its own key
//     (PROTOCOL.chacha20poly1305) and authenticated with the rest.
//
// Every operation works in place on the caller's packet bytes and allocates
// nothing; the contexts (EVP cipher, EVP_MAC, UMAC) are keyed once at creation.
// Key material is wiped when the protection is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/transport/algorithm_tables.hpp"

namespace sshcore::transport {

// OpenSSH's PACKET_MAX_SIZE: the largest packet_length a receiver accepts.
inline constexpr std::size_t kPacketMaxSize = 256 * 1024;
// The longest MAC or tag of any row (hmac-sha2-512).
inline constexpr std::size_t kMaxTagLen = 64;

enum class PacketDirection : bool { kOutbound, kInbound };

// One direction's keys as RFC 4253 section 7.2 derives them.
struct DirectionKeys {
  SecretBytes iv;
  SecretBytes enc_key;
  SecretBytes mac_key;
};

class PacketProtection {
 public:
  virtual ~PacketProtection() = default;
  PacketProtection(const PacketProtection&) = delete;
  PacketProtection& operator=(const PacketProtection&) = delete;

  // The state before the first NEWKEYS: no cipher, no MAC, 8-byte blocks.
  static std::unique_ptr<PacketProtection> none();

  // `mac` must be nullptr for AEAD rows (chacha20-poly1305, AES-GCM) and set for
  // the others. kInvalidArgument when keys are shorter than the rows require or
  // the rows do not fit together; kCryptoFailure when libcrypto refuses.
  static Result<std::unique_ptr<PacketProtection>> create(const CipherAlg& cipher, const MacAlg* mac,
                                                          const DirectionKeys& keys,
                                                          PacketDirection direction);

  std::string_view cipher_name() const { return cipher_name_; }
  std::string_view mac_name() const { return mac_name_; }   // empty for AEAD and none
  std::size_t block_size() const { return block_size_; }    // >= 8
  std::size_t tag_len() const { return tag_len_; }          // AEAD tag or MAC length; 0 for none
  // 4 when the length field lies outside the padded, encrypted blocks (EtM,
  // AEAD): the padding then makes packet_length, not 4 + packet_length, a
  // multiple of the block size, as OpenSSH computes it.
  std::size_t aad_len() const { return aad_len_; }
  // Bytes a receiver needs before it can learn the packet length.
  std::size_t length_prefix_len() const { return aad_len_ != 0 ? aad_len_ : block_size_; }
  // "none": OpenSSH sends zero padding; every other cipher gets random padding.
  bool plaintext() const { return plaintext_; }
  // CBC with a MAC over the plaintext: a receiver must not reveal through its
  // timing whether a length or a MAC was wrong (OpenSSH's ssh_packet_start_discard).
  bool needs_discard_on_error() const { return discard_on_error_; }
  // OpenSSH's default volume limit for one key: 2^(2*block bits) blocks for
  // 16-byte ciphers, 1 GB worth of blocks for smaller ones.
  std::uint64_t max_blocks() const;

  // Sender. `packet` is uint32 packet_length || padding_length || payload ||
  // padding, complete in the clear; it is encrypted in place and the tag or MAC
  // (tag_len() bytes) written to `tag`.
  virtual Result<void> seal(std::uint32_t seq, std::span<std::uint8_t> packet,
                            std::span<std::uint8_t> tag) = 0;

  // Receiver, step 1: `head` holds the first length_prefix_len() bytes of a
  // packet. Returns packet_length (unchecked). MtE ciphers decrypt the head in
  // place (those bytes are not decrypted again by open()); the others leave it.
  virtual Result<std::uint32_t> decrypt_length(std::uint32_t seq, std::span<std::uint8_t> head) = 0;

  // Receiver, step 2: `packet` is the whole packet (4 + packet_length bytes, the
  // head as decrypt_length() left it) and `tag` the tag_len() bytes after it.
  // Verifies (in constant time) and decrypts in place, so that afterwards
  // `packet` holds the packet in the clear. kMacInvalid on a wrong tag.
  virtual Result<void> open(std::uint32_t seq, std::span<std::uint8_t> packet, ByteView tag) = 0;

  // For needs_discard_on_error(): spend the time a MAC over `length` bytes takes,
  // so that the moment of the disconnect does not tell which check failed.
  virtual void spend_mac_time(std::uint32_t seq, std::size_t length);

  // Privilege separation hands a running session to another process (DESIGN.md
  // section 6). The keys this protection was made with, the IV replaced by the
  // running position: CTR's counter block, CBC's chaining block, GCM's
  // invocation counter; chacha20-poly1305 keeps none beyond the sequence number.
  // create() with these keys continues the stream where this one stands (at a
  // packet boundary, or after an MtE head that decrypt_length() already did).
  Result<DirectionKeys> export_keys() const;

 protected:
  struct Shape {
    std::string_view cipher_name;
    std::string_view mac_name;
    std::size_t block_size;
    std::size_t tag_len;
    std::size_t aad_len;
    bool plaintext;
    bool discard_on_error;
  };
  explicit PacketProtection(const Shape& shape);
  // The current IV for export_keys(); the default is the one made with.
  virtual Result<SecretBytes> running_iv() const;

 private:
  std::string_view cipher_name_;
  std::string_view mac_name_;
  std::size_t block_size_;
  std::size_t tag_len_;
  std::size_t aad_len_;
  bool plaintext_;
  bool discard_on_error_;
  DirectionKeys keys_;  // kept by create() for export_keys()
};

// The families behind create(), one implementation file each. They check key
// sizes against the rows; create() checks which family a row belongs to.
Result<std::unique_ptr<PacketProtection>> make_chacha20_poly1305_protection(const CipherAlg& cipher,
                                                                            const DirectionKeys& keys);
Result<std::unique_ptr<PacketProtection>> make_aes_gcm_protection(const CipherAlg& cipher,
                                                                  const DirectionKeys& keys,
                                                                  PacketDirection direction);
Result<std::unique_ptr<PacketProtection>> make_cipher_and_mac_protection(const CipherAlg& cipher,
                                                                         const MacAlg& mac,
                                                                         const DirectionKeys& keys,
                                                                         PacketDirection direction);

}  // namespace sshcore::transport

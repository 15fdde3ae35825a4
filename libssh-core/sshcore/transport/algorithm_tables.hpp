// The transport's algorithms as rows (DESIGN.md section 4): packet ciphers, MACs,
// key exchange methods and compression. Negotiation, `ssh -Q`, config lists with
// + - ^ modifiers and defaults all read these rows; the per-packet implementations
// hang off them as they are added.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sshcore/crypto/digest.hpp"

namespace sshcore::transport {

enum AlgFlag : std::uint8_t {
  kInDefault = 1,     // offered unless the configuration says otherwise
  kExplicitOnly = 2,  // available, but only when named (legacy: CBC ciphers, ssh-rsa, group14-sha1)
};

struct CipherAlg {
  std::string_view name;
  std::uint8_t key_len, iv_len, block_len, tag_len;  // tag_len > 0: AEAD, no MAC negotiated
  std::uint8_t flags;
  constexpr bool aead() const { return tag_len != 0; }
};

enum class MacKind : std::uint8_t { kHmac, kUmac };
struct MacAlg {
  std::string_view name;
  MacKind kind;
  crypto::DigestAlg digest;  // for HMAC rows
  std::uint8_t key_len, mac_len;
  bool etm;                  // encrypt-then-MAC (PROTOCOL 1.5)
  std::uint8_t flags;
};

enum class KexFamily : std::uint8_t {
  kCurve25519, kEcdh, kDhGroup, kDhGroupExchange, kMlKem768X25519, kSntrup761X25519
};
struct KexAlg {
  std::string_view name;
  KexFamily family;
  crypto::DigestAlg hash;
  std::uint8_t flags;
};

struct CompressionAlg {
  std::string_view name;
  bool delayed;              // zlib@openssh.com starts after authentication
  std::uint8_t flags;
};

std::span<const CipherAlg> cipher_algs();
std::span<const MacAlg> mac_algs();
std::span<const KexAlg> kex_algs();
std::span<const CompressionAlg> compression_algs();

const CipherAlg* find_cipher(std::string_view name);
const MacAlg* find_mac(std::string_view name);
const KexAlg* find_kex(std::string_view name);
const CompressionAlg* find_compression(std::string_view name);

// Comma-separated default lists, in OpenSSH's order.
std::string default_ciphers();
std::string default_macs();
std::string default_kex();

// Pseudo-algorithms a KEXINIT carries in the kex list (PROTOCOL 1.9, RFC 8308).
inline constexpr std::string_view kExtInfoClient = "ext-info-c";
inline constexpr std::string_view kExtInfoServer = "ext-info-s";
inline constexpr std::string_view kStrictKexClient = "kex-strict-c-v00@openssh.com";
inline constexpr std::string_view kStrictKexServer = "kex-strict-s-v00@openssh.com";

}  // namespace sshcore::transport

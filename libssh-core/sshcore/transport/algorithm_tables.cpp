#include "sshcore/base/name_table.hpp"
#include "sshcore/transport/algorithm_tables.hpp"

#include <array>

namespace sshcore::transport {
namespace {
using crypto::DigestAlg;

// Order within each table is OpenSSH's default preference order.
constexpr std::array kCiphers{
    CipherAlg{"chacha20-poly1305@openssh.com", 64, 0, 8, 16, kInDefault},
    CipherAlg{"aes128-ctr", 16, 16, 16, 0, kInDefault},
    CipherAlg{"aes192-ctr", 24, 16, 16, 0, kInDefault},
    CipherAlg{"aes256-ctr", 32, 16, 16, 0, kInDefault},
    CipherAlg{"aes128-gcm@openssh.com", 16, 12, 16, 16, kInDefault},
    CipherAlg{"aes256-gcm@openssh.com", 32, 12, 16, 16, kInDefault},
    CipherAlg{"aes128-cbc", 16, 16, 16, 0, kExplicitOnly},
    CipherAlg{"aes192-cbc", 24, 16, 16, 0, kExplicitOnly},
    CipherAlg{"aes256-cbc", 32, 16, 16, 0, kExplicitOnly},
    CipherAlg{"3des-cbc", 24, 8, 8, 0, kExplicitOnly},
};

constexpr std::array kMacs{
    MacAlg{"umac-64-etm@openssh.com", MacKind::kUmac, DigestAlg::kSha1, 16, 8, true, kInDefault},
    MacAlg{"umac-128-etm@openssh.com", MacKind::kUmac, DigestAlg::kSha1, 16, 16, true, kInDefault},
    MacAlg{"hmac-sha2-256-etm@openssh.com", MacKind::kHmac, DigestAlg::kSha256, 32, 32, true, kInDefault},
    MacAlg{"hmac-sha2-512-etm@openssh.com", MacKind::kHmac, DigestAlg::kSha512, 64, 64, true, kInDefault},
    MacAlg{"hmac-sha1-etm@openssh.com", MacKind::kHmac, DigestAlg::kSha1, 20, 20, true, kInDefault},
    MacAlg{"umac-64@openssh.com", MacKind::kUmac, DigestAlg::kSha1, 16, 8, false, kInDefault},
    MacAlg{"umac-128@openssh.com", MacKind::kUmac, DigestAlg::kSha1, 16, 16, false, kInDefault},
    MacAlg{"hmac-sha2-256", MacKind::kHmac, DigestAlg::kSha256, 32, 32, false, kInDefault},
    MacAlg{"hmac-sha2-512", MacKind::kHmac, DigestAlg::kSha512, 64, 64, false, kInDefault},
    MacAlg{"hmac-sha1", MacKind::kHmac, DigestAlg::kSha1, 20, 20, false, kInDefault},
};

constexpr std::array kKex{
    KexAlg{"mlkem768x25519-sha256", KexFamily::kMlKem768X25519, DigestAlg::kSha256, kInDefault},
    KexAlg{"sntrup761x25519-sha512", KexFamily::kSntrup761X25519, DigestAlg::kSha512, kInDefault},
    KexAlg{"sntrup761x25519-sha512@openssh.com", KexFamily::kSntrup761X25519, DigestAlg::kSha512, kInDefault},
    KexAlg{"curve25519-sha256", KexFamily::kCurve25519, DigestAlg::kSha256, kInDefault},
    KexAlg{"curve25519-sha256@libssh.org", KexFamily::kCurve25519, DigestAlg::kSha256, kInDefault},
    KexAlg{"ecdh-sha2-nistp256", KexFamily::kEcdh, DigestAlg::kSha256, kInDefault},
    KexAlg{"ecdh-sha2-nistp384", KexFamily::kEcdh, DigestAlg::kSha384, kInDefault},
    KexAlg{"ecdh-sha2-nistp521", KexFamily::kEcdh, DigestAlg::kSha512, kInDefault},
    KexAlg{"diffie-hellman-group-exchange-sha256", KexFamily::kDhGroupExchange, DigestAlg::kSha256, kInDefault},
    KexAlg{"diffie-hellman-group16-sha512", KexFamily::kDhGroup, DigestAlg::kSha512, kInDefault},
    KexAlg{"diffie-hellman-group18-sha512", KexFamily::kDhGroup, DigestAlg::kSha512, kInDefault},
    KexAlg{"diffie-hellman-group14-sha256", KexFamily::kDhGroup, DigestAlg::kSha256, kInDefault},
    KexAlg{"diffie-hellman-group14-sha1", KexFamily::kDhGroup, DigestAlg::kSha1, kExplicitOnly},
};

constexpr std::array kCompression{
    CompressionAlg{"none", false, kInDefault},
    CompressionAlg{"zlib@openssh.com", true, kInDefault},
    CompressionAlg{"zlib", false, kExplicitOnly},
};

static_assert(names_unique(kCiphers) && names_unique(kMacs) && names_unique(kKex) &&
              names_unique(kCompression), "duplicate algorithm name");


template <class Table>
std::string defaults_of(const Table& t) {
  std::string out;
  for (const auto& row : t) {
    if (!(row.flags & kInDefault)) continue;
    if (!out.empty()) out += ',';
    out += row.name;
  }
  return out;
}
}  // namespace

std::span<const CipherAlg> cipher_algs() { return kCiphers; }
std::span<const MacAlg> mac_algs() { return kMacs; }
std::span<const KexAlg> kex_algs() { return kKex; }
std::span<const CompressionAlg> compression_algs() { return kCompression; }

const CipherAlg* find_cipher(std::string_view name) { return find_by_name(kCiphers, name); }
const MacAlg* find_mac(std::string_view name) { return find_by_name(kMacs, name); }
const KexAlg* find_kex(std::string_view name) { return find_by_name(kKex, name); }
const CompressionAlg* find_compression(std::string_view name) { return find_by_name(kCompression, name); }

std::string default_ciphers() { return defaults_of(kCiphers); }
std::string default_macs() { return defaults_of(kMacs); }
std::string default_kex() { return defaults_of(kKex); }

}  // namespace sshcore::transport

#include "sshcore/base/name_table.hpp"
#include "sshcore/keys/key_type.hpp"

#include <array>
#include <stdexcept>

namespace sshcore::keys {
namespace {

using crypto::DigestAlg;

constexpr std::array kKeyTypes{
    KeyTypeInfo{KeyType::kEd25519, "ssh-ed25519", "ED25519", "ed25519", "", 256},
    KeyTypeInfo{KeyType::kEcdsaP256, "ecdsa-sha2-nistp256", "ECDSA", "ecdsa", "nistp256", 256},
    KeyTypeInfo{KeyType::kEcdsaP384, "ecdsa-sha2-nistp384", "ECDSA", "ecdsa", "nistp384", 384},
    KeyTypeInfo{KeyType::kEcdsaP521, "ecdsa-sha2-nistp521", "ECDSA", "ecdsa", "nistp521", 521},
    KeyTypeInfo{KeyType::kRsa, "ssh-rsa", "RSA", "rsa", "", 3072},
};

// Order matters only for readers that list them (ssh -Q sig): OpenSSH's order.
constexpr std::array kSignatureAlgs{
    SignatureAlgInfo{"ssh-ed25519", KeyType::kEd25519, DigestAlg::kSha512},
    SignatureAlgInfo{"ecdsa-sha2-nistp256", KeyType::kEcdsaP256, DigestAlg::kSha256},
    SignatureAlgInfo{"ecdsa-sha2-nistp384", KeyType::kEcdsaP384, DigestAlg::kSha384},
    SignatureAlgInfo{"ecdsa-sha2-nistp521", KeyType::kEcdsaP521, DigestAlg::kSha512},
    SignatureAlgInfo{"rsa-sha2-512", KeyType::kRsa, DigestAlg::kSha512},
    SignatureAlgInfo{"rsa-sha2-256", KeyType::kRsa, DigestAlg::kSha256},
    SignatureAlgInfo{"ssh-rsa", KeyType::kRsa, DigestAlg::kSha1},
};

static_assert(names_unique(kSignatureAlgs), "duplicate signature algorithm");

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < kKeyTypes.size(); ++i)
    if (static_cast<std::size_t>(kKeyTypes[i].type) != i) return false;
  return true;
}
static_assert(rows_in_enum_order(), "kKeyTypes rows must follow the KeyType enum");

}  // namespace

std::span<const KeyTypeInfo> key_types() { return kKeyTypes; }

const KeyTypeInfo& key_type_info(KeyType type) {
  auto i = static_cast<std::size_t>(type);
  if (i >= kKeyTypes.size()) throw std::logic_error("unknown KeyType");
  return kKeyTypes[i];
}

const KeyTypeInfo* find_key_type(std::string_view ssh_name) {
  for (const auto& k : kKeyTypes)
    if (k.ssh_name == ssh_name) return &k;
  return nullptr;
}

std::span<const SignatureAlgInfo> signature_algs() { return kSignatureAlgs; }

const SignatureAlgInfo* find_signature_alg(std::string_view name) {
  for (const auto& s : kSignatureAlgs)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace sshcore::keys

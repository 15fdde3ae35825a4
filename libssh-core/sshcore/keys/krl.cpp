#include "sshcore/keys/krl.hpp"

#include <algorithm>

#include "sshcore/crypto/digest.hpp"
#include "sshcore/keys/revoked_keys.hpp"
#include "sshcore/wire/reader.hpp"

namespace sshcore::keys {
namespace {

constexpr std::uint32_t kKrlFormatVersion = 1;

enum SectionType : std::uint8_t {
  kCertificates = 1,
  kExplicitKey = 2,
  kFingerprintSha1 = 3,
  kSignature = 4,
  kFingerprintSha256 = 5,
  kExtension = 255,
};

// blob_section(): a run of strings, each `expected_len` bytes long unless that is 0.
Result<void> read_blobs(wire::Reader section, std::size_t expected_len, std::vector<Bytes>& into) {
  while (!section.empty()) {
    SSH_TRY(blob, section.string());
    if (expected_len != 0 && blob.size() != expected_len)
      return fail(Errc::kInvalidFormat, "KRL fingerprint of " + std::to_string(blob.size()) + " bytes");
    into.emplace_back(blob.begin(), blob.end());
  }
  return {};
}

Result<void> read_extension(wire::Reader section) {
  SSH_TRY(name, section.cstring());
  SSH_TRY(critical, section.boolean());
  SSH_TRY(contents, section.string());
  (void)contents;
  SSH_TRY_VOID(section.finish("KRL extension section"));
  if (critical) return fail(Errc::kInvalidFormat, "unsupported critical KRL extension " + std::string(name));
  return {};
}

Result<void> read_section(std::uint8_t type, wire::Reader section, Krl& krl) {
  switch (type) {
    case kCertificates:
      return {};  // certificates are not keys sshpp accepts: nothing here can match
    case kExplicitKey:
      return read_blobs(section, 0, krl.revoked_blobs);
    case kFingerprintSha1:
      return read_blobs(section, crypto::digest_info(crypto::DigestAlg::kSha1).size, krl.revoked_sha1s);
    case kFingerprintSha256:
      return read_blobs(section, crypto::digest_info(crypto::DigestAlg::kSha256).size, krl.revoked_sha256s);
    case kExtension:
      return read_extension(section);
    case kSignature:
      return fail(Errc::kInvalidFormat, "KRL signatures are not supported");
    default:
      return fail(Errc::kInvalidFormat, "Unsupported KRL section " + std::to_string(type));
  }
}

bool listed(const std::vector<Bytes>& list, const Bytes& value) {
  return std::ranges::find(list, value) != list.end();
}

}  // namespace

Result<Krl> parse_krl(ByteView file) {
  if (!is_krl(file)) return fail(Errc::kInvalidFormat, "not a KRL (bad magic)");
  wire::Reader r(file);
  SSH_TRY(magic, r.u64());
  (void)magic;
  SSH_TRY(format_version, r.u32());
  if (format_version != kKrlFormatVersion)
    return fail(Errc::kInvalidFormat, "KRL format version " + std::to_string(format_version));
  Krl krl;
  SSH_TRY(version, r.u64());
  SSH_TRY(generated, r.u64());
  SSH_TRY(flags, r.u64());
  (void)flags;  // none defined
  SSH_TRY(reserved, r.string());
  (void)reserved;
  SSH_TRY(comment, r.cstring());
  krl.version = version;
  krl.generated_date = generated;
  krl.comment = std::string(comment);
  while (!r.empty()) {
    SSH_TRY(type, r.u8());
    SSH_TRY(section, r.nested());
    SSH_TRY_VOID(read_section(type, section, krl));
  }
  return krl;
}

bool krl_revokes(const Krl& krl, const PublicKey& key) {
  const Bytes& blob = key.blob();
  return listed(krl.revoked_sha1s, crypto::digest(crypto::DigestAlg::kSha1, blob)) ||
         listed(krl.revoked_sha256s, crypto::digest(crypto::DigestAlg::kSha256, blob)) ||
         listed(krl.revoked_blobs, blob);
}

}  // namespace sshcore::keys

// OpenSSH key revocation lists (PROTOCOL.krl), as ssh-keygen -k writes them and sshd's
// RevokedKeys reads them: the header and the sections that revoke plain keys (explicit
// key blobs, SHA1 and SHA256 fingerprints of blobs).
//
// sshpp has no certificates, so certificate sections are skipped unread; a signed KRL
// (KRL_SECTION_SIGNATURE) is refused, as OpenSSH >= 9.4 refuses it, since its signature
// cannot be checked here; a critical extension is refused as the format requires.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::keys {

struct Krl {
  std::uint64_t version = 0;         // krl_version: grows with each change
  std::uint64_t generated_date = 0;  // seconds since the epoch
  std::string comment;
  std::vector<Bytes> revoked_blobs;    // KRL_SECTION_EXPLICIT_KEY
  std::vector<Bytes> revoked_sha1s;    // KRL_SECTION_FINGERPRINT_SHA1: SHA1(blob)
  std::vector<Bytes> revoked_sha256s;  // KRL_SECTION_FINGERPRINT_SHA256: SHA256(blob)
};

// ssh_krl_from_blob(). Errors: kInvalidFormat (no "SSHKRL\n\0" magic, a format version
// other than 1, an unknown section, a fingerprint of the wrong length, data left in a
// section, a signature or critical extension), kTruncated for short data.
Result<Krl> parse_krl(ByteView file);

// ssh_krl_check_key() for a plain key: listed by blob or by either fingerprint.
bool krl_revokes(const Krl& krl, const PublicKey& key);

}  // namespace sshcore::keys

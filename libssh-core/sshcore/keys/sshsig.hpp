// SSH signatures of files and messages (PROTOCOL.sshsig; ssh-keygen -Y sign/verify).
// Armored as "-----BEGIN SSH SIGNATURE-----", base64 wrapped at 70 columns as
// OpenSSH writes it (the spec suggests 76; OpenSSH's own output is what readers see).
#pragma once

#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/crypto/digest.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::keys {

// A parsed (not yet verified) signature.
struct Sshsig {
  PublicKey key;            // the signer's key as the signature names it
  std::string ns;           // namespace
  crypto::DigestAlg hash;   // kSha256 or kSha512
  Bytes signature;          // SSH signature blob (string alg, string sig)
};

// `hash` must be kSha256 or kSha512. RSA keys sign with rsa-sha2-512, as OpenSSH does.
Result<std::string> sshsig_sign(const PrivateKey& key, std::string_view ns, ByteView message,
                                crypto::DigestAlg hash = crypto::DigestAlg::kSha512);
// The same, for a message already hashed with `hash` (large files hashed in pieces).
Result<std::string> sshsig_sign_digest(const PrivateKey& key, std::string_view ns, crypto::DigestAlg hash,
                                       ByteView message_digest);

// Checks the armored signature over `message` in namespace `ns`; returns the signer
// key (whether that key is trusted is the caller's question: allowed_signers).
Result<PublicKey> sshsig_verify(std::string_view armored, std::string_view ns, ByteView message);

Result<Sshsig> sshsig_parse(std::string_view armored);
// Verifies a parsed signature against a digest made with sig.hash.
Result<void> sshsig_verify_digest(const Sshsig& sig, std::string_view ns, ByteView message_digest);

}  // namespace sshcore::keys

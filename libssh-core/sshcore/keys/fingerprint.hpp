// Key fingerprints exactly as OpenSSH prints them: "SHA256:<base64 no padding>",
// "MD5:aa:bb:..", bubblebabble, and the randomart ("drunken bishop") box.
#pragma once

#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/crypto/digest.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::keys {

// "SHA256:..." (base64, no padding) for SHA1/SHA256/SHA384/SHA512; "MD5:hh:hh:.." for MD5.
std::string fingerprint(const PublicKey& key, crypto::DigestAlg alg = crypto::DigestAlg::kSha256);
// ssh-keygen -B: SHA1 of the blob in bubblebabble ("xexax-...").
std::string bubblebabble(const PublicKey& key);
// The randomart box, lines joined with '\n', no trailing newline:
// "+--[ED25519 256]--+" ... "+----[SHA256]-----+".
std::string randomart(const PublicKey& key, crypto::DigestAlg alg = crypto::DigestAlg::kSha256);

}  // namespace sshcore::keys

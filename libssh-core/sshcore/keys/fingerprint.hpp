// Key fingerprints exactly as OpenSSH prints them: "SHA256:<base64 no padding>",
// "MD5:aa:bb:..", bubblebabble, and the randomart ("drunken bishop") box.
//
// The PublicKey functions are thin wrappers over the *_of_blob / *_of_digest cores, which
// need only the key's wire blob, its short type name ("ED25519", "ECDSA", "RSA") and size.
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

// The line of ssh-keygen -l (also printed by ssh-add -l and ssh-keyscan): "%u %s %s (%s)" with
// bits, fingerprint, comment ("no comment" when empty, as OpenSSH) and short type name, e.g.
// "256 SHA256:abc... user@host (ED25519)". No trailing newline.
std::string fingerprint_line(const PublicKey& key, crypto::DigestAlg alg, std::string_view comment);
// The same line for ssh-keygen -B (bubblebabble in place of the fingerprint).
std::string bubblebabble_line(const PublicKey& key, std::string_view comment);
std::string format_fingerprint_line(unsigned bits, std::string_view fingerprint,
                                    std::string_view comment, std::string_view short_type);

// ---- cores ------------------------------------------------------------------------
std::string fingerprint_of_blob(ByteView blob, crypto::DigestAlg alg = crypto::DigestAlg::kSha256);
// Bubblebabble encoding of any digest (OpenSSH's fingerprint_bubblebabble).
std::string bubblebabble_of_digest(ByteView digest);
std::string bubblebabble_of_blob(ByteView blob);  // of SHA1(blob)
// OpenSSH's fingerprint_randomart: the walk over `digest`, the title "[TYPE BITS]" (or
// "[TYPE]" when that does not fit; cut to 16 characters) centred in the top border, and
// "[ALG]" (e.g. "SHA256") centred in the bottom one.
std::string randomart_of_digest(ByteView digest, std::string_view alg_name,
                                std::string_view short_type, unsigned bits);
std::string randomart_of_blob(ByteView blob, std::string_view short_type, unsigned bits,
                              crypto::DigestAlg alg = crypto::DigestAlg::kSha256);

}  // namespace sshcore::keys

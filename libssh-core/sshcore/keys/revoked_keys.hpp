// sshd's RevokedKeys file, as OpenSSH 9.2's sshkey_check_revoked() reads it: either a KRL
// (binary, PROTOCOL.krl, starting with "SSHKRL\n\0") or a text list of public key lines
// ("type base64 [comment]", '#' comments and blank lines allowed).
//
// The answer is three-way because sshd fails closed: an error means "this file cannot
// tell", and the caller must then refuse the key (auth_key_is_revoked()).
#pragma once

#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::keys {

// "SSHKRL\n\0": KRL_MAGIC of krl.c.
bool is_krl(ByteView file);

// true when `key` is revoked by the file's contents. Errors: kInvalidFormat, its detail
// worded as OpenSSH's ssh_err() ("invalid format", "incomplete message" for a short KRL),
// for a KRL parse_krl() refuses or a line that is not a public key.
Result<bool> key_is_revoked(ByteView file, const PublicKey& key);

// sshkey_in_file(): the text list alone. Lines OpenSSH would read as keys that can never
// equal one of ours (DSA, security keys, certificates, RSA under 1024 bits) are skipped,
// as OpenSSH skips short RSA keys; any other unreadable line fails the whole list.
Result<bool> key_in_list(std::string_view text, const PublicKey& key);

}  // namespace sshcore::keys

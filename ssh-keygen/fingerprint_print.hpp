// -l / -B: fingerprints of keys in public key files, authorized_keys, known_hosts
// and private key files, one line per key, as OpenSSH's do_fingerprint() prints them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "invocation.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshkeygen {

// The fingerprint to show under the options: bubblebabble for -B, else -E's digest.
std::string display_fingerprint(const Options& o, const sshcore::keys::PublicKey& key);
// -v with -l: the randomart follows each fingerprint line.
bool wants_randomart(const Options& o);

// fingerprint_one_key(): "BITS FP COMMENT (TYPE)\n" ("no comment" when there is none),
// then the randomart with -v.
void print_fingerprint_line(const Options& o, const sshcore::keys::PublicKey& key,
                            const std::optional<std::string>& comment);

}  // namespace sshkeygen

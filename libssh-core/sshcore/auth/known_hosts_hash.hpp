// Pieces of known_hosts handling shared by its parser and its host-name matcher: base64 read
// the way OpenSSH reads it in host files (resolv's b64_pton).
#pragma once

#include <optional>
#include <string_view>

#include "sshcore/base/bytes.hpp"

namespace sshcore::auth {

// Base64 as b64_pton() accepts it: whitespace skipped anywhere, '=' padding required for a
// partial final group, nothing but whitespace after it, and unused bits zero. OpenSSH reads
// hashed-name salts and key blobs this way, so a field it refuses is refused here too.
std::optional<Bytes> decode_base64_like_openssh(std::string_view text);

}  // namespace sshcore::auth

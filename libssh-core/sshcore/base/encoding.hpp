// Text encodings of bytes: base64 (RFC 4648, as OpenSSH writes keys) and hex.
#pragma once

#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore {

std::string base64_encode(ByteView data, bool pad = true);
// Accepts padded or unpadded input; whitespace (space, tab, CR, LF) is skipped.
Result<Bytes> base64_decode(std::string_view text);

std::string hex_encode(ByteView data, std::string_view separator = {});
Result<Bytes> hex_decode(std::string_view text);

}  // namespace sshcore

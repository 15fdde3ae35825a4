// ASCII armor of the OpenSSH formats: "-----BEGIN X-----", base64 wrapped at 70
// columns (sshbuf_dtob64 with wrap), "-----END X-----". Used by the OpenSSH
// private key format and SSHSIG. The secret variants never leave an unwiped copy.
#pragma once

#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::keys::detail {

inline constexpr std::size_t kArmorWrap = 70;

// Base64 of `data`, a newline after every `wrap` characters and after the last
// line (nothing at all for empty data), as sshbuf_dtob64(..., wrap = 1).
std::string wrapped_base64(ByteView data, std::size_t wrap = kArmorWrap);
void append_wrapped_base64(SecretBytes& out, ByteView data, std::size_t wrap = kArmorWrap);

// "-----BEGIN <label>-----\n" + wrapped base64 + "-----END <label>-----\n".
std::string armor(std::string_view label, ByteView data);
SecretBytes armor_secret(std::string_view label, ByteView data);

// The bytes between the BEGIN and END lines for `label`. Leading whitespace
// before BEGIN, CR/LF line ends and whitespace inside the base64 are accepted.
Result<Bytes> dearmor(std::string_view text, std::string_view label);
Result<SecretBytes> dearmor_secret(std::string_view text, std::string_view label);

// True when `text` (after leading whitespace) starts with "-----BEGIN <label>-----".
bool starts_with_armor(std::string_view text, std::string_view label);

}  // namespace sshcore::keys::detail

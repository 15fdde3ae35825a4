#include "sshcore/keys/fingerprint.hpp"

#include <fmt/format.h>

#include "sshcore/base/encoding.hpp"

namespace sshcore::keys {

std::string fingerprint_of_blob(ByteView blob, crypto::DigestAlg alg) {
  const crypto::DigestInfo& info = crypto::digest_info(alg);
  Bytes d = crypto::digest(alg, blob);
  std::string out(info.name);
  out += ':';
  // OpenSSH prints MD5 in the old colon-separated hex and everything else in base64.
  if (alg == crypto::DigestAlg::kMd5)
    out += hex_encode(d, ":");
  else
    out += base64_encode(d, false);
  return out;
}

std::string fingerprint(const PublicKey& key, crypto::DigestAlg alg) {
  return fingerprint_of_blob(key.blob(), alg);
}

std::string format_fingerprint_line(unsigned bits, std::string_view fingerprint,
                                    std::string_view comment, std::string_view short_type) {
  return fmt::format("{} {} {} ({})", bits, fingerprint, comment.empty() ? "no comment" : comment,
                     short_type);
}

std::string fingerprint_line(const PublicKey& key, crypto::DigestAlg alg, std::string_view comment) {
  return format_fingerprint_line(key.bits(), fingerprint(key, alg), comment, key.info().short_name);
}

std::string bubblebabble_line(const PublicKey& key, std::string_view comment) {
  return format_fingerprint_line(key.bits(), bubblebabble(key), comment, key.info().short_name);
}

}  // namespace sshcore::keys

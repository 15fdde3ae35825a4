// Parses the input as a KRL (and, through key_is_revoked, as a text list of revoked keys
// when it lacks the magic), checking what must always hold: every key a KRL lists by blob
// or fingerprint is revoked, fingerprints have their digest's length, and a damaged file
// is an error, never a crash.
#include <cstdint>
#include <cstdlib>

#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/krl.hpp"
#include "sshcore/keys/revoked_keys.hpp"

using namespace sshcore;
using namespace sshcore::keys;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView file(data, size);
  auto krl = parse_krl(file);
  check(!krl.has_value() || is_krl(file));
  if (krl) {
    for (const Bytes& h : krl->revoked_sha1s) check(h.size() == 20);
    for (const Bytes& h : krl->revoked_sha256s) check(h.size() == 32);
    int tried = 0;
    for (const Bytes& blob : krl->revoked_blobs) {
      if (++tried > 4) break;
      // A listed blob that is a key we read must come out revoked, by both entry points.
      auto key = PublicKey::from_blob(blob);
      if (!key) continue;
      check(krl_revokes(*krl, *key));
      auto r = key_is_revoked(file, *key);
      check(r.has_value() && *r);
    }
  }
  // Without the magic the same bytes are a text list: a line that is a key is found,
  // unless another line makes the whole list an error.
  if (!is_krl(file)) {
    std::string_view text = as_chars(file);
    std::string_view first = text.substr(0, text.find('\n'));
    if (auto line = parse_public_key_line(first)) {
      auto r = key_in_list(text, line->key);
      check(!r.has_value() || *r);
      check(key_is_revoked(file, line->key).has_value() == r.has_value());
    }
  }
  return 0;
}

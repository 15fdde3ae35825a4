// Ephemeral OpenSSL keys for ECDH and finite-field DH, shared by those methods.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <utility>

#include "sshcore/crypto/openssl_handles.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::transport {

using EvpPkeyFree = crypto::OpensslFree<EVP_PKEY_free>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// Which group a key lives in: "EC" with a named curve ("P-256"), "DH" with a
// named group ("modp_2048"), or "DH" with an explicit prime and generator (DH
// group exchange; `name` empty).
struct KeyGroup {
  const char* type;
  std::string name;
  Bytes p, g;  // big-endian magnitudes, only when `name` is empty
  bool is_dh() const { return std::string_view(type) == "DH"; }
};

Result<EvpPkeyPtr> generate_ephemeral(const KeyGroup& group);
// A peer's public value in the same group: an uncompressed point for EC, the
// unsigned big-endian integer for DH. Checked (on the curve / 1 < f < p-1).
Result<EvpPkeyPtr> peer_public_key(const KeyGroup& group, ByteView public_value);
// The encoded public value of our key (same encodings as above).
Result<Bytes> public_value(EVP_PKEY* key, bool is_dh);
// p and g of a named DH group ("modp_2048"), as big-endian magnitudes.
Result<std::pair<Bytes, Bytes>> named_dh_parameters(const std::string& name);
// The raw shared secret (x-coordinate for EC, g^xy for DH).
Result<SecretBytes> derive_shared(EVP_PKEY* ours, EVP_PKEY* peer);

}  // namespace sshcore::transport

// Session keys from the shared secret (RFC 4253 section 7.2): a pure function.
#pragma once

#include <array>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/digest.hpp"

namespace sshcore::transport {

// The six values of RFC 4253 section 7.2, letters 'A'..'F'.
struct DerivedKeys {
  SecretBytes iv_client_to_server, iv_server_to_client;
  SecretBytes enc_client_to_server, enc_server_to_client;
  SecretBytes mac_client_to_server, mac_server_to_client;
};

struct KeySizes {
  std::size_t iv_c2s, iv_s2c, enc_c2s, enc_s2c, mac_c2s, mac_s2c;
};

// `shared_secret` is K exactly as it enters the exchange hash (an mpint for
// DH/ECDH/X25519, a string for the KEM hybrids), `exchange_hash` is H.
// Each key is HASH(K || H || letter || session_id), extended by
// HASH(K || H || K1 || ... ) until long enough.
SecretBytes derive_key(crypto::DigestAlg hash, ByteView shared_secret, ByteView exchange_hash,
                       char letter, ByteView session_id, std::size_t length);

DerivedKeys derive_keys(crypto::DigestAlg hash, ByteView shared_secret, ByteView exchange_hash,
                        ByteView session_id, const KeySizes& sizes);

}  // namespace sshcore::transport

// The exchange hash H (RFC 4253 section 8, RFC 4419 section 3, RFC 5656 section 4,
// RFC 8731): one function for every method, since all of them hash the same
// fields in the same order and differ only in how the public values and K are
// encoded (which KexMethod already did).
#pragma once

#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/crypto/digest.hpp"

namespace sshcore::transport {

struct ExchangeHashInput {
  std::string_view client_identification;  // V_C, without CR LF
  std::string_view server_identification;  // V_S
  ByteView client_kexinit;                 // I_C: the payload, message number included
  ByteView server_kexinit;                 // I_S
  ByteView host_key_blob;                  // K_S
  ByteView group_exchange_fields;          // DH-GEX only: uint32 min, n, max, mpint p, g (encoded); else empty
  ByteView client_public;                  // encoded field (string or mpint)
  ByteView server_public;                  // encoded field
  ByteView shared_secret;                  // encoded K
};

Bytes exchange_hash(crypto::DigestAlg hash, const ExchangeHashInput& in);

}  // namespace sshcore::transport

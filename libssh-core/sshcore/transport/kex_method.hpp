// One single-round key exchange (ANCHORS O5): the client sends an ephemeral public
// value, the server answers with its own, and both reach the same shared secret.
// X25519, NIST ECDH, the fixed DH groups and the KEM hybrids all fit this shape;
// DH group exchange adds a round in front and is handled by its own state.
//
// Values cross this interface already in their wire encoding, because the
// exchange hash covers exactly those bytes: the public values are the message
// fields (a string for ECDH/X25519/hybrids, an mpint for DH), and the shared
// secret is K as the hash and key derivation take it (an mpint, or a string for
// the hybrids).
#pragma once

#include <memory>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/random.hpp"
#include "sshcore/transport/algorithm_tables.hpp"

namespace sshcore::transport {

struct KexServerReply {
  Bytes server_public;        // encoded field for SSH_MSG_KEX_ECDH_REPLY / KEXDH_REPLY
  SecretBytes shared_secret;  // encoded K
};

class KexMethod {
 public:
  virtual ~KexMethod() = default;
  // Client: make the ephemeral key and return the encoded field to send.
  virtual Result<Bytes> client_public() = 0;
  // Server: take the client's encoded field (as received: the field alone),
  // return ours and K. Invalid peer values fail with reason kKeyExchangeFailed.
  virtual Result<KexServerReply> server_reply(ByteView client_public) = 0;
  // Client: take the server's encoded field and return K.
  virtual Result<SecretBytes> client_shared_secret(ByteView server_public) = 0;
};

// nullptr for diffie-hellman-group-exchange-* (not single-round) or an unknown row.
std::unique_ptr<KexMethod> make_kex_method(const KexAlg& alg, crypto::RandomSource random = {});

// The building blocks, for the hybrids and tests.
std::unique_ptr<KexMethod> make_x25519_kex(crypto::RandomSource random);
std::unique_ptr<KexMethod> make_ecdh_kex(std::string_view curve, crypto::RandomSource random);
std::unique_ptr<KexMethod> make_dh_group_kex(std::string_view group, crypto::RandomSource random);
// sntrup761x25519-sha512 or mlkem768x25519-sha256.
std::unique_ptr<KexMethod> make_hybrid_kem_kex(KexFamily family, crypto::RandomSource random);
// DH over a group the server chose (diffie-hellman-group-exchange-*): p and g as
// big-endian magnitudes. The caller checks the group's size against its request.
std::unique_ptr<KexMethod> make_dh_explicit_group_kex(ByteView p, ByteView g);

// Key exchange failure with the disconnect reason set.
unexpected<Error> kex_failure(std::string detail);

}  // namespace sshcore::transport

#include "sshcore/transport/exchange_hash.hpp"

#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {

Bytes exchange_hash(crypto::DigestAlg hash, const ExchangeHashInput& in) {
  // The length-prefixed fields go through a Writer; the already-encoded ones
  // (public values, K, GEX block) are hashed as they are.
  wire::Writer prefix;
  prefix.string(in.client_identification);
  prefix.string(in.server_identification);
  prefix.string(in.client_kexinit);
  prefix.string(in.server_kexinit);
  prefix.string(in.host_key_blob);
  crypto::Digest d(hash);
  d.update(prefix.view());
  d.update(in.group_exchange_fields);
  d.update(in.client_public);
  d.update(in.server_public);
  d.update(in.shared_secret);
  return d.finish();
}

}  // namespace sshcore::transport

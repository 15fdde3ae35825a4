#include "sshcore/transport/key_derivation.hpp"

namespace sshcore::transport {

SecretBytes derive_key(crypto::DigestAlg hash, ByteView shared_secret, ByteView exchange_hash, char letter,
                       ByteView session_id, std::size_t length) {
  SecretBytes out;
  if (length == 0) return out;
  {
    crypto::Digest d(hash);
    d.update(shared_secret);
    d.update(exchange_hash);
    std::uint8_t l = static_cast<std::uint8_t>(letter);
    d.update(ByteView(&l, 1));
    d.update(session_id);
    Bytes k1 = d.finish();
    out.append(k1);
    secure_wipe(k1.data(), k1.size());
  }
  while (out.size() < length) {
    crypto::Digest d(hash);
    d.update(shared_secret);
    d.update(exchange_hash);
    d.update(out.view());
    Bytes more = d.finish();
    out.append(more);
    secure_wipe(more.data(), more.size());
  }
  out.resize(length);
  return out;
}

DerivedKeys derive_keys(crypto::DigestAlg hash, ByteView k, ByteView h, ByteView session_id,
                        const KeySizes& s) {
  return DerivedKeys{
      derive_key(hash, k, h, 'A', session_id, s.iv_c2s),  derive_key(hash, k, h, 'B', session_id, s.iv_s2c),
      derive_key(hash, k, h, 'C', session_id, s.enc_c2s), derive_key(hash, k, h, 'D', session_id, s.enc_s2c),
      derive_key(hash, k, h, 'E', session_id, s.mac_c2s), derive_key(hash, k, h, 'F', session_id, s.mac_s2c),
  };
}

}  // namespace sshcore::transport

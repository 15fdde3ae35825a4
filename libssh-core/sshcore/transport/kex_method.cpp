#include "sshcore/transport/kex_method.hpp"

namespace sshcore::transport {

unexpected<Error> kex_failure(std::string detail) {
  Error e{Errc::kInvalidFormat, std::move(detail)};
  e.reason = DisconnectReason::kKeyExchangeFailed;
  return fail(std::move(e));
}

std::unique_ptr<KexMethod> make_kex_method(const KexAlg& alg, crypto::RandomSource random) {
  switch (alg.family) {
    case KexFamily::kCurve25519: return make_x25519_kex(std::move(random));
    case KexFamily::kEcdh: return make_ecdh_kex(alg.name.substr(alg.name.rfind('-') + 1), std::move(random));
    case KexFamily::kDhGroup: {
      // "diffie-hellman-group14-sha256" -> "group14"
      auto start = alg.name.find("group");
      auto end = alg.name.find('-', start);
      return make_dh_group_kex(alg.name.substr(start, end - start), std::move(random));
    }
    case KexFamily::kMlKem768X25519:
    case KexFamily::kSntrup761X25519:
      return make_hybrid_kem_kex(alg.family, std::move(random));
    case KexFamily::kDhGroupExchange:
      return nullptr;  // a round in front of DH: KexRound handles it
  }
  return nullptr;
}

}  // namespace sshcore::transport

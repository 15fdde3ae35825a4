#include "sshcore/keys/private_key.hpp"

#include <stdexcept>
#include <string>

#include "sshcore/keys/key_family.hpp"

namespace sshcore::keys {

namespace detail {
PrivateKey make_private(std::shared_ptr<PrivateKey::Impl> impl) {
  return PrivateKey(std::shared_ptr<const PrivateKey::Impl>(std::move(impl)));
}
}  // namespace detail

PrivateKey::PrivateKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {
  if (!impl_) throw std::logic_error("PrivateKey without a key");
}

Result<PrivateKey> PrivateKey::generate(KeyType type, unsigned bits) {
  const KeyTypeInfo& info = key_type_info(type);
  return detail::key_family(type).generate(info, bits);
}

Result<PrivateKey> PrivateKey::from_ed25519_seed(ByteView seed) { return detail::ed25519_private_from_seed(seed); }

Result<PrivateKey> PrivateKey::read_private_fields(wire::Reader& r) {
  SSH_TRY(name, r.cstring());
  const KeyTypeInfo* info = find_key_type(name);
  if (info == nullptr) {
    if (name == "ssh-dss") return fail(Errc::kKeyTypeUnsupported, "DSA keys are not supported");
    return fail(Errc::kKeyTypeUnknown, "unknown key type \"" + std::string(name.substr(0, 64)) + "\"");
  }
  return detail::key_family(info->type).read_private(*info, r);
}

Result<void> PrivateKey::write_private_fields(wire::Writer& w) const {
  w.string(public_key().info().ssh_name);
  return detail::key_family(type()).write_private(*impl_, w);
}

const PublicKey& PrivateKey::public_key() const { return impl_->pub; }

Result<Bytes> PrivateKey::sign(ByteView data, std::string_view algorithm) const {
  const KeyTypeInfo& info = public_key().info();
  std::string_view name = algorithm;
  if (name.empty()) name = info.type == KeyType::kRsa ? std::string_view("rsa-sha2-512") : info.ssh_name;
  const SignatureAlgInfo* alg = find_signature_alg(name);
  if (alg == nullptr)
    return fail(Errc::kInvalidArgument, "unknown signature algorithm \"" + std::string(name) + "\"");
  if (alg->key_type != info.type)
    return fail(Errc::kInvalidArgument, "signature algorithm " + std::string(name) +
                                            " does not match key type " + std::string(info.ssh_name));
  SSH_TRY(sig, detail::key_family(info.type).sign(*impl_, *alg, data));
  wire::Writer w;
  w.string(alg->name);
  w.string(ByteView(sig));
  return std::move(w).finish();
}

}  // namespace sshcore::keys

#include "sshcore/keys/public_key.hpp"

#include <stdexcept>
#include <string>

#include "sshcore/keys/key_family.hpp"

namespace sshcore::keys {

namespace detail {

const KeyFamily& key_family(KeyType type) {
  switch (type) {
    case KeyType::kEd25519: return kEd25519Family;
    case KeyType::kEcdsaP256:
    case KeyType::kEcdsaP384:
    case KeyType::kEcdsaP521: return kEcdsaFamily;
    case KeyType::kRsa: return kRsaFamily;
  }
  throw std::logic_error("unknown KeyType");
}

PublicKey make_public(std::shared_ptr<PublicKey::Impl> impl) {
  return PublicKey(std::shared_ptr<const PublicKey::Impl>(std::move(impl)));
}

}  // namespace detail

namespace {
// Names OpenSSH knows that we refuse on purpose, with the reason.
Result<PublicKey> unknown_key_type(std::string_view name) {
  if (name == "ssh-dss" || name == "ssh-dss-cert-v01@openssh.com")
    return fail(Errc::kKeyTypeUnsupported, "DSA keys are not supported");
  return fail(Errc::kKeyTypeUnknown, "unknown key type \"" + std::string(name.substr(0, 64)) + "\"");
}
}  // namespace

PublicKey::PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {
  if (!impl_ || impl_->info == nullptr) throw std::logic_error("PublicKey without a key");
}

Result<PublicKey> PublicKey::from_blob(ByteView blob) {
  wire::Reader r(blob);
  SSH_TRY(name, r.cstring());
  const KeyTypeInfo* info = find_key_type(name);
  if (info == nullptr) return unknown_key_type(name);
  SSH_TRY(key, detail::key_family(info->type).read_public(*info, r, blob));
  SSH_TRY_VOID(r.finish("public key blob"));
  return key;
}

KeyType PublicKey::type() const { return impl_->info->type; }
const KeyTypeInfo& PublicKey::info() const { return *impl_->info; }
unsigned PublicKey::bits() const { return impl_->bits; }
const Bytes& PublicKey::blob() const { return impl_->blob; }

Result<void> PublicKey::verify(ByteView data, ByteView signature) const {
  wire::Reader r(signature);
  SSH_TRY(alg_name, r.cstring());
  SSH_TRY(sig, r.string());
  SSH_TRY_VOID(r.finish("signature blob"));
  const SignatureAlgInfo* alg = find_signature_alg(alg_name);
  if (alg == nullptr)
    return fail(Errc::kSignatureInvalid, "unknown signature algorithm \"" + std::string(alg_name) + "\"");
  if (alg->key_type != type())
    return fail(Errc::kSignatureInvalid, "signature algorithm " + std::string(alg_name) +
                                             " does not match key type " + std::string(info().ssh_name));
  return detail::key_family(type()).verify(*impl_, *alg, data, sig);
}

}  // namespace sshcore::keys

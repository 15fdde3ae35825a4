// ecdh-sha2-nistp* (RFC 5656) and diffie-hellman-group14/16/18 (RFC 4253, 8268)
// through OpenSSL's named groups. OpenSSL draws the ephemeral keys from its own
// generator, so these methods ignore an injected RandomSource.
#include "sshcore/transport/kex_method.hpp"
#include "sshcore/transport/openssl_kex_key.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {
namespace {
class OpensslKex final : public KexMethod {
 public:
  OpensslKex(KeyGroup group, std::size_t max_value)
      : group_(std::move(group)), max_value_(max_value), dh_(group_.is_dh()) {}

  Result<Bytes> client_public() override {
    SSH_TRY(key, generate_ephemeral(group_));
    key_ = std::move(key);
    return encoded_public();
  }

  Result<KexServerReply> server_reply(ByteView client_field) override {
    SSH_TRY(peer, read_peer(client_field));
    SSH_TRY(key, generate_ephemeral(group_));
    key_ = std::move(key);
    SSH_TRY(field, encoded_public());
    SSH_TRY(k, shared_secret(peer.get()));
    return KexServerReply{std::move(field), std::move(k)};
  }

  Result<SecretBytes> client_shared_secret(ByteView server_field) override {
    if (!key_) return kex_failure("key exchange reply before our public value");
    SSH_TRY(peer, read_peer(server_field));
    return shared_secret(peer.get());
  }

 private:
  // DH values travel as mpints, EC points as strings.
  Result<EvpPkeyPtr> read_peer(ByteView field) {
    wire::Reader r(field);
    ByteView value;
    if (dh_) {
      SSH_TRY(v, r.mpint(max_value_));
      value = v;
    } else {
      SSH_TRY(v, r.string());
      if (v.size() > max_value_) return kex_failure("invalid ECDH public value length");
      value = v;
    }
    SSH_TRY_VOID(r.finish("key exchange public value"));
    return peer_public_key(group_, value);
  }

  Result<Bytes> encoded_public() {
    SSH_TRY(value, public_value(key_.get(), dh_));
    wire::Writer w;
    if (dh_) w.mpint(value);
    else w.string(value);
    return std::move(w).finish();
  }

  Result<SecretBytes> shared_secret(EVP_PKEY* peer) {
    SSH_TRY(raw, derive_shared(key_.get(), peer));
    wire::Writer w(max_value_ + 16, wire::Wipe::kYes);
    w.mpint(raw.view());
    return std::move(w).finish_secret();
  }

  KeyGroup group_;
  std::size_t max_value_;
  bool dh_;
  EvpPkeyPtr key_;
};
}  // namespace

std::unique_ptr<KexMethod> make_ecdh_kex(std::string_view curve, crypto::RandomSource) {
  if (curve == "nistp256") return std::make_unique<OpensslKex>(KeyGroup{"EC", "P-256", {}, {}}, 65);
  if (curve == "nistp384") return std::make_unique<OpensslKex>(KeyGroup{"EC", "P-384", {}, {}}, 97);
  if (curve == "nistp521") return std::make_unique<OpensslKex>(KeyGroup{"EC", "P-521", {}, {}}, 133);
  return nullptr;
}

std::unique_ptr<KexMethod> make_dh_group_kex(std::string_view group, crypto::RandomSource) {
  if (group == "group14") return std::make_unique<OpensslKex>(KeyGroup{"DH", "modp_2048", {}, {}}, 256);
  if (group == "group16") return std::make_unique<OpensslKex>(KeyGroup{"DH", "modp_4096", {}, {}}, 512);
  if (group == "group18") return std::make_unique<OpensslKex>(KeyGroup{"DH", "modp_8192", {}, {}}, 1024);
  return nullptr;
}

std::unique_ptr<KexMethod> make_dh_explicit_group_kex(ByteView p, ByteView g) {
  return std::make_unique<OpensslKex>(KeyGroup{"DH", "", to_bytes(p), to_bytes(g)}, p.size());
}

}  // namespace sshcore::transport

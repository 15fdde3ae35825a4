// curve25519-sha256 (RFC 8731).
#include "sshcore/crypto/x25519.hpp"
#include "sshcore/transport/kex_method.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {
namespace {
class X25519Kex final : public KexMethod {
 public:
  explicit X25519Kex(crypto::RandomSource random) : random_(std::move(random)) {}

  Result<Bytes> client_public() override {
    keys_ = crypto::x25519_keypair(random_);
    return as_string(keys_.public_key);
  }

  Result<KexServerReply> server_reply(ByteView client_field) override {
    SSH_TRY(peer, read_point(client_field));
    keys_ = crypto::x25519_keypair(random_);
    SSH_TRY(k, shared(peer));
    SSH_TRY(field, as_string(keys_.public_key));
    return KexServerReply{std::move(field), std::move(k)};
  }

  Result<SecretBytes> client_shared_secret(ByteView server_field) override {
    SSH_TRY(peer, read_point(server_field));
    return shared(peer);
  }

 private:
  static Result<Bytes> as_string(ByteView v) {
    wire::Writer w;
    w.string(v);
    return std::move(w).finish();
  }

  static Result<ByteView> read_point(ByteView field) {
    wire::Reader r(field);
    SSH_TRY(point, r.string());
    SSH_TRY_VOID(r.finish("X25519 public value"));
    if (point.size() != crypto::kX25519Size) return kex_failure("invalid X25519 public value length");
    return point;
  }

  // K is the X25519 output read as an unsigned big-endian integer, as an mpint (RFC 8731 section 3.1).
  Result<SecretBytes> shared(ByteView peer) {
    auto raw = crypto::x25519_shared(keys_.secret, peer);
    if (!raw) return kex_failure(raw.error().detail);
    wire::Writer w(1024, wire::Wipe::kYes);
    w.mpint(raw->view());
    return std::move(w).finish_secret();
  }

  crypto::RandomSource random_;
  crypto::X25519KeyPair keys_;
};
}  // namespace

std::unique_ptr<KexMethod> make_x25519_kex(crypto::RandomSource random) {
  return std::make_unique<X25519Kex>(std::move(random));
}

}  // namespace sshcore::transport

#include "sshcore/keys/sshsig.hpp"

#include "sshcore/keys/armor.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::keys {
namespace {

constexpr std::string_view kMagic = "SSHSIG";
constexpr std::uint32_t kVersion = 1;
constexpr std::string_view kLabel = "SSH SIGNATURE";

// The hash algorithms PROTOCOL.sshsig allows, by their wire names.
std::string_view hash_name(crypto::DigestAlg alg) {
  switch (alg) {
    case crypto::DigestAlg::kSha256: return "sha256";
    case crypto::DigestAlg::kSha512: return "sha512";
    default: return {};
  }
}

Result<crypto::DigestAlg> hash_by_name(std::string_view name) {
  if (name == "sha256") return crypto::DigestAlg::kSha256;
  if (name == "sha512") return crypto::DigestAlg::kSha512;
  return fail(Errc::kInvalidFormat, "unsupported signature hash algorithm \"" + std::string(name) + "\"");
}

Bytes signed_data(std::string_view ns, std::string_view hash, ByteView digest) {
  wire::Writer w;
  w.raw(kMagic);
  w.string(ns);
  w.string(std::string_view{});  // reserved
  w.string(hash);
  w.string(digest);
  return to_bytes(w.view());
}

}  // namespace

Result<std::string> sshsig_sign(const PrivateKey& key, std::string_view ns, ByteView message,
                                crypto::DigestAlg hash) {
  if (hash_name(hash).empty()) return fail(Errc::kInvalidArgument, "sshsig hash must be sha256 or sha512");
  return sshsig_sign_digest(key, ns, hash, crypto::digest(hash, message));
}

Result<std::string> sshsig_sign_digest(const PrivateKey& key, std::string_view ns, crypto::DigestAlg hash,
                                       ByteView message_digest) {
  std::string_view hname = hash_name(hash);
  if (hname.empty()) return fail(Errc::kInvalidArgument, "sshsig hash must be sha256 or sha512");
  if (ns.empty()) return fail(Errc::kInvalidArgument, "sshsig namespace must not be empty");
  if (message_digest.size() != crypto::digest_info(hash).size)
    return fail(Errc::kInvalidArgument, "digest length does not match the hash algorithm");
  SSH_TRY(sig, key.sign(signed_data(ns, hname, message_digest)));
  wire::Writer w;
  w.raw(kMagic);
  w.u32(kVersion);
  w.string(ByteView(key.public_key().blob()));
  w.string(ns);
  w.string(std::string_view{});
  w.string(hname);
  w.string(ByteView(sig));
  SSH_TRY(blob, std::move(w).finish());
  return detail::armor(kLabel, blob);
}

Result<Sshsig> sshsig_parse(std::string_view armored) {
  SSH_TRY(blob, detail::dearmor(armored, kLabel));
  wire::Reader r{ByteView(blob)};
  auto magic = r.raw(kMagic.size());
  if (!magic || as_chars(*magic) != kMagic) return fail(Errc::kInvalidFormat, "not an SSHSIG signature");
  SSH_TRY(version, r.u32());
  if (version != kVersion)
    return fail(Errc::kInvalidFormat, "unsupported SSHSIG version " + std::to_string(version));
  SSH_TRY(key_blob, r.string());
  SSH_TRY(ns, r.cstring());
  SSH_TRY(reserved, r.string());
  (void)reserved;  // ignored, as the spec says
  SSH_TRY(hname, r.cstring());
  SSH_TRY(signature, r.string());
  SSH_TRY_VOID(r.finish("SSHSIG signature"));
  SSH_TRY(hash, hash_by_name(hname));
  SSH_TRY(key, PublicKey::from_blob(key_blob));
  return Sshsig{std::move(key), std::string(ns), hash, to_bytes(signature)};
}

Result<void> sshsig_verify_digest(const Sshsig& sig, std::string_view ns, ByteView message_digest) {
  if (sig.ns != ns)
    return fail(Errc::kSignatureInvalid,
                "signature namespace \"" + sig.ns + "\" does not match \"" + std::string(ns) + "\"");
  wire::Reader r{ByteView(sig.signature)};
  SSH_TRY(alg, r.cstring());
  if (sig.key.type() == KeyType::kRsa && alg != "rsa-sha2-512" && alg != "rsa-sha2-256")
    return fail(Errc::kSignatureInvalid, "RSA signature algorithm \"" + std::string(alg) + "\" not allowed");
  return sig.key.verify(signed_data(ns, hash_name(sig.hash), message_digest), sig.signature);
}

Result<PublicKey> sshsig_verify(std::string_view armored, std::string_view ns, ByteView message) {
  SSH_TRY(sig, sshsig_parse(armored));
  SSH_TRY_VOID(sshsig_verify_digest(sig, ns, crypto::digest(sig.hash, message)));
  return std::move(sig.key);
}

}  // namespace sshcore::keys

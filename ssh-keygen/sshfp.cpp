// -r: SSHFP DNS resource records (RFC 4255, RFC 6594, RFC 7479) for host keys, in
// the presentation format or (-g) RFC 3597's generic one, as OpenSSH's
// export_dns_rr() prints them.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "sshcore/crypto/digest.hpp"
#include "sshcore/io/file_io.hpp"

namespace sshkeygen {

namespace io = sshcore::io;
namespace keys = sshcore::keys;
namespace crypto = sshcore::crypto;

namespace {

constexpr int kSshfpRrType = 44;  // DNS_RDATATYPE_SSHFP

// SSHFP algorithm numbers (IANA "SSHFP RR Types for public key algorithms").
struct SshfpAlgorithm {
  keys::KeyType type;
  int number;
};
constexpr SshfpAlgorithm kSshfpAlgorithms[] = {
    {keys::KeyType::kRsa, 1},       {keys::KeyType::kEcdsaP256, 3}, {keys::KeyType::kEcdsaP384, 3},
    {keys::KeyType::kEcdsaP521, 3}, {keys::KeyType::kEd25519, 4},
};

// SSHFP fingerprint types, in the order OpenSSH prints them.
struct SshfpDigest {
  int number;
  crypto::DigestAlg alg;
};
constexpr SshfpDigest kSshfpDigests[] = {{1, crypto::DigestAlg::kSha1}, {2, crypto::DigestAlg::kSha256}};

// The host keys -r reads without -f (OpenSSH's _PATH_HOST_*_KEY_FILE).
constexpr const char* kHostKeyFiles[] = {
    "/etc/ssh/ssh_host_rsa_key",     "/etc/ssh/ssh_host_dsa_key",  "/etc/ssh/ssh_host_ecdsa_key",
    "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_xmss_key",
};

void export_dns_rr(std::string_view hostname, const keys::PublicKey& key, bool generic) {
  int algorithm = 0;
  for (const auto& row : kSshfpAlgorithms)
    if (row.type == key.type()) algorithm = row.number;
  std::string out;
  for (const auto& d : kSshfpDigests) {
    sshcore::Bytes digest = crypto::digest(d.alg, key.blob());
    if (generic) {
      out += fmt::format("{} IN TYPE{} \\# {} {:02x} {:02x} ", hostname, kSshfpRrType, 2 + digest.size(),
                         algorithm, d.number);
    } else {
      out += fmt::format("{} IN SSHFP {} {} ", hostname, algorithm, d.number);
    }
    for (std::uint8_t b : digest) out += fmt::format("{:02x}", b);
    out += '\n';
  }
  fmt::print(stdout, "{}", out);
}

// do_print_resource_record(): false when the file does not exist.
bool print_resource_record(const std::string& path, std::string_view hostname, bool generic) {
  io::PathStatus st = io::stat_path(path);
  if (!st.ok()) {
    if (st.missing()) return false;
    fatal("{}: {}", path, std::strerror(st.error));
  }
  auto loaded = load_public(path);
  if (!loaded) fatal("Failed to read v2 public key from \"{}\": {}", path, ssh_err(loaded.error()));
  export_dns_rr(hostname, loaded->key, generic);
  return true;
}

}  // namespace

int do_print_resource_records(Invocation& inv) {
  const Options& o = inv.options;
  const std::string& hostname = *o.rr_hostname;
  if (o.have_identity) {
    if (!print_resource_record(o.identity_file, hostname, o.print_generic))
      fatal("{}: {}", o.identity_file, std::strerror(ENOENT));
    return 0;
  }
  int found = 0;
  for (const char* path : kHostKeyFiles)
    if (print_resource_record(path, hostname, o.print_generic)) ++found;
  if (found == 0) fatal("no keys found.");
  return 0;
}

}  // namespace sshkeygen

// Message digests (OpenSSL EVP) and HMAC, as one table of algorithms.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::crypto {

enum class DigestAlg : std::uint8_t { kMd5, kSha1, kSha256, kSha384, kSha512 };

struct DigestInfo {
  DigestAlg alg;
  std::string_view name;   // as OpenSSH prints it in fingerprints: "MD5", "SHA256"
  std::size_t size;        // output bytes
  std::size_t block_size;  // input block bytes (HMAC)
};

const DigestInfo& digest_info(DigestAlg alg);
// OpenSSH's ssh_digest_alg_by_name(): "md5", "sha1", "sha256", ... case-insensitive.
std::optional<DigestAlg> digest_by_name(std::string_view name);

Bytes digest(DigestAlg alg, ByteView data);

// Incremental digest for data that arrives in pieces (exchange hashes, files).
class Digest {
 public:
  explicit Digest(DigestAlg alg);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;
  void update(ByteView data);
  Bytes finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Bytes hmac(DigestAlg alg, ByteView key, ByteView data);

}  // namespace sshcore::crypto

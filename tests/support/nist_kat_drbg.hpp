// The deterministic random generator of NIST's post-quantum KAT programs (rng.c of
// PQCgenKAT: AES-256 CTR_DRBG without derivation function, no reseeding), so tests can
// feed a KEM the exact byte stream that produced a published .rsp file.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace sshpp::test {

class NistKatDrbg {
 public:
  static constexpr std::size_t kSeedSize = 48;

  // randombytes_init(entropy, NULL, 256).
  explicit NistKatDrbg(std::span<const std::uint8_t, kSeedSize> entropy);
  // The entropy every NIST KAT file starts from: bytes 0, 1, ..., 47.
  static NistKatDrbg with_standard_entropy();

  // randombytes(out, out.size()): each call uses fresh counter blocks, drops the unused
  // tail of the last one and then updates the state, so the request sizes matter.
  void generate(std::span<std::uint8_t> out);

 private:
  using Block = std::array<std::uint8_t, 16>;
  void increment_counter();
  Block encrypt_counter() const;
  void update(const std::array<std::uint8_t, kSeedSize>* provided);

  std::array<std::uint8_t, 32> key_{};
  Block counter_{};
};

}  // namespace sshpp::test

#include "support/nist_kat_drbg.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace sshpp::test {

NistKatDrbg::NistKatDrbg(std::span<const std::uint8_t, kSeedSize> entropy) {
  std::array<std::uint8_t, kSeedSize> seed_material;
  std::copy(entropy.begin(), entropy.end(), seed_material.begin());
  update(&seed_material);
}

NistKatDrbg NistKatDrbg::with_standard_entropy() {
  std::array<std::uint8_t, kSeedSize> entropy;
  for (std::size_t i = 0; i < entropy.size(); ++i) entropy[i] = static_cast<std::uint8_t>(i);
  return NistKatDrbg(entropy);
}

void NistKatDrbg::increment_counter() {
  for (std::size_t j = counter_.size(); j-- > 0;) {
    if (++counter_[j] != 0) break;
  }
}

NistKatDrbg::Block NistKatDrbg::encrypt_counter() const {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  Block out{};
  int len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ecb(), nullptr, key_.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, counter_.data(),
                        static_cast<int>(counter_.size())) != 1 ||
      len != static_cast<int>(out.size()))
    throw std::runtime_error("AES-256-ECB failed");
  return out;
}

void NistKatDrbg::update(const std::array<std::uint8_t, kSeedSize>* provided) {
  std::array<std::uint8_t, kSeedSize> temp;
  for (std::size_t i = 0; i < 3; ++i) {
    increment_counter();
    const Block block = encrypt_counter();
    std::copy(block.begin(), block.end(), temp.begin() + 16 * i);
  }
  if (provided != nullptr) {
    for (std::size_t i = 0; i < temp.size(); ++i) temp[i] ^= (*provided)[i];
  }
  std::copy_n(temp.begin(), key_.size(), key_.begin());
  std::copy_n(temp.begin() + key_.size(), counter_.size(), counter_.begin());
}

void NistKatDrbg::generate(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    increment_counter();
    const Block block = encrypt_counter();
    const std::size_t n = std::min(block.size(), out.size() - done);
    std::copy_n(block.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += n;
  }
  update(nullptr);
}

}  // namespace sshpp::test

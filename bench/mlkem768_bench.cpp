// ML-KEM-768, the post-quantum half of mlkem768x25519-sha256: a client pays
// keygen + decaps per key exchange, a server pays encaps. The SHA-3 rows compare
// our Keccak with OpenSSL's EVP on one long and one short hash call (see
// crypto/keccak.hpp for why ML-KEM uses its own sponge).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <array>

#include "sshcore/crypto/keccak.hpp"
#include "sshcore/crypto/mlkem768.hpp"

using namespace sshcore;

namespace {

void BM_MlKem768Keygen(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crypto::mlkem768_keygen());
}

void BM_MlKem768Encaps(benchmark::State& state) {
  auto kp = crypto::mlkem768_keygen();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::mlkem768_encaps(kp.public_key));
}

void BM_MlKem768Decaps(benchmark::State& state) {
  auto kp = crypto::mlkem768_keygen();
  auto enc = crypto::mlkem768_encaps(kp.public_key);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::mlkem768_decaps(kp.secret_key.view(), enc->ciphertext));
}

// H(ek): SHA3-256 of the 1184-byte public key.
void BM_Sha3_256_PublicKey_Ours(benchmark::State& state) {
  Bytes ek(crypto::kMlKem768PublicKeySize, 0x5a);
  std::array<std::uint8_t, 32> out;
  for (auto _ : state) {
    crypto::sha3_256(ek, out);
    benchmark::DoNotOptimize(out);
  }
}

void BM_Sha3_256_PublicKey_OpenSsl(benchmark::State& state) {
  Bytes ek(crypto::kMlKem768PublicKeySize, 0x5a);
  std::array<std::uint8_t, 32> out;
  for (auto _ : state) {
    unsigned n = 0;
    EVP_Digest(ek.data(), ek.size(), out.data(), &n, EVP_sha3_256(), nullptr);
    benchmark::DoNotOptimize(out);
  }
}

// PRF: SHAKE256 of a 33-byte seed into 128 bytes, done seven times per encryption.
void BM_Shake256_Prf_Ours(benchmark::State& state) {
  std::array<std::uint8_t, 33> seed{};
  std::array<std::uint8_t, 128> out;
  for (auto _ : state) {
    crypto::shake256(seed, out);
    benchmark::DoNotOptimize(out);
  }
}

void BM_Shake256_Prf_OpenSsl(benchmark::State& state) {
  std::array<std::uint8_t, 33> seed{};
  std::array<std::uint8_t, 128> out;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  for (auto _ : state) {
    EVP_DigestInit_ex(ctx, EVP_shake256(), nullptr);
    EVP_DigestUpdate(ctx, seed.data(), seed.size());
    EVP_DigestFinalXOF(ctx, out.data(), out.size());
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_CTX_free(ctx);
}

}  // namespace

BENCHMARK(BM_MlKem768Keygen);
BENCHMARK(BM_MlKem768Encaps);
BENCHMARK(BM_MlKem768Decaps);
BENCHMARK(BM_Sha3_256_PublicKey_Ours);
BENCHMARK(BM_Sha3_256_PublicKey_OpenSsl);
BENCHMARK(BM_Shake256_Prf_Ours);
BENCHMARK(BM_Shake256_Prf_OpenSsl);

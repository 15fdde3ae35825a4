// Signing, verification and the private-key KDF: the costs a user feels when
// ssh-keygen, ssh-add or sshd load and use keys.
#include <benchmark/benchmark.h>

#include "sshcore/crypto/bcrypt_pbkdf.hpp"
#include "sshcore/keys/private_key.hpp"

#include <map>

using namespace sshcore;

namespace {
const keys::PrivateKey& key_for(keys::KeyType type) {
  static std::map<keys::KeyType, keys::PrivateKey> cache;
  auto it = cache.find(type);
  if (it == cache.end()) it = cache.emplace(type, *keys::PrivateKey::generate(type)).first;
  return it->second;
}

void BM_Sign(benchmark::State& state, keys::KeyType type) {
  const auto& key = key_for(type);
  Bytes data(32, 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(key.sign(data));
}

void BM_Verify(benchmark::State& state, keys::KeyType type) {
  const auto& key = key_for(type);
  Bytes data(32, 0x5a);
  Bytes sig = *key.sign(data);
  for (auto _ : state) benchmark::DoNotOptimize(key.public_key().verify(data, sig));
}

void BM_BcryptPbkdf16Rounds(benchmark::State& state) {
  Bytes salt(16, 7), out(48);
  for (auto _ : state)
    benchmark::DoNotOptimize(crypto::bcrypt_pbkdf(as_bytes("correct horse"), salt, 16, out));
}
}  // namespace

BENCHMARK_CAPTURE(BM_Sign, ed25519, keys::KeyType::kEd25519);
BENCHMARK_CAPTURE(BM_Sign, ecdsa_p256, keys::KeyType::kEcdsaP256);
BENCHMARK_CAPTURE(BM_Sign, rsa_3072, keys::KeyType::kRsa);
BENCHMARK_CAPTURE(BM_Verify, ed25519, keys::KeyType::kEd25519);
BENCHMARK_CAPTURE(BM_Verify, ecdsa_p256, keys::KeyType::kEcdsaP256);
BENCHMARK_CAPTURE(BM_Verify, rsa_3072, keys::KeyType::kRsa);
BENCHMARK(BM_BcryptPbkdf16Rounds)->Unit(benchmark::kMillisecond);

// sntrup761, the post-quantum half of sntrup761x25519-sha512: a client pays keygen +
// decaps per key exchange, a server pays encaps. OpenSSH's reference code takes about
// 67 ms for the client side on the project's machines.
#include <benchmark/benchmark.h>

#include "sshcore/crypto/sntrup761.hpp"

using namespace sshcore;

namespace {

void BM_Sntrup761Keygen(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sntrup761_keygen());
}

void BM_Sntrup761Encaps(benchmark::State& state) {
  const auto pair = crypto::sntrup761_keygen();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sntrup761_encaps(pair.public_key));
}

void BM_Sntrup761Decaps(benchmark::State& state) {
  const auto pair = crypto::sntrup761_keygen();
  const auto encapsulation = crypto::sntrup761_encaps(pair.public_key);
  for (auto _ : state)
    benchmark::DoNotOptimize(
        crypto::sntrup761_decaps(pair.secret_key.view(), encapsulation->ciphertext));
}

// The client's whole share of a key exchange: a fresh key pair, then decapsulating the
// server's reply (made outside the timed region).
void BM_Sntrup761ClientSide(benchmark::State& state) {
  for (auto _ : state) {
    const auto pair = crypto::sntrup761_keygen();
    state.PauseTiming();
    const auto encapsulation = crypto::sntrup761_encaps(pair.public_key);
    state.ResumeTiming();
    benchmark::DoNotOptimize(
        crypto::sntrup761_decaps(pair.secret_key.view(), encapsulation->ciphertext));
  }
}

}  // namespace

BENCHMARK(BM_Sntrup761Keygen)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sntrup761Encaps)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sntrup761Decaps)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sntrup761ClientSide)->Unit(benchmark::kMillisecond);

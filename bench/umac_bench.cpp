// Packet MAC cost of umac-64@openssh.com and umac-128@openssh.com: one tag per
// packet, nonce = sequence number, at typical SSH packet sizes. HMAC-SHA2-256 at
// the same sizes is the yardstick (the EtM default UMAC competes with).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sshcore/crypto/digest.hpp"
#include "sshcore/crypto/umac.hpp"

using namespace sshcore;

namespace {

void BM_UmacTag(benchmark::State& state, crypto::UmacTagSize size) {
  const Bytes key(16, 0x42);
  auto umac = *crypto::Umac::create(size, key);
  const Bytes data(static_cast<std::size_t>(state.range(0)), 0x5a);
  std::vector<std::uint8_t> out(umac.tag_len());
  std::uint8_t nonce[8];
  std::uint64_t seqnr = 0;
  for (auto _ : state) {
    store_be64(nonce, seqnr++);
    umac.tag(ByteView(nonce, 8), data, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_HmacSha256(benchmark::State& state) {
  const Bytes key(32, 0x42);
  const Bytes data(static_cast<std::size_t>(state.range(0)), 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::hmac(crypto::DigestAlg::kSha256, key, data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

}  // namespace

BENCHMARK_CAPTURE(BM_UmacTag, umac64, crypto::UmacTagSize::k64)->Arg(64)->Arg(1500)->Arg(16384)->Arg(32768);
BENCHMARK_CAPTURE(BM_UmacTag, umac128, crypto::UmacTagSize::k128)->Arg(64)->Arg(1500)->Arg(16384)->Arg(32768);
BENCHMARK(BM_HmacSha256)->Arg(64)->Arg(1500)->Arg(32768);

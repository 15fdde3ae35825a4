// The packet codec's throughput on 16 KiB and 32 KiB payloads (32 KiB is a full
// CHANNEL_DATA packet at OpenSSH's default maximum), per cipher/MAC, in payload
// bytes per second: sealing (PacketEncoder), opening (PacketDecoder), and both
// in turn.
// scripts/bench.sh sets these beside `openssl speed -evp` on the same machine.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "sshcore/transport/packet_codec.hpp"

using namespace sshcore;
using namespace sshcore::transport;

namespace {

Bytes filled(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 131);
  return b;
}

std::unique_ptr<PacketProtection> protection(const char* cipher_name, const char* mac_name, PacketDirection d) {
  const CipherAlg* cipher = find_cipher(cipher_name);
  if (cipher == nullptr) return PacketProtection::none();
  const MacAlg* mac = mac_name ? find_mac(mac_name) : nullptr;
  DirectionKeys keys{SecretBytes(filled(cipher->iv_len, 1)), SecretBytes(filled(cipher->key_len, 2)),
                     SecretBytes(filled(mac ? mac->key_len : 0, 3))};
  auto p = PacketProtection::create(*cipher, mac, keys, d);
  if (!p) std::abort();
  return std::move(*p);
}

void BM_PacketEncode(benchmark::State& state, const char* cipher, const char* mac) {
  PacketEncoder enc;
  if (!enc.set_protection(protection(cipher, mac, PacketDirection::kOutbound))) std::abort();
  const std::size_t size = static_cast<std::size_t>(state.range(0));
  const Bytes payload = filled(size, 9);
  for (auto _ : state) {
    if (!enc.encode(payload)) std::abort();
    benchmark::DoNotOptimize(enc.pending_output().data());
    enc.consume_output(enc.pending_output().size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void BM_PacketDecode(benchmark::State& state, const char* cipher, const char* mac) {
  // A batch of packets sealed in advance; the decoder restarts (same keys,
  // sequence number 0) whenever it has read the whole batch.
  constexpr int kBatch = 64;
  PacketEncoder enc;
  if (!enc.set_protection(protection(cipher, mac, PacketDirection::kOutbound))) std::abort();
  const std::size_t size = static_cast<std::size_t>(state.range(0));
  const Bytes payload = filled(size, 9);
  std::vector<Bytes> wire;
  for (int i = 0; i < kBatch; ++i) {
    if (!enc.encode(payload)) std::abort();
    wire.emplace_back(enc.pending_output().begin(), enc.pending_output().end());
    enc.consume_output(enc.pending_output().size());
  }
  auto fresh_decoder = [&] {
    auto dec = std::make_unique<PacketDecoder>();
    if (!dec->set_protection(protection(cipher, mac, PacketDirection::kInbound))) std::abort();
    return dec;
  };
  auto dec = fresh_decoder();
  int next = 0;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      dec = fresh_decoder();
      next = 0;
      state.ResumeTiming();
    }
    dec->receive(wire[next++]);
    auto packet = dec->next_packet();
    if (!packet || !packet->has_value() || (*packet)->payload.size() != size) std::abort();
    benchmark::DoNotOptimize((*packet)->payload.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void BM_PacketRoundTrip(benchmark::State& state, const char* cipher, const char* mac) {
  PacketEncoder enc;
  PacketDecoder dec;
  if (!enc.set_protection(protection(cipher, mac, PacketDirection::kOutbound)) ||
      !dec.set_protection(protection(cipher, mac, PacketDirection::kInbound)))
    std::abort();
  const std::size_t size = static_cast<std::size_t>(state.range(0));
  const Bytes payload = filled(size, 9);
  for (auto _ : state) {
    if (!enc.encode(payload)) std::abort();
    dec.receive(enc.pending_output());
    enc.consume_output(enc.pending_output().size());
    auto packet = dec.next_packet();
    if (!packet || !packet->has_value()) std::abort();
    benchmark::DoNotOptimize((*packet)->payload.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

#define SSHPP_CODEC_BENCH(label, cipher, mac)                                   \
  BENCHMARK_CAPTURE(BM_PacketEncode, label, cipher, mac)->Arg(16384)->Arg(32768); \
  BENCHMARK_CAPTURE(BM_PacketDecode, label, cipher, mac)->Arg(16384)->Arg(32768); \
  BENCHMARK_CAPTURE(BM_PacketRoundTrip, label, cipher, mac)->Arg(16384)->Arg(32768)

SSHPP_CODEC_BENCH(chacha20_poly1305, "chacha20-poly1305@openssh.com", nullptr);
SSHPP_CODEC_BENCH(aes128_gcm, "aes128-gcm@openssh.com", nullptr);
SSHPP_CODEC_BENCH(aes256_gcm, "aes256-gcm@openssh.com", nullptr);
SSHPP_CODEC_BENCH(aes128_ctr_hmac_sha2_256_etm, "aes128-ctr", "hmac-sha2-256-etm@openssh.com");
SSHPP_CODEC_BENCH(aes128_ctr_umac_64_etm, "aes128-ctr", "umac-64-etm@openssh.com");
SSHPP_CODEC_BENCH(aes256_ctr_hmac_sha2_512, "aes256-ctr", "hmac-sha2-512");
SSHPP_CODEC_BENCH(aes128_cbc_hmac_sha1, "aes128-cbc", "hmac-sha1");
SSHPP_CODEC_BENCH(none, "none", nullptr);

}  // namespace

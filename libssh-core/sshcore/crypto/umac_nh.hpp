// NH, UMAC's first-layer hash (RFC 4418 section 5.2.2), over whole 32-byte blocks
// for S streams at once: the loop where UMAC spends its time. Message words are
// little-endian; key words were read big-endian when the key was loaded; stream s
// uses the key shifted by 4s words. Each block adds, per stream,
//   sum += (k0+m0)(k4+m4) + (k1+m1)(k5+m5) + (k2+m2)(k6+m6) + (k3+m3)(k7+m7)
// with the additions mod 2^32 and the sum mod 2^64.
//
// Two kernels: portable C++, and SSE2 (baseline on x86-64), which does the four
// 32x32->64 products of a stream in two PMULUDQ and runs about 2.4 times faster.
// Both are here, not in a .cpp, so the unit test can hold one against the other.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sshcore::crypto::nh {

inline constexpr std::size_t kBlockBytes = 32;

inline std::uint32_t load_le32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

// key: the NH key words from this chunk position on, at least 8 * blocks + 4 * (S - 1).
template <std::size_t S>
void blocks_portable(const std::uint32_t* key, const std::uint8_t* data, std::size_t blocks,
                     std::uint64_t* sum) {
  std::uint64_t h[S];
  for (std::size_t s = 0; s < S; ++s) h[s] = sum[s];
  for (; blocks > 0; --blocks, key += 8, data += kBlockBytes) {
    std::uint32_t d[8];
    for (std::size_t j = 0; j < 8; ++j) d[j] = load_le32(data + 4 * j);
    for (std::size_t s = 0; s < S; ++s) {
      const std::uint32_t* k = key + 4 * s;
      h[s] += std::uint64_t{k[0] + d[0]} * (k[4] + d[4]) +
              std::uint64_t{k[1] + d[1]} * (k[5] + d[5]) +
              std::uint64_t{k[2] + d[2]} * (k[6] + d[6]) +
              std::uint64_t{k[3] + d[3]} * (k[7] + d[7]);
    }
  }
  for (std::size_t s = 0; s < S; ++s) sum[s] = h[s];
}

#if defined(__SSE2__)
static_assert(std::endian::native == std::endian::little);

template <std::size_t S>
void blocks_sse2(const std::uint32_t* key, const std::uint8_t* data, std::size_t blocks,
                 std::uint64_t* sum) {
  __m128i acc[S];
  for (std::size_t s = 0; s < S; ++s) acc[s] = _mm_setzero_si128();
  for (; blocks > 0; --blocks, key += 8, data += kBlockBytes) {
    const __m128i m_lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data));       // m0..m3
    const __m128i m_hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16));  // m4..m7
    // Stream s pairs key words 4s..4s+3 with 4s+4..4s+7: each load serves two streams.
    __m128i k_lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
    for (std::size_t s = 0; s < S; ++s) {
      const __m128i k_hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key + 4 * s + 4));
      const __m128i a = _mm_add_epi32(k_lo, m_lo);
      const __m128i b = _mm_add_epi32(k_hi, m_hi);
      acc[s] = _mm_add_epi64(acc[s], _mm_mul_epu32(a, b));  // words 0 and 2
      acc[s] = _mm_add_epi64(acc[s], _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32)));
      k_lo = k_hi;
    }
  }
  for (std::size_t s = 0; s < S; ++s) {
    std::uint64_t lanes[2];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), acc[s]);
    sum[s] += lanes[0] + lanes[1];
  }
}
#endif

template <std::size_t S>
void blocks(const std::uint32_t* key, const std::uint8_t* data, std::size_t blocks,
            std::uint64_t* sum) {
#if defined(__SSE2__)
  blocks_sse2<S>(key, data, blocks, sum);
#else
  blocks_portable<S>(key, data, blocks, sum);
#endif
}

}  // namespace sshcore::crypto::nh

// Streamlined NTRU Prime sntrup761 as specified for round 3 of the NIST competition
// ("NTRU Prime: round 3", 2020), matching OpenSSH's sntrup761.c byte for byte.
//
// Constant time: every loop bound and memory index depends only on the public
// parameters; data-dependent choices are made with all-ones/zero masks; reductions use
// a multiply instead of a division; the sort behind Short is a sorting network. The one
// deliberate exception is the reference's own: key generation retries a g that is not
// invertible in R/3, which reveals only that a discarded g was unusable.
#include "sshcore/crypto/sntrup761.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "sshcore/crypto/digest.hpp"
#include "sshcore/crypto/random.hpp"
#include "sshcore/crypto/sntrup761_encoding.hpp"

namespace sshcore::crypto {
namespace {

using namespace ntru_prime;

// ----- masks: all ones or zero, computed without branches

// -1 when x != 0, else 0.
constexpr std::int32_t nonzero_mask(std::int32_t x) {
  const auto u = static_cast<std::uint32_t>(x);
  return -static_cast<std::int32_t>((u | (0u - u)) >> 31);
}

// -1 when x < 0, else 0 (C++20 defines >> of a negative value as arithmetic).
constexpr std::int32_t negative_mask(std::int32_t x) { return x >> 31; }

// ----- reduction to centred representatives, by multiplication instead of division
//
// Both are exact over their whole stated input range (checked exhaustively while
// writing them), use 32-bit arithmetic only, and so vectorise in the hot loops.

// x mod 3 as -1, 0 or 1, for |x| < 2^14: 10923/2^15 is within 2^-15 of 1/3, so the
// rounded quotient is exact while |x| stays far from where that error adds up to 1/6.
constexpr Small f3_freeze(std::int32_t x) {
  return static_cast<Small>(x - 3 * ((10923 * x + (1 << 14)) >> 15));
}

// x mod q as -kQ12..kQ12, for |x| <= 2^25 (callers stay below 2^24). A coarse quotient
// from 2^18/q brings x within a few multiples of q; the finer 2^27/q then rounds
// exactly, since x/q is never closer than 1/(2q) to a half-integer.
constexpr std::int32_t kQuotientCoarse = ((1 << 18) + kQ / 2) / kQ;
constexpr std::int32_t kQuotientFine = ((1 << 27) + kQ / 2) / kQ;
constexpr Fq fq_freeze(std::int32_t x) {
  x -= kQ * ((kQuotientCoarse * x) >> 18);
  x -= kQ * ((kQuotientFine * x + (1 << 26)) >> 27);
  return static_cast<Fq>(x);
}

// The same values by plain division, for compile-time spot checks at the edges.
constexpr std::int32_t centered_mod(std::int32_t x, std::int32_t m) {
  std::int32_t r = x % m;
  if (r > (m - 1) / 2) r -= m;
  if (r < -(m - 1) / 2) r += m;
  return r;
}
static_assert(f3_freeze((1 << 14) - 1) == centered_mod((1 << 14) - 1, 3));
static_assert(f3_freeze(-(1 << 14) + 1) == centered_mod(-(1 << 14) + 1, 3));
static_assert(f3_freeze(2) == -1 && f3_freeze(-2) == 1 && f3_freeze(3) == 0);
static_assert(fq_freeze(kQ12 + 1) == -kQ12 && fq_freeze(-kQ12 - 1) == kQ12);
static_assert(fq_freeze(1 << 25) == centered_mod(1 << 25, kQ));
static_assert(fq_freeze(-(1 << 25)) == centered_mod(-(1 << 25), kQ));

// 1/a in Z/q as a^(q-2); the exponent is public, so square-and-multiply over its bits
// takes the same steps for every a.
Fq fq_recip(Fq a) {
  std::int32_t result = 1;
  std::int32_t power = a;
  for (int e = kQ - 2; e > 0; e >>= 1) {
    if (e & 1) result = fq_freeze(result * power);
    power = fq_freeze(power * power);
  }
  return static_cast<Fq>(result);
}

template <class T>
void conditional_swap(T& a, T& b, std::int32_t mask) {
  const auto t = static_cast<T>(mask & (a ^ b));
  a = static_cast<T>(a ^ t);
  b = static_cast<T>(b ^ t);
}

// ----- arithmetic in R/3 and R/q, R = Z[x]/(x^p - x - 1)

// Schoolbook product of length 2p-1 folded back with x^p = x + 1. Sums are kept
// exact in 32 bits (at most 3p products of two coefficients, each below 2^12 in size)
// and reduced once at the end, which gives the same canonical result as reducing after
// every step.
template <class Coeff, std::size_t N>
WipedArray<std::int32_t, kP> multiply_and_fold(const WipedArray<Coeff, N>& f,
                                               const SmallPoly& g) {
  WipedArray<std::int32_t, 2 * kP - 1> product;
  for (int i = 0; i < kP; ++i) {
    const std::int32_t fi = f[i];
    for (int j = 0; j < kP; ++j) product[i + j] += fi * g[j];
  }
  for (int i = 2 * kP - 2; i >= kP; --i) {
    product[i - kP] += product[i];
    product[i - kP + 1] += product[i];
  }
  WipedArray<std::int32_t, kP> folded;
  std::copy_n(product.begin(), kP, folded.begin());
  return folded;
}

// h = f*g in R/q for small g.
FqPoly rq_mult_small(const FqPoly& f, const SmallPoly& g) {
  const auto folded = multiply_and_fold(f, g);
  FqPoly h;
  for (int i = 0; i < kP; ++i) h[i] = fq_freeze(folded[i]);
  return h;
}

// h = f*g in R/3.
SmallPoly r3_mult(const SmallPoly& f, const SmallPoly& g) {
  const auto folded = multiply_and_fold(f, g);
  SmallPoly h;
  for (int i = 0; i < kP; ++i) h[i] = f3_freeze(folded[i]);
  return h;
}

// h = 3f in R/q.
FqPoly rq_mult3(const FqPoly& f) {
  FqPoly h;
  for (int i = 0; i < kP; ++i) h[i] = fq_freeze(3 * f[i]);
  return h;
}

// The R/3 element of an R/q element's centred lift.
SmallPoly r3_from_rq(const FqPoly& r) {
  SmallPoly out;
  for (int i = 0; i < kP; ++i) out[i] = f3_freeze(r[i]);
  return out;
}

// Round: each coefficient to the nearest multiple of 3.
FqPoly round_rq(const FqPoly& a) {
  FqPoly out;
  for (int i = 0; i < kP; ++i) out[i] = static_cast<Fq>(a[i] - f3_freeze(a[i]));
  return out;
}

// 0 when r has exactly w nonzero coefficients, else -1.
std::int32_t weight_w_mask(const SmallPoly& r) {
  std::int32_t weight = 0;
  for (Small c : r) weight += c & 1;
  return nonzero_mask(weight - kW);
}

// ----- reciprocals by constant-time divsteps (Bernstein-Yang)
//
// f starts as x^p - x - 1 and g as the input, both stored reversed (index 0 holds the
// top coefficient), so that the coefficient each step eliminates sits at index 0 and
// "divide by x" is a shift. Each of the 2p-1 steps first swaps f and g when delta > 0
// and g[0] != 0, then cancels g[0] against f[0], while v and r carry the multipliers
// that relate f and g to the input. The input is invertible exactly when delta ends
// at zero, and then v, reversed and scaled by 1/f[0], is its reciprocal.

template <class T>
void multiply_by_x(WipedArray<T, kP + 1>& v) {
  std::copy_backward(v.begin(), v.end() - 1, v.end());
  v[0] = 0;
}

template <class T>
void divide_by_x(WipedArray<T, kP + 1>& g) {
  std::copy(g.begin() + 1, g.end(), g.begin());
  g[kP] = 0;
}

template <class T>
void start_divsteps(WipedArray<T, kP + 1>& f, WipedArray<T, kP + 1>& g, const SmallPoly& in) {
  f[0] = 1;
  f[kP - 1] = -1;
  f[kP] = -1;
  for (int i = 0; i < kP; ++i) g[kP - 1 - i] = in[i];
  g[kP] = 0;
}

// Swaps (f, g) and (v, r) when delta > 0 and g(0) != 0, and updates delta.
template <class T>
void divstep_swap(std::int32_t& delta, WipedArray<T, kP + 1>& f, WipedArray<T, kP + 1>& g,
                  WipedArray<T, kP + 1>& v, WipedArray<T, kP + 1>& r) {
  const std::int32_t swap = negative_mask(-delta) & nonzero_mask(g[0]);
  delta ^= swap & (delta ^ -delta);
  delta += 1;
  for (int i = 0; i <= kP; ++i) {
    conditional_swap(f[i], g[i], swap);
    conditional_swap(v[i], r[i], swap);
  }
}

// out = 1/in in R/3; returns 0, or -1 when in is not invertible.
std::int32_t r3_recip(SmallPoly& out, const SmallPoly& in) {
  WipedArray<Small, kP + 1> f, g, v, r;
  r[0] = 1;
  start_divsteps(f, g, in);
  std::int32_t delta = 1;
  for (int step = 0; step < 2 * kP - 1; ++step) {
    multiply_by_x(v);
    // In F3 f(0) is always +-1, so -g(0)*f(0) = -g(0)/f(0), whichever way the swap goes.
    const std::int32_t scale = -g[0] * f[0];
    divstep_swap(delta, f, g, v, r);
    for (int i = 0; i <= kP; ++i) {
      g[i] = f3_freeze(g[i] + scale * f[i]);
      r[i] = f3_freeze(r[i] + scale * v[i]);
    }
    divide_by_x(g);
  }
  const std::int32_t scale = f[0];
  for (int i = 0; i < kP; ++i) out[i] = static_cast<Small>(scale * v[kP - 1 - i]);
  return nonzero_mask(delta);
}

// out = 1/(3*in) in R/q; returns 0, or -1 when 3*in is not invertible (never, for a
// nonzero in: x^p - x - 1 is irreducible mod q, so R/q is a field).
std::int32_t rq_recip3(FqPoly& out, const SmallPoly& in) {
  WipedArray<Fq, kP + 1> f, g, v, r;
  r[0] = fq_recip(3);
  start_divsteps(f, g, in);
  std::int32_t delta = 1;
  for (int step = 0; step < 2 * kP - 1; ++step) {
    multiply_by_x(v);
    divstep_swap(delta, f, g, v, r);
    const std::int32_t f0 = f[0];
    const std::int32_t g0 = g[0];
    for (int i = 0; i <= kP; ++i) {
      g[i] = fq_freeze(f0 * g[i] - g0 * f[i]);
      r[i] = fq_freeze(f0 * r[i] - g0 * v[i]);
    }
    divide_by_x(g);
  }
  const std::int32_t scale = fq_recip(f[0]);
  for (int i = 0; i < kP; ++i) out[i] = fq_freeze(scale * v[kP - 1 - i]);
  return nonzero_mask(delta);
}

// ----- randomness, drawn exactly as the reference code draws it

class RandomStream {
 public:
  explicit RandomStream(const RandomSource& source) : source_(source) {}

  void fill(std::span<std::uint8_t> out) {
    if (source_) {
      source_(out);
    } else {
      random_bytes(out);
    }
  }

  // The reference's urandom32: little-endian, one 4-byte request per value. An
  // injected source sees exactly those requests, because their sizes matter to a NIST
  // KAT DRBG (it discards the rest of a block per request). For the system generator
  // grouping makes no difference, so it is asked once per polynomial's worth.
  std::uint32_t next_u32() {
    WipedArray<std::uint8_t, 4> b;
    if (source_) {
      source_(b);
    } else {
      if (pool_used_ == pool_.size()) {
        random_bytes(pool_);
        pool_used_ = 0;
      }
      std::copy_n(pool_.begin() + static_cast<std::ptrdiff_t>(pool_used_), b.size(), b.begin());
      pool_used_ += b.size();
    }
    return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) |
           (std::uint32_t{b[3]} << 24);
  }

 private:
  const RandomSource& source_;
  WipedArray<std::uint8_t, 4 * kP> pool_;
  std::size_t pool_used_ = pool_.size();
};

// Sorts ascending with a fixed sequence of compare-exchanges: Knuth's merge exchange
// (TAOCP vol. 3, 5.2.2, Algorithm M), a sorting network for any n.
void compare_exchange(std::uint32_t& a, std::uint32_t& b) {
  const std::uint64_t difference = std::uint64_t{b} - a;  // wraps when b < a
  const auto swap = static_cast<std::uint32_t>(0u - static_cast<std::uint32_t>(difference >> 63));
  const std::uint32_t t = swap & (a ^ b);
  a ^= t;
  b ^= t;
}

void sort_network(std::span<std::uint32_t> x) {
  const std::size_t n = x.size();
  if (n < 2) return;
  std::size_t top_bit = 1;
  while (top_bit * 2 < n) top_bit *= 2;
  for (std::size_t p = top_bit; p > 0; p /= 2) {
    std::size_t q = top_bit;
    std::size_t r = 0;
    std::size_t d = p;
    for (;;) {
      for (std::size_t i = 0; i + d < n; ++i) {
        if ((i & p) == r) compare_exchange(x[i], x[i + d]);
      }
      if (q == p) break;
      d = q - p;
      q /= 2;
      r = p;
    }
  }
}

// Short_fromlist: w coefficients +-1 (low bits 00 or 10) and p-w zeros (low bits 01),
// put in random order by sorting on the random high bits.
SmallPoly short_from_list(WipedArray<std::uint32_t, kP>& list) {
  for (int i = 0; i < kW; ++i) list[i] &= ~std::uint32_t{1};
  for (int i = kW; i < kP; ++i) list[i] = (list[i] & ~std::uint32_t{3}) | 1;
  sort_network(list);
  SmallPoly out;
  for (int i = 0; i < kP; ++i) out[i] = static_cast<Small>(static_cast<int>(list[i] & 3) - 1);
  return out;
}

SmallPoly short_random(RandomStream& rng) {
  WipedArray<std::uint32_t, kP> list;
  for (auto& x : list) x = rng.next_u32();
  return short_from_list(list);
}

// Each coefficient -1, 0 or 1 as floor(3u / 2^30) - 1 for 30 random bits u: within
// 2^-30 of uniform.
SmallPoly small_random(RandomStream& rng) {
  SmallPoly out;
  for (auto& c : out) {
    const std::uint32_t u = rng.next_u32() & 0x3fffffff;
    c = static_cast<Small>(static_cast<int>((u * 3) >> 30) - 1);
  }
  return out;
}

// ----- hashing: Hash_b(x) = the first 32 bytes of SHA-512(b || x)

enum HashPrefix : std::uint8_t {
  kHashSessionRejected = 0,
  kHashSession = 1,
  kHashConfirm = 2,
  kHashInputs = 3,
  kHashPublicKey = 4,
};

using HashValue = WipedArray<std::uint8_t, kHashBytes>;

HashValue hash_prefix(HashPrefix prefix, std::initializer_list<ByteView> parts) {
  Digest digest(DigestAlg::kSha512);
  const std::uint8_t b[1] = {static_cast<std::uint8_t>(prefix)};
  digest.update(b);
  for (ByteView part : parts) digest.update(part);
  Bytes full = digest.finish();
  HashValue out;
  std::copy_n(full.begin(), kHashBytes, out.begin());
  secure_wipe(full.data(), full.size());
  return out;
}

// HashSession(b, r_enc, C) = Hash_b(Hash_3(r_enc) || C).
HashValue hash_session(HashPrefix prefix, ByteView r_enc, ByteView ciphertext) {
  const HashValue inputs = hash_prefix(kHashInputs, {r_enc});
  return hash_prefix(prefix, {inputs, ciphertext});
}

// ----- Streamlined NTRU Prime KEM

// Secret key: f, 1/g in R/3, the public key, rho for implicit rejection, Hash_4(pk).
constexpr std::size_t kSkF = 0;
constexpr std::size_t kSkGinv = kSkF + kSmallBytes;
constexpr std::size_t kSkPublicKey = kSkGinv + kSmallBytes;
constexpr std::size_t kSkRho = kSkPublicKey + kRqBytes;
constexpr std::size_t kSkCache = kSkRho + kSmallBytes;
static_assert(kSkCache + kHashBytes == kSntrup761SecretKeySize);
static_assert(kRqBytes == kSntrup761PublicKeySize);
static_assert(kRoundedBytes + kHashBytes == kSntrup761CiphertextSize);
static_assert(kHashBytes == kSntrup761SharedSecretSize);

using Ciphertext = WipedArray<std::uint8_t, kSntrup761CiphertextSize>;
using InputsEncoding = WipedArray<std::uint8_t, kSmallBytes>;

// Decrypt: e = 3*f*c lifted to R/3, r = e/g; anything but weight w becomes the
// fixed (1,...,1,0,...,0) so that the re-encryption check fails uniformly.
SmallPoly decrypt(const FqPoly& c, const SmallPoly& f, const SmallPoly& ginv) {
  const SmallPoly e = r3_from_rq(rq_mult3(rq_mult_small(c, f)));
  const SmallPoly ev = r3_mult(e, ginv);
  const std::int32_t bad = weight_w_mask(ev);
  SmallPoly r;
  for (int i = 0; i < kW; ++i) r[i] = static_cast<Small>(((ev[i] ^ 1) & ~bad) ^ 1);
  for (int i = kW; i < kP; ++i) r[i] = static_cast<Small>(ev[i] & ~bad);
  return r;
}

// Hide(r, pk, cache): the ciphertext Round(h*r) with its confirmation hash
// Hash_2(Hash_3(r_enc) || Hash_4(pk)), and the encoding r_enc of r.
void hide(Ciphertext& ciphertext, InputsEncoding& r_enc, const SmallPoly& r,
          std::span<const std::uint8_t, kRqBytes> public_key, ByteView cache) {
  small_encode(r_enc, r);
  const FqPoly c = round_rq(rq_mult_small(rq_decode(public_key), r));
  rounded_encode(std::span(ciphertext).first<kRoundedBytes>(), c);
  const HashValue inputs = hash_prefix(kHashInputs, {r_enc});
  const HashValue confirm = hash_prefix(kHashConfirm, {inputs, cache});
  std::copy(confirm.begin(), confirm.end(), ciphertext.begin() + kRoundedBytes);
}

// 0 when the two ciphertexts are equal, else -1, reading every byte.
std::int32_t ciphertexts_differ_mask(ByteView a, ByteView b) {
  std::int32_t differences = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differences |= a[i] ^ b[i];
  return nonzero_mask(differences);
}

std::string size_error(std::string_view what, std::size_t got, std::size_t expected) {
  return "sntrup761 " + std::string(what) + " is " + std::to_string(got) + " bytes, expected " +
         std::to_string(expected);
}

}  // namespace

Sntrup761KeyPair sntrup761_keygen(const RandomSource& random) {
  RandomStream rng(random);
  SmallPoly g;
  SmallPoly ginv;
  do {
    g = small_random(rng);
  } while (r3_recip(ginv, g) != 0);
  const SmallPoly f = short_random(rng);
  FqPoly f3_inverse;
  rq_recip3(f3_inverse, f);  // f is nonzero, and R/q is a field
  const FqPoly h = rq_mult_small(f3_inverse, g);

  Sntrup761KeyPair pair;
  pair.public_key.resize(kSntrup761PublicKeySize);
  rq_encode(std::span(pair.public_key).first<kRqBytes>(), h);

  pair.secret_key = SecretBytes(kSntrup761SecretKeySize);
  const std::span<std::uint8_t> sk = pair.secret_key.span();
  small_encode(sk.subspan<kSkF, kSmallBytes>(), f);
  small_encode(sk.subspan<kSkGinv, kSmallBytes>(), ginv);
  std::copy(pair.public_key.begin(), pair.public_key.end(), sk.begin() + kSkPublicKey);
  rng.fill(sk.subspan<kSkRho, kSmallBytes>());
  const HashValue cache = hash_prefix(kHashPublicKey, {pair.public_key});
  std::copy(cache.begin(), cache.end(), sk.begin() + kSkCache);
  return pair;
}

Result<Sntrup761Encapsulation> sntrup761_encaps(ByteView public_key, const RandomSource& random) {
  if (public_key.size() != kSntrup761PublicKeySize)
    return fail(Errc::kInvalidArgument,
                size_error("public key", public_key.size(), kSntrup761PublicKeySize));
  RandomStream rng(random);
  const HashValue cache = hash_prefix(kHashPublicKey, {public_key});
  const SmallPoly r = short_random(rng);
  Ciphertext ciphertext;
  InputsEncoding r_enc;
  hide(ciphertext, r_enc, r, public_key.first<kRqBytes>(), cache);
  const HashValue key = hash_session(kHashSession, r_enc, ciphertext);
  return Sntrup761Encapsulation{Bytes(ciphertext.begin(), ciphertext.end()), SecretBytes(key)};
}

Result<SecretBytes> sntrup761_decaps(ByteView secret_key, ByteView ciphertext) {
  if (secret_key.size() != kSntrup761SecretKeySize)
    return fail(Errc::kInvalidArgument,
                size_error("secret key", secret_key.size(), kSntrup761SecretKeySize));
  if (ciphertext.size() != kSntrup761CiphertextSize)
    return fail(Errc::kInvalidArgument,
                size_error("ciphertext", ciphertext.size(), kSntrup761CiphertextSize));
  const auto sk = secret_key.first<kSntrup761SecretKeySize>();
  const SmallPoly f = small_decode(sk.subspan<kSkF, kSmallBytes>());
  const SmallPoly ginv = small_decode(sk.subspan<kSkGinv, kSmallBytes>());
  const auto public_key = sk.subspan<kSkPublicKey, kRqBytes>();
  const auto rho = sk.subspan<kSkRho, kSmallBytes>();
  const auto cache = sk.subspan<kSkCache, kHashBytes>();

  const SmallPoly r = decrypt(rounded_decode(ciphertext.first<kRoundedBytes>()), f, ginv);
  Ciphertext reencrypted;
  InputsEncoding r_enc;
  hide(reencrypted, r_enc, r, public_key, cache);

  // Implicit rejection: on a mismatch the session hash takes rho instead of r_enc and
  // prefix 0 instead of 1, chosen by mask so that timing does not tell which.
  const std::int32_t differ = ciphertexts_differ_mask(ciphertext, reencrypted);
  for (std::size_t i = 0; i < kSmallBytes; ++i)
    r_enc[i] = static_cast<std::uint8_t>(r_enc[i] ^ (differ & (r_enc[i] ^ rho[i])));
  const auto prefix = static_cast<HashPrefix>(kHashSession + differ);
  const HashValue key = hash_session(prefix, r_enc, ciphertext);
  return SecretBytes(key);
}

}  // namespace sshcore::crypto

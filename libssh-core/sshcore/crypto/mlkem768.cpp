#include "sshcore/crypto/mlkem768.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>

#include "sshcore/crypto/keccak.hpp"
#include "sshcore/crypto/mlkem_poly.hpp"
#include "sshcore/crypto/random.hpp"

namespace sshcore::crypto {
namespace {

using mlkem::Poly;
using mlkem::kPolyBytes;

constexpr std::size_t kK = 3;                                 // module rank of ML-KEM-768
constexpr int kDu = 10, kDv = 4;                              // ciphertext compression
constexpr std::size_t kVecBytes = kK * kPolyBytes;            // 1152: t_hat or s_hat
constexpr std::size_t kUBytes = kK * 32 * kDu;                // 960
constexpr std::size_t kSeedBytes = 32;
static_assert(kMlKem768PublicKeySize == kVecBytes + kSeedBytes);
static_assert(kMlKem768CiphertextSize == kUBytes + 32 * kDv);
static_assert(kMlKem768SecretKeySize == kVecBytes + kMlKem768PublicKeySize + 2 * kSeedBytes);

using PolyVec = std::array<Poly, kK>;
using Matrix = std::array<PolyVec, kK>;
using Seed = std::array<std::uint8_t, kSeedBytes>;
using SeedView = std::span<const std::uint8_t, kSeedBytes>;

// A value on the stack that is wiped when it goes out of scope: noise polynomials,
// seeds, messages and key halves all pass through these.
template <class T>
struct Wiped {
  T v{};
  Wiped() = default;
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() { secure_wipe(&v, sizeof v); }
};

// Hides a value from the optimiser so that mask arithmetic on it is not turned
// back into a branch.
std::uint8_t value_barrier(std::uint8_t x) {
  __asm__ __volatile__("" : "+r"(x));
  return x;
}

// 0xff when a == b, else 0, without a data-dependent branch.
std::uint8_t equal_mask(ByteView a, ByteView b) {
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
  std::uint32_t d = value_barrier(diff);
  return static_cast<std::uint8_t>((d - 1) >> 8);
}

// A_hat of FIPS 203 (Algorithm 13 line 4): entry (i, j) is SampleNTT(rho || j || i).
// Encryption needs its transpose, entry (i, j) = SampleNTT(rho || i || j).
void expand_matrix(Matrix& a, SeedView rho, bool transposed) {
  for (std::uint8_t i = 0; i < kK; ++i)
    for (std::uint8_t j = 0; j < kK; ++j)
      transposed ? mlkem::sample_ntt(a[i][j], rho, i, j) : mlkem::sample_ntt(a[i][j], rho, j, i);
}

// SamplePolyCBD_2(PRF_2(seed, nonce)).
void sample_noise(Poly& p, SeedView seed, std::uint8_t nonce) {
  Wiped<std::array<std::uint8_t, 128>> prf;
  Keccak::shake256().absorb(seed).absorb(ByteView(&nonce, 1)).squeeze(prf.v);
  mlkem::sample_cbd2(p, prf.v);
}

// r = sum_k a[k] (*) b[k], reduced; still carries the 2^-16 of basemul.
void inner_product(Poly& r, const PolyVec& a, const PolyVec& b) {
  mlkem::basemul(r, a[0], b[0]);
  for (std::size_t k = 1; k < kK; ++k) mlkem::basemul_accumulate(r, a[k], b[k]);
  mlkem::poly_reduce(r);
}

void encode_vec(std::span<std::uint8_t> out, const PolyVec& v) {
  for (std::size_t i = 0; i < kK; ++i)
    mlkem::encode12(out.subspan(i * kPolyBytes).first<kPolyBytes>(), v[i]);
}

void decode_vec(PolyVec& v, ByteView in) {
  for (std::size_t i = 0; i < kK; ++i) mlkem::decode12(v[i], in.subspan(i * kPolyBytes).first<kPolyBytes>());
}

// K-PKE.KeyGen (FIPS 203 Algorithm 13) fused with ML-KEM.KeyGen_internal (Algorithm 16).
void keygen_internal(std::span<std::uint8_t, kMlKem768PublicKeySize> ek,
                     std::span<std::uint8_t, kMlKem768SecretKeySize> dk, SeedView d, SeedView z) {
  Wiped<std::array<std::uint8_t, 64>> rho_sigma;  // G(d || k)
  const std::uint8_t rank = kK;
  Keccak::sha3_512().absorb(d).absorb(ByteView(&rank, 1)).squeeze(rho_sigma.v);
  SeedView rho = std::span(rho_sigma.v).first<kSeedBytes>();
  SeedView sigma = std::span(rho_sigma.v).last<kSeedBytes>();

  Matrix a;
  expand_matrix(a, rho, false);
  Wiped<PolyVec> s, e;
  std::uint8_t nonce = 0;
  for (auto& p : s.v) sample_noise(p, sigma, nonce++);
  for (auto& p : e.v) sample_noise(p, sigma, nonce++);
  for (auto& p : s.v) mlkem::ntt(p);
  for (auto& p : e.v) mlkem::ntt(p);

  PolyVec t;  // t_hat = A_hat s_hat + e_hat: public
  for (std::size_t i = 0; i < kK; ++i) {
    inner_product(t[i], a[i], s.v);
    mlkem::poly_to_montgomery(t[i]);  // cancel basemul's 2^-16
    mlkem::poly_add(t[i], e.v[i]);
    mlkem::poly_reduce(t[i]);
  }

  encode_vec(ek.first<kVecBytes>(), t);
  std::copy(rho.begin(), rho.end(), ek.begin() + kVecBytes);

  auto out = dk.begin();
  encode_vec(dk.first<kVecBytes>(), s.v);
  out = std::copy(ek.begin(), ek.end(), out + kVecBytes);
  sha3_256(ek, std::span<std::uint8_t, 32>(out, 32));
  std::copy(z.begin(), z.end(), out + 32);
}

// K-PKE.Encrypt (FIPS 203 Algorithm 14). ek has passed the modulus check, or came
// from a secret key whose hash check passed.
void encrypt(std::span<std::uint8_t, kMlKem768CiphertextSize> c, ByteView ek,
             std::span<const std::uint8_t, 32> m, SeedView r) {
  PolyVec t;
  decode_vec(t, ek.first(kVecBytes));
  Matrix at;
  expand_matrix(at, ek.subspan(kVecBytes).first<kSeedBytes>(), true);

  Wiped<PolyVec> y, e1;
  Wiped<Poly> e2, mu;
  std::uint8_t nonce = 0;
  for (auto& p : y.v) sample_noise(p, r, nonce++);
  for (auto& p : e1.v) sample_noise(p, r, nonce++);
  sample_noise(e2.v, r, nonce);
  for (auto& p : y.v) mlkem::ntt(p);

  Wiped<PolyVec> u;
  for (std::size_t i = 0; i < kK; ++i) {
    inner_product(u.v[i], at[i], y.v);
    mlkem::invntt_to_montgomery(u.v[i]);
    mlkem::poly_add(u.v[i], e1.v[i]);
    mlkem::poly_reduce(u.v[i]);
    mlkem::compress_encode(c.subspan(i * 32 * kDu, 32 * kDu), u.v[i], kDu);
  }

  Wiped<Poly> v;
  inner_product(v.v, t, y.v);
  mlkem::invntt_to_montgomery(v.v);
  mlkem::poly_from_message(mu.v, m);
  mlkem::poly_add(v.v, e2.v);
  mlkem::poly_add(v.v, mu.v);
  mlkem::poly_reduce(v.v);
  mlkem::compress_encode(c.subspan(kUBytes), v.v, kDv);
}

// K-PKE.Decrypt (FIPS 203 Algorithm 15).
void decrypt(std::span<std::uint8_t, 32> m, ByteView dk_pke, ByteView c) {
  PolyVec u;
  for (std::size_t i = 0; i < kK; ++i) {
    mlkem::decode_decompress(u[i], c.subspan(i * 32 * kDu, 32 * kDu), kDu);
    mlkem::ntt(u[i]);
  }
  Wiped<Poly> v, w;
  mlkem::decode_decompress(v.v, c.subspan(kUBytes), kDv);
  Wiped<PolyVec> s;
  decode_vec(s.v, dk_pke);
  inner_product(w.v, s.v, u);
  mlkem::invntt_to_montgomery(w.v);
  mlkem::poly_sub(v.v, w.v);
  mlkem::poly_reduce(v.v);
  mlkem::poly_to_message(m, v.v);
}

Result<void> check_public_key(ByteView ek) {
  if (ek.size() != kMlKem768PublicKeySize)
    return fail(Errc::kInvalidFormat, "ML-KEM-768 public key is not 1184 bytes");
  if (!mlkem::coefficients_below_q(ek.first(kVecBytes)))
    return fail(Errc::kKeyInvalid, "ML-KEM-768 public key has a coefficient not below q");
  return {};
}

// ML-KEM.Encaps_internal (FIPS 203 Algorithm 17).
MlKem768Encapsulation encaps_internal(ByteView ek, std::span<const std::uint8_t, 32> m) {
  std::array<std::uint8_t, 32> h;
  sha3_256(ek, h);
  Wiped<std::array<std::uint8_t, 64>> k_r;  // (K, r) = G(m || H(ek))
  Keccak::sha3_512().absorb(m).absorb(h).squeeze(k_r.v);

  MlKem768Encapsulation out{Bytes(kMlKem768CiphertextSize), SecretBytes(kMlKem768SharedSecretSize)};
  encrypt(std::span<std::uint8_t, kMlKem768CiphertextSize>(out.ciphertext), ek, m,
          std::span(k_r.v).last<kSeedBytes>());
  std::copy_n(k_r.v.begin(), kMlKem768SharedSecretSize, out.shared_secret.data());
  return out;
}

}  // namespace

MlKem768KeyPair mlkem768_keygen_derand(ByteView d32, ByteView z32) {
  if (d32.size() != kSeedBytes || z32.size() != kSeedBytes)
    throw std::invalid_argument("mlkem768_keygen_derand: d and z must be 32 bytes");
  MlKem768KeyPair kp{Bytes(kMlKem768PublicKeySize), SecretBytes(kMlKem768SecretKeySize)};
  keygen_internal(std::span<std::uint8_t, kMlKem768PublicKeySize>(kp.public_key),
                  std::span<std::uint8_t, kMlKem768SecretKeySize>(kp.secret_key.data(), kMlKem768SecretKeySize),
                  d32.first<kSeedBytes>(), z32.first<kSeedBytes>());
  return kp;
}

MlKem768KeyPair mlkem768_keygen() {
  Wiped<std::array<std::uint8_t, 2 * kSeedBytes>> d_z;
  random_bytes(d_z.v);
  return mlkem768_keygen_derand(std::span(d_z.v).first<kSeedBytes>(), std::span(d_z.v).last<kSeedBytes>());
}

Result<MlKem768Encapsulation> mlkem768_encaps_derand(ByteView public_key, ByteView m32) {
  if (m32.size() != kSeedBytes) return fail(Errc::kInvalidArgument, "ML-KEM-768 message is not 32 bytes");
  SSH_TRY_VOID(check_public_key(public_key));
  return encaps_internal(public_key, m32.first<kSeedBytes>());
}

Result<MlKem768Encapsulation> mlkem768_encaps(ByteView public_key) {
  SSH_TRY_VOID(check_public_key(public_key));
  Wiped<std::array<std::uint8_t, 32>> m;
  random_bytes(m.v);
  return encaps_internal(public_key, m.v);
}

// ML-KEM.Decaps with its input checks (FIPS 203 Algorithms 18 and 21, section 7.3).
Result<SecretBytes> mlkem768_decaps(ByteView secret_key, ByteView ciphertext) {
  if (ciphertext.size() != kMlKem768CiphertextSize)
    return fail(Errc::kInvalidFormat, "ML-KEM-768 ciphertext is not 1088 bytes");
  if (secret_key.size() != kMlKem768SecretKeySize)
    return fail(Errc::kInvalidFormat, "ML-KEM-768 secret key is not 2400 bytes");
  ByteView dk_pke = secret_key.first(kVecBytes);
  ByteView ek = secret_key.subspan(kVecBytes, kMlKem768PublicKeySize);
  ByteView h = secret_key.subspan(kVecBytes + kMlKem768PublicKeySize, 32);
  SeedView z = secret_key.last<kSeedBytes>();
  std::array<std::uint8_t, 32> ek_hash;
  sha3_256(ek, ek_hash);
  if (!constant_time_equal(ek_hash, h))
    return fail(Errc::kKeyInvalid, "ML-KEM-768 secret key fails its hash check");

  Wiped<std::array<std::uint8_t, 32>> m;
  decrypt(m.v, dk_pke, ciphertext);
  Wiped<std::array<std::uint8_t, 64>> k_r;  // (K', r') = G(m' || h)
  Keccak::sha3_512().absorb(m.v).absorb(h).squeeze(k_r.v);
  Wiped<std::array<std::uint8_t, 32>> rejection;  // K_bar = J(z || c)
  Keccak::shake256().absorb(z).absorb(ciphertext).squeeze(rejection.v);
  std::array<std::uint8_t, kMlKem768CiphertextSize> again;  // c' = K-PKE.Encrypt(ek, m', r')
  encrypt(again, ek, m.v, std::span(k_r.v).last<kSeedBytes>());

  // Take K' when c' == c and K_bar otherwise, selecting with a mask, not a branch.
  const std::uint8_t keep = equal_mask(ciphertext, again);
  SecretBytes shared(kMlKem768SharedSecretSize);
  for (std::size_t i = 0; i < kMlKem768SharedSecretSize; ++i)
    shared[i] = static_cast<std::uint8_t>(rejection.v[i] ^ (keep & (k_r.v[i] ^ rejection.v[i])));
  secure_wipe(again.data(), again.size());
  return shared;
}

}  // namespace sshcore::crypto

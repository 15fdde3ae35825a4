#include "sshcore/crypto/sntrup761_encoding.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace sshcore::crypto::ntru_prime {
namespace {

// The specification's Encode emits a byte whenever a merged radix reaches 2^14.
constexpr std::uint32_t kRadixLimit = 16384;

// Scratch vectors of Encode/Decode hold values computed from the decrypted plaintext
// during decapsulation, so they are wiped like every other temporary.
template <class T>
class WipedVector : public std::vector<T> {
 public:
  WipedVector() = default;
  WipedVector(const WipedVector&) = delete;
  WipedVector& operator=(const WipedVector&) = delete;
  ~WipedVector() { secure_wipe(this->data(), sizeof(T) * this->capacity()); }
};

// Encode(R, M): neighbouring values r0 < m0 and r1 < m1 merge into r0 + m0*r1 below
// m0*m1; the low bytes of each merged value go out while its radix stays at least 2^14,
// and the recursion continues on the (half as many) remainders and reduced radices.
// The emitted byte count depends only on M, never on R.
void encode_level(Bytes& out, std::span<const std::uint16_t> values,
                  std::span<const std::uint16_t> moduli) {
  const std::size_t n = values.size();
  if (n == 1) {
    std::uint32_t r = values[0];
    for (std::uint32_t m = moduli[0]; m > 1; m = (m + 255) >> 8) {
      out.push_back(static_cast<std::uint8_t>(r));
      r >>= 8;
    }
    return;
  }
  WipedVector<std::uint16_t> merged_values;
  WipedVector<std::uint16_t> merged_moduli;
  merged_values.reserve((n + 1) / 2);
  merged_moduli.reserve((n + 1) / 2);
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    const std::uint32_t m0 = moduli[i];
    std::uint32_t r = values[i] + values[i + 1] * m0;
    std::uint32_t m = moduli[i + 1] * m0;
    while (m >= kRadixLimit) {
      out.push_back(static_cast<std::uint8_t>(r));
      r >>= 8;
      m = (m + 255) >> 8;
    }
    merged_values.push_back(static_cast<std::uint16_t>(r));
    merged_moduli.push_back(static_cast<std::uint16_t>(m));
  }
  if (n % 2 == 1) {
    merged_values.push_back(values[n - 1]);
    merged_moduli.push_back(moduli[n - 1]);
  }
  encode_level(out, merged_values, merged_moduli);
}

// Reads the bytes Encode wrote, in order. Running past the end would mean the byte
// counts of Encode and Decode disagree: a broken invariant, not bad input.
class ByteCursor {
 public:
  explicit ByteCursor(ByteView in) : in_(in) {}
  std::uint32_t next() {
    if (pos_ >= in_.size()) throw std::logic_error("sntrup761 Decode ran past its input");
    return in_[pos_++];
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
};

// Decode(S, M), the inverse of encode_level. Every output is reduced below its modulus
// even when S is not something Encode produces (a forged public key or ciphertext).
// Division by the public moduli of public inputs needs no constant-time care.
void decode_level(std::span<std::uint16_t> out, ByteCursor& in,
                  std::span<const std::uint16_t> moduli) {
  const std::size_t n = moduli.size();
  if (n == 1) {
    const std::uint32_t m = moduli[0];
    if (m == 1) {
      out[0] = 0;
    } else if (m <= 256) {
      out[0] = static_cast<std::uint16_t>(in.next() % m);
    } else {
      std::uint32_t v = in.next();
      v |= in.next() << 8;
      out[0] = static_cast<std::uint16_t>(v % m);
    }
    return;
  }
  const std::size_t pairs = n / 2;
  WipedVector<std::uint32_t> bottom_values;  // the bytes Encode emitted for each pair
  WipedVector<std::uint32_t> bottom_radix;   // 2^(8 * how many bytes it emitted)
  WipedVector<std::uint16_t> merged_moduli;
  bottom_values.reserve(pairs);
  bottom_radix.reserve(pairs);
  merged_moduli.reserve(pairs + 1);
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    const std::uint32_t m = std::uint32_t{moduli[i]} * moduli[i + 1];
    if (m > 256 * (kRadixLimit - 1)) {
      std::uint32_t v = in.next();
      v |= in.next() << 8;
      bottom_values.push_back(v);
      bottom_radix.push_back(65536);
      merged_moduli.push_back(static_cast<std::uint16_t>((((m + 255) >> 8) + 255) >> 8));
    } else if (m >= kRadixLimit) {
      bottom_values.push_back(in.next());
      bottom_radix.push_back(256);
      merged_moduli.push_back(static_cast<std::uint16_t>((m + 255) >> 8));
    } else {
      bottom_values.push_back(0);
      bottom_radix.push_back(1);
      merged_moduli.push_back(static_cast<std::uint16_t>(m));
    }
  }
  if (n % 2 == 1) merged_moduli.push_back(moduli[n - 1]);

  WipedVector<std::uint16_t> merged;
  merged.resize(merged_moduli.size());
  decode_level(merged, in, merged_moduli);

  for (std::size_t k = 0; k < pairs; ++k) {
    const std::uint32_t m0 = moduli[2 * k];
    const std::uint32_t m1 = moduli[2 * k + 1];
    const std::uint32_t r = bottom_values[k] + bottom_radix[k] * merged[k];
    out[2 * k] = static_cast<std::uint16_t>(r % m0);
    out[2 * k + 1] = static_cast<std::uint16_t>((r / m0) % m1);
  }
  if (n % 2 == 1) out[n - 1] = merged[pairs];
}

}  // namespace

void encode_uniform(std::span<std::uint8_t> out, std::span<const std::uint16_t, kP> values,
                    std::uint16_t m) {
  const std::array<std::uint16_t, kP> moduli = [m] {
    std::array<std::uint16_t, kP> a;
    a.fill(m);
    return a;
  }();
  Bytes encoded;
  encoded.reserve(out.size());
  encode_level(encoded, values, moduli);
  if (encoded.size() != out.size())
    throw std::logic_error("sntrup761 Encode produced an unexpected length");
  std::copy(encoded.begin(), encoded.end(), out.begin());
  secure_wipe(encoded.data(), encoded.size());
}

void decode_uniform(std::span<std::uint16_t, kP> values, ByteView in, std::uint16_t m) {
  std::array<std::uint16_t, kP> moduli;
  moduli.fill(m);
  ByteCursor cursor(in);
  decode_level(values, cursor, moduli);
  if (!cursor.at_end()) throw std::logic_error("sntrup761 Decode left input unread");
}

void rq_encode(std::span<std::uint8_t, kRqBytes> out, const FqPoly& r) {
  WipedArray<std::uint16_t, kP> values;
  for (int i = 0; i < kP; ++i) values[i] = static_cast<std::uint16_t>(r[i] + kQ12);
  encode_uniform(out, values, kQ);
}

FqPoly rq_decode(std::span<const std::uint8_t, kRqBytes> in) {
  WipedArray<std::uint16_t, kP> values;
  decode_uniform(values, in, kQ);
  FqPoly r;
  for (int i = 0; i < kP; ++i) r[i] = static_cast<Fq>(values[i] - kQ12);
  return r;
}

// A rounded coefficient c is a multiple of 3 in -kQ12..kQ12, sent as (c + kQ12) / 3;
// 10923 / 2^15 is 1/3 closely enough to divide these exact multiples without a
// (variable-time) division.
void rounded_encode(std::span<std::uint8_t, kRoundedBytes> out, const FqPoly& r) {
  WipedArray<std::uint16_t, kP> values;
  for (int i = 0; i < kP; ++i)
    values[i] = static_cast<std::uint16_t>(((r[i] + kQ12) * 10923) >> 15);
  encode_uniform(out, values, (kQ + 2) / 3);
}

FqPoly rounded_decode(std::span<const std::uint8_t, kRoundedBytes> in) {
  WipedArray<std::uint16_t, kP> values;
  decode_uniform(values, in, (kQ + 2) / 3);
  FqPoly r;
  for (int i = 0; i < kP; ++i) r[i] = static_cast<Fq>(values[i] * 3 - kQ12);
  return r;
}

void small_encode(std::span<std::uint8_t, kSmallBytes> out, const SmallPoly& f) {
  for (std::size_t b = 0; b < kP / 4; ++b) {
    int x = 0;
    for (int k = 0; k < 4; ++k) x += (f[4 * b + k] + 1) << (2 * k);
    out[b] = static_cast<std::uint8_t>(x);
  }
  out[kP / 4] = static_cast<std::uint8_t>(f[kP - 1] + 1);
}

SmallPoly small_decode(std::span<const std::uint8_t, kSmallBytes> in) {
  SmallPoly f;
  for (std::size_t b = 0; b < kP / 4; ++b) {
    for (int k = 0; k < 4; ++k) f[4 * b + k] = static_cast<Small>(((in[b] >> (2 * k)) & 3) - 1);
  }
  f[kP - 1] = static_cast<Small>((in[kP / 4] & 3) - 1);
  return f;
}

}  // namespace sshcore::crypto::ntru_prime

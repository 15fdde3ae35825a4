// Bubble Babble (Antti Huima's encoding of a digest as pronounceable words), as OpenSSH's
// ssh-keygen -B prints it: "x" + five-letter groups joined by '-' + "x".
#include "sshcore/keys/fingerprint.hpp"

namespace sshcore::keys {
namespace {
constexpr char kVowels[] = "aeiouy";
constexpr char kConsonants[] = "bcdfghklmnprstvzx";  // index 16 ('x') only closes an even tail
}  // namespace

std::string bubblebabble_of_digest(ByteView d) {
  const std::size_t rounds = d.size() / 2 + 1;
  std::string out = "x";
  unsigned seed = 1;
  for (std::size_t i = 0; i < rounds; ++i) {
    const bool last = i + 1 == rounds;
    if (!last || d.size() % 2 != 0) {
      // Each byte pair gives vowel-consonant-vowel from the first byte (its top and bottom
      // two bits mixed with a running checksum) and consonant-'-'-consonant from the second.
      const unsigned b0 = d[2 * i];
      out += kVowels[(((b0 >> 6) & 3) + seed) % 6];
      out += kConsonants[(b0 >> 2) & 15];
      out += kVowels[((b0 & 3) + seed / 6) % 6];
      if (!last) {
        const unsigned b1 = d[2 * i + 1];
        out += kConsonants[(b1 >> 4) & 15];
        out += '-';
        out += kConsonants[b1 & 15];
        seed = (seed * 5 + b0 * 7 + b1) % 36;
      }
    } else {
      out += kVowels[seed % 6];
      out += kConsonants[16];
      out += kVowels[seed / 6];
    }
  }
  out += 'x';
  return out;
}

std::string bubblebabble_of_blob(ByteView blob) {
  return bubblebabble_of_digest(crypto::digest(crypto::DigestAlg::kSha1, blob));
}

std::string bubblebabble(const PublicKey& key) { return bubblebabble_of_blob(key.blob()); }

}  // namespace sshcore::keys

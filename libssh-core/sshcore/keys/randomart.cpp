// The randomart box of ssh-keygen -lv (OpenSSH's fingerprint_randomart, after Perrig and
// Song's "hash visualization"): a bishop starts in the middle of a 17x9 board and moves
// diagonally by each 2-bit group of the digest, lowest bits first; walls stop it; every
// visit bumps the square one step along " .o+=*BOX@%&#/^", and the start and end squares
// show 'S' and 'E'.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "sshcore/keys/fingerprint.hpp"

namespace sshcore::keys {
namespace {

constexpr int kFieldBase = 8;
constexpr int kWidth = kFieldBase * 2 + 1;  // odd, so the start is the exact middle
constexpr int kHeight = kFieldBase + 1;
constexpr std::string_view kSymbols = " .o+=*BOX@%&#/^SE";
constexpr int kStart = static_cast<int>(kSymbols.size()) - 2;  // 'S'
constexpr int kEnd = static_cast<int>(kSymbols.size()) - 1;    // 'E'
constexpr int kMaxVisits = kStart - 1;                          // '^', the last visit symbol

// A label in a border holds at most kWidth - 1 characters (OpenSSH's snprintf into a
// kWidth-byte buffer).
std::string fit_label(std::string label) {
  if (label.size() > kWidth - 1) label.resize(kWidth - 1);
  return label;
}

std::string border(std::string_view label) {
  std::string line = "+";
  std::size_t left = (kWidth - label.size()) / 2;
  line.append(left, '-');
  line += label;
  line.append(kWidth - left - label.size(), '-');
  line += '+';
  return line;
}

}  // namespace

std::string randomart_of_digest(ByteView digest, std::string_view alg_name,
                                std::string_view short_type, unsigned bits) {
  std::array<std::array<int, kHeight>, kWidth> field{};
  int x = kWidth / 2, y = kHeight / 2;
  for (std::uint8_t byte : digest) {
    unsigned input = byte;
    for (int step = 0; step < 4; ++step) {
      x = std::clamp(x + ((input & 1) ? 1 : -1), 0, kWidth - 1);
      y = std::clamp(y + ((input & 2) ? 1 : -1), 0, kHeight - 1);
      if (field[x][y] < kMaxVisits) ++field[x][y];
      input >>= 2;
    }
  }
  field[kWidth / 2][kHeight / 2] = kStart;
  field[x][y] = kEnd;

  // "[TYPE BITS]" when it fits the border (with one character to spare for OpenSSH's NUL);
  // otherwise just "[TYPE]", which keeps "[ED25519-CERT]" readable.
  std::string title = fmt::format("[{} {}]", short_type, bits);
  if (title.size() > kWidth) title = fmt::format("[{}]", short_type);
  title = fit_label(std::move(title));
  std::string footer = fit_label(fmt::format("[{}]", alg_name));

  std::string out = border(title);
  for (int row = 0; row < kHeight; ++row) {
    out += "\n|";
    for (int col = 0; col < kWidth; ++col) out += kSymbols[static_cast<std::size_t>(field[col][row])];
    out += '|';
  }
  out += '\n';
  out += border(footer);
  return out;
}

std::string randomart_of_blob(ByteView blob, std::string_view short_type, unsigned bits,
                              crypto::DigestAlg alg) {
  return randomart_of_digest(crypto::digest(alg, blob), crypto::digest_info(alg).name, short_type,
                             bits);
}

std::string randomart(const PublicKey& key, crypto::DigestAlg alg) {
  return randomart_of_blob(key.blob(), key.info().short_name, key.bits(), alg);
}

}  // namespace sshcore::keys

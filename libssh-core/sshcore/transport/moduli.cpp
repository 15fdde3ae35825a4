#include "sshcore/transport/moduli.hpp"

#include <charconv>

#include "sshcore/base/encoding.hpp"
#include "sshcore/transport/openssl_kex_key.hpp"

namespace sshcore::transport {
namespace {
constexpr unsigned kModuliTypeSafe = 2;
constexpr unsigned kModuliTestsComposite = 0x01;

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool number(std::string_view s, unsigned long& v, unsigned long max) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && v <= max;
}

unsigned bit_length(const Bytes& magnitude) {
  std::size_t i = 0;
  while (i < magnitude.size() && magnitude[i] == 0) ++i;
  if (i == magnitude.size()) return 0;
  unsigned bits = static_cast<unsigned>((magnitude.size() - i - 1) * 8);
  for (std::uint8_t top = magnitude[i]; top != 0; top >>= 1) ++bits;
  return bits;
}

Result<Bytes> hex_magnitude(std::string_view hex) {
  std::string even(hex.size() % 2 ? "0" : "");
  even += hex;
  return hex_decode(even);
}

// One moduli line, or the reason it is skipped (empty string for comments/blank lines).
Result<DhGroup> parse_line(std::string_view line, std::size_t n) {
  auto f = fields_of(line);
  auto skip = [n](const std::string& why) { return fail(Errc::kInvalidFormat, "moduli:" + std::to_string(n) + ": " + why); };
  if (f.size() != 7) return skip("invalid line");
  unsigned long type = 0, tests = 0, tries = 0, size = 0;
  if (!number(f[1], type, 5) || type != kModuliTypeSafe) return skip("type is not 2");
  if (!number(f[2], tests, 0x1f) || (tests & kModuliTestsComposite) || !(tests & ~kModuliTestsComposite))
    return skip("invalid moduli tests flag");
  if (!number(f[3], tries, 1ul << 30) || tries == 0) return skip("invalid primality trial count");
  if (!number(f[4], size, 64 * 1024)) return skip("invalid prime length");
  auto g = hex_magnitude(f[5]);
  auto p = hex_magnitude(f[6]);
  if (!g) return skip("could not parse generator value");
  if (!p) return skip("could not parse prime value");
  DhGroup group{static_cast<unsigned>(size + 1), std::move(*g), std::move(*p)};
  unsigned actual = bit_length(group.prime);
  if (actual != group.bits)
    return skip("prime has wrong size: actual " + std::to_string(actual) + " listed " + std::to_string(group.bits));
  if (bit_length(group.generator) < 2) return skip("generator is invalid");
  return group;
}
}  // namespace

std::vector<DhGroup> parse_moduli(std::string_view text, std::vector<std::string>* warnings) {
  std::vector<DhGroup> groups;
  std::size_t n = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++n;
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto g = parse_line(line, n);
    if (g) groups.push_back(std::move(*g));
    else if (warnings) warnings->push_back(g.error().detail);
  }
  return groups;
}

std::optional<DhGroup> choose_dh_group(std::span<const DhGroup> groups, unsigned min, unsigned want,
                                       unsigned max, const crypto::RandomSource& random) {
  unsigned best = 0;
  std::size_t best_count = 0;
  for (const auto& g : groups) {
    if (g.bits > max || g.bits < min) continue;
    if ((g.bits > want && (best == 0 || g.bits < best)) || (g.bits > best && best < want)) {
      best = g.bits;
      best_count = 0;
    }
    if (g.bits == best) ++best_count;
  }
  if (best_count == 0) return std::nullopt;
  std::uint32_t pick = 0;
  if (random) {
    std::uint8_t b[4];
    random(b);
    pick = load_be32(b) % static_cast<std::uint32_t>(best_count);
  } else {
    pick = crypto::random_uniform(static_cast<std::uint32_t>(best_count));
  }
  for (const auto& g : groups)
    if (g.bits == best && g.bits >= min && g.bits <= max && pick-- == 0) return g;
  return std::nullopt;
}

DhGroup fallback_dh_group(unsigned max) {
  const char* name = max < 3072 ? "modp_2048" : max < 6144 ? "modp_4096" : "modp_8192";
  auto params = named_dh_parameters(name);
  DhGroup g;
  if (params) {
    g.prime = std::move(params->first);
    g.generator = std::move(params->second);
    g.bits = bit_length(g.prime);
  }
  return g;
}

unsigned dh_estimate(unsigned bits) {
  if (bits <= 112) return 2048;
  if (bits <= 128) return 3072;
  if (bits <= 192) return 7680;
  return 8192;
}

}  // namespace sshcore::transport

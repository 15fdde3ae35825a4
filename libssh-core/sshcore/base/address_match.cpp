// Address lists as OpenSSH's addrmatch.c; see the header for what is and is not accepted.
#include "sshcore/base/address_match.hpp"

#include <cstddef>

#include "sshcore/base/pattern.hpp"

namespace sshcore {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_xdigit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int xdigit_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// glibc's inet_aton_exact(): one to four parts, each decimal, octal (leading 0) or hex (0x);
// the last part fills the remaining bytes.
std::optional<IpAddress> parse_ipv4_aton(std::string_view s) {
  std::uint32_t parts[4] = {};
  std::size_t nparts = 0;
  std::size_t i = 0;
  std::uint64_t val = 0;
  for (;;) {
    if (i >= s.size() || !is_digit(s[i])) return std::nullopt;
    val = 0;
    unsigned base = 10;
    bool digit = false;
    if (s[i] == '0') {
      ++i;
      if (i < s.size() && (s[i] == 'x' || s[i] == 'X')) {
        base = 16;
        ++i;
      } else {
        base = 8;
        digit = true;
      }
    }
    while (i < s.size()) {
      char c = s[i];
      if (is_digit(c)) {
        if (base == 8 && (c == '8' || c == '9')) return std::nullopt;
        val = val * base + static_cast<unsigned>(c - '0');
      } else if (base == 16 && is_xdigit(c)) {
        val = (val << 4) | static_cast<unsigned>(xdigit_value(c));
      } else {
        break;
      }
      if (val > 0xffffffffULL) return std::nullopt;
      digit = true;
      ++i;
    }
    if (!digit) return std::nullopt;
    if (i < s.size() && s[i] == '.') {
      if (nparts >= 3 || val > 0xff) return std::nullopt;
      parts[nparts++] = static_cast<std::uint32_t>(val);
      ++i;
      continue;
    }
    break;
  }
  if (i != s.size()) return std::nullopt;
  static constexpr std::uint64_t kLastMax[4] = {0xffffffffULL, 0xffffffULL, 0xffffULL, 0xffULL};
  if (val > kLastMax[nparts]) return std::nullopt;
  std::uint32_t addr = static_cast<std::uint32_t>(val);
  for (std::size_t k = 0; k < nparts; ++k) addr |= parts[k] << (24 - 8 * k);
  IpAddress out;
  out.family = IpAddress::Family::kV4;
  out.bytes[0] = static_cast<std::uint8_t>(addr >> 24);
  out.bytes[1] = static_cast<std::uint8_t>(addr >> 16);
  out.bytes[2] = static_cast<std::uint8_t>(addr >> 8);
  out.bytes[3] = static_cast<std::uint8_t>(addr);
  return out;
}

// inet_pton(AF_INET): exactly four decimal octets, no leading zeros.
bool parse_dotted_quad_strict(std::string_view s, std::uint8_t out[4]) {
  std::size_t n = 0, i = 0;
  while (n < 4) {
    if (i >= s.size() || !is_digit(s[i])) return false;
    unsigned v = 0;
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      if (i > start && s[start] == '0') return false;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      if (v > 255) return false;
      ++i;
    }
    out[n++] = static_cast<std::uint8_t>(v);
    if (n < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// inet_pton(AF_INET6).
bool parse_ipv6_text(std::string_view s, std::array<std::uint8_t, 16>& out) {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t pos = 0;           // next byte to fill
  std::optional<std::size_t> gap;  // where "::" was
  std::size_t i = 0;
  if (s.size() >= 1 && s[0] == ':') {
    if (s.size() < 2 || s[1] != ':') return false;
    i = 1;  // the loop sees the second ':' as an empty group start
  }
  std::size_t group_start = i;
  bool saw_xdigit = false;
  unsigned val = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_xdigit(c)) {
      val = (val << 4) | static_cast<unsigned>(xdigit_value(c));
      if (val > 0xffff || i - group_start >= 4) return false;
      saw_xdigit = true;
      ++i;
      continue;
    }
    if (c == ':') {
      ++i;
      if (!saw_xdigit) {
        if (gap) return false;
        gap = pos;
        group_start = i;
        continue;
      }
      if (i >= s.size()) return false;  // trailing single ':'
      if (pos + 2 > 16) return false;
      bytes[pos++] = static_cast<std::uint8_t>(val >> 8);
      bytes[pos++] = static_cast<std::uint8_t>(val);
      saw_xdigit = false;
      val = 0;
      group_start = i;
      continue;
    }
    if (c == '.' && pos + 4 <= 16) {
      std::uint8_t quad[4];
      if (!parse_dotted_quad_strict(s.substr(group_start), quad)) return false;
      for (std::uint8_t b : quad) bytes[pos++] = b;
      saw_xdigit = false;
      i = s.size();
      break;
    }
    return false;
  }
  if (saw_xdigit) {
    if (pos + 2 > 16) return false;
    bytes[pos++] = static_cast<std::uint8_t>(val >> 8);
    bytes[pos++] = static_cast<std::uint8_t>(val);
  }
  if (gap) {
    if (pos == 16) return false;  // "::" must stand for at least one group
    std::size_t tail = pos - *gap;
    for (std::size_t k = 0; k < tail; ++k) {
      bytes[15 - k] = bytes[pos - 1 - k];
      bytes[pos - 1 - k] = 0;
    }
    pos = 16;
  }
  if (pos != 16) return false;
  out = bytes;
  return true;
}

std::optional<IpAddress> parse_ipv6(std::string_view s) {
  IpAddress out;
  out.family = IpAddress::Family::kV6;
  std::size_t pct = s.find('%');
  std::string_view addr = s.substr(0, pct);
  if (!parse_ipv6_text(addr, out.bytes)) return std::nullopt;
  if (pct != std::string_view::npos) {
    std::string_view scope = s.substr(pct + 1);
    if (scope.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : scope) {
      if (!is_digit(c)) return std::nullopt;
      v = v * 10 + static_cast<unsigned>(c - '0');
      if (v > 0xffffffffULL) return std::nullopt;
    }
    out.scope_id = static_cast<std::uint32_t>(v);
  }
  return out;
}

unsigned family_bits(IpAddress::Family f) { return f == IpAddress::Family::kV4 ? 32 : 128; }

// Byte i of a netmask of `bits` leading ones.
std::uint8_t mask_byte(unsigned bits, std::size_t i) {
  if (bits >= 8 * (i + 1)) return 0xff;
  if (bits <= 8 * i) return 0;
  return static_cast<std::uint8_t>(0xff << (8 - (bits - 8 * i)));
}

// strtoul(s, &end, 10) followed by "*end == '\0'": leading blanks and a sign are accepted,
// a '-' wraps around to a huge value. nullopt when the whole text is not consumed.
std::optional<std::uint64_t> strtoul_whole(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::size_t digits_start = i;
  std::uint64_t v = 0;
  bool overflow = false;
  while (i < s.size() && is_digit(s[i])) {
    if (v > (UINT64_MAX - 9) / 10) overflow = true;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
    ++i;
  }
  if (i == digits_start) return s.empty() ? std::optional<std::uint64_t>(0) : std::nullopt;
  if (i != s.size()) return std::nullopt;
  if (overflow) return UINT64_MAX;
  return negative ? static_cast<std::uint64_t>(0) - v : v;
}

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  if (auto v4 = parse_ipv4_aton(text)) return v4;
  return parse_ipv6(text);
}

CidrParse parse_cidr(std::string_view text, IpNetwork& out) {
  // OpenSSH copies the entry into a 64-byte buffer with strlcpy and refuses only when the
  // source is longer than the buffer, so a 64-byte entry is silently cut to 63.
  if (text.size() > 64) return CidrParse::kInvalid;
  if (text.size() == 64) text = text.substr(0, 63);
  std::string_view addr_text = text;
  std::optional<std::uint64_t> masklen;
  if (std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    addr_text = text.substr(0, slash);
    std::string_view m = text.substr(slash + 1);
    if (m.empty()) return CidrParse::kInvalid;
    masklen = strtoul_whole(m);
    if (!masklen || *masklen > 128) return CidrParse::kInvalid;
  }
  auto addr = parse_ip_address(addr_text);
  if (!addr) return CidrParse::kInvalid;
  unsigned bits = masklen ? static_cast<unsigned>(*masklen) : family_bits(addr->family);
  if (bits > family_bits(addr->family)) return CidrParse::kInconsistent;
  std::size_t nbytes = addr->family == IpAddress::Family::kV4 ? 4 : 16;
  for (std::size_t i = 0; i < nbytes; ++i)
    if ((addr->bytes[i] & static_cast<std::uint8_t>(~mask_byte(bits, i))) != 0)
      return CidrParse::kInconsistent;
  out.address = *addr;
  out.mask_bits = bits;
  return CidrParse::kOk;
}

bool address_in_network(const IpAddress& address, const IpNetwork& network) {
  if (address.family != network.address.family) return false;
  std::size_t nbytes = address.family == IpAddress::Family::kV4 ? 4 : 16;
  for (std::size_t i = 0; i < nbytes; ++i)
    if ((address.bytes[i] & mask_byte(network.mask_bits, i)) != network.address.bytes[i]) return false;
  // addr_and() keeps the host's scope and addr_cmp() compares it.
  return address.family == IpAddress::Family::kV4 || address.scope_id == network.address.scope_id;
}

AddressListMatch match_address_list(std::optional<std::string_view> address, std::string_view list) {
  std::optional<IpAddress> try_addr;
  if (address) {
    try_addr = parse_ip_address(*address);
    if (!try_addr) return AddressListMatch::kNoMatch;
  }
  // C strings end at a NUL.
  list = list.substr(0, list.find('\0'));
  AddressListMatch ret = AddressListMatch::kNoMatch;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = list.find(',', start);
    std::string_view entry = list.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                : comma - start);
    bool negated = !entry.empty() && entry.front() == '!';
    if (negated) entry.remove_prefix(1);
    if (entry.empty()) return AddressListMatch::kInvalid;
    IpNetwork net;
    CidrParse r = parse_cidr(entry, net);
    bool found = false;
    if (r == CidrParse::kInconsistent) return AddressListMatch::kInvalid;
    if (r == CidrParse::kOk)
      found = try_addr && address_in_network(*try_addr, net);
    else
      found = address && match_pattern(*address, entry);
    if (found) {
      if (negated) return AddressListMatch::kNegated;
      ret = AddressListMatch::kMatch;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ret;
}

AddressListMatch match_cidr_list(std::optional<std::string_view> address, std::string_view list) {
  std::optional<IpAddress> try_addr;
  if (address) {
    try_addr = parse_ip_address(*address);
    if (!try_addr) return AddressListMatch::kNoMatch;
  }
  list = list.substr(0, list.find('\0'));
  static constexpr std::string_view kCidrChars = "0123456789abcdefABCDEF.:/";
  static constexpr std::size_t kMaxEntry = 46 + 3;  // INET6_ADDRSTRLEN + "/nn"
  AddressListMatch ret = AddressListMatch::kNoMatch;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = list.find(',', start);
    std::string_view entry = list.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                : comma - start);
    if (entry.empty() || entry.size() > kMaxEntry) return AddressListMatch::kInvalid;
    if (entry.find_first_not_of(kCidrChars) != std::string_view::npos) return AddressListMatch::kInvalid;
    IpNetwork net;
    if (parse_cidr(entry, net) != CidrParse::kOk) return AddressListMatch::kInvalid;
    if (try_addr && address_in_network(*try_addr, net)) ret = AddressListMatch::kMatch;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ret;
}

int match_host_and_ip(std::string_view host, std::string_view ip, std::string_view patterns) {
  AddressListMatch mip = match_address_list(ip, patterns);
  if (mip == AddressListMatch::kInvalid) return -1;
  if (mip == AddressListMatch::kNegated) return 0;
  int mhost = match_hostname(host, patterns);
  if (mhost == -1) return 0;
  if (mhost == 0 && mip == AddressListMatch::kNoMatch) return 0;
  return 1;
}

}  // namespace sshcore

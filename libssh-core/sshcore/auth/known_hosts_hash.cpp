// Host names in known_hosts: "[host]:port", hashed names ("|1|salt|hmac", OpenSSH's
// HashKnownHosts) and matching a name against a hosts field.
#include "sshcore/auth/known_hosts_hash.hpp"

#include <array>

#include "sshcore/auth/known_hosts.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/crypto/digest.hpp"
#include "sshcore/crypto/random.hpp"

namespace sshcore::auth {
namespace {

constexpr std::string_view kHashMagic = "|1|";
constexpr char kHashDelim = '|';
// OpenSSH refuses longer salt texts outright before decoding.
constexpr std::size_t kMaxSaltText = 1024;

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool c_isspace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int base64_value(char c) {
  std::size_t at = kBase64Alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

std::string hashed_name(ByteView salt, std::string_view name) {
  Bytes mac = crypto::hmac(crypto::DigestAlg::kSha1, salt, as_bytes(name));
  std::string out(kHashMagic);
  out += base64_encode(salt);
  out += kHashDelim;
  out += base64_encode(mac);
  return out;
}

// OpenSSH's extract_salt(): "|1|" then base64 up to the next '|', decoding to exactly
// 20 bytes.
std::optional<Bytes> salt_of(std::string_view field) {
  if (!field.starts_with(kHashMagic)) return std::nullopt;
  std::string_view rest = field.substr(kHashMagic.size());
  std::size_t end = rest.find(kHashDelim);
  if (end == std::string_view::npos || end == 0 || end > kMaxSaltText) return std::nullopt;
  auto salt = decode_base64_like_openssh(rest.substr(0, end));
  if (!salt || salt->size() != kKnownHostSaltSize) return std::nullopt;
  return salt;
}

}  // namespace

std::optional<Bytes> decode_base64_like_openssh(std::string_view text) {
  Bytes out;
  std::uint32_t acc = 0;  // bits decoded but not yet emitted
  int pending = 0;
  int state = 0;          // characters of the current 4-character group seen
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c_isspace(c)) continue;
    if (c == '=') break;
    int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    pending += 6;
    state = (state + 1) % 4;
    if (pending >= 8) {
      pending -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> pending));
      acc &= (1u << pending) - 1;
    }
  }
  if (i == text.size()) {
    if (state != 0) return std::nullopt;  // a partial group needs its padding
    return out;
  }
  ++i;  // past the first '='
  if (state < 2) return std::nullopt;
  if (state == 2) {
    while (i < text.size() && c_isspace(text[i])) ++i;
    if (i == text.size() || text[i] != '=') return std::nullopt;
    ++i;
  }
  for (; i < text.size(); ++i)
    if (!c_isspace(text[i])) return std::nullopt;
  if (acc != 0) return std::nullopt;  // bits past the last byte must be zero
  return out;
}

std::string known_host_name(std::string_view host, std::uint16_t port) {
  if (port == 0 || port == 22) return std::string(host);
  std::string out = "[";
  out += host;
  out += "]:";
  out += std::to_string(port);
  return out;
}

std::string hash_known_host_name(std::string_view name) {
  std::array<std::uint8_t, kKnownHostSaltSize> salt{};
  crypto::random_bytes(salt);
  return hashed_name(salt, name);
}

Result<std::string> hash_known_host_name(std::string_view name, ByteView salt) {
  if (salt.size() != kKnownHostSaltSize)
    return fail(Errc::kInvalidArgument, "known_hosts salt must be 20 bytes");
  return hashed_name(salt, name);
}

HostMatch match_known_host(std::string_view hosts_field, std::string_view name) {
  if (!hosts_field.empty() && hosts_field.front() == kHashDelim) {
    auto salt = salt_of(hosts_field);
    if (!salt) return HostMatch::kBadHash;
    // The whole field must be exactly what hashing the name under this salt gives, so a
    // non-canonical salt text or anything after the MAC never matches (as in OpenSSH).
    std::string expected = hashed_name(*salt, name);
    if (expected.size() != hosts_field.size()) return HostMatch::kNo;
    return constant_time_equal(as_bytes(expected), as_bytes(hosts_field)) ? HostMatch::kYes
                                                                          : HostMatch::kNo;
  }
  return match_hostname(name, hosts_field) == 1 ? HostMatch::kYes : HostMatch::kNo;
}

std::string known_hosts_line(std::string_view host, const keys::PublicKey& key, bool hash) {
  std::string lower = ascii_lowercase(host);
  std::string out = hash ? hash_known_host_name(lower) : lower;
  out += ' ';
  out += key.info().ssh_name;
  out += ' ';
  out += base64_encode(key.blob());
  return out;
}

}  // namespace sshcore::auth

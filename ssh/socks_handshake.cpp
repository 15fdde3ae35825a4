#include "socks_handshake.hpp"

#include <algorithm>
#include <cstdio>

namespace ssh {
namespace {

constexpr std::uint8_t kSocks4 = 4, kSocks5 = 5;
constexpr std::uint8_t kConnect = 1;
constexpr std::uint8_t kNoAuth = 0, kNoAcceptableMethod = 0xff;
constexpr std::uint8_t kAtypIpv4 = 1, kAtypDomain = 3, kAtypIpv6 = 4;
constexpr std::size_t kMaxUserOrHost = 255;  // a request longer than this is refused

void consume(sshcore::Bytes& in, std::size_t n) { in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n)); }

std::string ipv4(const std::uint8_t* p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
  return buf;
}

std::string ipv6(const std::uint8_t* p) {
  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(buf, sizeof buf, "%x", (p[2 * i] << 8) | p[2 * i + 1]);
    if (i > 0) out += ':';
    out += buf;
  }
  return out;
}

}  // namespace

SocksHandshake::State SocksHandshake::feed(sshcore::Bytes& in, sshcore::Bytes& out) {
  if (state_ != State::kNeedMore) return state_;
  if (in.empty()) return state_;
  if (version_ == 0) version_ = in[0];
  if (version_ == kSocks4) return state_ = socks4(in, out);
  if (version_ == kSocks5) return state_ = socks5(in, out);
  return state_ = State::kFailed;
}

// VN=4 CD=1 DSTPORT(2) DSTIP(4) USERID NUL [HOST NUL when DSTIP is 0.0.0.x, x != 0: SOCKS4A]
SocksHandshake::State SocksHandshake::socks4(sshcore::Bytes& in, sshcore::Bytes& out) {
  if (in.size() < 8) return State::kNeedMore;
  if (in[1] != kConnect) return State::kFailed;
  auto nul = std::find(in.begin() + 8, in.end(), 0);
  if (nul == in.end()) return in.size() > 8 + kMaxUserOrHost ? State::kFailed : State::kNeedMore;
  std::size_t used = static_cast<std::size_t>(nul - in.begin()) + 1;
  const bool socks4a = in[4] == 0 && in[5] == 0 && in[6] == 0 && in[7] != 0;
  if (socks4a) {
    auto host_end = std::find(in.begin() + static_cast<std::ptrdiff_t>(used), in.end(), 0);
    if (host_end == in.end()) return in.size() > used + kMaxUserOrHost ? State::kFailed : State::kNeedMore;
    host_.assign(in.begin() + static_cast<std::ptrdiff_t>(used), host_end);
    used = static_cast<std::size_t>(host_end - in.begin()) + 1;
    if (host_.empty()) return State::kFailed;
  } else {
    host_ = ipv4(in.data() + 4);
  }
  port_ = static_cast<std::uint16_t>((in[2] << 8) | in[3]);
  consume(in, used);
  // VN=0 CD=90 (granted), then port and address fields (ignored by clients).
  out.insert(out.end(), {0, 90, 0, 0, 0, 0, 0, 0});
  return State::kReady;
}

// Greeting: VER=5 NMETHODS METHODS...; request: VER=5 CMD RSV ATYP DST.ADDR DST.PORT(2).
SocksHandshake::State SocksHandshake::socks5(sshcore::Bytes& in, sshcore::Bytes& out) {
  if (!greeted_) {
    if (in.size() < 2) return State::kNeedMore;
    const std::size_t n = in[1];
    if (in.size() < 2 + n) return State::kNeedMore;
    const bool no_auth = std::find(in.begin() + 2, in.begin() + 2 + static_cast<std::ptrdiff_t>(n), kNoAuth) !=
                         in.begin() + 2 + static_cast<std::ptrdiff_t>(n);
    consume(in, 2 + n);
    out.insert(out.end(), {kSocks5, no_auth ? kNoAuth : kNoAcceptableMethod});
    if (!no_auth) return State::kFailed;
    greeted_ = true;
  }
  if (in.size() < 4) return State::kNeedMore;
  if (in[0] != kSocks5 || in[1] != kConnect) return State::kFailed;
  std::size_t addr_len;
  std::size_t addr_at = 4;
  switch (in[3]) {
    case kAtypIpv4: addr_len = 4; break;
    case kAtypIpv6: addr_len = 16; break;
    case kAtypDomain:
      if (in.size() < 5) return State::kNeedMore;
      addr_len = in[4];
      addr_at = 5;
      if (addr_len == 0) return State::kFailed;
      break;
    default: return State::kFailed;
  }
  if (in.size() < addr_at + addr_len + 2) return State::kNeedMore;
  const std::uint8_t* a = in.data() + addr_at;
  if (in[3] == kAtypIpv4) host_ = ipv4(a);
  else if (in[3] == kAtypIpv6) host_ = ipv6(a);
  else host_.assign(a, a + addr_len);
  port_ = static_cast<std::uint16_t>((a[addr_len] << 8) | a[addr_len + 1]);
  consume(in, addr_at + addr_len + 2);
  // VER=5 REP=0 (succeeded) RSV ATYP=IPv4 BND.ADDR=0.0.0.0 BND.PORT=0, as OpenSSH answers.
  out.insert(out.end(), {kSocks5, 0, 0, kAtypIpv4, 0, 0, 0, 0, 0, 0});
  return State::kReady;
}

}  // namespace ssh

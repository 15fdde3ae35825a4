#include "startup_limits.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fmt/format.h>

namespace sshd {

namespace log = sshcore::log;

namespace {

// How often an ongoing throttle is reported (SSHD_MAXSTARTUPS_LOG_INTERVAL).
constexpr std::chrono::seconds kThrottleLogInterval{5 * 60};

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  while (true) {
    auto c = s.find(':');
    parts.push_back(s.substr(0, c));
    if (c == std::string_view::npos) return parts;
    s.remove_prefix(c + 1);
  }
}

void mask_bytes(unsigned char* bytes, std::size_t len, int bits) {
  for (std::size_t i = 0; i < len; ++i) {
    int keep = std::clamp(bits - static_cast<int>(i * 8), 0, 8);
    bytes[i] &= static_cast<unsigned char>(keep == 0 ? 0 : (0xff << (8 - keep)) & 0xff);
  }
}

// The source's network block (srclimit_mask_addr), as text; nullopt when unparsable.
std::optional<std::string> network_block(const std::string& host, const PerSourceLimit& limit) {
  char out[INET6_ADDRSTRLEN];
  unsigned char v4[4];
  if (inet_pton(AF_INET, host.c_str(), v4) == 1) {
    mask_bytes(v4, sizeof v4, limit.ipv4_bits);
    if (inet_ntop(AF_INET, v4, out, sizeof out) == nullptr) return std::nullopt;
    return fmt::format("{}/{}", out, limit.ipv4_bits);
  }
  unsigned char v6[16];
  if (inet_pton(AF_INET6, host.c_str(), v6) == 1) {
    mask_bytes(v6, sizeof v6, limit.ipv6_bits);
    if (inet_ntop(AF_INET6, v6, out, sizeof out) == nullptr) return std::nullopt;
    return fmt::format("{}/{}", out, limit.ipv6_bits);
  }
  return std::nullopt;
}

}  // namespace

std::optional<MaxStartups> parse_max_startups(std::string_view text) {
  auto parts = split_colons(text);
  MaxStartups m;
  if (parts.size() == 1) {
    auto v = parse_int(parts[0]);
    if (!v) return std::nullopt;
    m.begin = m.full = *v;
    return m;
  }
  if (parts.size() != 3) return std::nullopt;
  auto b = parse_int(parts[0]), r = parse_int(parts[1]), f = parse_int(parts[2]);
  if (!b || !r || !f || *r > 100 || *b > *f) return std::nullopt;
  return MaxStartups{*b, *r, *f};
}

std::optional<PerSourceLimit> parse_per_source(std::string_view max, std::string_view netblock) {
  PerSourceLimit p;
  if (max != "none" && !max.empty()) {
    auto v = parse_int(max);
    if (!v) return std::nullopt;
    p.max = *v;
  }
  if (!netblock.empty()) {
    auto parts = split_colons(netblock);
    auto v4 = parse_int(parts[0]);
    if (!v4 || *v4 > 32) return std::nullopt;
    p.ipv4_bits = *v4;
    if (parts.size() > 1) {
      auto v6 = parse_int(parts[1]);
      if (!v6 || *v6 > 128) return std::nullopt;
      p.ipv6_bits = *v6;
    }
  }
  return p;
}

std::string format_timeframe(std::chrono::seconds t) {
  long long s = t.count();
  constexpr long long kDay = 24 * 3600, kWeek = 7 * kDay;
  long long sec = s % 60, min = (s / 60) % 60, hrs = (s / 3600) % 24;
  if (s < kDay) return fmt::format("{:02}:{:02}:{:02}", hrs, min, sec);
  if (s < kWeek) return fmt::format("{}d{:02}h{:02}m", s / kDay, hrs, min);
  return fmt::format("{:02}w{}d{:02}h", s / kWeek, (s % kWeek) / kDay, hrs);
}

StartupLimits::StartupLimits(MaxStartups max_startups, PerSourceLimit per_source,
                             std::function<int(int)> random_below)
    : max_(max_startups), per_source_(per_source), random_below_(std::move(random_below)) {}

bool StartupLimits::should_drop(int startups) {
  if (startups < max_.begin) return false;
  if (startups >= max_.full) return true;
  if (max_.rate == 100) return true;
  int p = 100 - max_.rate;
  p *= startups - max_.begin;
  p /= max_.full - max_.begin;
  p += max_.rate;
  int r = random_below_(100);
  log::debug1("should_drop_connection: p {}, r {}", p, r);
  return r < p;
}

bool StartupLimits::per_source_allows(const sshcore::io::SocketAddress& peer, int id) {
  if (per_source_.max == INT_MAX) {
    live_.push_back({id, std::nullopt});
    return true;
  }
  auto block = network_block(peer.host, per_source_);
  if (!block) {
    live_.push_back({id, std::nullopt});
    return true;
  }
  int count = static_cast<int>(std::count_if(live_.begin(), live_.end(), [&](const Live& l) { return l.block == block; }));
  log::debug3("srclimit_check_allow: {} matching {} children", *block, count);
  if (count >= per_source_.max) return false;
  live_.push_back({id, block});
  return true;
}

Admission StartupLimits::admit(const sshcore::io::SocketAddress& peer, const sshcore::io::SocketAddress& local,
                               int id, Clock::time_point now) {
  Admission a;
  int startups = this->startups();
  if (!should_drop(startups) && per_source_allows(peer, id)) {
    if (last_drop_ && startups < max_.begin - 1) {
      auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - *first_drop_);
      a.log.push_back({log::Level::kInfo, fmt::format("exited MaxStartups throttling after {}, {} connections dropped",
                                                      format_timeframe(elapsed), dropped_)});
      last_drop_.reset();
    }
    return a;
  }
  a.drop = true;
  log::Level drop_level = log::Level::kVerbose;
  if (!last_drop_) {
    a.log.push_back({log::Level::kError, "beginning MaxStartups throttling"});
    drop_level = log::Level::kInfo;
    first_drop_ = now;
    dropped_ = 0;
  } else if (*last_drop_ + kThrottleLogInterval < now) {
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - *first_drop_);
    a.log.push_back({log::Level::kError, fmt::format("in MaxStartups throttling for {}, {} connections dropped",
                                                     format_timeframe(elapsed), dropped_ + 1)});
    drop_level = log::Level::kInfo;
  }
  last_drop_ = now;
  ++dropped_;
  a.log.push_back({drop_level, fmt::format("drop connection #{} from [{}]:{} on [{}]:{} past MaxStartups", startups,
                                           peer.host, peer.port, local.host, local.port)});
  return a;
}

void StartupLimits::finished(int id) {
  std::erase_if(live_, [id](const Live& l) { return l.id == id; });
}

}  // namespace sshd

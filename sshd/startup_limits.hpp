// MaxStartups (start:rate:full random early drop) and PerSourceMaxStartups /
// PerSourceNetBlockSize, decided as sshd.c's drop_connection() and srclimit.c do.
//
// A connection counts as a "startup" from accept until its process reports the end
// of authentication (it closes the startup pipe). Decisions are pure: the listener
// feeds addresses and the clock and logs the lines returned.
#pragma once

#include <chrono>
#include <climits>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sshcore/base/log.hpp"
#include "sshcore/io/tcp.hpp"

namespace sshd {

struct MaxStartups {
  int begin = 10;
  int rate = 30;
  int full = 100;
};

struct PerSourceLimit {
  int max = INT_MAX;  // "none"
  int ipv4_bits = 32;
  int ipv6_bits = 128;
};

// "10:30:100" or "10" (begin = full); nullopt when malformed.
std::optional<MaxStartups> parse_max_startups(std::string_view text);
// PerSourceMaxStartups ("none" or a number) and PerSourceNetBlockSize ("32:128").
std::optional<PerSourceLimit> parse_per_source(std::string_view max, std::string_view netblock);

// OpenSSH's fmt_timeframe(): "00:05:00", "1d02h03m", "02w3d04h".
std::string format_timeframe(std::chrono::seconds t);

struct LogLine {
  sshcore::log::Level level;
  std::string text;
};

struct Admission {
  bool drop = false;
  std::vector<LogLine> log;
};

class StartupLimits {
 public:
  using Clock = std::chrono::steady_clock;
  // random_below(n): uniform in [0, n) (arc4random_uniform); injectable for tests.
  StartupLimits(MaxStartups max_startups, PerSourceLimit per_source, std::function<int(int)> random_below);

  // A new connection from `peer` on `local`. When admitted, it is registered under
  // `id` until finished(id).
  Admission admit(const sshcore::io::SocketAddress& peer, const sshcore::io::SocketAddress& local, int id,
                  Clock::time_point now);
  // The connection's authentication ended (or its process went away).
  void finished(int id);
  int startups() const { return static_cast<int>(live_.size()); }

 private:
  bool should_drop(int startups);
  bool per_source_allows(const sshcore::io::SocketAddress& peer, int id);

  struct Live {
    int id;
    std::optional<std::string> block;  // masked source address, when PerSource limits apply
  };
  MaxStartups max_;
  PerSourceLimit per_source_;
  std::function<int(int)> random_below_;
  std::vector<Live> live_;
  std::optional<Clock::time_point> last_drop_, first_drop_;
  unsigned dropped_ = 0;
};

}  // namespace sshd

// expiry-time="..." values, read and printed as OpenSSH's misc.c does.
#include "sshcore/auth/expiry_time.hpp"

#include <ctime>

#include <fmt/format.h>

namespace sshcore::auth {
namespace {

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if (ascii_lower(s[s.size() - suffix.size() + i]) != ascii_lower(suffix[i])) return false;
  return true;
}

// glibc strptime's get_number(from, to, n).
bool get_number(std::string_view& rp, int from, int to, int n, int& val) {
  while (!rp.empty() && is_space(rp.front())) rp.remove_prefix(1);
  if (rp.empty() || !is_digit(rp.front())) return false;
  val = 0;
  do {
    val = val * 10 + (rp.front() - '0');
    rp.remove_prefix(1);
  } while (--n > 0 && val * 10 <= to && !rp.empty() && is_digit(rp.front()));
  return val >= from && val <= to;
}

bool match_char(std::string_view& rp, char c) {
  if (rp.empty() || rp.front() != c) return false;
  rp.remove_prefix(1);
  return true;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  // Carry the month into the year first, as timegm normalises tm_mon.
  std::int64_t m0 = month - 1;
  year += floor_div(m0, 12);
  m0 -= floor_div(m0, 12) * 12;
  std::int64_t m = m0 + 1;
  year -= m <= 2;
  const std::int64_t era = floor_div(year, 400);
  const std::int64_t yoe = year - era * 400;
  const std::int64_t mp = (m + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5;  // day of the year of the month's first day
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (day - 1);
}

std::int64_t utc_to_epoch(const CivilTime& t) {
  return days_from_civil(t.year, t.month, t.day) * 86400 + std::int64_t{t.hour} * 3600 +
         std::int64_t{t.minute} * 60 + t.second;
}

CivilTime epoch_to_utc(std::int64_t seconds) {
  std::int64_t days = floor_div(seconds, 86400);
  std::int64_t rem = seconds - days * 86400;
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  CivilTime t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2));
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem / 60 % 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

TimeZone TimeZone::system() {
  TimeZone z;
  z.to_epoch = [](const CivilTime& c) -> std::optional<std::int64_t> {
    std::tm tm{};
    tm.tm_year = c.year - 1900;
    tm.tm_mon = c.month - 1;
    tm.tm_mday = c.day;
    tm.tm_hour = c.hour;
    tm.tm_min = c.minute;
    tm.tm_sec = c.second;
    tm.tm_isdst = 0;  // OpenSSH zeroes the struct
    std::time_t t = std::mktime(&tm);
    if (t < 0) return std::nullopt;
    return static_cast<std::int64_t>(t);
  };
  z.from_epoch = [](std::int64_t s) {
    std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    localtime_r(&t, &tm);
    return CivilTime{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
  };
  return z;
}

TimeZone TimeZone::fixed_offset(std::int32_t seconds_east_of_utc) {
  TimeZone z;
  z.to_epoch = [seconds_east_of_utc](const CivilTime& c) -> std::optional<std::int64_t> {
    std::int64_t t = utc_to_epoch(c) - seconds_east_of_utc;
    if (t < 0) return std::nullopt;
    return t;
  };
  z.from_epoch = [seconds_east_of_utc](std::int64_t s) { return epoch_to_utc(s + seconds_east_of_utc); };
  return z;
}

TimeZone TimeZone::utc() { return fixed_offset(0); }

std::optional<std::uint64_t> parse_absolute_time(std::string_view s, const TimeZone& zone) {
  s = s.substr(0, s.find('\0'));
  std::size_t l = s.size();
  bool is_utc = false;
  if (l > 1 && ends_with_nocase(s, "Z")) {
    is_utc = true;
    l -= 1;
  } else if (l > 3 && ends_with_nocase(s, "UTC")) {
    is_utc = true;
    l -= 3;
  }
  if (l != 8 && l != 12 && l != 14) return std::nullopt;
  // OpenSSH rebuilds "YYYY-MM-DD[THH:MM[:SS]]" and hands it to strptime.
  std::string buf = fmt::format("{}-{}-{}", s.substr(0, 4), s.substr(4, 2), s.substr(6, 2));
  if (l >= 12) buf += fmt::format("T{}:{}", s.substr(8, 2), s.substr(10, 2));
  if (l == 14) buf += fmt::format(":{}", s.substr(12, 2));

  std::string_view rp = buf;
  CivilTime t;
  int v = 0;
  if (!get_number(rp, 0, 9999, 4, v)) return std::nullopt;
  t.year = v;
  if (!match_char(rp, '-') || !get_number(rp, 1, 12, 2, v)) return std::nullopt;
  t.month = v;
  if (!match_char(rp, '-') || !get_number(rp, 1, 31, 2, v)) return std::nullopt;
  t.day = v;
  if (l >= 12) {
    if (!match_char(rp, 'T') || !get_number(rp, 0, 23, 2, v)) return std::nullopt;
    t.hour = v;
    if (!match_char(rp, ':') || !get_number(rp, 0, 59, 2, v)) return std::nullopt;
    t.minute = v;
  }
  if (l == 14) {
    if (!match_char(rp, ':') || !get_number(rp, 0, 61, 2, v)) return std::nullopt;
    t.second = v;
  }
  if (!rp.empty()) return std::nullopt;

  std::int64_t epoch = 0;
  if (is_utc) {
    epoch = utc_to_epoch(t);
  } else {
    auto local = zone.to_epoch(t);
    if (!local) return std::nullopt;
    epoch = *local;
  }
  if (epoch < 0) return std::nullopt;
  return static_cast<std::uint64_t>(epoch);
}

std::string format_absolute_time(std::uint64_t seconds, const TimeZone& zone) {
  // Far beyond any parsed time (9999-12-31T23:59:59Z), and keeps the arithmetic in range.
  constexpr std::uint64_t kMax = 253402300799ULL;
  CivilTime t = zone.from_epoch(static_cast<std::int64_t>(seconds > kMax ? kMax : seconds));
  return fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year, t.month, t.day, t.hour, t.minute, t.second);
}

}  // namespace sshcore::auth

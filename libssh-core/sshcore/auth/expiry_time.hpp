// Absolute times as authorized_keys expiry-time="..." writes them (OpenSSH misc.c
// parse_absolute_time / format_absolute_time): "YYYYMMDD", "YYYYMMDDHHMM" or
// "YYYYMMDDHHMMSS", in the server's local time zone unless followed by "Z" or "UTC" (any case).
//
// The local zone is injected so that tests and the fuzzer do not depend on TZ:
// TimeZone::system() is what sshd uses (mktime/localtime_r, as OpenSSH).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sshcore::auth {

struct CivilTime {
  int year = 1970;  // full year
  int month = 1;    // 1..12
  int day = 1;      // 1..31 (not checked against the month: mktime normalises, as OpenSSH)
  int hour = 0;
  int minute = 0;
  int second = 0;   // 0..61 as glibc's strptime allows
};

struct TimeZone {
  // Civil local time -> seconds since the epoch; nullopt when mktime() would return -1 or
  // less (OpenSSH treats that as an invalid time). OpenSSH zeroes the struct tm, so
  // tm_isdst is 0: a summer date is read as standard time, an hour off. system() does the same.
  std::function<std::optional<std::int64_t>(const CivilTime&)> to_epoch;
  // Seconds since the epoch -> civil local time (localtime_r).
  std::function<CivilTime(std::int64_t)> from_epoch;

  static TimeZone system();
  static TimeZone utc();
  static TimeZone fixed_offset(std::int32_t seconds_east_of_utc);
};

// Days since 1970-01-01 of a proleptic Gregorian date (month and day may be out of range:
// they carry over as mktime/timegm carry them).
std::int64_t days_from_civil(std::int64_t year, int month, int day);
// timegm(): seconds since the epoch of a civil UTC time (fields normalised like timegm).
std::int64_t utc_to_epoch(const CivilTime& t);
CivilTime epoch_to_utc(std::int64_t seconds);

// parse_absolute_time(): seconds since the epoch, or nullopt for a malformed or negative
// time. Each field is read as glibc's strptime reads "%Y-%m-%dT%H:%M:%S" from the text
// OpenSSH builds by slicing the input ("%Y" up to 4 digits, the others up to 2, blanks before
// a number skipped, ranges checked).
std::optional<std::uint64_t> parse_absolute_time(std::string_view text, const TimeZone& zone);

// format_absolute_time(): "YYYY-MM-DDTHH:MM:SS" in the zone (strftime "%Y-%m-%dT%H:%M:%S").
std::string format_absolute_time(std::uint64_t seconds, const TimeZone& zone);

}  // namespace sshcore::auth

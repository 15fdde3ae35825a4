// expiry-time="..." values: parse_absolute_time's formats, strptime quirks and zones. Epoch
// constants come from GNU date (`date -u -d '2030-01-01' +%s`); the civil conversion is
// also checked day by day against the C library's gmtime_r.
#include <gtest/gtest.h>

#include <ctime>

#include "sshcore/auth/expiry_time.hpp"

using namespace sshcore::auth;

namespace {

constexpr std::uint64_t k2030 = 1893456000;  // 2030-01-01T00:00:00Z

TEST(ExpiryTime, ParsesTheThreeLengths) {
  TimeZone utc = TimeZone::utc();
  EXPECT_EQ(parse_absolute_time("20300101", utc), k2030);
  EXPECT_EQ(parse_absolute_time("203001011230", utc), k2030 + 12 * 3600 + 30 * 60);
  EXPECT_EQ(parse_absolute_time("20300101123045", utc), k2030 + 12 * 3600 + 30 * 60 + 45);
  EXPECT_EQ(parse_absolute_time("20240229235959", utc), 1709251199u);
}

TEST(ExpiryTime, LocalZoneUnlessZOrUtc) {
  TimeZone east = TimeZone::fixed_offset(3600);  // UTC+1: local midnight is 23:00Z
  EXPECT_EQ(parse_absolute_time("20300101", east), k2030 - 3600);
  EXPECT_EQ(parse_absolute_time("20300101Z", east), k2030);
  EXPECT_EQ(parse_absolute_time("20300101z", east), k2030);
  EXPECT_EQ(parse_absolute_time("20300101UTC", east), k2030);
  EXPECT_EQ(parse_absolute_time("20300101uTc", east), k2030);
  EXPECT_EQ(parse_absolute_time("203001010100Z", east), k2030 + 3600);
  TimeZone west = TimeZone::fixed_offset(-5 * 3600);
  EXPECT_EQ(parse_absolute_time("20300101", west), k2030 + 5 * 3600);
}

TEST(ExpiryTime, RefusesMalformedTimes) {
  TimeZone utc = TimeZone::utc();
  for (const char* bad : {"", "2030010", "203001011", "2030010112", "20301301", "20300001", "20300132",
                          "20300100", "203001012400", "203001011260", "20300101123062", "2030a101",
                          "20300101 Z", "Z", "UTC", "2030010112300", "+2030101", "19691231"})
    EXPECT_FALSE(parse_absolute_time(bad, utc)) << bad;
  // A time before the epoch in the local zone is refused as mktime's -1 would be.
  EXPECT_FALSE(parse_absolute_time("19700101", TimeZone::fixed_offset(3600)));
  EXPECT_EQ(parse_absolute_time("19700101", utc), 0u);  // valid here; key options refuse 0
}

TEST(ExpiryTime, StrptimeQuirks) {
  TimeZone utc = TimeZone::utc();
  // strptime skips blanks before a number and reads a one-digit month ("2030- 1-01").
  EXPECT_EQ(parse_absolute_time("2030 101", utc), k2030);
  // The day is not checked against the month: mktime carries Feb 31 into March.
  EXPECT_EQ(parse_absolute_time("20300231", utc), 1898726400u);  // 2030-03-03
  // Seconds up to 61 are read (leap seconds), carried into the next minute.
  EXPECT_EQ(parse_absolute_time("20300101000061", utc), k2030 + 61);
  // "%d" reads "4" then refuses the "1" left over from "41".
  EXPECT_FALSE(parse_absolute_time("20300141", utc));
}

TEST(ExpiryTime, FormatsInTheZone) {
  std::uint64_t t = k2030 + 12 * 3600 + 30 * 60 + 45;
  EXPECT_EQ(format_absolute_time(t, TimeZone::utc()), "2030-01-01T12:30:45");
  EXPECT_EQ(format_absolute_time(t, TimeZone::fixed_offset(-13 * 3600)), "2029-12-31T23:30:45");
}

TEST(ExpiryTime, CivilConversionAgreesWithGmtime) {
  for (std::int64_t t = -86400LL * 366 * 2; t < 86400LL * 366 * 140; t += 86400 - 7) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    CivilTime c = epoch_to_utc(t);
    ASSERT_EQ(c.year, tm.tm_year + 1900) << t;
    ASSERT_EQ(c.month, tm.tm_mon + 1) << t;
    ASSERT_EQ(c.day, tm.tm_mday) << t;
    ASSERT_EQ(c.hour, tm.tm_hour) << t;
    ASSERT_EQ(c.minute, tm.tm_min) << t;
    ASSERT_EQ(c.second, tm.tm_sec) << t;
    ASSERT_EQ(utc_to_epoch(c), t);
  }
}

TEST(ExpiryTime, SystemZoneUsesMktime) {
  // Whatever TZ is, the system zone must agree with the C library both ways.
  TimeZone sys = TimeZone::system();
  auto t = parse_absolute_time("20300615120000", sys);
  ASSERT_TRUE(t);
  std::tm tm{};
  tm.tm_year = 130;
  tm.tm_mon = 5;
  tm.tm_mday = 15;
  tm.tm_hour = 12;
  tm.tm_isdst = 0;
  EXPECT_EQ(*t, static_cast<std::uint64_t>(std::mktime(&tm)));
  CivilTime back = sys.from_epoch(static_cast<std::int64_t>(k2030));
  std::time_t tt = static_cast<std::time_t>(k2030);
  std::tm lt{};
  localtime_r(&tt, &lt);
  EXPECT_EQ(back.hour, lt.tm_hour);
  EXPECT_EQ(back.day, lt.tm_mday);
}

}  // namespace

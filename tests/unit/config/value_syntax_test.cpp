#include "sshcore/config/value_syntax.hpp"

#include <gtest/gtest.h>

namespace sshcore::config {
namespace {

// sshd_config(5) TIME FORMATS and seed 003's examples.
TEST(ValueSyntax, Convtime) {
  EXPECT_EQ(convtime("600"), 600);
  EXPECT_EQ(convtime("10m"), 600);
  EXPECT_EQ(convtime("1h30m"), 5400);
  EXPECT_EQ(convtime("1h5m"), 3900);
  EXPECT_EQ(convtime("10s"), 10);
  EXPECT_EQ(convtime("1W1D1H1M1S"), 604800 + 86400 + 3600 + 60 + 1);
  EXPECT_EQ(convtime("0"), 0);
  EXPECT_EQ(convtime("2147483647"), 2147483647);
  for (auto bad : {"", "1x", "h", "1h 5m", "-1", "2147483648", "3551w"}) EXPECT_EQ(convtime(bad), -1) << bad;
}

TEST(ValueSyntax, IntegersAndPorts) {
  int v = -5;
  std::string ok = "42";
  EXPECT_FALSE(atoi_error(&ok, v).has_value());
  EXPECT_EQ(v, 42);
  std::string neg = "-1", junk = "4x", big = "99999999999", empty;
  EXPECT_EQ(atoi_error(&neg, v).value(), "too small");
  EXPECT_EQ(atoi_error(&junk, v).value(), "invalid");
  EXPECT_EQ(atoi_error(&big, v).value(), "too large");
  EXPECT_EQ(atoi_error(&empty, v).value(), "missing");
  EXPECT_EQ(atoi_error(nullptr, v).value(), "missing");
  EXPECT_EQ(a2port("22"), 22);
  EXPECT_EQ(a2port("65535"), 65535);
  EXPECT_EQ(a2port("0"), 0);
  EXPECT_EQ(a2port("65536"), -1);
  EXPECT_EQ(a2port("ssh"), -1);
}

TEST(ValueSyntax, IpqosAndScaled) {
  EXPECT_EQ(canonical_ipqos("AF21").value(), "af21");
  EXPECT_EQ(canonical_ipqos("reliability").value(), "le");  // same code point, first name wins
  EXPECT_EQ(canonical_ipqos("0x10").value(), "lowdelay");
  EXPECT_EQ(canonical_ipqos("28").value(), "0x1c");
  EXPECT_EQ(canonical_ipqos("none").value(), "none");
  EXPECT_FALSE(canonical_ipqos("256").has_value());
  EXPECT_FALSE(canonical_ipqos("af99").has_value());
  EXPECT_EQ(scan_scaled("1G").value(), 1073741824LL);
  EXPECT_EQ(scan_scaled("512k").value(), 524288);
  EXPECT_EQ(scan_scaled("100").value(), 100);
  EXPECT_EQ(scan_scaled("-2").value(), -2);
  EXPECT_FALSE(scan_scaled("1X").has_value());
  EXPECT_FALSE(scan_scaled("G").has_value());
  EXPECT_TRUE(ascii_iequals("PermitRootLogin", "permitrootlogin"));
  EXPECT_FALSE(ascii_iequals("Port", "Ports"));
}

}  // namespace
}  // namespace sshcore::config

// OpenSSH's addr_match_list / addr_match_cidr_list answers as sshd_config's Match
// Address and the ...@address forms use them, checked through base/address_match
// (the one implementation; auth/ uses it too).
#include "sshcore/base/address_match.hpp"

#include <gtest/gtest.h>

namespace sshcore {
namespace {

int addr_match_list(std::optional<std::string_view> addr, std::string_view list) {
  return static_cast<int>(match_address_list(addr, list));
}
int addr_match_cidr_list(std::optional<std::string_view> addr, std::string_view list) {
  auto r = match_cidr_list(addr, list);
  return r == AddressListMatch::kInvalid ? -1 : static_cast<int>(r);
}

TEST(ConfigAddressLists, AddrMatchList) {
  EXPECT_EQ(addr_match_list("192.0.2.10", "192.0.2.0/24"), 1);
  EXPECT_EQ(addr_match_list("192.0.2.10", "10.0.0.0/8,192.0.2.10"), 1);
  EXPECT_EQ(addr_match_list("192.0.2.10", "10.0.0.0/8"), 0);
  // Negation wins whatever the order.
  EXPECT_EQ(addr_match_list("192.0.2.10", "192.0.2.0/24,!192.0.2.10"), -1);
  EXPECT_EQ(addr_match_list("192.0.2.10", "!192.0.2.10,192.0.2.0/24"), -1);
  EXPECT_EQ(addr_match_list("192.0.2.11", "192.0.2.0/24,!192.0.2.10"), 1);
  // Wildcards for what is not a network.
  EXPECT_EQ(addr_match_list("192.0.2.10", "192.0.2.*"), 1);
  EXPECT_EQ(addr_match_list("192.0.2.10", "!192.0.*,*"), -1);
  // Invalid lists.
  EXPECT_EQ(addr_match_list("192.0.2.10", "192.0.2.1/24"), -2);
  EXPECT_EQ(addr_match_list("192.0.2.10", "10.0.0.0/8,"), -2);
  EXPECT_EQ(addr_match_list("192.0.2.10", "!"), -2);
  EXPECT_EQ(addr_match_list(std::nullopt, "192.0.2.0/24,*.example"), 0);
  EXPECT_EQ(addr_match_list(std::nullopt, "192.0.2.0/33"), -2);
  // An address that does not parse never matches.
  EXPECT_EQ(addr_match_list("not-an-address", "*"), 0);
  EXPECT_EQ(addr_match_list("2001:db8::7", "2001:db8::/64"), 1);
}

TEST(ConfigAddressLists, AddrMatchCidrList) {
  EXPECT_EQ(addr_match_cidr_list("192.0.2.10", "192.0.2.0/24"), 1);
  EXPECT_EQ(addr_match_cidr_list("192.0.2.10", "10.0.0.0/8,::1"), 0);
  EXPECT_EQ(addr_match_cidr_list("192.0.2.10", "192.0.2.*"), -1);
  EXPECT_EQ(addr_match_cidr_list("192.0.2.10", "!192.0.2.0/24"), -1);
  EXPECT_EQ(addr_match_cidr_list("192.0.2.10", "192.0.2.0/33"), -1);
  EXPECT_EQ(addr_match_cidr_list(std::nullopt, "192.0.2.0/24,2001:db8::/32"), 0);
}

}  // namespace
}  // namespace sshcore

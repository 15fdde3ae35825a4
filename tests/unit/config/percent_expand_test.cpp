#include "sshcore/config/percent_expand.hpp"

#include <gtest/gtest.h>

namespace sshcore::config {
namespace {

TEST(PercentExpand, ExpandsKnownTokens) {
  std::map<char, std::string> t{{'h', "/home/fred"}, {'u', "fred"}, {'U', "1000"}};
  EXPECT_EQ(expand_tokens("%h/.ssh/authorized_keys", t).value(), "/home/fred/.ssh/authorized_keys");
  EXPECT_EQ(expand_tokens("/etc/ssh/keys/%u-%U", t).value(), "/etc/ssh/keys/fred-1000");
  EXPECT_EQ(expand_tokens("100%% %u", t).value(), "100% fred");
  EXPECT_EQ(expand_tokens("", t).value(), "");
}

TEST(PercentExpand, UnknownTokenAndTrailingPercentAreErrors) {
  std::map<char, std::string> t{{'u', "fred"}};
  auto unknown = expand_tokens("%x", t);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().detail, "unknown key %x");
  auto trailing = expand_tokens("a%", t);
  ASSERT_FALSE(trailing.has_value());
  EXPECT_EQ(trailing.error().detail, "invalid format");
}

}  // namespace
}  // namespace sshcore::config

// AuthenticationMethods lists, against OpenSSH's auth2.c semantics.
#include "sshcore/auth/auth_methods.hpp"

#include <gtest/gtest.h>

using sshcore::auth::AuthMethodLists;

TEST(AuthMethods, EmptyOrAnyAllowsEverythingAndCompletesAtOnce) {
  AuthMethodLists none;
  EXPECT_TRUE(none.any());
  EXPECT_TRUE(none.allows("password"));
  EXPECT_TRUE(none.record_success("password"));
  AuthMethodLists any({"publickey,password", "any"});
  EXPECT_TRUE(any.any());
}

TEST(AuthMethods, SequenceNeedsEveryMethodInOrder) {
  AuthMethodLists l({"publickey,password", "publickey,keyboard-interactive"});
  EXPECT_TRUE(l.allows("publickey"));
  EXPECT_FALSE(l.allows("password"));
  EXPECT_FALSE(l.record_success("publickey"));  // partial
  EXPECT_TRUE(l.allows("password"));
  EXPECT_TRUE(l.allows("keyboard-interactive"));
  EXPECT_FALSE(l.allows("publickey"));
  EXPECT_TRUE(l.record_success("password"));
}

TEST(AuthMethods, SubmethodsMustMatch) {
  AuthMethodLists l({"keyboard-interactive:pam,publickey"});
  EXPECT_TRUE(l.allows("keyboard-interactive"));              // submethod not known yet
  EXPECT_TRUE(l.allows("keyboard-interactive", "pam"));
  EXPECT_FALSE(l.allows("keyboard-interactive", "bsdauth"));
  EXPECT_EQ(l.required_submethods("keyboard-interactive"), "pam");
  EXPECT_FALSE(l.record_success("keyboard-interactive", "bsdauth"));
  EXPECT_FALSE(l.allows("publickey"));
  EXPECT_FALSE(l.record_success("keyboard-interactive", "pam"));
  EXPECT_TRUE(l.allows("publickey"));
  EXPECT_TRUE(l.record_success("publickey"));
}

TEST(AuthMethods, PrefixOfAMethodNameDoesNotMatch) {
  AuthMethodLists l({"publickeyx,password"});
  EXPECT_FALSE(l.allows("publickey"));
  EXPECT_FALSE(l.record_success("publickey"));
}

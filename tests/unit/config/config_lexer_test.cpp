#include "sshcore/config/config_lexer.hpp"

#include <gtest/gtest.h>

namespace sshcore::config {
namespace {

ConfigLine lex_ok(std::string_view text) {
  LexResult r = lex_config_line(text);
  EXPECT_FALSE(r.error.has_value()) << text;
  EXPECT_TRUE(r.line.has_value()) << text;
  return r.line.value_or(ConfigLine{});
}

TEST(ConfigLexer, KeywordSeparators) {
  for (std::string_view text : {"Port 22", "Port=22", "Port = 22", "  Port\t22  ", "Port =22", "Port= 22",
                                "\tPort 22\r", "Port 22\f"}) {
    ConfigLine l = lex_ok(text);
    EXPECT_EQ(l.keyword, "Port") << text;
    ASSERT_EQ(l.args.size(), 1u) << text;
    EXPECT_EQ(l.args[0], "22") << text;
  }
}

TEST(ConfigLexer, OnlyOneEqualsIsASeparator) {
  ConfigLine l = lex_ok("SetEnv = =A=1");
  ASSERT_EQ(l.args.size(), 1u);
  EXPECT_EQ(l.args[0], "=A=1");
}

TEST(ConfigLexer, QuotesEscapesAndComments) {
  ConfigLine l = lex_ok(R"(AuthorizedKeysFile "/a b/%u" 'c d' e\ f g\"h # comment)");
  ASSERT_EQ(l.args.size(), 4u);
  EXPECT_EQ(l.args[0], "/a b/%u");
  EXPECT_EQ(l.args[1], "c d");
  EXPECT_EQ(l.args[2], "e f");
  EXPECT_EQ(l.args[3], "g\"h");
  // A '#' inside an argument is kept; only one starting an argument ends the line.
  ConfigLine m = lex_ok("Banner a#b #c");
  ASSERT_EQ(m.args.size(), 1u);
  EXPECT_EQ(m.args[0], "a#b");
  // An unknown escape keeps its backslash.
  EXPECT_EQ(lex_ok(R"(Banner a\nb)").args[0], R"(a\nb)");
  // The raw remainder is kept for whole-line keywords.
  EXPECT_EQ(lex_ok("ForceCommand  /bin/echo  hi").rest, "/bin/echo  hi");
}

TEST(ConfigLexer, BlankAndCommentLines) {
  for (std::string_view text : {"", "   ", "# Port 22", "  #x", "\t\r"}) {
    LexResult r = lex_config_line(text);
    EXPECT_FALSE(r.line.has_value()) << text;
    EXPECT_FALSE(r.error.has_value()) << text;
  }
}

TEST(ConfigLexer, Errors) {
  LexResult none = lex_config_line("PasswordAuthentication   ");
  ASSERT_TRUE(none.error.has_value());
  EXPECT_EQ(*none.error, LexError::kNoArgument);
  EXPECT_EQ(none.keyword, "PasswordAuthentication");
  LexResult quote = lex_config_line("AcceptEnv \"a");
  ASSERT_TRUE(quote.error.has_value());
  EXPECT_EQ(*quote.error, LexError::kInvalidQuotes);
  EXPECT_EQ(quote.keyword, "AcceptEnv");
}

TEST(ConfigLexer, SplitArguments) {
  auto a = split_arguments("a 'b c' # d", false);
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->size(), 4u);
  EXPECT_EQ((*a)[1], "b c");
  EXPECT_EQ((*a)[2], "#");
  EXPECT_FALSE(split_arguments("'open", true).has_value());
}

TEST(ConfigLexer, NextWordReadsMatchCriteria) {
  std::string_view cp = "User=alice Address \"10.0.0.0/8\"";
  EXPECT_EQ(next_word(cp).value(), "User");
  EXPECT_EQ(next_word(cp).value(), "alice");
  EXPECT_EQ(next_word(cp).value(), "Address");
  EXPECT_EQ(next_word(cp).value(), "10.0.0.0/8");
  EXPECT_EQ(next_word(cp).value(), "");
}

}  // namespace
}  // namespace sshcore::config

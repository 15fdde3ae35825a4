// OpenSSH pattern semantics (ssh_config(5) PATTERNS, match.c behaviour).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "sshcore/base/pattern.hpp"

using namespace sshcore;

TEST(MatchPattern, LiteralsAndWildcards) {
  EXPECT_TRUE(match_pattern("", ""));
  EXPECT_FALSE(match_pattern("a", ""));
  EXPECT_FALSE(match_pattern("", "a"));
  EXPECT_TRUE(match_pattern("", "*"));
  EXPECT_TRUE(match_pattern("", "***"));
  EXPECT_FALSE(match_pattern("", "?"));
  EXPECT_TRUE(match_pattern("host", "host"));
  EXPECT_FALSE(match_pattern("host", "hos"));
  EXPECT_FALSE(match_pattern("hos", "host"));
  EXPECT_FALSE(match_pattern("Host", "host"));  // case-sensitive
  EXPECT_TRUE(match_pattern("host.example.com", "*.example.com"));
  EXPECT_FALSE(match_pattern("example.com", "*.example.com"));
  EXPECT_TRUE(match_pattern("192.168.0.7", "192.168.0.?"));
  EXPECT_FALSE(match_pattern("192.168.0.17", "192.168.0.?"));
  EXPECT_TRUE(match_pattern("192.168.0.17", "192.168.0.??"));
  EXPECT_TRUE(match_pattern("abc", "a*c"));
  EXPECT_TRUE(match_pattern("ac", "a*c"));
  EXPECT_FALSE(match_pattern("abcd", "a*c"));
  EXPECT_TRUE(match_pattern("abcabc", "*abc"));
  EXPECT_TRUE(match_pattern("aXbXc", "a*b*c"));
  EXPECT_TRUE(match_pattern("mississippi", "m*iss*ppi"));
  EXPECT_TRUE(match_pattern("mississippi", "*s?i*i"));
  EXPECT_FALSE(match_pattern("mississippi", "m*iss*ppix"));
  EXPECT_TRUE(match_pattern("a*b", "a*b"));      // '*' in the string is an ordinary character
  EXPECT_TRUE(match_pattern("[h]:22", "[h]:2?"));  // no character classes
  EXPECT_FALSE(match_pattern("h", "[h]"));
  EXPECT_TRUE(match_pattern("abab", "*?b"));
  EXPECT_TRUE(match_pattern("ab", "?*?"));
  EXPECT_FALSE(match_pattern("a", "?*?"));
}

// Every answer of the greedy matcher against a plain recursive definition of '*' and '?'
// over all short strings and patterns of a small alphabet.
namespace {
bool reference_match(std::string_view s, std::string_view p) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') return reference_match(s, p.substr(1)) || (!s.empty() && reference_match(s.substr(1), p));
  if (s.empty()) return false;
  return (p[0] == '?' || p[0] == s[0]) && reference_match(s.substr(1), p.substr(1));
}
void all_strings(std::string_view alphabet, std::size_t max_len, std::vector<std::string>& out,
                 std::string cur = {}) {
  out.push_back(cur);
  if (cur.size() == max_len) return;
  for (char c : alphabet) all_strings(alphabet, max_len, out, cur + c);
}
}  // namespace

TEST(MatchPattern, AgreesWithReferenceDefinition) {
  std::vector<std::string> strings, patterns;
  all_strings("ab", 5, strings);
  all_strings("ab*?", 4, patterns);
  std::size_t checked = 0;
  for (const auto& p : patterns)
    for (const auto& s : strings) {
      ASSERT_EQ(match_pattern(s, p), reference_match(s, p)) << "s=" << s << " p=" << p;
      ++checked;
    }
  EXPECT_GT(checked, 10000u);
}

TEST(MatchPattern, PathologicalPatternsAreFast) {
  const std::string as(10000, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(match_pattern(as, "*a*a*a*a*a*b"));
  EXPECT_TRUE(match_pattern(as, "*a*a*a*a*a*a"));
  EXPECT_FALSE(match_pattern(as, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
  EXPECT_FALSE(match_pattern(as + "c", "*?*?*?*?*?*?*?*?*b"));
  EXPECT_FALSE(match_pattern_list(as, "*a*a*a*b,*a*a*a*a*a*b,!*a*a*b*", false));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 500);
}

TEST(MatchPatternList, PositiveNegativeNone) {
  EXPECT_EQ(match_pattern_list("host", "host", false), 1);
  EXPECT_EQ(match_pattern_list("host", "other", false), 0);
  EXPECT_EQ(match_pattern_list("host", "other,host", false), 1);
  EXPECT_EQ(match_pattern_list("host", "!host", false), -1);
  EXPECT_EQ(match_pattern_list("host", "!other", false), 0);  // a negation alone never matches
  // ssh_config(5): "Host *.example.com !bad.example.com" style, in either order.
  EXPECT_EQ(match_pattern_list("a.example.com", "*.example.com,!bad.example.com", false), 1);
  EXPECT_EQ(match_pattern_list("bad.example.com", "*.example.com,!bad.example.com", false), -1);
  EXPECT_EQ(match_pattern_list("bad.example.com", "!bad.example.com,*.example.com", false), -1);
  EXPECT_EQ(match_pattern_list("x", "!*,x", false), -1);
}

TEST(MatchPatternList, EmptySubpatternsAndCommas) {
  EXPECT_EQ(match_pattern_list("", "", false), 0);       // no sub-patterns at all
  EXPECT_EQ(match_pattern_list("", ",a", false), 1);     // leading empty sub-pattern
  EXPECT_EQ(match_pattern_list("", "a,,b", false), 1);
  EXPECT_EQ(match_pattern_list("", "a,", false), 0);     // a trailing comma adds nothing
  EXPECT_EQ(match_pattern_list("", "a,!", false), -1);   // "!" negates the empty pattern
  EXPECT_EQ(match_pattern_list("x", "a,!", false), 0);
  EXPECT_EQ(match_pattern_list("!a", "!!a", false), -1);  // only one '!' is special
}

TEST(MatchPatternList, CaseFolding) {
  EXPECT_EQ(match_pattern_list("host", "HOST", true), 1);
  EXPECT_EQ(match_pattern_list("host", "HOST", false), 0);
  // The string itself is not folded by match_pattern_list, only the patterns.
  EXPECT_EQ(match_pattern_list("HOST", "HOST", true), 0);
  EXPECT_EQ(match_hostname("HOST.Example.COM", "*.EXAMPLE.com"), 1);
  EXPECT_EQ(match_hostname("Bad.Example.Com", "*.example.com,!BAD.example.com"), -1);
  // Non-ASCII bytes are left alone, as OpenSSH's tolower() in the C locale does.
  EXPECT_EQ(match_hostname("\xC3\x89", "\xC3\xA9"), 0);
}

TEST(MatchPatternList, LongSubpatternsStillMatch) {
  // OpenSSH gives up (no match) on sub-patterns of 1023+ bytes; we answer correctly.
  std::string name(2000, 'h');
  EXPECT_EQ(match_pattern_list(name, "x," + name, false), 1);
  EXPECT_EQ(match_pattern_list(name, "!" + name, false), -1);
}

TEST(MatchList, FirstClientChoiceTheServerHas) {
  EXPECT_EQ(match_list("aes256-ctr,aes128-ctr", "aes128-ctr,aes256-ctr"), "aes256-ctr");
  EXPECT_EQ(match_list("b,a", "a,b"), "b");
  EXPECT_EQ(match_list("x,y", "a,b"), std::nullopt);
  EXPECT_EQ(match_list("", "a"), std::nullopt);
  EXPECT_EQ(match_list("a", ""), std::nullopt);
  EXPECT_EQ(match_list("A", "a"), std::nullopt);  // exact names only
  EXPECT_EQ(match_list("x,,a", "a"), std::nullopt);  // the client list ends at an empty name
  EXPECT_EQ(match_list("a", "x,,a"), std::nullopt);  // and so does the server's
  EXPECT_EQ(match_list("a*", "a,a*"), "a*");         // no wildcards in negotiation
}

TEST(MatchFilter, DenyAndAllowLists) {
  const char* algs = "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,ssh-rsa";
  EXPECT_EQ(match_filter_denylist(algs, "ssh-rsa"), "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512");
  EXPECT_EQ(match_filter_denylist(algs, "*rsa*"), "ssh-ed25519,ecdsa-sha2-nistp256");
  EXPECT_EQ(match_filter_allowlist(algs, "ecdsa-*,ssh-ed25519"), "ssh-ed25519,ecdsa-sha2-nistp256");
  // A negated match is not a positive one: deny keeps it, allow drops it.
  EXPECT_EQ(match_filter_denylist("a,b", "!a"), "a,b");
  EXPECT_EQ(match_filter_allowlist("a,b", "*,!a"), "b");
  EXPECT_EQ(match_filter_denylist(",b", "x"), "b");
}

TEST(Lowercase, AsciiOnly) {
  EXPECT_EQ(ascii_lowercase("AbC-Z09[]"), "abc-z09[]");
  EXPECT_EQ(ascii_lowercase("\xC3\x89"), "\xC3\x89");
}

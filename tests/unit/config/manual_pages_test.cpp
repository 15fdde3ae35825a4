// Every keyword the config parsers accept has its entry in the manual page
// (FEATURES HOOK-13 for PreUserauthHook, and the same rule for all the others):
// sshd_config(5) and ssh_config(5) list keywords as `.It Cm Name`.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "sshcore/config/ssh_keywords.hpp"
#include "sshcore/config/sshd_keywords.hpp"
#include "support/process.hpp"

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The lowercased names after `.It Cm ` in a page.
std::set<std::string> documented_keywords(const std::string& page) {
  std::string text = sshpp::test::read_text(std::string(SSHPP_SOURCE_DIR) + "/docs/" + page);
  std::set<std::string> names;
  std::size_t at = 0;
  while ((at = text.find("\n.It Cm ", at)) != std::string::npos) {
    at += 8;
    std::size_t end = text.find_first_of(" \n", at);
    names.insert(lower(text.substr(at, end - at)));
  }
  return names;
}

TEST(ManualPages, EverySshdKeywordIsDocumented) {
  auto documented = documented_keywords("sshd_config.5");
  ASSERT_GT(documented.size(), 50u);
  for (const auto& kw : sshcore::config::sshd_keywords()) {
    using K = sshcore::config::SshdKind;
    // Old spellings are mentioned beside their keyword; removed ones need no entry.
    if (!kw.alias_of.empty() || kw.kind == K::kDeprecated || kw.kind == K::kUnsupported || kw.kind == K::kIgnore)
      continue;
    EXPECT_TRUE(documented.contains(lower(kw.name))) << kw.name << " has no entry in sshd_config.5";
  }
  EXPECT_TRUE(documented.contains("preuserauthhook"));
}

TEST(ManualPages, EverySshKeywordIsDocumented) {
  auto documented = documented_keywords("ssh_config.5");
  ASSERT_GT(documented.size(), 50u);
  int missing = 0;
  std::string names;
  using K = sshcore::config::SshKwKind;
  // An old spelling (KeepAlive, IdentityFile2...) sets the same option as a documented keyword.
  std::set<sshcore::config::SshOpt> documented_options;
  for (const auto& kw : sshcore::config::ssh_keywords())
    if (documented.contains(lower(kw.name))) documented_options.insert(kw.opt);
  for (const auto& kw : sshcore::config::ssh_keywords()) {
    if (kw.kind == K::kDeprecated || kw.kind == K::kUnsupported || kw.kind == K::kIgnore) continue;
    if (!documented_options.contains(kw.opt)) {
      ++missing;
      names += std::string(kw.name) + " ";
    }
  }
  EXPECT_EQ(missing, 0) << "not in ssh_config.5: " << names;
}

}  // namespace

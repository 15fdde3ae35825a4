// Tab completion against a fake file list (the terminal side is in
// tests/e2e/sftp_client_test.cpp, compared with Debian's sftp).
#include "completion.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sftp_program {
namespace {

class FakeSource : public CompletionSource {
 public:
  std::vector<std::string> remote;
  std::vector<std::string> local;
  std::string last_remote_pattern;
  std::vector<std::string> remote_matches(const std::string& pattern) override {
    last_remote_pattern = pattern;
    return filter(remote, pattern);
  }
  std::vector<std::string> local_matches(const std::string& pattern) override { return filter(local, pattern); }
  std::string remote_directory() const override { return "/home/u"; }

 private:
  // Enough of a glob for the tests: "prefix*".
  static std::vector<std::string> filter(const std::vector<std::string>& all, const std::string& pattern) {
    std::string prefix = pattern.substr(0, pattern.find('*'));
    std::vector<std::string> out;
    for (const auto& p : all)
      if (p.starts_with(prefix)) out.push_back(p);
    return out;
  }
};

TEST(SftpCompletion, CommandNames) {
  FakeSource src;
  EXPECT_EQ(complete_line("ge", src).insert, "t ");
  auto l = complete_line("l", src);
  EXPECT_EQ(l.insert, "");
  EXPECT_EQ(l.candidates, (std::vector<std::string>{"lcd", "lchdir", "lls", "lmkdir", "ln", "lpwd", "ls", "lumask"}));
  auto lc = complete_line("lc", src);
  EXPECT_EQ(lc.insert, "");
  EXPECT_EQ(lc.candidates.size(), 2u);
  EXPECT_EQ(complete_line("sy", src).insert, "mlink ");
  EXPECT_TRUE(complete_line("zz", src).insert.empty());
  EXPECT_EQ(complete_line("", src).candidates.size(), 37u);
}

TEST(SftpCompletion, RemotePathsAreRelativeToTheRemoteDirectory) {
  FakeSource src;
  src.remote = {"/home/u/five", "/home/u/subdir/", "/home/u/sp ace"};
  EXPECT_EQ(complete_line("get fi", src).insert, "ve ");
  EXPECT_EQ(src.last_remote_pattern, "/home/u/fi*");
  EXPECT_EQ(complete_line("ls su", src).insert, "bdir/");  // a directory: no space, keep going
  EXPECT_EQ(complete_line("get sp", src).insert, "\\ ace ");
  EXPECT_EQ(complete_line("get \"sp", src).insert, " ace\" ");
  auto all = complete_line("get ", src);
  EXPECT_EQ(all.candidates, (std::vector<std::string>{"five", "subdir/", "sp ace"}));
  EXPECT_EQ(all.insert, "");
  EXPECT_EQ(complete_line("get /home/u/fi", src).insert, "ve ");
}

TEST(SftpCompletion, LocalPathsForLocalCommands) {
  FakeSource src;
  src.local = {"drive2.py", "drive3.py"};
  auto r = complete_line("put dr", src);
  EXPECT_EQ(r.insert, "ive");
  EXPECT_EQ(r.candidates, (std::vector<std::string>{"drive2.py", "drive3.py"}));
  EXPECT_TRUE(src.last_remote_pattern.empty());
  EXPECT_TRUE(complete_line("version x", src).insert.empty());  // no paths after version
  EXPECT_TRUE(complete_line("put d*", src).insert.empty());     // a glob is listed, not extended
}

TEST(SftpCompletion, GarbageNeverCrashes) {
  FakeSource src;
  src.remote = {"/home/u/a"};
  for (const char* line : {"\\", "'", "\"", "get '", "get \\", "get a\\", "#", "get # x", "!", "- @"}) {
    (void)complete_line(line, src);
  }
}

}  // namespace
}  // namespace sftp_program

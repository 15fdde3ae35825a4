// ls layout and sorting, and the path helpers, as OpenSSH's sftp computes them.
#include "ls_listing.hpp"

#include <gtest/gtest.h>

#include "command_parser.hpp"
#include "remote_path.hpp"

namespace sftp_program {
namespace {

TEST(SftpLsListing, ColumnsLikeOpenSsh) {
  // Debian's sftp, 80 columns, longest name 5: 11 columns of 7.
  EXPECT_EQ(format_columns({"a.txt", "b1", "err", "out", "sub"}, 80, 5), "a.txt  b1     err    out    sub    \n");
  // Globbed ls measures the full path ("/tmp/h4/d/a.txt", 15): 4 columns of 20.
  EXPECT_EQ(format_columns({"a.txt"}, 80, 15), "a.txt               \n");
  EXPECT_EQ(format_columns({}, 80, 3), "");
  // Exactly full rows end with one newline.
  EXPECT_EQ(format_columns({"aa", "bb"}, 8, 2), "aa  bb  \n");
  // Names wider than the terminal: one per line, unpadded.
  EXPECT_EQ(format_columns({"abcdefghij", "k"}, 5, 10), "abcdefghij\nk    \n");
}

ListingEntry entry(std::string name, std::uint64_t size, std::uint32_t mtime) {
  ListingEntry e;
  e.name = name;
  e.sort_key = name;
  e.attrs.size = size;
  e.attrs.mtime = mtime;
  e.attrs.atime = mtime;
  return e;
}

std::vector<std::string> names(const std::vector<ListingEntry>& v) {
  std::vector<std::string> out;
  for (auto& e : v) out.push_back(e.name);
  return out;
}

TEST(SftpLsListing, Sorting) {
  std::vector<ListingEntry> v{entry("b", 10, 3), entry("a", 30, 1), entry("c", 20, 2)};
  auto by_name = v;
  sort_listing(by_name, kLsNameSort);
  EXPECT_EQ(names(by_name), (std::vector<std::string>{"a", "b", "c"}));
  auto reversed = v;
  sort_listing(reversed, kLsNameSort | kLsReverseSort);
  EXPECT_EQ(names(reversed), (std::vector<std::string>{"c", "b", "a"}));
  auto by_time = v;
  sort_listing(by_time, kLsTimeSort);  // newest first
  EXPECT_EQ(names(by_time), (std::vector<std::string>{"b", "c", "a"}));
  auto by_size = v;
  sort_listing(by_size, kLsSizeSort);  // largest first
  EXPECT_EQ(names(by_size), (std::vector<std::string>{"a", "c", "b"}));
  auto unsorted = v;
  sort_listing(unsorted, 0);
  EXPECT_EQ(names(unsorted), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(SftpRemotePath, MakeAbsoluteAndStrip) {
  EXPECT_EQ(make_absolute("x", "/home/u"), "/home/u/x");
  EXPECT_EQ(make_absolute("x", "/"), "/x");
  EXPECT_EQ(make_absolute("/etc", "/home/u"), "/etc");
  EXPECT_EQ(path_strip("/home/u/x", std::string_view("/home/u")), "x");
  EXPECT_EQ(path_strip("/home/u", std::string_view("/home/u")), "");
  EXPECT_EQ(path_strip("/x/y", std::string_view("/")), "x/y");
  EXPECT_EQ(path_strip("/other/x", std::string_view("/home/u")), "/other/x");
  EXPECT_EQ(path_strip("/x", std::nullopt), "/x");
  EXPECT_EQ(path_base_name("/a/b/"), "b");
  EXPECT_EQ(path_base_name("/"), "/");
  EXPECT_EQ(path_base_name("f"), "f");
}

}  // namespace
}  // namespace sftp_program

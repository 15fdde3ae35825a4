// mprintf() rules for file names on the terminal (checked against Debian's sftp
// listing names holding ESC, newline and tab).
#include "terminal_text.hpp"

#include <gtest/gtest.h>

#include <clocale>

namespace sftp_program {
namespace {

TEST(SftpTerminalText, EscapesWhatATerminalWouldAct) {
  ASSERT_NE(std::setlocale(LC_CTYPE, "C.UTF-8"), nullptr);
  EXPECT_EQ(sanitize_for_terminal("c\033d"), "c\\033d");
  EXPECT_EQ(sanitize_for_terminal("a\nb\tc"), "a\nb\tc");
  EXPECT_EQ(sanitize_for_terminal("cr\r"), "cr\\015");
  EXPECT_EQ(sanitize_for_terminal("\x7f"), "\\177");
  EXPECT_EQ(sanitize_for_terminal("\xc3\xbc"), "\xc3\xbc");            // ü passes
  EXPECT_EQ(sanitize_for_terminal("\xc3"), "\\303");                   // a cut sequence does not
  EXPECT_EQ(sanitize_for_terminal("\xff\xfe"), "\\377\\376");
  EXPECT_EQ(sanitize_for_terminal("\xc2\x9b" "2J"), "\\302\\2332J");    // C1 CSI
  EXPECT_EQ(sanitize_for_terminal(std::string("a\0b", 3)), "a\\000b");
  std::setlocale(LC_CTYPE, "C");
}

}  // namespace
}  // namespace sftp_program

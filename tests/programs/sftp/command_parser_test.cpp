// sftp's command parser against OpenSSH's makeargv()/parse_args() rules and texts.
#include "command_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sftp_program {
namespace {

std::vector<std::string> words(std::string_view line) {
  std::string error;
  auto w = split_command_words(line, error);
  EXPECT_TRUE(w.has_value()) << error;
  return w.value_or(std::vector<std::string>{});
}

ParsedCommand parse_ok(std::string_view line) {
  std::string error;
  auto c = parse_command(line, error);
  EXPECT_TRUE(c.has_value()) << line << ": " << error;
  return c.value_or(ParsedCommand{});
}

std::string parse_error(std::string_view line) {
  std::string error;
  auto c = parse_command(line, error);
  EXPECT_FALSE(c.has_value()) << line;
  return error;
}

TEST(SftpCommandParser, QuotingAndEscapes) {
  EXPECT_EQ(words("get 'a b' \"c d\" e\\ f"), (std::vector<std::string>{"get", "a b", "c d", "e f"}));
  EXPECT_EQ(words("a\"b c\"d"), (std::vector<std::string>{"ab cd"}));
  EXPECT_EQ(words("'it\\'s'"), (std::vector<std::string>{"it's"}));
  EXPECT_EQ(words("x # comment"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(words("'#'"), (std::vector<std::string>{"#"}));
  EXPECT_EQ(words("''"), (std::vector<std::string>{""}));
  EXPECT_EQ(words("   "), (std::vector<std::string>{}));
}

TEST(SftpCommandParser, GlobCharactersStayEscapedForTheGlob) {
  // Quoted glob characters are escaped; an unquoted backslash before one is kept.
  EXPECT_EQ(words("'a*b'"), (std::vector<std::string>{"a\\*b"}));
  EXPECT_EQ(words("a\\*b"), (std::vector<std::string>{"a\\*b"}));
  EXPECT_EQ(words("a\\\\b"), (std::vector<std::string>{"a\\\\b"}));
  EXPECT_EQ(words("'a\\*'"), (std::vector<std::string>{"a\\\\\\*"}));
  EXPECT_EQ(undo_glob_escape("a\\*b\\?\\[\\\\c\\d"), "a*b?[\\c\\d");
}

TEST(SftpCommandParser, Errors) {
  EXPECT_EQ(parse_error("\"unterminated"), "Unterminated quoted argument");
  EXPECT_EQ(parse_error("bogus"), "Invalid command.");
  EXPECT_EQ(parse_error("get"), "You must specify at least one path after a get command.");
  EXPECT_EQ(parse_error("get -z x"), "get: Invalid flag -z");
  EXPECT_EQ(parse_error("ls -x"), "ls: Invalid flag -x");
  EXPECT_EQ(parse_error("dir -x"), "ls: Invalid flag -x");
  EXPECT_EQ(parse_error("rename a"), "You must specify two paths after a rename command.");
  EXPECT_EQ(parse_error("chmod 999 x"), "You must supply a numeric argument to the chmod command.");
  EXPECT_EQ(parse_error("chown -1 x"), "chown: Invalid flag -1");
  EXPECT_EQ(parse_error("lumask"), "You must supply a numeric argument to the lumask command.");
  EXPECT_EQ(parse_error("chmod 644"), "You must specify a path after a chmod command.");
  EXPECT_EQ(parse_error("mkdir"), "You must specify a path after a mkdir command.");
  EXPECT_EQ(parse_error("pwd -x"), "pwd: Invalid flag -x");
  EXPECT_EQ(parse_error(std::string(9000, 'a')), "string too long");
}

TEST(SftpCommandParser, PrefixesAndBlankLines) {
  EXPECT_EQ(parse_ok("").kind, CommandKind::kBlank);
  EXPECT_EQ(parse_ok("  # note").kind, CommandKind::kBlank);
  auto c = parse_ok(" - @ pwd");
  EXPECT_EQ(c.kind, CommandKind::kPwd);
  EXPECT_TRUE(c.ignore_errors);
  EXPECT_TRUE(c.no_echo);
  auto d = parse_ok("@-get x");
  EXPECT_TRUE(d.ignore_errors && d.no_echo);
  EXPECT_EQ(split_command_prefix("-bogus").rest, "bogus");
  EXPECT_TRUE(split_command_prefix("-bogus").ignore_errors);
}

TEST(SftpCommandParser, CommandTable) {
  EXPECT_EQ(parse_ok("PWD").kind, CommandKind::kPwd);
  EXPECT_EQ(parse_ok("bye").kind, CommandKind::kQuit);
  EXPECT_EQ(parse_ok("exit").kind, CommandKind::kQuit);
  EXPECT_EQ(parse_ok("mget a").kind, CommandKind::kGet);
  EXPECT_EQ(parse_ok("mput a").kind, CommandKind::kPut);
  EXPECT_EQ(parse_ok("cp a b").kind, CommandKind::kCopy);
  EXPECT_EQ(parse_ok("copy a b").kind, CommandKind::kCopy);
  EXPECT_EQ(parse_ok("?").kind, CommandKind::kHelp);
  auto shell = parse_ok("!echo hi there");
  EXPECT_EQ(shell.kind, CommandKind::kShell);
  EXPECT_EQ(shell.rest, "echo hi there");
  auto lls = parse_ok("lls  -la /tmp");
  EXPECT_EQ(lls.kind, CommandKind::kLls);
  EXPECT_EQ(lls.rest, "-la /tmp");
}

TEST(SftpCommandParser, TransferFlags) {
  auto g = parse_ok("get -aPr 'x*' 'dest*'");
  EXPECT_TRUE(g.aflag && g.pflag && g.rflag);
  EXPECT_FALSE(g.fflag);
  EXPECT_EQ(g.path1, "x\\*");   // globbed later
  EXPECT_EQ(g.path2, "dest*");  // the destination is not globbed
  auto p = parse_ok("put -f a");
  EXPECT_TRUE(p.fflag);
  EXPECT_FALSE(p.path2.has_value());
  auto l = parse_ok("ln -s a b");
  EXPECT_TRUE(l.sflag);
  auto r = parse_ok("rename -l a b");
  EXPECT_EQ(r.ls_flags, 1u);
}

TEST(SftpCommandParser, NumbersAndLsFlags) {
  EXPECT_EQ(parse_ok("chmod 0755 f").number, 0755u);
  EXPECT_EQ(parse_ok("chown 1000 f").number, 1000u);
  EXPECT_TRUE(parse_ok("chgrp -h 5 f").hflag);
  EXPECT_EQ(parse_ok("lumask 022").number, 022u);
  EXPECT_EQ(parse_ok("ls").ls_flags, kLsNameSort);
  EXPECT_EQ(parse_ok("ls -l").ls_flags, kLsNameSort | kLsLongView);
  EXPECT_EQ(parse_ok("ls -1t").ls_flags, kLsShortView | kLsTimeSort);
  EXPECT_EQ(parse_ok("ls -lS").ls_flags, kLsLongView | kLsSizeSort);
  EXPECT_EQ(parse_ok("ls -f").ls_flags, 0u);
  EXPECT_EQ(parse_ok("ls -nhar").ls_flags,
            kLsNameSort | kLsLongView | kLsNumericView | kLsSiUnits | kLsShowAll | kLsReverseSort);
  EXPECT_EQ(parse_ok("ls -l1").ls_flags, kLsNameSort | kLsShortView);
}

TEST(SftpCommandParser, GarbageNeverCrashes) {
  const char* junk[] = {"\\", "'\\", "\"\\", "get '", "-", "@", "-@-@", "!", "ls -", "chmod 0x1 f",
                        "get -- -x", "\t\r\n", "\"\"\"", "cd \\\\\\"};
  for (const char* line : junk) {
    std::string error;
    (void)parse_command(line, error);
  }
  std::string many;
  for (int i = 0; i < 200; i++) many += "a ";
  EXPECT_EQ(parse_error("get " + many), "Too many arguments.");
}

TEST(SftpCommandParser, HelpText) {
  EXPECT_TRUE(help_text().starts_with("Available commands:\nbye                                Quit sftp\n"));
  EXPECT_TRUE(help_text().ends_with("?                                  Synonym for help\n"));
}

}  // namespace
}  // namespace sftp_program

// ssh's escape sequences (clientloop.c process_escapes): recognised only at a line start.
#include "escape_filter.hpp"

#include <gtest/gtest.h>

namespace {

using ssh::EscapeCommand;
using ssh::EscapeFilter;

sshcore::Bytes bytes(std::string_view s) { return sshcore::Bytes(s.begin(), s.end()); }

std::string data_of(const std::vector<ssh::EscapeEvent>& events) {
  std::string out;
  for (const auto& e : events)
    if (e.command == EscapeCommand::kData) out.append(e.data.begin(), e.data.end());
  return out;
}

std::vector<EscapeCommand> commands_of(const std::vector<ssh::EscapeEvent>& events) {
  std::vector<EscapeCommand> out;
  for (const auto& e : events)
    if (e.command != EscapeCommand::kData) out.push_back(e.command);
  return out;
}

TEST(EscapeFilter, OnlyAtTheStartOfALine) {
  EscapeFilter f('~');
  auto ev = f.feed(bytes("a~.b\r~."));
  EXPECT_EQ(data_of(ev), "a~.b\r");
  EXPECT_EQ(commands_of(ev), std::vector<EscapeCommand>{EscapeCommand::kTerminate});
}

TEST(EscapeFilter, SessionStartsAtALineStartAndInputAfterTerminateIsDropped) {
  EscapeFilter f('~');
  auto ev = f.feed(bytes("~.rest"));
  EXPECT_EQ(data_of(ev), "");
  EXPECT_EQ(commands_of(ev), std::vector<EscapeCommand>{EscapeCommand::kTerminate});
}

TEST(EscapeFilter, TwiceSendsOneAndUnknownSendsBoth) {
  EscapeFilter f('~');
  EXPECT_EQ(data_of(f.feed(bytes("~~x\n"))), "~x\n");
  EXPECT_EQ(data_of(f.feed(bytes("~q"))), "~q");
}

TEST(EscapeFilter, CommandsKeepTheLineStartAndSplitAcrossReads) {
  EscapeFilter f('~');
  EXPECT_TRUE(f.feed(bytes("\n~")).size() == 1);  // "\n" data, escape pending
  auto ev = f.feed(bytes("?~B~R~V~v~#~\x1a~&~C"));
  EXPECT_EQ(commands_of(ev), (std::vector<EscapeCommand>{
                                 EscapeCommand::kHelp, EscapeCommand::kSendBreak, EscapeCommand::kRekey,
                                 EscapeCommand::kLogLess, EscapeCommand::kLogMore, EscapeCommand::kListConnections,
                                 EscapeCommand::kSuspend, EscapeCommand::kBackground, EscapeCommand::kCommandLine}));
  EXPECT_EQ(data_of(ev), "");
}

TEST(EscapeFilter, OtherEscapeCharacterAndNone) {
  EscapeFilter f(0x1d);  // ^]
  EXPECT_EQ(commands_of(f.feed(bytes("\x1d."))), std::vector<EscapeCommand>{EscapeCommand::kTerminate});
  EscapeFilter none(-1);
  EXPECT_EQ(data_of(none.feed(bytes("~.~?"))), "~.~?");
}

TEST(EscapeFilter, HelpTextMatchesOpenSsh) {
  const std::string help = ssh::escape_help_text('~');
  EXPECT_TRUE(help.starts_with("~?\r\nSupported escape sequences:\r\n ~.   - terminate connection (and any "
                               "multiplexed sessions)\r\n ~B   - send a BREAK to the remote system\r\n"));
  EXPECT_NE(help.find(" ~V/v - decrease/increase verbosity (LogLevel)\r\n ~^Z  - suspend ssh\r\n"), std::string::npos);
  EXPECT_TRUE(help.ends_with(" ~~   - send the escape character by typing it twice\r\n(Note that escapes are only "
                             "recognized immediately after newline.)\r\n"));
}

TEST(EscapeFilter, GarbageNeverCrashes) {
  EscapeFilter f('~');
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (int round = 0; round < 4; ++round) (void)f.feed(bytes(all + "\n~" + all));
  SUCCEED();
}

}  // namespace

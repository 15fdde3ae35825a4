// The ssh command lines scp runs, compared with what Debian's scp 9.2 passes to a
// logging -S program (the expected vectors below were recorded that way).
#include "ssh_command.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "operands.hpp"
#include "scp_options.hpp"

namespace {

using Argv = std::vector<std::string>;

scp::ScpOptions options(std::vector<std::string> args) {
  args.insert(args.begin(), "scp");
  auto p = scp::parse_command_line(args);
  EXPECT_FALSE(p.error);
  return p.options;
}

scp::Operand remote(const std::string& s) {
  scp::Operand o;
  EXPECT_TRUE(scp::parse_operand(s, o));
  return o;
}

const Argv kFixed = {"-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes", "-oRemoteCommand=none",
                     "-oRequestTTY=no"};

Argv with(Argv head, const Argv& middle, const Argv& tail) {
  head.insert(head.end(), middle.begin(), middle.end());
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

TEST(ScpSshCommand, SftpSubsystem) {
  auto o = options({"-S", "/log", "f", "host:/x"});
  Argv want = with({"/log"}, kFixed, {"-oForwardAgent=no", "-s", "--", "host", "sftp"});
  EXPECT_EQ(scp::ssh_argv(o, remote("host:/x"), true, "sftp"), want);
}

TEST(ScpSshCommand, LegacySinkAndSource) {
  auto o = options({"-O", "-S", "/log", "f", "host:/x"});
  std::string cmd = scp::remote_scp_command(o, false);
  EXPECT_EQ(scp::ssh_argv(o, remote("host:/x"), false, scp::remote_sink_command(cmd, "/x")),
            with({"/log"}, kFixed, {"-oForwardAgent=no", "--", "host", "scp -t /x"}));
  auto rp = options({"-O", "-r", "-p", "-S", "/log", "f", "u@host:/x y$z"});
  std::string cmd2 = scp::remote_scp_command(rp, false);
  EXPECT_EQ(scp::ssh_argv(rp, remote("u@host:/x y$z"), false, scp::remote_sink_command(cmd2, "/x y$z")),
            with({"/log"}, kFixed, {"-oForwardAgent=no", "-l", "u", "--", "host", "scp -r -p -t /x y$z"}));
  EXPECT_EQ(scp::remote_source_command("scp", "-p"), "scp -f -- -p");
  // Several sources: the target must be a directory (-d); -v is passed on.
  auto v = options({"-O", "-v", "a", "b", "h:"});
  EXPECT_EQ(scp::remote_scp_command(v, true), "scp -v -d");
}

TEST(ScpSshCommand, PassThroughFlagsAndUriPort) {
  auto o = options({"-4", "-A", "-B", "-C", "-c", "aes128-ctr", "-F", "/dev/null", "-i", "/id", "-J", "jump", "-o",
                    "Foo=bar", "-P", "2222", "-q", "-v", "-S", "/log", "f", "scp://u@h:23/path"});
  Argv want = with({"/log"}, kFixed,
                   {"-4", "-A", "-oBatchmode=yes", "-C", "-c", "aes128-ctr", "-F", "/dev/null", "-i", "/id", "-J",
                    "jump", "-o", "Foo=bar", "-q", "-v", "-oForwardAgent=no", "-p", "23", "-l", "u", "-s", "--", "h",
                    "sftp"});
  EXPECT_EQ(scp::ssh_argv(o, remote("scp://u@h:23/path"), true, "sftp"), want);
  // Without a URI port, -P applies.
  Argv plain = scp::ssh_argv(o, remote("h:x"), true, "sftp");
  auto p = std::find(plain.begin(), plain.end(), "-p");
  ASSERT_NE(p, plain.end());
  EXPECT_EQ(*(p + 1), "2222");
}

TEST(ScpSshCommand, RemoteToRemote) {
  auto r = options({"-R", "-S", "/log", "a:/x", "b:/y"});
  EXPECT_EQ(scp::remote_remote_argv(r, remote("a:/x"), remote("b:/y"), scp::remote_scp_command(r, false)),
            (Argv{"/log", "-x", "-oClearAllForwardings=yes", "-n", "--", "a", "scp", "/x", "b:/y"}));
  auto rr = options({"-O", "-R", "-r", "-p", "-S", "/log", "u@a:/x", "v@b:/y"});
  EXPECT_EQ(scp::remote_remote_argv(rr, remote("u@a:/x"), remote("v@b:/y"), scp::remote_scp_command(rr, false)),
            (Argv{"/log", "-x", "-oClearAllForwardings=yes", "-n", "-l", "u", "--", "a", "scp -r -p", "/x",
                  "v@b:/y"}));
  auto t = options({"-O", "-3", "-S", "/log", "a:/x", "b:/y"});
  EXPECT_EQ(scp::second_ssh_argv(t, remote("b:/y"), "scp -t /y"),
            with({"/log"}, kFixed, {"-oForwardAgent=no", "-oBatchMode=yes", "--", "b", "scp -t /y"}));
}

TEST(ScpSshCommand, DirectServer) {
  auto o = options({"-D", "/usr/lib/openssh/sftp-server", "f", "u@h:/x"});
  EXPECT_EQ(scp::ssh_argv(o, remote("u@h:/x"), false, "sftp"),
            (Argv{"/usr/lib/openssh/sftp-server", "--", "h", "sftp"}));
}

}  // namespace

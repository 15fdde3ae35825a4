// sftp's command line: the ssh argv must be exactly what OpenSSH 9.2's sftp builds
// (checked by running Debian's sftp with -S pointing at an argv-logging script).
#include "command_line.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sftp_program {
namespace {

using Argv = std::vector<std::string>;

Argv argv_for(const Argv& args) {
  CommandLineError error{};
  auto cl = parse_command_line(args, error);
  EXPECT_TRUE(cl.has_value()) << error.message;
  return cl ? cl->server_argv : Argv{};
}

const Argv kPrefix{"ssh", "-oForwardX11 no", "-oPermitLocalCommand no", "-oClearAllForwardings yes"};

Argv with_prefix(const Argv& rest) {
  Argv a = kPrefix;
  a.insert(a.end(), rest.begin(), rest.end());
  return a;
}

TEST(SftpCommandLine, PlainHost) {
  EXPECT_EQ(argv_for({"host"}), with_prefix({"-oForwardAgent no", "-s", "--", "host", "sftp"}));
}

TEST(SftpCommandLine, PortUserAndPath) {
  CommandLineError error{};
  auto cl = parse_command_line({"-P", "2222", "u@host:/tmp"}, error);
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->server_argv,
            with_prefix({"-oForwardAgent no", "-oPort 2222", "-l", "u", "-s", "--", "host", "sftp"}));
  EXPECT_EQ(cl->remote_path, "/tmp");
}

TEST(SftpCommandLine, PassedThroughFlagsKeepTheirOrder) {
  EXPECT_EQ(argv_for({"-4", "-A", "-C", "-c", "aes128-ctr", "-F", "cfg", "-i", "id", "-J", "jump", "-l", "100",
                      "-o", "Foo=bar", "-v", "-s", "subsys", "host"}),
            with_prefix({"-4", "-A", "-C", "-c", "aes128-ctr", "-F", "cfg", "-i", "id", "-J", "jump", "-o",
                         "Foo=bar", "-v", "-oForwardAgent no", "-s", "--", "host", "subsys"}));
  EXPECT_EQ(argv_for({"-vvv", "-o", "A=b", "-o", "C=d", "host:/x/y"}),
            with_prefix({"-v", "-v", "-v", "-o", "A=b", "-o", "C=d", "-oForwardAgent no", "-s", "--", "host",
                         "sftp"}));
  EXPECT_EQ(argv_for({"-6", "-R", "4", "-N", "-q", "host"}),
            with_prefix({"-6", "-q", "-oForwardAgent no", "-s", "--", "host", "sftp"}));
}

TEST(SftpCommandLine, ServerPathIsNotASubsystem) {
  EXPECT_EQ(argv_for({"-s", "/usr/lib/sub", "host"}),
            with_prefix({"-oForwardAgent no", "--", "host", "/usr/lib/sub"}));
}

TEST(SftpCommandLine, SftpUri) {
  CommandLineError error{};
  auto cl = parse_command_line({"sftp://u@h:33/p"}, error);
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->server_argv, with_prefix({"-oForwardAgent no", "-oPort 33", "-l", "u", "-s", "--", "h", "sftp"}));
  EXPECT_EQ(cl->remote_path, "p");
  auto abs = parse_destination("sftp://h//tmp/x");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->path, "/tmp/x");
  EXPECT_FALSE(parse_destination("sftp://h:0/x"));
  EXPECT_FALSE(parse_destination("sftp://"));
}

TEST(SftpCommandLine, BracketedHosts) {
  EXPECT_EQ(argv_for({"[::1]:/tmp"}), with_prefix({"-oForwardAgent no", "-s", "--", "::1", "sftp"}));
  EXPECT_EQ(argv_for({"u@[::1]"}), with_prefix({"-oForwardAgent no", "-l", "u", "-s", "--", "::1", "sftp"}));
}

TEST(SftpCommandLine, BatchAddsBatchModeAndQuiet) {
  CommandLineError error{};
  auto cl = parse_command_line({"-b", "bf", "-S", "/x/ssh", "host"}, error);
  ASSERT_TRUE(cl);
  Argv expected = with_prefix({"-obatchmode yes", "-oForwardAgent no", "-s", "--", "host", "sftp"});
  expected[0] = "/x/ssh";
  EXPECT_EQ(cl->server_argv, expected);
  EXPECT_TRUE(cl->quiet);
  EXPECT_FALSE(cl->show_progress);
  auto noisy = parse_command_line({"-b", "bf", "-N", "host"}, error);
  ASSERT_TRUE(noisy);
  EXPECT_FALSE(noisy->quiet);
}

TEST(SftpCommandLine, TransferOptions) {
  CommandLineError error{};
  auto cl = parse_command_line({"-afpr", "-B", "1000", "-R", "3", "-l", "50", "host"}, error);
  ASSERT_TRUE(cl);
  EXPECT_TRUE(cl->resume && cl->fsync && cl->preserve && cl->recursive);
  EXPECT_EQ(cl->buffer_size, 1000u);
  EXPECT_EQ(cl->requests, 3u);
  EXPECT_EQ(cl->limit_kbps, 50u);
  auto x = parse_command_line({"-X", "buffer=2000", "-X", "nrequests=7", "host"}, error);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->buffer_size, 2000u);
  EXPECT_EQ(x->requests, 7u);
}

TEST(SftpCommandLine, DirectServer) {
  CommandLineError error{};
  auto cl = parse_command_line({"-D", "/usr/lib/openssh/sftp-server -e"}, error);
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->server_argv, (Argv{"/usr/lib/openssh/sftp-server", "-e"}));
  // argv_split(): quotes and escapes, a '#' word ends the line; operands are ignored.
  cl = parse_command_line({"-D", "'/opt/my server' -l \"DEBUG1\" a\\ b #-e", "x", "y", "z"}, error);
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->server_argv, (Argv{"/opt/my server", "-l", "DEBUG1", "a b"}));
}

struct BadLine {
  Argv args;
  CommandLineFailure kind;
  std::string message;
};

TEST(SftpCommandLine, ErrorsAsOpenSsh) {
  const BadLine cases[] = {
      {{}, CommandLineFailure::kUsage, ""},
      {{"h", "a", "b"}, CommandLineFailure::kUsage, ""},
      {{"-l", "0", "host"}, CommandLineFailure::kUsage, ""},
      {{"-Z", "host"}, CommandLineFailure::kUsage, ""},
      {{"-P"}, CommandLineFailure::kUsage, ""},
      {{"-B", "0", "host"}, CommandLineFailure::kFatal, "Invalid buffer size \"0\""},
      {{"-R", "x", "host"}, CommandLineFailure::kFatal, "Invalid number of requests \"x\""},
      {{"-P", "0", "host"}, CommandLineFailure::kFatal, "Bad port \"0\"\n"},
      {{"-X", "foo", "host"}, CommandLineFailure::kFatal, "Invalid -X option"},
      {{"-1", "host"}, CommandLineFailure::kFatal, "SSH protocol v.1 is no longer supported"},
      {{"-b", "a", "-b", "b", "host"}, CommandLineFailure::kFatal, "Batch file already specified."},
      {{"-D", "'/usr/lib/openssh/sftp-server"}, CommandLineFailure::kFatal, "Parse -D arguments: invalid format"},
      {{"-D", ""}, CommandLineFailure::kFatal, "No sftp server specified via -D"},
      {{"-D", "  # only a comment"}, CommandLineFailure::kFatal, "No sftp server specified via -D"},
  };
  for (const auto& c : cases) {
    CommandLineError error{};
    EXPECT_FALSE(parse_command_line(c.args, error).has_value());
    EXPECT_EQ(error.kind, c.kind);
    EXPECT_EQ(error.message, c.message);
  }
}

TEST(SftpCommandLine, UsageText) {
  EXPECT_TRUE(usage_text().starts_with("usage: sftp [-46AaCfNpqrv] [-B buffer_size] [-b batchfile] [-c cipher]\n"));
  EXPECT_TRUE(usage_text().ends_with("          [-X sftp_option] destination\n"));
}

TEST(SftpCommandLine, GarbageNeverCrashes) {
  const Argv junk[] = {{"-"}, {"--"}, {"sftp://@"}, {"sftp://[::1"}, {"@:"}, {":x"}, {std::string(5000, 'a')},
                       {"-oX", "-"}, {"sftp://u@h:99999"}, {"sftp://h%zz/%41"}};
  for (const auto& args : junk) {
    CommandLineError error{};
    (void)parse_command_line(args, error);
  }
}

}  // namespace
}  // namespace sftp_program

// ssh's command line: getopt semantics, destinations, the remote command, and how flags
// combine with -o and the files (ssh.c main, OpenSSH 9.2).
#include "command_line.hpp"

#include "algorithm_query.hpp"

#include <gtest/gtest.h>

#include "client_config.hpp"
#include "support/temp_dir.hpp"
#include "support/process.hpp"

namespace {

using sshcore::config::SshOpt;

struct Parsed {
  ssh::CommandLine cl;
  std::optional<ssh::CommandLineExit> exit;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "ssh");
  Parsed p;
  auto r = ssh::parse_command_line(args, "/home/u", p.exit);
  EXPECT_TRUE(r.has_value());
  if (r) p.cl = std::move(*r);
  return p;
}

// Applies the command line alone (no files) and finalizes.
sshcore::config::SshOptions options_of(const ssh::CommandLine& cl) {
  sshcore::config::SshOptions o;
  sshcore::config::SshConfigEnvironment env;
  env.home_dir = "/home/u";
  env.local_user = "u";
  sshcore::config::SshTarget target{cl.destination, cl.destination, false, false};
  sshcore::config::SshConfigParser parser(env, target, o);
  EXPECT_TRUE(ssh::apply_command_line(cl, parser, o).has_value());
  return o;
}

TEST(SshCommandLine, DestinationAndCommandWordsJoinedWithSpaces) {
  auto p = parse({"-p", "2222", "alice@example.org", "ls", "-l", "a b"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.cl.destination, "example.org");
  EXPECT_EQ(p.cl.destination_user, "alice");
  EXPECT_TRUE(p.cl.has_command);
  EXPECT_EQ(p.cl.command, "ls -l a b");
  auto o = options_of(p.cl);
  EXPECT_EQ(o.number(SshOpt::kPort), 2222);
  EXPECT_EQ(*o.text(SshOpt::kUser), "alice");
}

TEST(SshCommandLine, OptionsAfterTheHostAreParsedUntilTheCommand) {
  auto p = parse({"host", "-l", "bob", "-T", "echo", "-v"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.cl.command, "echo -v");
  EXPECT_EQ(p.cl.debug_flag, 0);
  auto o = options_of(p.cl);
  EXPECT_EQ(*o.text(SshOpt::kUser), "bob");
  EXPECT_EQ(o.number(SshOpt::kRequestTty), sshcore::config::kTtyNo);
}

TEST(SshCommandLine, DoubleDashEndsOptions) {
  auto p = parse({"host", "--", "-p", "x"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.cl.command, "-p x");
}

TEST(SshCommandLine, SshUri) {
  auto p = parse({"ssh://carol@[::1]:2200"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.cl.destination, "::1");
  EXPECT_EQ(p.cl.destination_user, "carol");
  EXPECT_EQ(p.cl.destination_port, 2200);
  EXPECT_TRUE(parse({"ssh://h/path"}).exit.has_value());
  EXPECT_TRUE(parse({"@host"}).exit.has_value());
}

TEST(SshCommandLine, FirstPortWinsButCipherFlagOverrides) {
  auto p = parse({"-o", "Port=1", "-p", "2", "-o", "Ciphers=aes128-ctr", "-c", "aes256-ctr", "-l", "x", "-o", "User=y", "h"});
  ASSERT_FALSE(p.exit);
  auto o = options_of(p.cl);
  EXPECT_EQ(o.number(SshOpt::kPort), 1);
  EXPECT_EQ(*o.text(SshOpt::kCiphers), "aes256-ctr");
  EXPECT_EQ(*o.text(SshOpt::kUser), "x");
}

TEST(SshCommandLine, VerbosityAndQuiet) {
  auto p = parse({"-vvvv", "h"});
  EXPECT_EQ(p.cl.debug_flag, 3);
  EXPECT_EQ(*options_of(p.cl).text(SshOpt::kLogLevel), "DEBUG3");
  auto v = parse({"-v", "h"});
  EXPECT_EQ(*options_of(v.cl).text(SshOpt::kLogLevel), "DEBUG");
  EXPECT_EQ(*options_of(parse({"-q", "h"}).cl).text(SshOpt::kLogLevel), "QUIET");
}

TEST(SshCommandLine, TtyFlags) {
  EXPECT_EQ(options_of(parse({"-t", "h"}).cl).number(SshOpt::kRequestTty), sshcore::config::kTtyYes);
  EXPECT_EQ(options_of(parse({"-tt", "h"}).cl).number(SshOpt::kRequestTty), sshcore::config::kTtyForce);
  auto n = options_of(parse({"-N", "h"}).cl);
  EXPECT_EQ(n.number(SshOpt::kSessionType), sshcore::config::kSessionNone);
  EXPECT_EQ(n.number(SshOpt::kRequestTty), sshcore::config::kTtyNo);
  EXPECT_EQ(options_of(parse({"-n", "h"}).cl).number(SshOpt::kStdinNull), 1);
}

TEST(SshCommandLine, EscapeChar) {
  EXPECT_EQ(ssh::parse_escape_char("^]"), 29);
  EXPECT_EQ(ssh::parse_escape_char("%"), '%');
  EXPECT_EQ(ssh::parse_escape_char("none"), -2);
  EXPECT_FALSE(ssh::parse_escape_char("ab"));
  auto p = parse({"-e", "ab", "h"});
  ASSERT_TRUE(p.exit);
  EXPECT_EQ(p.exit->status, 255);
  EXPECT_EQ(p.exit->err, "Bad escape character 'ab'.\n");
}

TEST(SshCommandLine, ErrorsReadLikeOpenSsh) {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const Case cases[] = {
      {{"-p", "0", "h"}, "Bad port '0'\n"},
      {{"-p", "abc", "h"}, "Bad port 'abc'\n"},
      {{"-c", "foo", "h"}, "Unknown cipher type 'foo'\n"},
      {{"-m", "foo", "h"}, "Unknown mac type 'foo'\n"},
      {{"-1", "h"}, "SSH protocol v.1 is no longer supported\r\n"},
      {{"-O", "foo", "h"}, "Invalid multiplex command.\r\n"},
      {{"-Q", "foo"}, "Unsupported query \"foo\"\r\n"},
  };
  for (const Case& c : cases) {
    auto p = parse(c.args);
    ASSERT_TRUE(p.exit) << c.err;
    EXPECT_EQ(p.exit->status, 255);
    EXPECT_EQ(p.exit->err, c.err);
  }
  auto u = parse({});
  ASSERT_TRUE(u.exit);
  EXPECT_EQ(u.exit->err, ssh::usage_text());
  auto z = parse({"-Z", "h"});
  ASSERT_TRUE(z.exit);
  EXPECT_EQ(z.exit->err, "unknown option -- Z\r\n" + std::string(ssh::usage_text()));
  auto w = parse({"h", "-w"});
  ASSERT_TRUE(w.exit);
  EXPECT_TRUE(w.exit->err.starts_with("option requires an argument -- w\r\n"));
}

TEST(SshCommandLine, Queries) {
  auto p = parse({"-Q", "cipher"});
  ASSERT_TRUE(p.exit);
  EXPECT_EQ(p.exit->status, 0);
  EXPECT_NE(p.exit->out.find("aes128-ctr\n"), std::string::npos);
  EXPECT_NE(p.exit->out.find("chacha20-poly1305@openssh.com\n"), std::string::npos);
  EXPECT_EQ(*ssh::query_answer("protocol-version"), "2");
  EXPECT_EQ(*ssh::query_answer("key-sig"), *ssh::query_answer("HostKeyAlgorithms"));
  EXPECT_NE(ssh::query_answer("sig")->find("rsa-sha2-512"), std::string::npos);
  EXPECT_EQ(ssh::query_answer("key")->find("rsa-sha2-512"), std::string::npos);
  EXPECT_FALSE(ssh::query_answer("kex-gss"));
}

TEST(SshCommandLine, IdentityFlagsComeFirstAndMissingFilesWarn) {
  sshpp::test::TempDir dir;
  sshpp::test::write_text(dir / "id", "x");
  auto p = parse({"-i", dir / "id", "-i", dir / "missing", "h"});
  ASSERT_FALSE(p.exit);
  ASSERT_EQ(p.cl.warnings.size(), 1u);
  EXPECT_EQ(p.cl.warnings[0], "Warning: Identity file " + (dir / "missing") +
                                   " not accessible: No such file or directory.");
  auto o = options_of(p.cl);
  ASSERT_EQ(o.list(SshOpt::kIdentityFile).size(), 1u);
  EXPECT_EQ(o.list(SshOpt::kIdentityFile)[0], dir / "id");
}

TEST(SshCommandLine, ForwardingFlagsBecomeConfigLines) {
  auto p = parse({"-L", "8080:localhost:80", "-L", "127.0.0.1:9090:[::1]:22", "-D", "1080", "h"});
  ASSERT_FALSE(p.exit);
  auto o = options_of(p.cl);
  EXPECT_EQ(o.list(SshOpt::kLocalForward).size(), 2u);
  EXPECT_FALSE(o.list(SshOpt::kDynamicForward).empty());
  EXPECT_TRUE(parse({"-L", "garbage", "h"}).exit.has_value());
}

TEST(SshCommandLine, GarbageArgumentsNeverCrash) {
  const std::vector<std::string> junk = {"-", "--", "-o", "", "-@", "ssh://", "ssh://@", "ssh://h:99999",
                                         "-e", "^", "-p", "-1x", "\xff\xfe", "-L", ":", "-oPort=x"};
  for (std::size_t i = 0; i < junk.size(); ++i) {
    std::vector<std::string> args{"ssh"};
    for (std::size_t j = i; j < junk.size(); ++j) args.push_back(junk[j]);
    std::optional<ssh::CommandLineExit> exit;
    auto r = ssh::parse_command_line(args, "/h", exit);
    EXPECT_TRUE(r.has_value() || exit.has_value());
  }
}

}  // namespace

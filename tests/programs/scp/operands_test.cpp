// scp's operands and command line, as OpenSSH 9.2's scp.c and misc.c parse them.
#include "operands.hpp"

#include <gtest/gtest.h>

#include "scp_options.hpp"

namespace {

using scp::Operand;

TEST(ScpOperands, LocalNames) {
  EXPECT_EQ(scp::find_host_colon("file"), std::string::npos);
  EXPECT_EQ(scp::find_host_colon(":leading"), std::string::npos);   // a leading ':' is a file name
  EXPECT_EQ(scp::find_host_colon("./a:b"), std::string::npos);      // '/' before ':' makes it local
  EXPECT_EQ(scp::find_host_colon("dir/x:y"), std::string::npos);
  Operand o;
  ASSERT_TRUE(scp::parse_operand("./a:b", o));
  EXPECT_FALSE(o.remote);
  EXPECT_EQ(o.path, "./a:b");
}

TEST(ScpOperands, UserHostPath) {
  Operand o;
  ASSERT_TRUE(scp::parse_user_host_path("alice@example.org:/tmp/f", o));
  EXPECT_TRUE(o.remote);
  EXPECT_EQ(*o.user, "alice");
  EXPECT_EQ(o.host, "example.org");
  EXPECT_EQ(o.path, "/tmp/f");
  EXPECT_EQ(o.port, -1);
  ASSERT_TRUE(scp::parse_user_host_path("host:", o));
  EXPECT_FALSE(o.user);
  EXPECT_EQ(o.path, ".");  // an empty path is the remote home directory
  // The last '@' separates the user, and an empty user is none.
  ASSERT_TRUE(scp::parse_user_host_path("a@b@host:x", o));
  EXPECT_EQ(*o.user, "a@b");
  ASSERT_TRUE(scp::parse_user_host_path("@host:x", o));
  EXPECT_FALSE(o.user);
  // A path may hold further colons.
  ASSERT_TRUE(scp::parse_user_host_path("h:a:b", o));
  EXPECT_EQ(o.path, "a:b");
}

TEST(ScpOperands, Ipv6InBrackets) {
  Operand o;
  ASSERT_TRUE(scp::parse_user_host_path("[::1]:/tmp/x", o));
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.path, "/tmp/x");
  ASSERT_TRUE(scp::parse_user_host_path("u@[fe80::1%eth0]:p", o));
  EXPECT_EQ(*o.user, "u");
  EXPECT_EQ(o.host, "fe80::1%eth0");
  EXPECT_EQ(o.path, "p");
  // Without brackets the first ':' ends the host, as OpenSSH's colon().
  EXPECT_FALSE(scp::parse_user_host_path("::1:x", o));  // a leading ':' is local
}

TEST(ScpOperands, ScpUri) {
  Operand o;
  ASSERT_EQ(scp::parse_scp_uri("scp://bob@host.example:2222/dir/f", o), scp::UriParse::kParsed);
  EXPECT_EQ(*o.user, "bob");
  EXPECT_EQ(o.host, "host.example");
  EXPECT_EQ(o.port, 2222);
  EXPECT_EQ(o.path, "dir/f");  // relative to the login directory, as OpenSSH
  ASSERT_EQ(scp::parse_scp_uri("scp://host//abs", o), scp::UriParse::kParsed);
  EXPECT_EQ(o.path, "/abs");
  ASSERT_EQ(scp::parse_scp_uri("scp://u;fingerprint=x@h", o), scp::UriParse::kParsed);
  EXPECT_EQ(*o.user, "u");
  EXPECT_EQ(o.path, ".");
  ASSERT_EQ(scp::parse_scp_uri("scp://h/a%20b", o), scp::UriParse::kParsed);
  EXPECT_EQ(o.path, "a b");
  EXPECT_EQ(scp::parse_scp_uri("host:x", o), scp::UriParse::kNotUri);
  EXPECT_EQ(scp::parse_scp_uri("scp://", o), scp::UriParse::kInvalid);
  EXPECT_EQ(scp::parse_scp_uri("scp://@h", o), scp::UriParse::kInvalid);
  EXPECT_EQ(scp::parse_scp_uri("scp://h:0/x", o), scp::UriParse::kInvalid);
  EXPECT_EQ(scp::parse_scp_uri("scp://h:99999/x", o), scp::UriParse::kInvalid);
  EXPECT_EQ(scp::parse_scp_uri("scp://h/%zz", o), scp::UriParse::kInvalid);
  EXPECT_EQ(scp::parse_scp_uri("scp://h/%00", o), scp::UriParse::kInvalid);
  // OpenSSH 9.2 refuses an IPv6 literal here (valid_domain); Debian's scp says "invalid uri".
  EXPECT_EQ(scp::parse_scp_uri("scp://u@[::1]:23/path", o), scp::UriParse::kInvalid);
  EXPECT_EQ(scp::parse_scp_uri("scp://bad..host/x", o), scp::UriParse::kInvalid);
}

TEST(ScpOperands, UserNamesSafeForARemoteCommandLine) {
  EXPECT_TRUE(scp::user_name_ok("alice.b-c_d"));
  EXPECT_FALSE(scp::user_name_ok("a b"));
  EXPECT_FALSE(scp::user_name_ok("a'b"));
  EXPECT_FALSE(scp::user_name_ok("a`b"));
  EXPECT_FALSE(scp::user_name_ok("a#b"));
  EXPECT_FALSE(scp::user_name_ok("\xc3\xa9"));
}

scp::ParsedCommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "scp");
  return scp::parse_command_line(args);
}

TEST(ScpCommandLine, Flags) {
  auto p = parse({"-3", "-p", "-r", "-q", "-T", "-O", "-l", "800", "-P", "2222", "-X", "nrequests=4", "-X",
                  "buffer=16k", "a", "b"});
  ASSERT_FALSE(p.error);
  const scp::ScpOptions& o = p.options;
  EXPECT_TRUE(o.through_local && o.preserve && o.recursive && o.quiet && o.no_strict_names);
  EXPECT_EQ(o.mode, scp::Mode::kScp);
  EXPECT_EQ(o.limit_kbps, 800u * 1024);
  EXPECT_EQ(o.port, 2222);
  EXPECT_EQ(o.sftp_requests, 4u);
  EXPECT_EQ(o.sftp_buffer, 16u * 1024);
  EXPECT_EQ(o.operands, (std::vector<std::string>{"a", "b"}));
  // Options end at the first operand (BSD getopt, as OpenSSH's portable build).
  auto q = parse({"a", "-r", "b"});
  EXPECT_FALSE(q.options.recursive);
  EXPECT_EQ(q.options.operands.size(), 3u);
  // -R turns the default -3 off; -s after -O is SFTP again.
  EXPECT_FALSE(parse({"-R", "a", "b"}).options.through_local);
  EXPECT_EQ(parse({"-O", "-s", "a", "b"}).options.mode, scp::Mode::kSftp);
  // The remote modes force the legacy protocol.
  auto t = parse({"-t", "-d", "/x"});
  EXPECT_TRUE(t.options.sink_mode && t.options.target_should_be_directory);
  EXPECT_EQ(t.options.mode, scp::Mode::kScp);
}

TEST(ScpCommandLine, Errors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
    int exit_code;
  };
  const Case cases[] = {
      {{"-Z", "a", "b"}, "unknown option -- Z", 1},
      {{"-P"}, "option requires an argument -- P", 1},
      {{"-P", "0", "a", "b"}, "bad port \"0\"\n", 255},
      {{"-l", "0", "a", "b"}, "", 1},
      {{"-l", "x", "a", "b"}, "", 1},
      {{"-1", "a", "b"}, "SSH protocol v.1 is no longer supported", 255},
      {{"-X", "foo", "a", "b"}, "Invalid -X option", 255},
      {{"-X", "buffer=x", "a", "b"}, "Invalid buffer size \"x\": Invalid argument", 255},
      {{"-X", "buffer=300k", "a", "b"}, "Invalid buffer size \"300k\": Invalid argument", 255},
      {{"-X", "nrequests=0", "a", "b"}, "Invalid number of requests \"0\": too small", 255},
      {{"-X", "nrequests=999999", "a", "b"}, "Invalid number of requests \"999999\": too large", 255},
  };
  for (const Case& c : cases) {
    auto p = parse(c.args);
    ASSERT_TRUE(p.error) << c.args[0];
    EXPECT_EQ(p.error->message, c.message);
    EXPECT_EQ(p.error->exit_code, c.exit_code);
  }
}

}  // namespace

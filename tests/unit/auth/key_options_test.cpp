// The authorized_keys option grammar (OpenSSH 9.2 sshauthopt_parse) and the connection
// checks (auth_authorise_keyopts), with OpenSSH's error strings and log wording.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sshcore/auth/key_options.hpp"

using namespace sshcore;
using namespace sshcore::auth;

namespace {

const TimeZone kUtc = TimeZone::utc();

KeyOptions parse_ok(std::string_view text) {
  auto r = parse_key_options(text, kUtc);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().detail);
  return r ? *r : KeyOptions{};
}

std::string parse_error(std::string_view text) {
  auto r = parse_key_options(text, kUtc);
  EXPECT_FALSE(r) << text;
  if (r) return "";
  EXPECT_EQ(r.error().code, Errc::kInvalidFormat);
  return r.error().detail;
}

TEST(KeyOptions, EmptyGivesEverythingPermitted) {
  KeyOptions o = parse_ok("");
  EXPECT_TRUE(o.permit_port_forwarding);
  EXPECT_TRUE(o.permit_agent_forwarding);
  EXPECT_TRUE(o.permit_x11_forwarding);
  EXPECT_TRUE(o.permit_pty);
  EXPECT_TRUE(o.permit_user_rc);
  EXPECT_FALSE(o.restricted);
  EXPECT_FALSE(o.cert_authority);
  EXPECT_FALSE(o.force_command);
  EXPECT_EQ(o.force_tunnel_device, kTunnelDeviceNone);
  EXPECT_EQ(o, KeyOptions{});
  // Options end at the first blank: a whole line may be passed.
  EXPECT_EQ(parse_ok(" no-pty ssh-ed25519 AAAA"), KeyOptions{});
}

TEST(KeyOptions, EachFlagAndItsNegation) {
  struct Case {
    const char* text;
    bool KeyOptions::*field;
    bool value;
  };
  const Case cases[] = {
      {"no-port-forwarding", &KeyOptions::permit_port_forwarding, false},
      {"port-forwarding", &KeyOptions::permit_port_forwarding, true},
      {"no-agent-forwarding", &KeyOptions::permit_agent_forwarding, false},
      {"agent-forwarding", &KeyOptions::permit_agent_forwarding, true},
      {"no-X11-forwarding", &KeyOptions::permit_x11_forwarding, false},
      {"X11-forwarding", &KeyOptions::permit_x11_forwarding, true},
      {"no-pty", &KeyOptions::permit_pty, false},
      {"pty", &KeyOptions::permit_pty, true},
      {"no-user-rc", &KeyOptions::permit_user_rc, false},
      {"user-rc", &KeyOptions::permit_user_rc, true},
      {"cert-authority", &KeyOptions::cert_authority, true},
      {"no-touch-required", &KeyOptions::no_require_user_presence, true},
      {"touch-required", &KeyOptions::no_require_user_presence, false},
      {"verify-required", &KeyOptions::require_verify, true},
      {"no-verify-required", &KeyOptions::require_verify, false},
  };
  for (const Case& c : cases) {
    KeyOptions o = parse_ok(c.text);
    EXPECT_EQ(o.*(c.field), c.value) << c.text;
    // Only that field moved.
    KeyOptions expected;
    expected.*(c.field) = c.value;
    EXPECT_EQ(o, expected) << c.text;
  }
}

TEST(KeyOptions, NamesAreCaseInsensitive) {
  KeyOptions o = parse_ok("NO-PTY,No-Port-Forwarding,x11-FORWARDING,COMMAND=\"ls\",From=\"*\"");
  EXPECT_FALSE(o.permit_pty);
  EXPECT_FALSE(o.permit_port_forwarding);
  EXPECT_TRUE(o.permit_x11_forwarding);
  EXPECT_EQ(o.force_command, "ls");
  EXPECT_EQ(o.from, "*");
}

TEST(KeyOptions, RestrictThenReenable) {
  KeyOptions r = parse_ok("restrict");
  EXPECT_TRUE(r.restricted);
  EXPECT_FALSE(r.permit_port_forwarding || r.permit_agent_forwarding || r.permit_x11_forwarding ||
               r.permit_pty || r.permit_user_rc);
  KeyOptions p = parse_ok("restrict,pty,command=\"/usr/bin/svnserve -t\"");
  EXPECT_TRUE(p.restricted);
  EXPECT_TRUE(p.permit_pty);
  EXPECT_FALSE(p.permit_port_forwarding);
  EXPECT_EQ(p.force_command, "/usr/bin/svnserve -t");
  // Order matters: restrict after pty turns it off again.
  EXPECT_FALSE(parse_ok("pty,restrict").permit_pty);
  KeyOptions all = parse_ok("restrict,port-forwarding,agent-forwarding,X11-forwarding,pty,user-rc");
  EXPECT_TRUE(all.permit_port_forwarding && all.permit_agent_forwarding && all.permit_x11_forwarding &&
              all.permit_pty && all.permit_user_rc);
  EXPECT_TRUE(all.restricted);
  EXPECT_EQ(parse_error("no-restrict"), "unknown key option");
}

TEST(KeyOptions, QuotingAndEscapes) {
  EXPECT_EQ(parse_ok(R"(command="echo \"hi there\"")").force_command, "echo \"hi there\"");
  // Only \" is an escape; other backslashes stay.
  EXPECT_EQ(parse_ok(R"(command="a\\b\n")").force_command, "a\\\\b\\n");
  EXPECT_EQ(parse_ok(R"(command="")").force_command, "");
  EXPECT_EQ(parse_ok(R"(command="a,b c",no-pty)").force_command, "a,b c");
  EXPECT_FALSE(parse_ok(R"(command="a,b c",no-pty)").permit_pty);
  EXPECT_EQ(parse_error(R"(command="unterminated)"), "missing end quote");
  EXPECT_EQ(parse_error(R"(command="ends in escape\")"), "missing end quote");
  EXPECT_EQ(parse_error("command=ls"), "missing start quote");
  EXPECT_EQ(parse_error(R"(command="a"x)"), "unknown key option");
  EXPECT_EQ(parse_error(R"(command="a",command="b")"), "multiple \"command\" clauses");
}

TEST(KeyOptions, SeparatorsAndUnknownNames) {
  EXPECT_EQ(parse_error("frm=\"x\""), "unknown key option");
  EXPECT_EQ(parse_error("no-pty,bogus"), "unknown key option");
  EXPECT_EQ(parse_error("command"), "unknown key option");  // no '='
  EXPECT_EQ(parse_error("no-pty,"), "unexpected end-of-options");
  // Flags match by prefix, so "ptyx" reads "pty" and then chokes on "x".
  EXPECT_EQ(parse_error("ptyx"), "unknown key option");
  EXPECT_EQ(parse_error("pty=yes"), "unknown key option");
  // An empty option between commas is skipped, and so is a leading comma.
  EXPECT_FALSE(parse_ok(",no-pty,,no-user-rc").permit_user_rc);
  // A comma right before the blank ends the options.
  EXPECT_FALSE(parse_ok("no-pty, ssh-ed25519").permit_pty);
}

TEST(KeyOptions, EnvironmentFirstValueWins) {
  KeyOptions o = parse_ok(R"(environment="FOO=bar",environment="B_2=x=y",environment="FOO=baz")");
  ASSERT_EQ(o.environment.size(), 2u);
  EXPECT_EQ(o.environment[0], "FOO=bar");
  EXPECT_EQ(o.environment[1], "B_2=x=y");
  EXPECT_EQ(parse_ok(R"(environment="EMPTY=")").environment.at(0), "EMPTY=");
  EXPECT_EQ(parse_error(R"(environment="NOEQUALS")"), "invalid environment string");
  EXPECT_EQ(parse_error(R"(environment="=value")"), "invalid environment string");
  EXPECT_EQ(parse_error(R"(environment="BAD-NAME=1")"), "invalid environment string");
  EXPECT_EQ(parse_error(R"(environment="A B=1")"), "invalid environment string");
  EXPECT_EQ(parse_error("environment=FOO"), "missing start quote");
}

TEST(KeyOptions, EnvironmentLimit) {
  std::string text;
  for (std::size_t i = 0; i <= kMaxKeyEnvironment; ++i) text += "environment=\"V" + std::to_string(i) + "=1\",";
  text.pop_back();
  EXPECT_EQ(parse_ok(text).environment.size(), kMaxKeyEnvironment + 1);  // OpenSSH checks "> 1024" first
  EXPECT_EQ(parse_error(text + ",environment=\"LAST=1\""), "too many environment strings");
}

TEST(KeyOptions, PermitOpenAndListen) {
  KeyOptions o = parse_ok(
      R"(permitopen="localhost:8765",permitopen="[::1]:22",permitopen="host:*",permitopen="localhost/2222")");
  ASSERT_EQ(o.permit_open.size(), 4u);
  EXPECT_EQ(o.permit_open[1], "[::1]:22");
  EXPECT_EQ(parse_forward_permission(o.permit_open[0]), (ForwardPermission{"localhost", 8765}));
  EXPECT_EQ(parse_forward_permission(o.permit_open[1]), (ForwardPermission{"::1", 22}));
  EXPECT_EQ(parse_forward_permission(o.permit_open[2]), (ForwardPermission{"host", 0}));
  EXPECT_EQ(parse_forward_permission(o.permit_open[3]), (ForwardPermission{"localhost", 2222}));
  // A bare IPv6 address splits at its first ':' as in OpenSSH: brackets are required.
  EXPECT_EQ(parse_error(R"(permitopen="2001:db8::1:80")"), "invalid permission port");
  EXPECT_FALSE(parse_forward_permission("2001:db8::1:80"));
  EXPECT_FALSE(parse_forward_permission("nohost"));

  KeyOptions l = parse_ok(R"(permitlisten="8080",permitlisten="localhost:9000",permitlisten="[::1]:*")");
  ASSERT_EQ(l.permit_listen.size(), 3u);
  EXPECT_EQ(l.permit_listen[0], "*:8080");
  EXPECT_EQ(parse_forward_permission(l.permit_listen[0]), (ForwardPermission{"*", 8080}));
  EXPECT_EQ(parse_forward_permission(l.permit_listen[2]), (ForwardPermission{"::1", 0}));

  EXPECT_EQ(parse_error(R"(permitopen="localhost")"), "invalid permission port");
  EXPECT_EQ(parse_error(R"(permitopen="localhost:0")"), "invalid permission port");
  EXPECT_EQ(parse_error(R"(permitopen="localhost:65536")"), "invalid permission port");
  EXPECT_EQ(parse_error(R"(permitopen="localhost:22x")"), "invalid permission port");
  EXPECT_EQ(parse_error(R"(permitopen="[::1:22")"), "invalid permission hostname");
  EXPECT_EQ(parse_error(R"(permitopen="[::1]x22")"), "invalid permission hostname");
  EXPECT_EQ(parse_error("permitopen=\"" + std::string(1025, 'h') + ":22\""), "invalid permission hostname");
  EXPECT_EQ(parse_error(R"(permitlisten="0")"), "invalid permission port");
  EXPECT_EQ(parse_error("permitopen=x:1"), "missing start quote");
}

TEST(KeyOptions, PermitLimit) {
  std::string text;
  for (std::size_t i = 0; i <= kMaxKeyPermits; ++i) text += "permitopen=\"h:1\",";
  text.pop_back();
  EXPECT_EQ(parse_ok(text).permit_open.size(), kMaxKeyPermits + 1);
  EXPECT_EQ(parse_error(text + ",permitopen=\"h:2\""), "too many permission directives");
}

TEST(KeyOptions, PrincipalsFromTunnel) {
  KeyOptions o = parse_ok(R"(cert-authority,principals="ops,dev",from="*.example.com,!bad.example.com",tunnel="1")");
  EXPECT_TRUE(o.cert_authority);
  EXPECT_EQ(o.principals, "ops,dev");
  EXPECT_EQ(o.from, "*.example.com,!bad.example.com");
  EXPECT_EQ(o.force_tunnel_device, 1);
  EXPECT_EQ(parse_ok(R"(tunnel="any")").force_tunnel_device, kTunnelDeviceAny);
  EXPECT_EQ(parse_ok(R"(tunnel="ANY")").force_tunnel_device, kTunnelDeviceAny);
  EXPECT_EQ(parse_ok(R"(tunnel="2147483645")").force_tunnel_device, 2147483645);
  EXPECT_EQ(parse_error(R"(tunnel="2147483646")"), "invalid tun device");
  EXPECT_EQ(parse_error(R"(tunnel="-1")"), "invalid tun device");
  EXPECT_EQ(parse_error(R"(tunnel="tun0")"), "invalid tun device");
  EXPECT_EQ(parse_error(R"(principals="a",principals="b")"), "multiple \"principals\" clauses");
  EXPECT_EQ(parse_error(R"(from="a",from="b")"), "multiple \"from\" clauses");
}

TEST(KeyOptions, ExpiryTimeKeepsTheEarliest) {
  EXPECT_EQ(parse_ok(R"(expiry-time="20300101")").valid_before, 1893456000u);
  EXPECT_EQ(parse_ok(R"(expiry-time="20300102",expiry-time="20300101",expiry-time="20300103")").valid_before,
            1893456000u);
  // Local time: an injected zone moves the instant.
  auto east = parse_key_options(R"(expiry-time="20300101")", TimeZone::fixed_offset(7200));
  ASSERT_TRUE(east);
  EXPECT_EQ(east->valid_before, 1893456000u - 7200);
  EXPECT_EQ(parse_error(R"(expiry-time="2030")"), "invalid expires time");
  EXPECT_EQ(parse_error(R"(expiry-time="19700101")"), "invalid expires time");  // 0 means "none"
  EXPECT_EQ(parse_error(R"(expiry-time="20301301")"), "invalid expires time");
}

// ---- check_key_options --------------------------------------------------------------

KeyCheckContext context(std::string_view ip, std::string_view host, std::int64_t now = 1700000000) {
  KeyCheckContext c;
  c.user = "fred";
  c.remote_ip = ip;
  c.remote_host = host;
  c.now = now;
  c.zone = TimeZone::utc();
  return c;
}

TEST(KeyOptionsCheck, AllowedLogsTheKeyOptions) {
  auto c = check_key_options(parse_ok("no-pty"), context("10.1.2.3", "10.1.2.3"), "f:1");
  EXPECT_TRUE(c.allowed);
  EXPECT_TRUE(c.reason.empty());
  ASSERT_EQ(c.log.size(), 1u);
  EXPECT_EQ(c.log[0], (AuthLogLine{log::Level::kDebug1, "f:1: key options: agent-forwarding port-forwarding user-rc x11-forwarding"}));

  KeyOptions all = parse_ok(
      R"(restrict,pty,command="run \"x\"",environment="A=1",environment="B=2",expiry-time="20991231",)"
      R"(cert-authority,principals="ops",permitopen="h:22",permitlisten="8080",tunnel="3",no-touch-required,)"
      R"(verify-required)");
  KeyCheckContext ctx = context("10.1.2.3", "10.1.2.3");
  auto quiet = check_key_options(all, ctx, "f:2");
  ASSERT_TRUE(quiet.allowed);
  std::vector<AuthLogLine> expected = {
      {log::Level::kDebug1,
       "f:2: key options: commandexpires no-touch-required permitopen permitlisten principals pty uv tun=3"},
      {log::Level::kDebug1, "f:2: expires at 2099-12-31T00:00:00"},
      {log::Level::kDebug1, "f:2: authorized principals: \"ops\""},
      {log::Level::kDebug1, "f:2: forced command: \"run \"x\"\""},
      {log::Level::kDebug1, "f:2: permitted open: h:22"},
      {log::Level::kDebug1, "f:2: permitted listen: *:8080"},
  };
  EXPECT_EQ(quiet.log, expected);
  // PermitUserEnvironment yes shows the environment; AllowTcpForwarding no hides the permits.
  ctx.permit_user_environment = true;
  ctx.allow_tcp_forwarding_local = false;
  ctx.allow_tcp_forwarding_remote = false;
  auto loud = check_key_options(all, ctx, "f:2");
  expected = {
      {log::Level::kDebug1,
       "f:2: key options: command environmentexpires no-touch-required principals pty uv tun=3"},
      {log::Level::kDebug1, "f:2: environment: A=1"},
      {log::Level::kDebug1, "f:2: environment: B=2"},
      {log::Level::kDebug1, "f:2: expires at 2099-12-31T00:00:00"},
      {log::Level::kDebug1, "f:2: authorized principals: \"ops\""},
      {log::Level::kDebug1, "f:2: forced command: \"run \"x\"\""},
  };
  EXPECT_EQ(loud.log, expected);
}

TEST(KeyOptionsCheck, ExpiryPastAndFuture) {
  KeyOptions o = parse_ok(R"(expiry-time="203001011230")");
  auto before = check_key_options(o, context("1.2.3.4", "1.2.3.4", 1893456000), "/home/fred/.ssh/authorized_keys:3");
  EXPECT_TRUE(before.allowed);
  auto exact = check_key_options(o, context("1.2.3.4", "1.2.3.4", 1893456000 + 45000), "f:3");
  EXPECT_TRUE(exact.allowed);  // refused only strictly after
  auto after = check_key_options(o, context("1.2.3.4", "1.2.3.4", 1893456000 + 45001),
                                 "/home/fred/.ssh/authorized_keys:3");
  EXPECT_FALSE(after.allowed);
  ASSERT_EQ(after.log.size(), 1u);
  EXPECT_EQ(after.log[0].level, log::Level::kDebug1);
  EXPECT_EQ(after.log[0].text, "/home/fred/.ssh/authorized_keys:3: entry expired at 2030-01-01T12:30:00");
  EXPECT_EQ(after.reason, after.log[0].text);
  // The log shows the time in the server's zone.
  KeyCheckContext ctx = context("1.2.3.4", "1.2.3.4", 1893456000 + 45001);
  ctx.zone = TimeZone::fixed_offset(3600);
  EXPECT_EQ(check_key_options(o, ctx, "f:3").reason, "f:3: entry expired at 2030-01-01T13:30:00");
}

TEST(KeyOptionsCheck, PrincipalsNeedCertAuthority) {
  auto c = check_key_options(parse_ok(R"(principals="ops")"), context("1.2.3.4", "h"), "f:2");
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.reason, "f:2: principals on non-CA key");
  EXPECT_TRUE(check_key_options(parse_ok(R"(cert-authority,principals="ops")"), context("1.2.3.4", "h"), "f:2").allowed);
  auto p = check_key_options(parse_ok("cert-authority"), context("1.2.3.4", "h"), "f:2", false);
  EXPECT_EQ(p.reason, "f:2: cert-authority flag invalid here");
}

struct FromCase {
  const char* from;
  const char* ip;
  const char* host;
  bool allowed;
};

TEST(KeyOptionsCheck, FromWithNamesAddressesCidrAndNegation) {
  const FromCase cases[] = {
      {"10.0.0.0/8", "10.1.2.3", "10.1.2.3", true},
      {"10.0.0.0/8", "11.1.2.3", "11.1.2.3", false},
      {"10.0.0.0/8,!10.1.2.3", "10.1.2.3", "10.1.2.3", false},
      {"10.0.0.0/8,!10.1.2.3", "10.1.2.4", "10.1.2.4", true},
      {"!127.0.0.1,*", "127.0.0.1", "127.0.0.1", false},
      {"!127.0.0.1,*", "127.0.0.2", "127.0.0.2", true},
      {"127.0.0.0/8", "127.0.0.1", "localhost", true},
      {"*.example.com", "192.0.2.7", "ws1.example.com", true},
      {"*.example.com", "192.0.2.7", "ws1.example.org", false},
      {"*.EXAMPLE.com", "192.0.2.7", "WS1.example.COM", true},
      {"*.example.com,!ws1.example.com", "192.0.2.7", "ws1.example.com", false},
      {"192.0.2.*", "192.0.2.7", "x", true},
      {"192.0.2.?", "192.0.2.17", "x", false},
      {"2001:db8::/32", "2001:db8::42", "2001:db8::42", true},
      {"2001:db8::/32", "2001:db9::42", "2001:db9::42", false},
      {"2001:db8::/32,!2001:db8::42", "2001:db8::42", "2001:db8::42", false},
      {"::1", "::1", "::1", true},
      {"10.0.0.0/8", "2001:db8::1", "2001:db8::1", false},
  };
  for (const FromCase& c : cases) {
    KeyOptions o = parse_ok(std::string("from=\"") + c.from + "\"");
    auto r = check_key_options(o, context(c.ip, c.host), "f:1");
    EXPECT_EQ(r.allowed, c.allowed) << c.from << " ip=" << c.ip << " host=" << c.host;
  }
}

TEST(KeyOptionsCheck, FromRefusalWording) {
  KeyOptions o = parse_ok(R"(from="10.0.0.0/8")");
  auto r = check_key_options(o, context("192.0.2.1", "client.example.org"), "/h/.ssh/authorized_keys:4");
  EXPECT_FALSE(r.allowed);
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].level, log::Level::kInfo);
  EXPECT_EQ(r.log[0].text,
            "/h/.ssh/authorized_keys:4: Authentication tried for fred with correct key but not from a permitted "
            "host (host=client.example.org, ip=192.0.2.1, required=10.0.0.0/8).");
  // A malformed list (host bits set) is "invalid criteria" and refuses.
  auto bad = check_key_options(parse_ok(R"(from="10.0.0.1/8")"), context("10.0.0.1", "10.0.0.1"), "f:9");
  EXPECT_FALSE(bad.allowed);
  ASSERT_EQ(bad.log.size(), 2u);
  EXPECT_EQ(bad.log[0].text, "f:9: invalid from criteria");
  EXPECT_EQ(bad.log[1].level, log::Level::kInfo);
}

TEST(KeyOptionsCheck, ExpiryIsCheckedBeforeFrom) {
  KeyOptions o = parse_ok(R"(from="10.0.0.0/8",expiry-time="20200101")");
  auto r = check_key_options(o, context("192.0.2.1", "h", 1700000000), "f:1");
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.reason, "f:1: entry expired at 2020-01-01T00:00:00");
}

}  // namespace

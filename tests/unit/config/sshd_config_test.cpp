// sshd_config parsing against in-memory files: keyword coverage, first-value-wins,
// accumulation, Match, Include, and the exact error texts (servconf.c wording; the same
// texts are checked against Debian's sshd in sshd_config_debian_test.cpp).
#include "sshcore/config/sshd_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "sshcore/base/pattern.hpp"
#include "support/process.hpp"

namespace sshcore::config {
namespace {

struct MemoryFiles {
  std::map<std::string, std::string> files;
  FileSource source() {
    return FileSource{[this](const std::string& path) -> Result<std::string> {
                        auto it = files.find(path);
                        if (it == files.end()) return fail(Errc::kSystem, "No such file or directory");
                        return it->second;
                      },
                      [this](const std::string& pattern) -> Result<std::vector<std::string>> {
                        std::vector<std::string> out;  // std::map iterates in lexical order, as glob(3) sorts
                        for (const auto& [path, text] : files)
                          if (match_pattern(path, pattern)) out.push_back(path);
                        return out;
                      }};
  }
};

SshdConfig parse_ok(const std::string& text, MemoryFiles* files = nullptr) {
  MemoryFiles none;
  MemoryFiles& f = files ? *files : none;
  auto r = SshdConfig::parse(text, "test.conf", f.source(), SshdLoadOptions{"/etc/ssh", "/cwd", 16});
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().detail);
  if (!r) return *SshdConfig::parse("", "empty", f.source());
  return std::move(*r);
}

std::string parse_error(const std::string& text) {
  MemoryFiles none;
  auto r = SshdConfig::parse(text, "test.conf", none.source());
  EXPECT_FALSE(r.has_value()) << text;
  return r ? std::string() : r.error().detail;
}

TEST(SshdConfig, EveryManPageKeywordIsKnown) {
  std::string text = sshpp::test::read_text(sshpp::test::test_data("sshd_config/man_keywords.txt"));
  auto names = sshd_keyword_names();
  std::size_t count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string kw = text.substr(start, nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    if (kw.empty()) continue;
    ++count;
    bool known = std::any_of(names.begin(), names.end(),
                             [&](std::string_view n) { return ascii_lowercase(n) == ascii_lowercase(kw); });
    EXPECT_TRUE(known) << kw;
  }
  EXPECT_GE(count, 95u);
  EXPECT_TRUE(std::find(names.begin(), names.end(), "PreUserauthHook") != names.end());
}

TEST(SshdConfig, DefaultsAsSshdPrintsThem) {
  SshdConfig c = parse_ok("");
  const SshdOptions& o = c.global();
  EXPECT_EQ(o.value("Port"), "22");
  EXPECT_EQ(o.value("PermitRootLogin"), "without-password");
  EXPECT_TRUE(o.flag("PasswordAuthentication"));
  EXPECT_EQ(o.number("LoginGraceTime"), 120);
  EXPECT_EQ(o.values("AuthorizedKeysFile"),
            (std::vector<std::string>{".ssh/authorized_keys", ".ssh/authorized_keys2"}));
  EXPECT_FALSE(o.is_set("Port"));
  EXPECT_NE(o.dump().find("permitrootlogin without-password\n"), std::string::npos);
  EXPECT_NE(o.dump().find("listenaddress [::]:22\nlistenaddress 0.0.0.0:22\n"), std::string::npos);
}

TEST(SshdConfig, FirstValueWinsAndKeywordsAreCaseInsensitive) {
  SshdConfig c = parse_ok(
      "passwordauthentication no\nPasswordAuthentication yes\nLOGINGRACETIME 1h5m\nLoginGraceTime 10\n"
      "PermitRootLogin prohibit-password\nPermitRootLogin yes\nCompression delayed\n"
      "AuthorizedKeysFile a b\nAuthorizedKeysFile c\n");
  const SshdOptions& o = c.global();
  EXPECT_FALSE(o.flag("PasswordAuthentication"));
  EXPECT_EQ(o.number("LoginGraceTime"), 3900);
  EXPECT_EQ(o.value("PermitRootLogin"), "without-password");
  EXPECT_EQ(o.value("Compression"), "yes");
  EXPECT_EQ(o.values("AuthorizedKeysFile"), (std::vector<std::string>{"a", "b"}));
}

TEST(SshdConfig, RekeyLimitAmountAndIntervalAreSeparate) {
  SshdConfig c = parse_ok("RekeyLimit 1G\nRekeyLimit 2G 1h\n");
  EXPECT_EQ(c.global().values("RekeyLimit"), (std::vector<std::string>{"1073741824", "3600"}));
  SshdConfig d = parse_ok("RekeyLimit 32K none\n");
  EXPECT_EQ(d.global().values("RekeyLimit"), (std::vector<std::string>{"32768", "0"}));
}

TEST(SshdConfig, AccumulatingKeywords) {
  SshdConfig c = parse_ok(
      "Port 22\nPort 2222\nAllowUsers a b\nAllowUsers c\nAcceptEnv LANG LC_*\nAcceptEnv TZ\n"
      "HostKey /k1\nHostKey k2\nSubsystem sftp internal-sftp -l INFO\nSubsystem x /bin/x\n"
      "SetEnv A=1 B=2 A=3\nSetEnv C=4\n");
  const SshdOptions& o = c.global();
  EXPECT_EQ(o.values("Port"), (std::vector<std::string>{"22", "2222"}));
  EXPECT_EQ(o.values("AllowUsers"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(o.values("AcceptEnv"), (std::vector<std::string>{"LANG", "LC_*", "TZ"}));
  EXPECT_EQ(o.values("HostKey"), (std::vector<std::string>{"/k1", "/cwd/k2"}));
  EXPECT_EQ(o.values("Subsystem"), (std::vector<std::string>{"sftp internal-sftp -l INFO", "x /bin/x"}));
  EXPECT_EQ(o.values("SetEnv"), (std::vector<std::string>{"A=1", "B=2"}));
  std::string dump = o.dump();
  EXPECT_NE(dump.find("port 22\nport 2222\n"), std::string::npos);
  EXPECT_NE(dump.find("allowusers a\nallowusers b\nallowusers c\n"), std::string::npos);
  EXPECT_NE(dump.find("listenaddress [::]:2222\nlistenaddress 0.0.0.0:2222\n"), std::string::npos);
}

TEST(SshdConfig, AliasesSetTheCanonicalKeyword) {
  SshdConfig c = parse_ok(
      "ChallengeResponseAuthentication no\nKeepAlive no\nHostDSAKey /k\n"
      "PubkeyAcceptedKeyTypes ssh-ed25519\n");
  const SshdOptions& o = c.global();
  EXPECT_FALSE(o.flag("KbdInteractiveAuthentication"));
  EXPECT_FALSE(o.flag("TCPKeepAlive"));
  EXPECT_EQ(o.values("HostKey"), (std::vector<std::string>{"/k"}));
  EXPECT_EQ(o.value("PubkeyAcceptedAlgorithms"), "ssh-ed25519");
  EXPECT_EQ(o.dump().find("challengeresponse"), std::string::npos);
}

TEST(SshdConfig, DeprecatedAndUnsupportedAreLogged) {
  SshdConfig c = parse_ok("UsePrivilegeSeparation sandbox\nProtocol 2\nKerberosGetAFSToken yes\n");
  EXPECT_EQ(c.notices(),
            (std::vector<std::string>{"test.conf line 1: Deprecated option UsePrivilegeSeparation",
                                      "test.conf line 3: Unsupported option KerberosGetAFSToken"}));
}

TEST(SshdConfig, ValuesAsSshdNormalisesThem) {
  SshdConfig c = parse_ok(
      "LogLevel debug1\nSyslogFacility local0\nFingerprintHash md5\nStreamLocalBindMask 22\nIPQoS af21\n"
      "RekeyLimit 1G 1h\nMaxStartups 5\nPermitListen 80\nPubkeyAuthOptions verify-required touch-required\n"
      "VersionAddendum hello world # note\nForceCommand   /bin/echo hi there\nCiphers aes128-ctr\n");
  const SshdOptions& o = c.global();
  EXPECT_EQ(o.value("LogLevel"), "DEBUG");  // OpenSSH prints DEBUG1 as DEBUG
  EXPECT_EQ(o.value("SyslogFacility"), "LOCAL0");
  EXPECT_EQ(o.value("FingerprintHash"), "MD5");
  EXPECT_EQ(o.value("StreamLocalBindMask"), "022");
  EXPECT_EQ(o.values("IPQoS"), (std::vector<std::string>{"af21", "af21"}));
  EXPECT_EQ(o.values("RekeyLimit"), (std::vector<std::string>{"1073741824", "3600"}));
  EXPECT_EQ(o.value("MaxStartups"), "5:30:5");
  EXPECT_EQ(o.value("PermitListen"), "*:80");
  EXPECT_EQ(o.values("PubkeyAuthOptions"), (std::vector<std::string>{"touch-required", "verify-required"}));
  EXPECT_EQ(o.value("VersionAddendum"), "hello world");
  EXPECT_EQ(o.value("ForceCommand"), "/bin/echo hi there");
  EXPECT_EQ(o.value("Ciphers"), "aes128-ctr");
}

TEST(SshdConfig, ErrorsNameFileLineAndKeyword) {
  const std::pair<std::string, std::string> cases[] = {
      {"Port 22\nPortt 22\n",
       "test.conf: line 2: Bad configuration option: Portt\n"
       "test.conf: terminating, 1 bad configuration options"},
      {"PermitRootLogin maybe\n", "test.conf line 1: unsupported option \"maybe\"."},
      {"Match User x\nPort 22\n", "test.conf line 2: Directive 'Port' is not allowed within a Match block"},
      {"Match User x\nPortt 22\n",
       "test.conf: line 2: Bad configuration option: Portt\n"
       "test.conf line 2: Directive 'Portt' is not allowed within a Match block"},
      {"X11DisplayOffset abc\n", "test.conf line 1: X11DisplayOffset integer value invalid."},
      {"MaxAuthTries -1\n", "test.conf line 1: MaxAuthTries integer value too small."},
      {"LoginGraceTime 1x\n", "test.conf line 1: invalid time value."},
      {"PasswordAuthentication\n",
       "test.conf line 1: no argument after keyword \"PasswordAuthentication\"\n"
       "test.conf: terminating, 1 bad configuration options"},
      {"PasswordAuthentication yes no\n",
       "test.conf line 1: keyword PasswordAuthentication extra arguments at end of line\n"
       "test.conf: terminating, 1 bad configuration options"},
      {"Match Foo bar\n", "Unsupported Match attribute Foo\ntest.conf line 1: Bad Match condition"},
      {"Match User\n", "Missing Match criteria for User\ntest.conf line 1: Bad Match condition"},
      {"Match all User x\n",
       "'all' cannot be combined with other Match attributes\n"
       "test.conf line 1: Bad Match condition"},
      {"Match Address 192.0.2.1/24\n", "Invalid Match address argument '192.0.2.1/24' at line 1"},
      {"Ciphers foo\n", "test.conf line 1: Bad SSH2 cipher spec 'foo'."},
      {"MACs foo\n", "test.conf line 1: Bad SSH2 mac spec 'foo'."},
      {"KexAlgorithms foo\n",
       "Unsupported KEX algorithm \"foo\"\ntest.conf line 1: Bad SSH2 KexAlgorithms 'foo'."},
      {"HostKeyAlgorithms foo\n", "test.conf line 1: Bad key types 'foo'."},
      {"AcceptEnv \"a\n",
       "test.conf line 1: invalid quotes\ntest.conf: terminating, 1 bad configuration options"},
      {"AcceptEnv A=B\n", "test.conf line 1: Invalid environment name."},
      {"SetEnv AB\n", "test.conf line 1: Invalid environment."},
      {"AllowUsers a@192.0.2.1/24\n", "test.conf line 1: invalid AllowUsers pattern: \"a@192.0.2.1/24\""},
      {"AllowGroups \"\"\n", "test.conf line 1: empty AllowGroups pattern"},
      {"Port 0\n", "test.conf line 1: Badly formatted port number."},
      {"LogLevel loud\n", "test.conf line 1: unsupported log level 'loud'"},
      {"SyslogFacility x\n", "test.conf line 1: unsupported log facility 'x'"},
      {"PermitTunnel maybe\n", "test.conf line 1: bad PermitTunnel argument maybe"},
      {"MaxStartups 10:0:100\n", "test.conf line 1: Invalid MaxStartups spec."},
      {"AuthenticationMethods any publickey\n",
       "test.conf line 1: \"any\" must appear alone in AuthenticationMethods"},
      {"AuthenticationMethods foo\n",
       "Unknown authentication method \"foo\" in list\ntest.conf line 1: invalid AuthenticationMethods "
       "method list."},
      {"AuthorizedKeysCommand relative\n",
       "test.conf line 1: AuthorizedKeysCommand must be an absolute path"},
      {"Subsystem sftp a\nSubsystem sftp b\n", "test.conf line 2: Subsystem 'sftp' already defined."},
      {"Subsystem sftp\n", "test.conf line 1: Missing subsystem command."},
      {"IPQoS bogus\n", "test.conf line 1: Bad IPQoS value: bogus"},
      {"StreamLocalBindMask 999\n", "test.conf line 1: Invalid StreamLocalBindMask."},
      {"FingerprintHash crc\n", "test.conf line 1: Invalid FingerprintHash algorithm \"crc\"."},
      {"RekeyLimit 2\n", "test.conf line 1: RekeyLimit too small"},
      {"PermitOpen host\n", "test.conf line 1: PermitOpen bad port number"},
      {"Include\n",
       "test.conf line 1: no argument after keyword \"Include\"\n"
       "test.conf: terminating, 1 bad configuration options"},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(parse_error(text), want) << text;
}

TEST(SshdConfig, MatchAppliesOnlyWhenItMatches) {
  SshdConfig c = parse_ok(
      "PasswordAuthentication yes\nX11Forwarding no\nAllowUsers *\n"
      "Match User fred,!root Address 192.0.2.0/24\n"
      "  PasswordAuthentication no\n  AllowUsers fred\n  ForceCommand internal-sftp\n"
      "Match Group admins\n  X11Forwarding yes\n  PasswordAuthentication yes\n"
      "Match LocalPort 2222 LocalAddress 127.0.0.1\n  MaxSessions 1\n"
      "Match Host *.example.org RDomain rd*\n  Banner /etc/banner\n");
  ConnectionSpec fred;
  fred.user = "fred";
  fred.address = "192.0.2.5";
  fred.groups = [](const std::string& user) -> std::optional<std::vector<std::string>> {
    if (user == "fred") return std::vector<std::string>{"fred", "admins"};
    return std::nullopt;
  };
  auto o = c.for_connection(fred);
  ASSERT_TRUE(o.has_value()) << o.error().detail;
  EXPECT_FALSE(o->flag("PasswordAuthentication"));  // first matching block wins
  EXPECT_TRUE(o->flag("X11Forwarding"));
  EXPECT_EQ(o->values("AllowUsers"), (std::vector<std::string>{"fred"}));  // replaced, not appended
  EXPECT_EQ(o->value("ForceCommand"), "internal-sftp");
  EXPECT_EQ(o->value("MaxSessions"), "10");

  ConnectionSpec other = fred;
  other.address = "198.51.100.1";
  other.laddress = "127.0.0.1";
  other.lport = 2222;
  other.host = "WWW.Example.org";
  other.rdomain = "rd1";
  auto p = c.for_connection(other);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->flag("PasswordAuthentication"));
  EXPECT_EQ(p->values("AllowUsers"), (std::vector<std::string>{"*"}));
  EXPECT_EQ(p->value("MaxSessions"), "1");
  EXPECT_EQ(p->value("Banner"), "/etc/banner");

  ConnectionSpec root = fred;
  root.user = "root";
  auto q = c.for_connection(root);
  ASSERT_TRUE(q.has_value());
  EXPECT_TRUE(q->flag("PasswordAuthentication"));
  EXPECT_FALSE(q->flag("X11Forwarding"));  // root has no groups here
  EXPECT_EQ(q->value("ForceCommand"), "none");
  // The global view never sees Match values.
  EXPECT_TRUE(c.global().flag("PasswordAuthentication"));
  EXPECT_EQ(c.global().value("ForceCommand"), "none");
}

TEST(SshdConfig, MatchAllAndNegatedAddress) {
  SshdConfig c = parse_ok("Match Address !10.0.0.0/8,*\n  PermitTTY no\nMatch all\n  MaxAuthTries 3\n");
  ConnectionSpec inside;
  inside.address = "10.1.2.3";
  ConnectionSpec outside;
  outside.address = "192.0.2.1";
  auto a = c.for_connection(inside);
  auto b = c.for_connection(outside);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->flag("PermitTTY"));
  EXPECT_FALSE(b->flag("PermitTTY"));
  EXPECT_EQ(a->number("MaxAuthTries"), 3);
  EXPECT_EQ(b->number("MaxAuthTries"), 3);
  // As in OpenSSH, "Match all" also holds at start-up.
  EXPECT_EQ(c.global().number("MaxAuthTries"), 3);
}

TEST(SshdConfig, PreUserauthHookInMatch) {
  SshdConfig c =
      parse_ok("PreUserauthHook /usr/libexec/hook\nMatch User sync\n  PreUserauthHook /opt/other\n");
  EXPECT_EQ(c.global().value("PreUserauthHook"), "/usr/libexec/hook");
  ConnectionSpec sync;
  sync.user = "sync";
  EXPECT_EQ(c.for_connection(sync)->value("PreUserauthHook"), "/opt/other");
  EXPECT_NE(c.global().dump().find("preuserauthhook /usr/libexec/hook\n"), std::string::npos);
}

TEST(SshdConfig, IncludeGlobRelativeAndInsideMatch) {
  MemoryFiles files;
  files.files["/etc/ssh/sshd_config.d/20-b.conf"] =
      "PasswordAuthentication no\nMatch User bob\n  MaxSessions 2\n";
  files.files["/etc/ssh/sshd_config.d/10-a.conf"] = "Port 2022\n";
  files.files["/etc/ssh/sshd_config.d/skip.txt"] = "Port 1\n";
  files.files["/etc/ssh/in-match.conf"] = "X11Forwarding yes\n";
  SshdConfig c = parse_ok(
      "Include sshd_config.d/*.conf /nothing/*.conf\nPasswordAuthentication yes\n"
      "Match User alice\n  Include in-match.conf\n",
      &files);
  EXPECT_EQ(c.global().values("Port"), (std::vector<std::string>{"2022"}));
  EXPECT_FALSE(c.global().flag("PasswordAuthentication"));
  EXPECT_FALSE(c.global().flag("X11Forwarding"));
  ConnectionSpec alice;
  alice.user = "alice";
  ConnectionSpec bob;
  bob.user = "bob";
  files.files.clear();  // the connection pass reads only the cache
  auto a = c.for_connection(alice);
  auto b = c.for_connection(bob);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->flag("X11Forwarding"));
  EXPECT_EQ(a->value("MaxSessions"), "10");
  EXPECT_FALSE(b->flag("X11Forwarding"));
  EXPECT_EQ(b->value("MaxSessions"), "2");
}

TEST(SshdConfig, IncludeErrors) {
  MemoryFiles files;
  files.files["/etc/ssh/self.conf"] = "Include self.conf\n";
  files.files["/etc/ssh/bad.conf"] = "Nonsense 1\n";
  auto self = SshdConfig::parse("Include self.conf\n", "main", files.source());
  ASSERT_FALSE(self.has_value());
  EXPECT_EQ(self.error().detail, "Too many recursive configuration includes");
  auto bad = SshdConfig::parse("Include bad.conf\n", "main", files.source());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().detail,
            "/etc/ssh/bad.conf: line 1: Bad configuration option: Nonsense\n"
            "/etc/ssh/bad.conf: terminating, 1 bad configuration options");
  auto missing = SshdConfig::load("/etc/ssh/none", files.source());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().detail, "/etc/ssh/none: No such file or directory");
  // A different base directory for relative Includes.
  files.files["/tmp/base/x.conf"] = "Port 7\n";
  auto based =
      SshdConfig::parse("Include x.conf\n", "main", files.source(), SshdLoadOptions{"/tmp/base", "", 16});
  ASSERT_TRUE(based.has_value());
  EXPECT_EQ(based->global().value("Port"), "7");
}

TEST(SshdConfig, ConnectionSpecLikeSshdDashC) {
  auto ci = parse_connection_spec("user=fred,host=h.example,addr=192.0.2.1,laddr=::1,lport=2222,rdomain=3");
  ASSERT_TRUE(ci.has_value());
  EXPECT_EQ(ci->user, "fred");
  EXPECT_EQ(ci->host, "h.example");
  EXPECT_EQ(ci->address, "192.0.2.1");
  EXPECT_EQ(ci->laddress, "::1");
  EXPECT_EQ(ci->lport, 2222);
  EXPECT_EQ(ci->rdomain, "3");
  EXPECT_EQ(parse_connection_spec("user=a,,bogus=1")->user, "a");  // stops at the empty item
  EXPECT_EQ(parse_connection_spec("bogus=1").error().detail, "Invalid test mode specification bogus=1");
  EXPECT_EQ(parse_connection_spec("lport=x").error().detail,
            "Invalid port 'x' in test mode specification lport=x");
}

TEST(SshdConfig, GarbageNeverCrashes) {
  std::mt19937 rng(1234);
  const std::string alphabet = "PortMatchUserInclude \t=\"'#\\\n,!*/:.0123456789abcxyz%";
  MemoryFiles files;
  files.files["/etc/ssh/a"] = "Match User x\nInclude a\n";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    std::size_t len = rng() % 120;
    for (std::size_t j = 0; j < len; ++j) text += alphabet[rng() % alphabet.size()];
    if (i % 3 == 0) text = "Match User x\n" + text;
    if (i % 5 == 0)
      text = std::string(sshd_keyword_names()[rng() % sshd_keyword_names().size()]) + " " + text;
    auto r = SshdConfig::parse(text, "fuzz", files.source());
    if (r) {
      ConnectionSpec ci;
      ci.user = "x";
      ci.address = "192.0.2.1";
      (void)r->for_connection(ci);
      EXPECT_FALSE(r->global().dump().empty());
    } else {
      EXPECT_FALSE(r.error().detail.empty());
    }
  }
}

}  // namespace
}  // namespace sshcore::config

// ssh_config reading: first value wins, accumulation, Host/Match, Include, tokens and
// OpenSSH 9.2's messages (the message texts were taken from Debian's "ssh -G -F file h").
#include <gtest/gtest.h>

#include "ssh_config_fixture.hpp"
#include "sshcore/config/env_expansion.hpp"
#include "sshcore/config/ssh_keywords.hpp"

namespace {

using sshcore::config::SshOpt;
using sshpp::test::load_for;
using sshpp::test::SshConfigWorld;

TEST(SshConfig, FirstObtainedValueWins) {
  SshConfigWorld w;
  auto l = load_for(w, "example.com", "Port 1111\nPort 2222\nHost example.com\n  User bob\nHost *\n  User carol\n",
                    "Port 3333\nUser dave\n");
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(l.options.number(SshOpt::kPort), 1111);
  EXPECT_EQ(*l.options.text(SshOpt::kUser), "bob");
}

TEST(SshConfig, KeywordsAreCaseInsensitiveAndTakeEquals) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "pOrT=2022\nHOSTNAME = real.example\n  BatchMode yes # trailing comment\n");
  ASSERT_TRUE(l.ok) << (l.errors.empty() ? "" : l.errors[0]);
  EXPECT_EQ(l.options.number(SshOpt::kPort), 2022);
  EXPECT_EQ(*l.options.text(SshOpt::kHostname), "real.example");
  EXPECT_EQ(l.options.number(SshOpt::kBatchMode), 1);
}

TEST(SshConfig, AccumulatingKeywordsCollectEveryLine) {
  SshConfigWorld w;
  auto l = load_for(w, "h",
                    "IdentityFile ~/.ssh/a\nIdentityFile ~/.ssh/b\nCertificateFile ~/c\n"
                    "LocalForward 8080 localhost:80\nSendEnv LANG LC_*\nSendEnv XYZ\n",
                    "IdentityFile /etc/k\nLocalForward 127.0.0.1:8081 [::1]:81\nSendEnv -LC_*\n");
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(l.options.list(SshOpt::kIdentityFile), (std::vector<std::string>{"~/.ssh/a", "~/.ssh/b", "/etc/k"}));
  EXPECT_EQ(l.options.list(SshOpt::kCertificateFile), std::vector<std::string>{"~/c"});
  EXPECT_EQ(l.options.list(SshOpt::kLocalForward),
            (std::vector<std::string>{"8080 [localhost]:80", "[127.0.0.1]:8081 [::1]:81"}));
  EXPECT_EQ(l.options.list(SshOpt::kSendEnv), (std::vector<std::string>{"LANG", "XYZ"}));
}

TEST(SshConfig, SetEnvFirstLineWinsAsAWhole) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "SetEnv A=1\nSetEnv A=2 B=3\n");
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(l.options.list(SshOpt::kSetEnv), std::vector<std::string>{"A=1"});
}

TEST(SshConfig, HostPatternsWithNegation) {
  SshConfigWorld w;
  const std::string cfg = "Host *.example.com !bad.example.com\n  Port 1000\nHost *\n  Port 2000\n";
  EXPECT_EQ(load_for(w, "good.example.com", cfg).options.number(SshOpt::kPort), 1000);
  EXPECT_EQ(load_for(w, "bad.example.com", cfg).options.number(SshOpt::kPort), 2000);
  EXPECT_EQ(load_for(w, "other.org", cfg).options.number(SshOpt::kPort), 2000);
  // A negated pattern alone never matches.
  EXPECT_FALSE(load_for(w, "x", "Host !y\n  Port 5\n").options.is_set(SshOpt::kPort));
}

TEST(SshConfig, HostIsCaseSensitiveMatchHostIsNot) {
  SshConfigWorld w;
  const std::string cfg = "Host foo\n  Port 1111\nMatch host FOO\n  User mu\n";
  auto upper = load_for(w, "Foo", cfg);
  EXPECT_FALSE(upper.options.is_set(SshOpt::kPort));
  EXPECT_EQ(*upper.options.text(SshOpt::kUser), "mu");
  EXPECT_EQ(load_for(w, "foo", cfg).options.number(SshOpt::kPort), 1111);
}

TEST(SshConfig, MatchHostUsesHostNameObtainedSoFar) {
  SshConfigWorld w;
  auto l = load_for(w, "alias", "Host alias\n  HostName %h.internal\nMatch host alias.internal\n  Port 7\n"
                                "Match originalhost alias user alice localuser ali*\n  Compression yes\n");
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(l.options.number(SshOpt::kPort), 7);
  EXPECT_EQ(l.options.number(SshOpt::kCompression), 1);
}

TEST(SshConfig, MatchUserSeesUserSetEarlier) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "User bob\nMatch user bob\n  Port 9\nMatch !user bob\n  Port 10\n");
  EXPECT_EQ(l.options.number(SshOpt::kPort), 9);
}

TEST(SshConfig, MatchExecRunsThroughCallbackWithTokens) {
  SshConfigWorld w;
  w.exec_status["test-reach example.com 22 alice"] = 0;
  auto l = load_for(w, "example.com", "Match exec \"test-reach %h %p %r\"\n  Port 44\n"
                                      "Match host nomatch exec \"never-run\"\n  User x\n"
                                      "Match !exec \"false-cmd\"\n  Compression yes\n");
  ASSERT_TRUE(l.ok) << (l.errors.empty() ? "" : l.errors[0]);
  EXPECT_EQ(l.options.number(SshOpt::kPort), 44);
  EXPECT_FALSE(l.options.is_set(SshOpt::kUser));
  EXPECT_EQ(l.options.number(SshOpt::kCompression), 1);  // exit status 1, negated
  EXPECT_EQ(w.executed, (std::vector<std::string>{"test-reach example.com 22 alice", "false-cmd"}));
}

TEST(SshConfig, MatchFinalAndCanonicalOnlyInTheFinalPass) {
  SshConfigWorld w;
  const std::string cfg = "Match final\n  Port 1\nMatch canonical\n  User c\nMatch !final\n  Compression yes\n";
  auto first = load_for(w, "h", cfg);
  EXPECT_TRUE(first.want_final_pass);
  EXPECT_FALSE(first.options.is_set(SshOpt::kPort));
  EXPECT_FALSE(first.options.is_set(SshOpt::kUser));
  EXPECT_EQ(first.options.number(SshOpt::kCompression), 1);
  auto final_pass = load_for(w, "h", cfg, "", true);
  EXPECT_EQ(final_pass.options.number(SshOpt::kPort), 1);
  EXPECT_EQ(*final_pass.options.text(SshOpt::kUser), "c");
  EXPECT_FALSE(final_pass.options.is_set(SshOpt::kCompression));
}

TEST(SshConfig, MatchAllAndItsErrors) {
  SshConfigWorld w;
  EXPECT_EQ(load_for(w, "h", "Host none\nMatch all\n  Port 3\n").options.number(SshOpt::kPort), 3);
  auto bad = load_for(w, "h", "Match all host x\n");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.errors, (std::vector<std::string>{
                            "/home/alice/.ssh/config line 1: 'all' cannot be combined with other Match attributes",
                            "/home/alice/.ssh/config line 1: Bad Match condition",
                            "/home/alice/.ssh/config: terminating, 1 bad configuration options"}));
  EXPECT_EQ(load_for(w, "h", "Match host\n").errors.at(0), "Missing Match criteria for host");
  EXPECT_EQ(load_for(w, "h", "Match foo bar\n").errors.at(0), "Unsupported Match attribute foo");
  EXPECT_EQ(load_for(w, "h", "Match # c\n").errors.at(0), "One or more attributes required for Match");
  // sshd-only criteria are not client criteria.
  EXPECT_EQ(load_for(w, "h", "Match address 1.2.3.4\n").errors.at(0), "Unsupported Match attribute address");
}

TEST(SshConfig, IncludeRelativeGlobInLexicalOrder) {
  SshConfigWorld w;
  w.files["/home/alice/.ssh/conf.d/20-b"] = "Port 20\nUser b\n";
  w.files["/home/alice/.ssh/conf.d/10-a"] = "Port 10\n";
  w.files["/etc/ssh/ssh_config.d/x.conf"] = "Compression yes\n";
  auto l = load_for(w, "h", "Include conf.d/*\n", "Include ssh_config.d/*.conf\n");
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(l.options.number(SshOpt::kPort), 10);
  EXPECT_EQ(*l.options.text(SshOpt::kUser), "b");
  EXPECT_EQ(l.options.number(SshOpt::kCompression), 1);
}

TEST(SshConfig, IncludeInInactiveBlockNeverApplies) {
  SshConfigWorld w;
  w.files["/home/alice/.ssh/inc"] = "Host *\n  Port 99\n";
  w.files["/home/alice/other"] = "User tilde\n";
  auto l = load_for(w, "h", "Host other\n  Include inc\nHost *\n  Include ~/other\n");
  ASSERT_TRUE(l.ok);
  EXPECT_FALSE(l.options.is_set(SshOpt::kPort));
  EXPECT_EQ(*l.options.text(SshOpt::kUser), "tilde");
}

// readconf.c's debug1 lines (checked against Debian's "ssh -v -G -F file myhost"): the
// first pattern that matched is named, and an Include matching nothing is debug1 too.
TEST(SshConfig, DebugLinesForHostBlocksAndEmptyIncludes) {
  SshConfigWorld w;
  w.files["/home/alice/.ssh/config"] =
      "Include none-here*.conf\nHost other\n  Port 2222\nHost !nomatch myhost* foo\n  User alice\n"
      "Host *.example.com myhost\n  Compression yes\nHost myhost !myhost\n  Port 23\nHost *\n  Port 5\n";
  sshcore::config::SshOptions options;
  const auto env = w.env();
  sshcore::config::SshTarget target{"myhost", "myhost", false, false};
  sshcore::config::SshConfigParser parser(env, target, options);
  ASSERT_TRUE(parser.read_file("/home/alice/.ssh/config", sshcore::config::ConfigOrigin::kUser));
  std::vector<std::string> debug1;
  for (const auto& m : parser.messages())
    if (m.level == sshcore::log::Level::kDebug1) debug1.push_back(m.text);
  const std::string f = "/home/alice/.ssh/config line ";
  EXPECT_EQ(debug1, (std::vector<std::string>{
                        "Reading configuration data /home/alice/.ssh/config",
                        f + "1: include /home/alice/.ssh/none-here*.conf matched no files",
                        f + "4: Applying options for myhost*",
                        f + "6: Applying options for myhost",
                        f + "8: Skipping Host block because of negated match for myhost",
                        f + "10: Applying options for *",
                    }));
}

TEST(SshConfig, IncludeRecursionIsLimited) {
  SshConfigWorld w;
  w.files["/home/alice/.ssh/loop"] = "Include loop\n";
  auto l = load_for(w, "h", "Include loop\n");
  EXPECT_FALSE(l.ok);
  ASSERT_FALSE(l.errors.empty());
  EXPECT_EQ(l.errors.back(), "Too many recursive configuration includes");
}

TEST(SshConfig, BadLinesReportFileLineAndCount) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "Foo bar\nBaz 1\nPort abc\nPort 0\nUser\nBatchMode maybe\nUser a b\n"
                            "Ciphers foo\nMACs foo\nKexAlgorithms foo\nHostKeyAlgorithms foo\n"
                            "LogLevel x\nConnectTimeout x\nUser \"unterminated\nLocalForward 1\n"
                            "LocalForward x y\nEscapeChar xx\nControlPersist x\nIPQoS x\n"
                            "NumberOfPasswordPrompts x\nRekeyLimit x\n",
                    "Port 1\n");
  EXPECT_FALSE(l.ok);
  const std::string f = "/home/alice/.ssh/config";
  EXPECT_EQ(l.errors, (std::vector<std::string>{
                          f + ": line 1: Bad configuration option: foo",
                          f + ": line 2: Bad configuration option: baz",
                          f + " line 3: Bad port 'abc'.",
                          f + " line 4: Bad port '0'.",
                          f + " line 5: no argument after keyword \"user\"",
                          f + " line 6: unsupported option \"maybe\".",
                          f + " line 7: keyword user extra arguments at end of line",
                          f + " line 8: Bad SSH2 cipher spec 'foo'.",
                          f + " line 9: Bad SSH2 MAC spec 'foo'.",
                          f + " line 10: Bad SSH2 KexAlgorithms 'foo'.",
                          f + " line 11: Bad key types 'foo'.",
                          f + " line 12: unsupported log level 'x'",
                          f + " line 13: invalid time value.",
                          f + " line 14: invalid quotes",
                          f + " line 15: Missing target argument.",
                          f + " line 16: Bad forwarding specification.",
                          f + " line 17: Bad escape character.",
                          f + " line 18: Bad ControlPersist argument.",
                          f + " line 19: Bad IPQoS value: x",
                          f + " line 20: integer value invalid.",
                          f + " line 21: Bad number 'x': Invalid argument",
                          f + ": terminating, 21 bad configuration options"}));
}

TEST(SshConfig, MissingArgumentWordingPerKeyword) {
  SshConfigWorld w;
  auto first_error = [&](const std::string& text) { return load_for(w, "h", text).errors.at(0); };
  const std::string f = "/home/alice/.ssh/config line 1: ";
  EXPECT_EQ(first_error("Port # c\n"), f + "Missing argument.");
  EXPECT_EQ(first_error("BatchMode # c\n"), f + "missing argument.");
  EXPECT_EQ(first_error("ConnectTimeout # c\n"), f + "missing time value.");
  EXPECT_EQ(first_error("NumberOfPasswordPrompts # c\n"), f + "integer value missing.");
  EXPECT_EQ(first_error("ControlPersist # c\n"), f + "Missing ControlPersist argument.");
  EXPECT_EQ(first_error("StreamLocalBindMask # c\n"), f + "Missing StreamLocalBindMask argument.");
  EXPECT_EQ(first_error("LogLevel # c\n"), f + "unsupported log level '<NONE>'");
  EXPECT_EQ(first_error("SyslogFacility # c\n"), f + "unsupported log facility '<NONE>'");
  EXPECT_EQ(first_error("PermitRemoteOpen # c\n"), f + "missing permitremoteopen specification");
  EXPECT_EQ(first_error("ProxyJump # c\n"), f + "Invalid ProxyJump \"# c\"");
  // Keywords that accept an empty list stay silent, as in OpenSSH.
  EXPECT_TRUE(load_for(w, "h", "SendEnv # c\nProxyCommand # c\nCanonicalDomains # c\n").ok);
}

TEST(SshConfig, AFailingUserFileStopsBeforeTheSystemFile) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "Bogus 1\n", "Also bogus\n");
  EXPECT_EQ(l.errors.size(), 2u);  // the bad line and "terminating"; system file unread
}

TEST(SshConfig, DeprecatedUnsupportedAndIgnoredKeywords) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "UseRoaming yes\nProtocol 2\nCipher blowfish\nRSAAuthentication yes\n");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.errors, std::vector<std::string>{"/home/alice/.ssh/config line 4: Unsupported option \"rsaauthentication\""});
}

TEST(SshConfig, IgnoreUnknownSkipsListedKeywords) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "IgnoreUnknown UseKeychain,Foo*\nUseKeychain yes\nFooBar 1\n");
  EXPECT_TRUE(l.ok);
  EXPECT_FALSE(load_for(w, "h", "UseKeychain yes\nIgnoreUnknown UseKeychain\n").ok);  // order matters
}

TEST(SshConfig, CommandLineOptionsComeFirstAndRefuseBlocks) {
  SshConfigWorld w;
  w.files["/home/alice/.ssh/config"] = "Port 1\n";
  const auto env = w.env();
  sshcore::config::SshTarget target{"h", "h", false, false};
  sshcore::config::SshOptions options;
  sshcore::config::SshConfigParser parser(env, target, options);
  ASSERT_TRUE(parser.apply_command_line("Port=2222"));
  EXPECT_FALSE(parser.apply_command_line("Host=x"));
  EXPECT_EQ(parser.messages().back().text, "Host directive not supported as a command-line option");
  auto bad = parser.apply_command_line("Nope=1");
  EXPECT_FALSE(bad);
  EXPECT_EQ(parser.messages().back().text, "command-line: line 0: Bad configuration option: nope");
  ASSERT_TRUE(parser.read_file("/home/alice/.ssh/config", sshcore::config::ConfigOrigin::kUser));
  EXPECT_EQ(options.number(SshOpt::kPort), 2222);
}

TEST(SshConfig, TokensInControlPathRemoteCommandAndHostName) {
  SshConfigWorld w;
  w.environ_vars["XDG_RUNTIME_DIR"] = "/run/user/1000";
  auto l = load_for(w, "example.com",
                    "ControlPath ~/.ssh/cm-%C-%h-%p-%r-%n-%l-%L-%u-%i-%d-%k-%%\n"
                    "RemoteCommand echo %h %p\nLocalCommand echo %h %T\n"
                    "IdentityAgent ${XDG_RUNTIME_DIR}/agent.sock\n",
                    "", false, true);
  ASSERT_TRUE(l.ok) << (l.errors.empty() ? "" : l.errors[0]);
  // %C = SHA-1("box.example.org" "example.com" "22" "alice"), by sha1sum.
  EXPECT_EQ(*l.options.text(SshOpt::kControlPath),
            "/home/alice/.ssh/cm-56844b0414ed19f723b32338f623cd2648b3d9ba-example.com-22-alice-example.com-"
            "box.example.org-box-alice-1000-/home/alice-example.com-%");
  EXPECT_EQ(*l.options.text(SshOpt::kRemoteCommand), "echo example.com 22");
  EXPECT_EQ(*l.options.text(SshOpt::kLocalCommand), "echo %h %T");  // expanded only when run
  EXPECT_EQ(*l.options.text(SshOpt::kIdentityAgent), "/run/user/1000/agent.sock");
}

TEST(SshConfig, ConnectionHashUsesHostNameUserAndPort) {
  SshConfigWorld w;
  auto l = load_for(w, "alias", "HostName real.example.com\nUser bob\nPort 2222\nControlPath /t/%C\n", "",
                    false, true);
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(*l.options.text(SshOpt::kControlPath), "/t/a406a3c509e9b45ea91d3c6f7cf5e5ce7be64fb8");
  EXPECT_EQ(*l.options.text(SshOpt::kHostname), "real.example.com");
}

TEST(SshConfig, UnknownTokenOrVariableFailsFinalize) {
  SshConfigWorld w;
  EXPECT_FALSE(load_for(w, "h", "ControlPath /t/%Z\n", "", false, true).ok);
  EXPECT_FALSE(load_for(w, "h", "ControlPath /t/${NOPE}\n", "", false, true).ok);
  EXPECT_FALSE(load_for(w, "h", "HostName %r.x\n", "", false, true).ok);
}

TEST(SshConfig, NoneClearsCommandsAndPaths) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "ProxyCommand none\nControlPath none\n", "ProxyCommand nc %h %p\n", false, true);
  ASSERT_TRUE(l.ok);
  EXPECT_FALSE(l.options.is_set(SshOpt::kProxyCommand));
  EXPECT_FALSE(l.options.is_set(SshOpt::kControlPath));
}

TEST(SshConfig, ProxyJumpAndProxyCommandFirstWins) {
  SshConfigWorld w;
  auto a = load_for(w, "h", "ProxyJump j1,u@j2:2222\nProxyCommand nc %h %p\n");
  EXPECT_EQ(*a.options.text(SshOpt::kProxyJump), "j1,u@j2:2222");
  EXPECT_FALSE(a.options.is_set(SshOpt::kProxyCommand));
  auto b = load_for(w, "h", "ProxyCommand nc %h %p\nProxyJump j1\n");
  EXPECT_EQ(*b.options.text(SshOpt::kProxyCommand), "nc %h %p");
  EXPECT_FALSE(b.options.is_set(SshOpt::kProxyJump));
}

TEST(SshConfig, MultistateValues) {
  SshConfigWorld w;
  auto l = load_for(w, "h",
                    "StrictHostKeyChecking accept-new\nControlMaster autoask\nRequestTTY force\n"
                    "PubkeyAuthentication host-bound\nAddKeysToAgent confirm 1m\nControlPersist 5m\n"
                    "EscapeChar ^A\nRekeyLimit 1G 1h\nTunnel ethernet\nTunnelDevice 3\n");
  ASSERT_TRUE(l.ok) << (l.errors.empty() ? "" : l.errors[0]);
  EXPECT_EQ(l.options.number(SshOpt::kStrictHostKeyChecking), sshcore::config::kStrictNew);
  EXPECT_EQ(l.options.number(SshOpt::kControlMaster), sshcore::config::kCmAutoAsk);
  EXPECT_EQ(l.options.number(SshOpt::kRequestTty), sshcore::config::kTtyForce);
  EXPECT_EQ(l.options.number(SshOpt::kPubkeyAuthentication), sshcore::config::kPubkeyHostBound);
  EXPECT_EQ(l.options.number(SshOpt::kAddKeysToAgent), sshcore::config::kAddKeysConfirm);
  EXPECT_EQ(l.options.add_keys_lifetime, 60);
  EXPECT_EQ(l.options.control_persist_timeout, 300);
  EXPECT_EQ(l.options.number(SshOpt::kEscapeChar), 1);
  EXPECT_EQ(l.options.rekey_bytes, 1073741824);
  EXPECT_EQ(l.options.rekey_seconds, 3600);
  EXPECT_EQ(l.options.number(SshOpt::kTunnel), sshcore::config::kTunnelEthernet);
  EXPECT_EQ(*l.options.text(SshOpt::kTunnelDevice), "3:any");
}

TEST(SshConfig, TimeAndIntegerValues) {
  SshConfigWorld w;
  auto l = load_for(w, "h", "ConnectTimeout 1h30m\nServerAliveInterval 10M\nForwardX11Timeout 1w\n"
                            "ConnectionAttempts 0x10\n");
  EXPECT_FALSE(l.ok);  // strtonum() is decimal only: 0x10 is invalid, as in OpenSSH
  EXPECT_EQ(l.errors.at(0), "/home/alice/.ssh/config line 4: integer value invalid.");
  EXPECT_EQ(l.options.number(SshOpt::kConnectTimeout), 5400);
  EXPECT_EQ(l.options.number(SshOpt::kServerAliveInterval), 600);
  EXPECT_EQ(l.options.number(SshOpt::kForwardX11Timeout), 604800);
  EXPECT_EQ(load_for(w, "h", "ConnectionAttempts 99999999999\n").errors.at(0),
            "/home/alice/.ssh/config line 1: integer value too large.");
  EXPECT_EQ(load_for(w, "h", "ServerAliveInterval 5q\n").errors.at(0),
            "/home/alice/.ssh/config line 1: invalid time value.");
}

TEST(SshConfig, RandomGarbageNeverCrashes) {
  SshConfigWorld w;
  std::uint32_t state = 12345;
  auto next = [&] { return state = state * 1103515245u + 12345u; };
  const std::string alphabet = "aAzZ \t=\"'#\\%$!*?,:[]/~\n\r\x01\xff" "0123456789";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const std::size_t len = next() % 120;
    // Half the inputs start with a real keyword so parsers beyond the lookup are reached.
    if (i % 2 == 0) {
      auto kws = sshcore::config::ssh_keywords();
      text = std::string(kws[next() % kws.size()].name) + " ";
    }
    for (std::size_t j = 0; j < len; ++j) text.push_back(alphabet[(next() >> 8) % alphabet.size()]);
    auto l = load_for(w, "h", text, "", i % 3 == 0, true);
    if (l.ok) {
      // Whatever was accepted must dump in the -G shape.
      const std::string dump = sshcore::config::dump_ssh_config(l.options, {"h", "h", false, false});
      EXPECT_EQ(dump.rfind("host h\nuser ", 0), 0u) << text;
    } else {
      EXPECT_FALSE(l.errors.empty()) << text;
    }
  }
}

}  // namespace

namespace {

TEST(SshTokens, EachKeywordGroupAcceptsItsTokens) {
  using sshcore::config::SshExpansion;
  using sshcore::config::SshTokenSet;
  SshConfigWorld w;
  auto l = load_for(w, "alias", "HostName real.example\nUser bob\nPort 2022\nProxyJump j1\n");
  ASSERT_TRUE(l.ok);
  const auto env = w.env();
  const sshcore::config::SshTarget target{"alias", "alias", false, false};
  auto expand = [&](std::string_view v, SshExpansion how) {
    return sshcore::config::expand_ssh_value(v, how, l.options, env, target);
  };
  EXPECT_EQ(*expand("%h %p %r %n %u %d %i %k %l %L %j %%", {}),
            "real.example 2022 bob alias alice /home/alice 1000 alias box.example.org box j1 %");
  EXPECT_EQ(*expand("nc %h %p # %r %n", {.tokens = SshTokenSet::kProxy}), "nc real.example 2022 # bob alias");
  EXPECT_FALSE(expand("nc %u", {.tokens = SshTokenSet::kProxy}));  // %u is not a ProxyCommand token
  EXPECT_EQ(*expand("%h.lan", {.tokens = SshTokenSet::kHostname}), "alias.lan");
  EXPECT_EQ(expand("%p", {.tokens = SshTokenSet::kHostname}).error().detail, "unknown key %p");
  EXPECT_EQ(*expand("echo %T %h", {.tokens = SshTokenSet::kLocalCommand, .extra = {{'T', "NONE"}}}),
            "echo NONE real.example");
  EXPECT_FALSE(expand("echo %T", {}));
  EXPECT_EQ(*expand("~/.ssh/id_%h", {.tilde = true}), "/home/alice/.ssh/id_real.example");
  EXPECT_EQ(*expand("${HOME}/k", {.dollars = true}), "/home/alice/k");
  EXPECT_EQ(*expand("${HOME}/k", {}), "${HOME}/k");  // only where OpenSSH expands variables
  EXPECT_EQ(expand("${NOPE}/k", {.dollars = true}).error().detail, "env var ${NOPE} has no value");
  EXPECT_EQ(expand("~bob/k", {.tilde = true}).error().detail, "No such user for ~bob/k");
  EXPECT_EQ(expand("50%", {}).error().detail, "invalid format");
}

// ~user with a passwd lookup given (sftp-server -d does): that user's home.
TEST(SshTokens, TildeUserWithALookup) {
  auto home_of = [](std::string_view user) -> std::optional<std::string> {
    if (user == "bob") return "/home/bob/";
    return std::nullopt;
  };
  using sshcore::config::tilde_expand;
  EXPECT_EQ(*tilde_expand("~bob", "/home/alice", home_of), "/home/bob/");
  EXPECT_EQ(*tilde_expand("~bob/k", "/home/alice", home_of), "/home/bob/k");
  EXPECT_EQ(*tilde_expand("~/k", "/home/alice", home_of), "/home/alice/k");
  EXPECT_EQ(*tilde_expand("~", "/home/alice", home_of), "/home/alice");
  EXPECT_EQ(tilde_expand("~carol/k", "/home/alice", home_of).error().detail, "No such user for ~carol/k");
  EXPECT_EQ(tilde_expand("~bob/k", "/home/alice").error().detail, "No such user for ~bob/k");  // no lookup
}

TEST(SshTokens, DumpShowsOpenSshShape) {
  SshConfigWorld w;
  auto l = load_for(w, "web", "Host web\n  HostName WWW.Example.COM\n  Port 2222\n  IdentityFile ~/k\n"
                              "  UserKnownHostsFile ~/.ssh/kh-%h\n  ProxyCommand nc %h %p\n",
                    "", false, true);
  ASSERT_TRUE(l.ok);
  const std::string dump = sshcore::config::dump_ssh_config(l.options, {"web", "web", false, false});
  EXPECT_EQ(dump.rfind("host web\nuser alice\nhostname www.example.com\nport 2222\naddressfamily any\n", 0), 0u)
      << dump;
  EXPECT_NE(dump.find("\nidentityfile ~/k\ncanonicaldomains none\n"), std::string::npos);
  EXPECT_NE(dump.find("\nuserknownhostsfile /home/alice/.ssh/kh-www.example.com\n"), std::string::npos);
  EXPECT_TRUE(dump.ends_with("\nsyslogfacility USER\nproxycommand nc %h %p\n")) << dump;
}

}  // namespace

// sshd's front end without starting the daemon: the command line, the config
// snapshot handed to per-connection processes (and garbage fed to its decoder),
// MaxStartups / PerSourceMaxStartups decisions with OpenSSH's log lines, and the
// listen addresses derived from the configuration.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "listener.hpp"
#include "preauth_log_relay.hpp"
#include "server_configuration.hpp"
#include "startup_limits.hpp"
#include "tcp_forwarding.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshd {
namespace {

using sshcore::log::Level;

ParsedCommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "sshd");
  return parse_command_line(args);
}

TEST(CommandLine, FlagsBecomeEarlyConfigLinesInOrder) {
  auto p = parse({"-De", "-p", "2222", "-p2223", "-o", "PermitRootLogin=no", "-4", "-g", "30", "-h", "/k", "-dd"});
  ASSERT_TRUE(p.line.has_value());
  const CommandLine& c = *p.line;
  EXPECT_TRUE(c.no_daemon);
  EXPECT_TRUE(c.log_stderr);
  EXPECT_EQ(c.debug, 2);
  EXPECT_EQ(c.ports, (std::vector<int>{2222, 2223}));
  EXPECT_EQ(c.early_lines, (std::vector<std::string>{"LogLevel DEBUG2", "PermitRootLogin=no", "AddressFamily inet",
                                                     "LoginGraceTime 30", "HostKey /k"}));
  EXPECT_EQ(c.option_lines, (std::vector<std::string>{"PermitRootLogin=no"}));
}

TEST(CommandLine, DebugIsCappedAtThreeAndQuietSetsLogLevel) {
  auto p = parse({"-dddd"});
  ASSERT_TRUE(p.line);
  EXPECT_EQ(p.line->debug, 3);
  auto q = parse({"-q"});
  ASSERT_TRUE(q.line);
  EXPECT_EQ(q.line->early_lines.front(), "LogLevel QUIET");
}

TEST(CommandLine, RefusalsCarryOpenSshText) {
  auto unknown = parse({"-x"});
  ASSERT_TRUE(unknown.exit);
  EXPECT_EQ(unknown.exit->status, 1);
  EXPECT_TRUE(unknown.exit->message.starts_with("unknown option -- x\n"));
  EXPECT_NE(unknown.exit->message.find("usage: sshd [-46DdeiqTtV]"), std::string::npos);
  auto missing = parse({"-f"});
  ASSERT_TRUE(missing.exit);
  EXPECT_TRUE(missing.exit->message.starts_with("option requires an argument -- f\n"));
  for (const char* bad : {"0", "65536", "22x", "-1"}) {
    auto port = parse({"-p", bad});
    ASSERT_TRUE(port.exit) << bad;
    EXPECT_EQ(port.exit->message, "Bad port number.\n");
  }
  auto extra = parse({"-D", "stray"});
  ASSERT_TRUE(extra.exit);
  EXPECT_EQ(extra.exit->message, "Extra argument stray.\n");
  auto version = parse({"-V"});
  ASSERT_TRUE(version.exit);
  EXPECT_EQ(version.exit->status, 0);
}

TEST(CommandLine, HiddenRexecFlag) {
  auto p = parse({"-D", "-f", "/etc/ssh/sshd_config", kRexecFlag});
  ASSERT_TRUE(p.line);
  EXPECT_TRUE(p.line->rexeced);
}

TEST(ConfigSnapshot, RoundTripsAndReplaysWithoutTheDisk) {
  sshpp::test::TempDir dir;
  std::string inc = dir / "inc.conf";
  std::string main_cfg = dir / "sshd_config";
  sshpp::test::write_text(inc, "PermitRootLogin no\n", 0644);
  sshpp::test::write_text(main_cfg, "Include " + dir.path() + "/*.conf\nPort 2022\n", 0644);
  auto p = parse({"-f", main_cfg, "-o", "LoginGraceTime=33"});
  ASSERT_TRUE(p.line);
  CommandLineExit refusal;
  auto loaded = ServerConfiguration::load(*p.line, nullptr, refusal);
  ASSERT_TRUE(loaded) << refusal.message;
  EXPECT_EQ(loaded->global().value("PermitRootLogin"), "no");
  EXPECT_EQ(loaded->global().value("LoginGraceTime"), "33");

  auto bytes = loaded->snapshot().encode();
  auto decoded = ConfigSnapshot::decode(bytes);
  ASSERT_TRUE(decoded);
  ::unlink(inc.c_str());
  ::unlink(main_cfg.c_str());
  auto replayed = ServerConfiguration::load(*p.line, &*decoded, refusal);
  ASSERT_TRUE(replayed) << refusal.message;
  EXPECT_EQ(replayed->global().dump(), loaded->global().dump());
}

TEST(ConfigSnapshot, GarbageIsRefusedNotCrashed) {
  ConfigSnapshot s;
  s.files.push_back({"/etc/ssh/sshd_config", "Port 22\n"});
  s.globs.push_back({"/etc/ssh/sshd_config.d/*.conf", {"/etc/ssh/sshd_config.d/a.conf"}});
  auto good = s.encode();
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    sshcore::Bytes shorter(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(ConfigSnapshot::decode(shorter)) << "cut at " << cut;
  }
  sshcore::Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(ConfigSnapshot::decode(trailing));
  sshcore::Bytes huge_count{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 'x', 0xff, 0xff, 0xff, 0xff};
  EXPECT_FALSE(ConfigSnapshot::decode(huge_count));
  std::uint32_t x = 12345;
  for (int round = 0; round < 2000; ++round) {
    sshcore::Bytes noise(static_cast<std::size_t>(round % 64));
    for (auto& b : noise) b = static_cast<std::uint8_t>((x = x * 1103515245 + 12345) >> 16);
    (void)ConfigSnapshot::decode(noise);
  }
}

TEST(ServerConfiguration, CommandLinePortsReplaceTheFilesPorts) {
  sshpp::test::TempDir dir;
  std::string cfg = dir / "c";
  sshpp::test::write_text(cfg, "Port 22\nPort 2022\n", 0644);
  auto p = parse({"-f", cfg, "-p", "2200"});
  ASSERT_TRUE(p.line);
  CommandLineExit refusal;
  auto loaded = ServerConfiguration::load(*p.line, nullptr, refusal);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->global().values("Port"), (std::vector<std::string>{"2200"}));
  auto per_connection = loaded->for_connection({});
  ASSERT_TRUE(per_connection);
  EXPECT_EQ(per_connection->values("Port"), (std::vector<std::string>{"2200"}));
}

TEST(ServerConfiguration, BadFileLinesExit255AndOptionLinesExit1) {
  sshpp::test::TempDir dir;
  std::string cfg = dir / "c";
  sshpp::test::write_text(cfg, "Port 22\nNoSuchKeyword 1\n", 0644);
  CommandLineExit refusal;
  auto p = parse({"-f", cfg});
  EXPECT_FALSE(ServerConfiguration::load(*p.line, nullptr, refusal));
  EXPECT_EQ(refusal.status, 255);
  EXPECT_NE(refusal.message.find(cfg + ": line 2: Bad configuration option: NoSuchKeyword"), std::string::npos)
      << refusal.message;
  auto o = parse({"-f", cfg, "-o", "Bogus yes"});
  EXPECT_FALSE(ServerConfiguration::load(*o.line, nullptr, refusal));
  EXPECT_EQ(refusal.status, 1);
  EXPECT_EQ(refusal.message, "command-line: line 0: Bad configuration option: Bogus\n");
}

sshcore::io::SocketAddress addr(std::string host, std::uint16_t port) { return {std::move(host), port}; }

TEST(StartupLimits, ParsesOpenSshForms) {
  auto m = parse_max_startups("10:30:100");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->begin, 10);
  EXPECT_EQ(m->rate, 30);
  EXPECT_EQ(m->full, 100);
  auto single = parse_max_startups("5");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->begin, 5);
  EXPECT_EQ(single->full, 5);
  EXPECT_FALSE(parse_max_startups("10:30"));
  EXPECT_FALSE(parse_max_startups("x"));
  EXPECT_FALSE(parse_max_startups("10:130:100"));
  auto ps = parse_per_source("3", "24:64");
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->max, 3);
  EXPECT_EQ(ps->ipv4_bits, 24);
  EXPECT_EQ(ps->ipv6_bits, 64);
  EXPECT_EQ(parse_per_source("none", "32:128")->max, INT_MAX);
}

TEST(StartupLimits, FullDropsWithOpenSshLines) {
  StartupLimits limits({1, 100, 1}, {}, [](int) { return 0; });
  auto now = StartupLimits::Clock::now();
  auto first = limits.admit(addr("192.0.2.1", 5000), addr("127.0.0.1", 22), 1, now);
  EXPECT_FALSE(first.drop);
  auto second = limits.admit(addr("192.0.2.2", 5001), addr("127.0.0.1", 22), 2, now);
  EXPECT_TRUE(second.drop);
  ASSERT_EQ(second.log.size(), 2u);
  EXPECT_EQ(second.log[0].level, Level::kError);
  EXPECT_EQ(second.log[0].text, "beginning MaxStartups throttling");
  EXPECT_EQ(second.log[1].level, Level::kInfo);
  EXPECT_EQ(second.log[1].text, "drop connection #1 from [192.0.2.2]:5001 on [127.0.0.1]:22 past MaxStartups");
  auto third = limits.admit(addr("192.0.2.3", 5002), addr("127.0.0.1", 22), 3, now);
  ASSERT_EQ(third.log.size(), 1u);
  EXPECT_EQ(third.log[0].level, Level::kVerbose);  // later drops are quieter
  limits.finished(1);
  EXPECT_EQ(limits.startups(), 0);
  // Hysteresis: the throttle ends once startups fall below begin - 1; with begin 1 that
  // never happens, so use a wider limit to see the line.
  StartupLimits wide({3, 100, 3}, {}, [](int) { return 0; });
  for (int id = 1; id <= 3; ++id) EXPECT_FALSE(wide.admit(addr("192.0.2.9", 1), addr("::1", 22), id, now).drop);
  EXPECT_TRUE(wide.admit(addr("192.0.2.9", 1), addr("::1", 22), 4, now).drop);
  for (int id = 1; id <= 3; ++id) wide.finished(id);
  auto later = wide.admit(addr("192.0.2.9", 1), addr("::1", 22), 5, now + std::chrono::seconds(65));
  EXPECT_FALSE(later.drop);
  ASSERT_EQ(later.log.size(), 1u);
  EXPECT_EQ(later.log[0].text, "exited MaxStartups throttling after 00:01:05, 1 connections dropped");
}

TEST(StartupLimits, RandomEarlyDropFollowsTheRate) {
  // begin 2, rate 50, full 4: at 2 startups p = 50, at 3 p = 75.
  int next_r = 0;
  StartupLimits limits({2, 50, 4}, {}, [&](int n) {
    EXPECT_EQ(n, 100);
    return next_r;
  });
  auto now = StartupLimits::Clock::now();
  auto a = addr("192.0.2.1", 1), l = addr("127.0.0.1", 22);
  EXPECT_FALSE(limits.admit(a, l, 1, now).drop);
  EXPECT_FALSE(limits.admit(a, l, 2, now).drop);
  next_r = 49;
  EXPECT_TRUE(limits.admit(a, l, 3, now).drop);  // 49 < 50
  next_r = 50;
  EXPECT_FALSE(limits.admit(a, l, 4, now).drop);  // 50 >= 50
  next_r = 74;
  EXPECT_TRUE(limits.admit(a, l, 5, now).drop);  // 74 < 75 at 3 startups
  next_r = 99;
  EXPECT_FALSE(limits.admit(a, l, 6, now).drop);
  EXPECT_TRUE(limits.admit(a, l, 7, now).drop);  // full
}

TEST(StartupLimits, PerSourceCountsNetworkBlocks) {
  StartupLimits limits({100, 30, 100}, {2, 24, 64}, [](int) { return 0; });
  auto now = StartupLimits::Clock::now();
  auto l = addr("127.0.0.1", 22);
  EXPECT_FALSE(limits.admit(addr("198.51.100.1", 1), l, 1, now).drop);
  EXPECT_FALSE(limits.admit(addr("198.51.100.200", 2), l, 2, now).drop);
  auto third = limits.admit(addr("198.51.100.7", 3), l, 3, now);  // same /24
  EXPECT_TRUE(third.drop);
  EXPECT_EQ(third.log.back().text, "drop connection #2 from [198.51.100.7]:3 on [127.0.0.1]:22 past MaxStartups");
  EXPECT_FALSE(limits.admit(addr("198.51.101.7", 4), l, 4, now).drop);  // another /24
  EXPECT_FALSE(limits.admit(addr("2001:db8::1", 5), l, 5, now).drop);
  EXPECT_FALSE(limits.admit(addr("2001:db8::2", 6), l, 6, now).drop);
  EXPECT_TRUE(limits.admit(addr("2001:db8::ffff:1", 7), l, 7, now).drop);  // same /64
  limits.finished(1);
  EXPECT_FALSE(limits.admit(addr("198.51.100.9", 8), l, 8, now).drop);
}

TEST(StartupLimits, TimeframeFormat) {
  EXPECT_EQ(format_timeframe(std::chrono::seconds(5)), "00:00:05");
  EXPECT_EQ(format_timeframe(std::chrono::seconds(3 * 3600 + 61)), "03:01:01");
  EXPECT_EQ(format_timeframe(std::chrono::seconds(86400 + 7200 + 180)), "1d02h03m");
  EXPECT_EQ(format_timeframe(std::chrono::seconds(14 * 86400 + 3 * 86400 + 4 * 3600)), "02w3d04h");
}

TEST(ListenAddresses, WildcardsFollowAddressFamilyAndPorts) {
  sshpp::test::TempDir dir;
  std::string cfg = dir / "c";
  sshpp::test::write_text(cfg, "Port 22\nPort 2022\nListenAddress 127.0.0.1\nListenAddress [::1]:2200\n", 0644);
  CommandLineExit refusal;
  auto loaded = ServerConfiguration::load(*parse({"-f", cfg}).line, nullptr, refusal);
  ASSERT_TRUE(loaded) << refusal.message;
  auto list = listen_addresses(loaded->global());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].host, "127.0.0.1");
  EXPECT_EQ(list[0].port, 22);
  EXPECT_EQ(list[1].port, 2022);
  EXPECT_EQ(list[2].host, "::1");
  EXPECT_EQ(list[2].port, 2200);

  sshpp::test::write_text(cfg, "Port 22\n", 0644);
  auto inet = ServerConfiguration::load(*parse({"-f", cfg, "-4"}).line, nullptr, refusal);
  ASSERT_TRUE(inet);
  auto only4 = listen_addresses(inet->global());
  ASSERT_EQ(only4.size(), 1u);
  EXPECT_EQ(only4[0].host, "0.0.0.0");
  auto both = ServerConfiguration::load(*parse({"-f", cfg}).line, nullptr, refusal);
  auto wild = listen_addresses(both->global());
  ASSERT_EQ(wild.size(), 2u);
  EXPECT_EQ(wild[0].host, "0.0.0.0");  // OpenSSH logs 0.0.0.0 before ::
  EXPECT_EQ(wild[1].host, "::");
}

TEST(PreauthLogRelay, LinesKeepTheirLevelAndGainOneMark) {
  auto debug = parse_relayed_line("debug2: kex: algorithm: curve25519-sha256\r");
  EXPECT_EQ(debug.level, Level::kDebug2);
  EXPECT_EQ(debug.text, "kex: algorithm: curve25519-sha256 [preauth]");
  auto info = parse_relayed_line("Connection closed by 127.0.0.1 port 5 [preauth]");
  EXPECT_EQ(info.level, Level::kInfo);
  EXPECT_EQ(info.text, "Connection closed by 127.0.0.1 port 5 [preauth]");  // already marked
  EXPECT_EQ(parse_relayed_line("\r").text, "");
}

TEST(TcpForwarding, PermitOpenAndKeyOptionsDecide) {
  sshpp::test::TempDir dir;
  std::string cfg = dir / "c";
  auto load = [&](const std::string& text) {
    sshpp::test::write_text(cfg, text, 0644);
    CommandLineExit refusal;
    auto loaded = ServerConfiguration::load(*parse({"-f", cfg}).line, nullptr, refusal);
    EXPECT_TRUE(loaded) << refusal.message;
    return loaded->global();
  };
  auto any = load("");
  EXPECT_TRUE(direct_tcpip_allowed(any, nullptr, "example.org", 80, "192.0.2.1", 5000));
  auto off = load("AllowTcpForwarding no\n");
  EXPECT_FALSE(direct_tcpip_allowed(off, nullptr, "example.org", 80, "192.0.2.1", 5000));
  auto remote_only = load("AllowTcpForwarding remote\n");
  EXPECT_FALSE(direct_tcpip_allowed(remote_only, nullptr, "example.org", 80, "192.0.2.1", 5000));
  auto list = load("PermitOpen db.internal:5432 [2001:db8::1]:* *:8080\n");
  EXPECT_TRUE(direct_tcpip_allowed(list, nullptr, "DB.internal", 5432, "o", 1));
  EXPECT_FALSE(direct_tcpip_allowed(list, nullptr, "db.internal", 5433, "o", 1));
  EXPECT_TRUE(direct_tcpip_allowed(list, nullptr, "2001:db8::1", 9, "o", 1));
  EXPECT_TRUE(direct_tcpip_allowed(list, nullptr, "anything", 8080, "o", 1));
  auto none = load("PermitOpen none\n");
  EXPECT_FALSE(direct_tcpip_allowed(none, nullptr, "example.org", 80, "o", 1));
  sshcore::auth::KeyOptions key;
  key.permit_open = {"example.org:443"};
  EXPECT_TRUE(direct_tcpip_allowed(any, &key, "example.org", 443, "o", 1));
  EXPECT_FALSE(direct_tcpip_allowed(any, &key, "example.org", 80, "o", 1));
  key.permit_port_forwarding = false;
  EXPECT_FALSE(direct_tcpip_allowed(any, &key, "example.org", 443, "o", 1));
}

}  // namespace
}  // namespace sshd

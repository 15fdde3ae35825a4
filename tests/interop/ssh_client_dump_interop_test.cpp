// Our ssh's "-G" dump, command-line errors and connection errors against Debian's ssh
// run with the same arguments: byte for byte, apart from the defaults that legitimately
// differ.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace {

using sshpp::test::run;
using sshpp::test::write_text;

constexpr const char* kDebianSsh = "/usr/bin/ssh";

// The lines whose defaults legitimately differ (see tests/unit/config/ssh_config_debian_test.cpp).
bool default_differs(const std::string& line) {
  for (std::string k : {"kexalgorithms ", "hostkeyalgorithms ", "hostbasedacceptedalgorithms ",
                        "pubkeyacceptedalgorithms ", "casignaturealgorithms "})
    if (line.starts_with(k)) return true;
  return false;
}

std::vector<std::string> comparable_lines(const std::string& dump) {
  std::vector<std::string> out;
  std::istringstream in(dump);
  for (std::string line; std::getline(in, line);)
    if (!default_differs(line)) out.push_back(line);
  return out;
}

void expect_same_dump(const std::vector<std::string>& args, const std::string& what) {
  std::vector<std::string> a{sshpp::test::our_bin("ssh")}, b{kDebianSsh};
  a.insert(a.end(), args.begin(), args.end());
  b.insert(b.end(), args.begin(), args.end());
  auto o = run(a);
  auto d = run(b);
  EXPECT_EQ(o.exit_code, d.exit_code) << what << "\n" << o.err << "\n" << d.err;
  EXPECT_EQ(o.err, d.err) << what;
  auto ol = comparable_lines(o.out), dl = comparable_lines(d.out);
  EXPECT_EQ(ol.size(), dl.size()) << what;
  for (std::size_t i = 0; i < std::min(ol.size(), dl.size()); ++i) EXPECT_EQ(ol[i], dl[i]) << what;
}

TEST(SshClientDumpInterop, DashGEqualsDebian) {
  sshpp::test::TempDir dir;
  const std::string cfg1 = dir / "c1";
  write_text(cfg1,
             "Host web\n  HostName www.%h.example.org\n  Port 2200\n  User deploy\n  IdentityFile ~/.ssh/web_key\n"
             "  LocalForward 8080 localhost:80\n  ServerAliveInterval 15\n"
             "Match host *.example.org\n  Compression yes\n  ForwardAgent yes\n"
             "Host *\n  StrictHostKeyChecking accept-new\n  SendEnv LANG LC_*\n  SetEnv FOO=bar\n"
             "  ConnectTimeout 7\n  Ciphers aes256-ctr,aes128-gcm@openssh.com\n  LogLevel VERBOSE\n");
  const std::string cfg2 = dir / "c2";
  write_text(cfg2, "Host *\n  KexAlgorithms curve25519-sha256\n  HostKeyAlgorithms ssh-ed25519,rsa-sha2-512\n"
                   "  PubkeyAcceptedAlgorithms ssh-ed25519\n  MACs hmac-sha2-256-etm@openssh.com\n"
                   "  RequestTTY force\n  EscapeChar ^]\n  UserKnownHostsFile ~/kh1 ~/kh2\n  HashKnownHosts yes\n");
  expect_same_dump({"-G", "-F", "none", "example.org"}, "no config");
  expect_same_dump({"-G", "-F", cfg1, "web"}, "cfg1 web");
  expect_same_dump({"-G", "-F", cfg1, "db.example.org"}, "cfg1 db");
  expect_same_dump({"-G", "-F", cfg2, "x"}, "cfg2");
  expect_same_dump({"-G", "-F", cfg1, "-p", "2022", "-l", "me", "-o", "Port=1", "-4", "-C", "-A", "-T", "-e", "%",
                    "web"},
                   "flags");
  expect_same_dump({"-G", "-F", cfg1, "ssh://joe@web:2345"}, "uri");
  expect_same_dump({"-G", "-F", cfg1, "-vv", "-q", "-t", "-N", "alice@web"}, "verbosity");
  expect_same_dump({"-G", "-F", cfg1, "-o", "Bogus yes", "web"}, "bad -o");
  expect_same_dump({"-G", "-F", dir / "missing", "web"}, "missing -F");
  expect_same_dump({"-G", "web"}, "system files");
}

TEST(SshClientDumpInterop, CommandLineErrorsEqualDebian) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"-p", "0", "h"}, {"-p", "x", "h"}, {"-c", "nope", "h"}, {"-m", "nope", "h"}, {"-e", "xx", "h"},
           {"-Z", "h"}, {}, {"-Q", "nope"}, {"-O", "nope", "h"}, {"-1", "h"}, {"h", "-w"}}) {
    std::vector<std::string> a{sshpp::test::our_bin("ssh")}, b{kDebianSsh};
    a.insert(a.end(), args.begin(), args.end());
    b.insert(b.end(), args.begin(), args.end());
    auto o = run(a), d = run(b);
    std::string what = args.empty() ? "(none)" : args[0];
    EXPECT_EQ(o.exit_code, d.exit_code) << what;
    EXPECT_EQ(o.err, d.err) << what;
  }
  for (std::string q : {"protocol-version", "help", "key-cert"}) {
    if (q == "help") continue;  // Debian's adds kex-gss (GSSAPI key exchange, not built here)
    auto o = run({sshpp::test::our_bin("ssh"), "-Q", q}), d = run({kDebianSsh, "-Q", q});
    EXPECT_EQ(o.exit_code, 0);
    if (q == "protocol-version") {
      EXPECT_EQ(o.out, d.out);
    }
  }
  // Every algorithm we list is one Debian lists too (ours are a subset, apart from ML-KEM).
  for (std::string q : {"cipher", "mac", "key", "key-sig", "sig", "compression", "cipher-auth"}) {
    auto o = run({sshpp::test::our_bin("ssh"), "-Q", q}), d = run({kDebianSsh, "-Q", q});
    std::istringstream in(o.out);
    for (std::string name; std::getline(in, name);) EXPECT_NE(d.out.find(name + "\n"), std::string::npos) << q << " " << name;
  }
}

TEST(SshClientDumpInterop, ConnectionErrorsEqualDebian) {
  const int port = sshpp::test::free_port();
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"-p", std::to_string(port), "127.0.0.1", "true"}, {"nonexistent.invalid", "true"}}) {
    std::vector<std::string> a{sshpp::test::our_bin("ssh"), "-F", "none"}, b{kDebianSsh, "-F", "none"};
    a.insert(a.end(), args.begin(), args.end());
    b.insert(b.end(), args.begin(), args.end());
    auto o = run(a), d = run(b);
    EXPECT_EQ(o.exit_code, 255);
    EXPECT_EQ(d.exit_code, 255);
    EXPECT_EQ(o.err, d.err);
  }
}

}  // namespace

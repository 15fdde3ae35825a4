// Independent check of the sshd_config reader: Debian's OpenSSH 9.2 sshd parses the same
// files (`sshd -t` for error texts, `sshd -T [-C spec]` for the effective values) and we
// compare its output with ours.
#include <glob.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <set>
#include <sstream>

#include "sshcore/config/sshd_config.hpp"
#include "sshcore/io/file_io.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshcore::config {
namespace {

using sshpp::test::run;
using sshpp::test::TempDir;
using sshpp::test::write_text;

constexpr const char* kDebianSshd = "/usr/sbin/sshd";

// What the daemon will supply: whole-file reads and glob(3).
FileSource real_files() {
  return FileSource{[](const std::string& path) -> Result<std::string> {
                      SSH_TRY(bytes, io::read_file(path));
                      return std::string(bytes.begin(), bytes.end());
                    },
                    [](const std::string& pattern) -> Result<std::vector<std::string>> {
                      glob_t g{};
                      int r = ::glob(pattern.c_str(), 0, nullptr, &g);
                      std::vector<std::string> out;
                      if (r == 0)
                        for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
                      globfree(&g);
                      if (r != 0 && r != GLOB_NOMATCH) return fail(Errc::kSystem, "glob failed");
                      return out;
                    }};
}

class DebianSshd : public ::testing::Test {
 protected:
  void SetUp() override {
    ::mkdir("/run/sshd", 0755);  // sshd -T insists on its privilege separation directory
    auto k = run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir_ / "hk"});
    ASSERT_EQ(k.exit_code, 0) << k.err;
  }
  std::string host_key() const { return dir_ / "hk"; }
  std::string write_config(const std::string& name, const std::string& text) {
    std::string path = dir_ / name;
    write_text(path, text);
    return path;
  }
  TempDir dir_;
};

std::map<std::string, std::vector<std::string>> by_key(const std::string& dump) {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    auto sp = line.find(' ');
    out[line.substr(0, sp)].push_back(sp == std::string::npos ? "" : line.substr(sp + 1));
  }
  return out;
}

std::vector<std::string> keys_in_order(const std::string& dump) {
  std::vector<std::string> keys;
  std::istringstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    std::string key = line.substr(0, line.find(' '));
    if (keys.empty() || keys.back() != key) keys.push_back(key);
  }
  return keys;
}

// sshd's log lines on stderr end with "\r\n".
std::string strip_cr(std::string s) {
  std::erase(s, '\r');
  return s;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += x + " ";
  return out;
}

// Lines that legitimately differ between Debian's sshd -T and ours.
const std::set<std::string> kDiffering = {
    // Algorithm defaults come from sshpp's own tables (transport/algorithm_tables), which
    // differ from Debian's build (e.g. post-quantum KEX, no UMAC/SHA-1 MACs by default).
    "ciphers",
    "macs",
    "kexalgorithms",
    "hostkeyalgorithms",
    "pubkeyacceptedalgorithms",
    "hostbasedacceptedalgorithms",
    // sshpp extension, unknown to OpenSSH.
    "preuserauthhook",
};

void compare_dumps(const std::string& debian, const std::string& ours) {
  auto d = by_key(debian);
  auto o = by_key(ours);
  std::size_t compared = 0;
  for (const auto& [key, values] : d) {
    if (kDiffering.count(key)) continue;
    EXPECT_EQ(o[key], values) << "keyword " << key;
    ++compared;
  }
  for (const auto& [key, values] : o)
    if (!kDiffering.count(key)) {
      EXPECT_TRUE(d.count(key)) << "we print " << key << " but Debian does not";
    }
  EXPECT_GT(compared, 80u);
  // Same order of keywords.
  std::vector<std::string> dk, ok;
  for (const auto& k : keys_in_order(debian))
    if (!kDiffering.count(k)) dk.push_back(k);
  for (const auto& k : keys_in_order(ours))
    if (!kDiffering.count(k)) ok.push_back(k);
  EXPECT_EQ(join(dk), join(ok));
}

TEST_F(DebianSshd, DumpOfDefaultsMatches) {
  std::string path = write_config("c", "HostKey " + host_key() + "\n");
  auto debian = run({kDebianSshd, "-T", "-f", path});
  ASSERT_EQ(debian.exit_code, 0) << debian.err;
  auto ours = SshdConfig::load(path, real_files());
  ASSERT_TRUE(ours.has_value()) << ours.error().detail;
  compare_dumps(debian.out, ours->global().dump());
}

const char* kManySettings =
    "Port 22\nPort 2222\nAllowUsers a b\nAllowUsers c\nDenyUsers x\nAllowGroups g1 g2\nDenyGroups bad\n"
    "AcceptEnv LANG LC_*\nSubsystem sftp /usr/lib/openssh/sftp-server -l INFO\nSetEnv A=1 B=2\n"
    "LogVerbose kex.c:*:*\nPermitOpen localhost:22 h:80\nAuthenticationMethods publickey,password\n"
    "ChannelTimeout session=5m\nForceCommand /bin/echo hi there\nChrootDirectory /srv\nBanner /etc/issue\n"
    "IPQoS af21\nRekeyLimit 1G 1h\nMaxStartups 5\nPerSourceMaxStartups 3\nPerSourceNetBlockSize 24:64\n"
    "VersionAddendum hello world\nLogLevel debug\nSyslogFacility local0\nStreamLocalBindMask 022\n"
    "FingerprintHash md5\nPermitUserEnvironment LANG,LC_*\nPubkeyAuthOptions touch-required verify-required\n"
    "PermitTunnel point-to-point\nClientAliveInterval 1h5m\nClientAliveCountMax 7\nUnusedConnectionTimeout "
    "10\n"
    "AuthorizedKeysFile a b\nPermitListen 80\nIgnoreRhosts shosts-only\nPermitRootLogin "
    "forced-commands-only\n"
    "Compression no\nGatewayPorts clientspecified\nAllowTcpForwarding local\nAllowStreamLocalForwarding all\n"
    "X11Forwarding yes\nX11DisplayOffset 12\nMaxAuthTries 4\nMaxSessions 3\nLoginGraceTime 2m\nUsePAM yes\n"
    "UseDNS yes\nPrintMotd no\nPrintLastLog no\nTCPKeepAlive no\nStrictModes no\n"
    "KbdInteractiveAuthentication no\nHostbasedAuthentication yes\n"
    "AuthorizedKeysCommand /usr/bin/keys %u\nAuthorizedKeysCommandUser nobody\n"
    "AuthorizedPrincipalsFile /etc/ssh/p/%u\nTrustedUserCAKeys /etc/ssh/ca.pub\nRevokedKeys /etc/ssh/krl\n"
    "CASignatureAlgorithms ssh-ed25519\nRequiredRSASize 2048\nPidFile /run/x.pid\nModuliFile /etc/ssh/m\n"
    "XAuthLocation /opt/xauth\nHostKeyAgent SSH_AUTH_SOCK\nSecurityKeyProvider /usr/lib/sk.so\n"
    "GSSAPIAuthentication yes\nGSSAPIKeyExchange yes\nGSSAPIKexAlgorithms gss-curve25519-sha256-\n"
    "KerberosAuthentication yes\nDisableForwarding yes\nExposeAuthInfo yes\nStreamLocalBindUnlink yes\n"
    "PermitEmptyPasswords yes\nPermitTTY no\nPermitUserRC no\nX11UseLocalhost no\nIgnoreUserKnownHosts yes\n"
    "HostbasedUsesNameFromPacketOnly yes\nAllowAgentForwarding no\nAddressFamily inet\n"
    "UsePrivilegeSeparation sandbox\nChallengeResponseAuthentication yes\n";

TEST_F(DebianSshd, DumpOfManySettingsMatches) {
  std::string path = write_config("c", "HostKey " + host_key() + "\n" + kManySettings);
  auto debian = run({kDebianSshd, "-T", "-f", path});
  ASSERT_EQ(debian.exit_code, 0) << debian.err;
  auto ours = SshdConfig::load(path, real_files());
  ASSERT_TRUE(ours.has_value()) << ours.error().detail;
  compare_dumps(debian.out, ours->global().dump());
}

TEST_F(DebianSshd, ListenersMatch) {
  const std::string bodies[] = {
      "Port 22\nPort 23\nListenAddress 127.0.0.1\nListenAddress [::1]:2200\nListenAddress 127.0.0.2:99\n"
      "ListenAddress ::2\n",
      "AddressFamily inet6\nPort 23\nPort 24\n",
      "AddressFamily inet\nPort 2022\n",
      "ChannelTimeout session=5m global=1h\nLogVerbose a b\nAuthenticationMethods publickey,password "
      "password\n"
      "PermitOpen any\nPermitListen none\nIPQoS 0x10 none\nUnusedConnectionTimeout 0\nRekeyLimit default "
      "none\n",
      "RekeyLimit 1G\nRekeyLimit 2G 1h\nMaxStartups 7:50:9\nPerSourceNetBlockSize 16\nLogLevel VERBOSE\n",
  };
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    std::string path = write_config("l", "HostKey " + host_key() + "\n" + body);
    auto debian = run({kDebianSshd, "-T", "-f", path});
    ASSERT_EQ(debian.exit_code, 0) << debian.err;
    auto ours = SshdConfig::load(path, real_files());
    ASSERT_TRUE(ours.has_value()) << ours.error().detail;
    compare_dumps(debian.out, ours->global().dump());
  }
}

TEST_F(DebianSshd, MatchDumpsMatch) {
  std::string include_dir = dir_ / "conf.d";
  ::mkdir(include_dir.c_str(), 0755);
  write_text(include_dir + "/10.conf", "Match LocalPort 2222\n  MaxSessions 2\n");
  std::string path =
      write_config("c", "HostKey " + host_key() + "\nInclude " + include_dir +
                            "/*.conf\nPasswordAuthentication yes\n"
                            "Match User fred Address 192.0.2.0/24,!192.0.2.9\n  PasswordAuthentication no\n"
                            "  AllowUsers fred\n  Banner /etc/fred\n  PermitOpen h:1\n"
                            "Match Host *.example.org\n  X11Forwarding yes\n  PasswordAuthentication yes\n"
                            "Match LocalAddress 127.0.0.0/8\n  LogLevel DEBUG3\n  ForceCommand /bin/true\n");
  const std::vector<std::pair<std::string, ConnectionSpec>> specs = [] {
    std::vector<std::pair<std::string, ConnectionSpec>> v;
    ConnectionSpec a;
    a.user = "fred";
    a.address = "192.0.2.5";
    a.host = "pc.example.org";
    a.laddress = "127.0.0.1";
    a.lport = 22;
    v.emplace_back("user=fred,addr=192.0.2.5,host=pc.example.org,laddr=127.0.0.1,lport=22", a);
    ConnectionSpec b = a;
    b.address = "192.0.2.9";
    b.laddress = "10.0.0.1";
    b.lport = 2222;
    v.emplace_back("user=fred,addr=192.0.2.9,host=pc.example.org,laddr=10.0.0.1,lport=2222", b);
    ConnectionSpec c = a;
    c.user = "root";
    c.host = "other.net";
    v.emplace_back("user=root,addr=192.0.2.5,host=other.net,laddr=127.0.0.1,lport=22", c);
    return v;
  }();
  auto ours = SshdConfig::load(path, real_files());
  ASSERT_TRUE(ours.has_value()) << ours.error().detail;
  for (const auto& [spec, ci] : specs) {
    auto debian = run({kDebianSshd, "-T", "-f", path, "-C", spec});
    ASSERT_EQ(debian.exit_code, 0) << debian.err;
    auto effective = ours->for_connection(ci);
    ASSERT_TRUE(effective.has_value()) << effective.error().detail;
    SCOPED_TRACE(spec);
    compare_dumps(debian.out, effective->dump());
  }
}

// Match Group with a real user: root is in group root on any Debian system.
TEST_F(DebianSshd, MatchGroupMatches) {
  std::string path = write_config("g", "HostKey " + host_key() +
                                           "\nMatch Group nogroup-x,root\n  MaxAuthTries 2\n"
                                           "Match Group !root,*\n  MaxSessions 1\n"
                                           "Match Group r*\n  PermitTTY no\n");
  auto ours = SshdConfig::load(path, real_files());
  ASSERT_TRUE(ours.has_value()) << ours.error().detail;
  ConnectionSpec ci;
  ci.user = "root";
  ci.address = "192.0.2.1";
  ci.host = "h";
  ci.laddress = "127.0.0.1";
  ci.lport = 22;
  ci.groups = [](const std::string& user) -> std::optional<std::vector<std::string>> {
    if (user == "root") return std::vector<std::string>{"root"};
    return std::nullopt;
  };
  auto debian =
      run({kDebianSshd, "-T", "-f", path, "-C", "user=root,addr=192.0.2.1,host=h,laddr=127.0.0.1,lport=22"});
  ASSERT_EQ(debian.exit_code, 0) << debian.err;
  auto effective = ours->for_connection(ci);
  ASSERT_TRUE(effective.has_value());
  EXPECT_EQ(effective->value("MaxAuthTries"), "2");
  EXPECT_FALSE(effective->flag("PermitTTY"));
  compare_dumps(debian.out, effective->dump());
}

// Every kind of error: Debian's sshd -t prints the same text as our Error detail.
TEST_F(DebianSshd, ErrorTextsMatch) {
  const std::vector<std::string> bodies = {
      "Portt 22\n",
      "PermitRootLogin maybe\n",
      "Match User x\nPort 22\n",
      "Match User x\nPortt 22\n",
      "X11DisplayOffset abc\n",
      "MaxAuthTries -1\n",
      "LoginGraceTime 1x\n",
      "PasswordAuthentication\n",
      "PasswordAuthentication yes no\n",
      "Match Foo bar\n",
      "Match User\n",
      "Match all User x\n",
      "Match Address 192.0.2.1/24\n",
      "Match Address 192.0.2.0/33\n",
      "Match LocalPort x\n",
      "Ciphers foo\n",
      "MACs foo\n",
      "KexAlgorithms foo\n",
      "HostKeyAlgorithms foo\n",
      "PubkeyAcceptedAlgorithms foo\n",
      "AcceptEnv \"a\n",
      "AcceptEnv A=B\n",
      "SetEnv AB\n",
      "Port 0\n",
      "Port x\n",
      "LogLevel loud\n",
      "SyslogFacility x\n",
      "PermitTunnel maybe\n",
      "MaxStartups 10:0:100\n",
      "MaxStartups x\n",
      "PerSourceNetBlockSize 33\n",
      "AuthenticationMethods any publickey\n",
      "AuthenticationMethods publickey any\n",
      "AuthorizedKeysCommand relative\n",
      "Subsystem sftp a\nSubsystem sftp b\n",
      "Subsystem sftp\n",
      "IPQoS bogus\n",
      "IPQoS af11 bogus\n",
      "StreamLocalBindMask 999\n",
      "FingerprintHash crc\n",
      "RekeyLimit 2\n",
      "RekeyLimit 1G 1x\n",
      "PermitOpen host\n",
      "PermitListen host:x\n",
      "PubkeyAuthOptions bogus\n",
      "LogVerbose none x\n",
      "Compression maybe\n",
      "AddressFamily inet5\n",
      "GatewayPorts maybe\n",
      "AllowTcpForwarding maybe\n",
      "IgnoreRhosts maybe\n",
      "Include\n",
      "UsePrivilegeSeparation yes\nRSAAuthentication no\nBad1 x\nBad2 y\n",
      "MaxSessions 99999999999\n",
      "ClientAliveCountMax\n",
      "AllowGroups \"\"\n",
      "GSSAPIKexAlgorithms foo\n",
      "AllowUsers ok a@192.0.2.1/24\n",
      "DenyUsers a@\n",
      "DenyUsers a@!192.0.2.1/24\n",
  };
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    std::string path = write_config("e", "HostKey " + host_key() + "\n" + body);
    auto debian = run({kDebianSshd, "-t", "-f", path});
    EXPECT_NE(debian.exit_code, 0);
    auto ours = SshdConfig::load(path, real_files());
    ASSERT_FALSE(ours.has_value());
    std::string want = strip_cr(debian.err);
    while (!want.empty() && want.back() == '\n') want.pop_back();
    // Debian's extra lines about keys it parses (not config errors) do not appear here.
    EXPECT_EQ(ours.error().detail, want);
  }
}

// Every keyword of the man page with a value Debian cannot accept ("x!y", not a number,
// path, choice or list it knows): both refuse with the same text, or both accept.
TEST_F(DebianSshd, EveryKeywordWithABadValueMatches) {
  std::string names = sshpp::test::read_text(sshpp::test::test_data("sshd_config/man_keywords.txt"));
  std::istringstream in(names);
  std::string keyword;
  std::size_t compared = 0;
  while (std::getline(in, keyword)) {
    // RDomain: Debian's Linux build refuses any value ("not supported on this platform");
    // sshpp stores it. Include: a pattern, tested on its own.
    if (keyword.empty() || keyword == "RDomain" || keyword == "Include") continue;
    for (const std::string& value : {std::string("x!y"), std::string("-1"), std::string("")}) {
      SCOPED_TRACE(keyword + " '" + value + "'");
      std::string path = write_config("k", "HostKey " + host_key() + "\n" + keyword + " " + value + "\n");
      auto debian = run({kDebianSshd, "-t", "-f", path});
      auto ours = SshdConfig::load(path, real_files());
      if (debian.exit_code == 0) {
        EXPECT_TRUE(ours.has_value()) << ours.error().detail;
      } else if (debian.err.find("line 2") != std::string::npos) {
        // Only config errors; later start-up failures (missing files, "cannot be satisfied") are sshd's.
        ASSERT_FALSE(ours.has_value()) << debian.err;
        std::string want = strip_cr(debian.err);
        while (!want.empty() && want.back() == '\n') want.pop_back();
        EXPECT_EQ(ours.error().detail, want);
      }
      ++compared;
    }
  }
  EXPECT_GT(compared, 280u);
}

TEST_F(DebianSshd, DeprecatedNoticesMatch) {
  std::string path =
      write_config("d", "HostKey " + host_key() +
                            "\nUsePrivilegeSeparation sandbox\nProtocol 2\nKerberosTgtPassing no\n"
                            "CheckMail no\nPAMAuthenticationViaKbdInt yes\n");
  auto debian = run({kDebianSshd, "-t", "-f", path});
  ASSERT_EQ(debian.exit_code, 0) << debian.err;
  auto ours = SshdConfig::load(path, real_files());
  ASSERT_TRUE(ours.has_value()) << ours.error().detail;
  std::string joined;
  for (const auto& n : ours->notices()) joined += n + "\n";
  EXPECT_EQ(joined, strip_cr(debian.err));
}

}  // namespace
}  // namespace sshcore::config

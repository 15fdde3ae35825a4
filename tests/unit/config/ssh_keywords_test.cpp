// Every keyword of ssh_config(5) (OpenSSH 9.2, Debian) is recognised, and a valid value for
// each one is accepted both by us and by Debian's ssh (so the samples are checked
// independently, not just by our own parser).
#include <gtest/gtest.h>

#include "ssh_config_fixture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "sshcore/config/ssh_keywords.hpp"

namespace {

using sshpp::test::load_for;
using sshpp::test::SshConfigWorld;

// Keyword and a valid argument, covering the whole keyword list of "man ssh_config" on the
// reference machine (the man page's section headings) plus Host, Match, Port, Tunnel, User.
const std::pair<const char*, const char*> kSamples[] = {
    {"AddKeysToAgent", "confirm 5m"}, {"AddressFamily", "inet6"}, {"BatchMode", "yes"},
    {"BindAddress", "127.0.0.1"}, {"BindInterface", "lo"}, {"CASignatureAlgorithms", "ssh-ed25519"},
    {"CanonicalDomains", "example.com example.org"}, {"CanonicalizeFallbackLocal", "no"},
    {"CanonicalizeHostname", "always"}, {"CanonicalizeMaxDots", "2"},
    {"CanonicalizePermittedCNAMEs", "*.a.example:*.b.example"}, {"CertificateFile", "~/.ssh/id-cert.pub"},
    {"CheckHostIP", "yes"}, {"Ciphers", "+aes128-cbc"}, {"ClearAllForwardings", "yes"},
    {"Compression", "yes"}, {"ConnectTimeout", "10"}, {"ConnectionAttempts", "3"},
    {"ControlMaster", "auto"}, {"ControlPath", "~/.ssh/cm-%C"}, {"ControlPersist", "10m"},
    {"DynamicForward", "1080"}, {"EnableEscapeCommandline", "yes"}, {"EnableSSHKeysign", "no"},
    {"EscapeChar", "none"}, {"ExitOnForwardFailure", "yes"}, {"FingerprintHash", "md5"},
    {"ForkAfterAuthentication", "no"}, {"ForwardAgent", "yes"}, {"ForwardX11", "no"},
    {"ForwardX11Timeout", "20m"}, {"ForwardX11Trusted", "no"}, {"GSSAPIAuthentication", "no"},
    {"GSSAPIClientIdentity", "user@REALM"}, {"GSSAPIDelegateCredentials", "no"},
    {"GSSAPIKexAlgorithms", "gss-group14-sha256-"}, {"GSSAPIKeyExchange", "no"},
    {"GSSAPIRenewalForcesRekey", "no"}, {"GSSAPIServerIdentity", "host@example.com"},
    {"GSSAPITrustDns", "no"}, {"GatewayPorts", "no"}, {"GlobalKnownHostsFile", "/etc/a /etc/b"},
    {"HashKnownHosts", "yes"}, {"HostKeyAlgorithms", "-ssh-rsa*"}, {"HostKeyAlias", "alias"},
    {"HostbasedAcceptedAlgorithms", "ssh-ed25519"}, {"HostbasedAuthentication", "no"},
    {"Hostname", "real.example.com"}, {"IdentitiesOnly", "yes"}, {"IdentityAgent", "SSH_AUTH_SOCK"},
    {"IdentityFile", "~/.ssh/id_ed25519"}, {"IgnoreUnknown", "UseKeychain"}, {"Include", "/nonexistent/*"},
    {"KbdInteractiveAuthentication", "no"}, {"KbdInteractiveDevices", "pam"},
    {"KexAlgorithms", "curve25519-sha256"}, {"KnownHostsCommand", "/bin/true %H"},
    {"LocalCommand", "echo hi"}, {"LocalForward", "8080 localhost:80"}, {"LogLevel", "DEBUG2"},
    {"LogVerbose", "kex.c:*"}, {"NoHostAuthenticationForLocalhost", "yes"},
    {"NumberOfPasswordPrompts", "2"}, {"PKCS11Provider", "none"}, {"PasswordAuthentication", "no"},
    {"PermitLocalCommand", "yes"}, {"PermitRemoteOpen", "host:22"}, {"PreferredAuthentications", "publickey"},
    {"ProxyCommand", "nc %h %p"}, {"ProxyJump", "user@jump:2222"}, {"ProxyUseFdpass", "no"},
    {"PubkeyAcceptedAlgorithms", "^ssh-ed25519"}, {"PubkeyAuthentication", "unbound"},
    {"RekeyLimit", "512M 1h"}, {"RemoteCommand", "tmux a"}, {"RemoteForward", "9090 localhost:90"},
    {"RequestTTY", "force"}, {"RequiredRSASize", "2048"}, {"RevokedHostKeys", "/etc/krl"},
    {"SecurityKeyProvider", "internal"}, {"SendEnv", "LANG LC_*"}, {"ServerAliveCountMax", "5"},
    {"ServerAliveInterval", "30"}, {"SessionType", "none"}, {"StdinNull", "yes"},
    {"StreamLocalBindMask", "0077"}, {"StreamLocalBindUnlink", "yes"},
    {"StrictHostKeyChecking", "accept-new"}, {"SyslogFacility", "AUTH"}, {"TCPKeepAlive", "no"},
    {"TunnelDevice", "any:any"}, {"UpdateHostKeys", "ask"}, {"UserKnownHostsFile", "~/.ssh/kh"},
    {"VerifyHostKeyDNS", "ask"}, {"VisualHostKey", "yes"}, {"XAuthLocation", "/usr/bin/xauth"},
    {"Host", "*"}, {"Match", "all"}, {"Port", "2222"}, {"Tunnel", "point-to-point"}, {"User", "bob"},
    // Aliases and legacy spellings OpenSSH 9.2 still accepts.
    {"ChallengeResponseAuthentication", "no"}, {"PubkeyAcceptedKeyTypes", "ssh-ed25519"},
    {"HostbasedKeyTypes", "ssh-ed25519"}, {"KeepAlive", "yes"}, {"IdentityFile2", "~/k"},
    {"SmartcardDevice", "none"}, {"DSAAuthentication", "yes"}, {"SkeyAuthentication", "no"},
    {"TISAuthentication", "no"}, {"SetEnv", "A=b"}, {"ProxyJump", "none"},
};

TEST(SshKeywords, EveryManPageKeywordIsKnown) {
  for (auto [name, value] : kSamples) {
    EXPECT_NE(sshcore::config::find_ssh_keyword(name), nullptr) << name;
    std::string upper;
    for (const char* c = name; *c; ++c) upper.push_back(static_cast<char>(std::toupper(*c)));
    EXPECT_NE(sshcore::config::find_ssh_keyword(upper), nullptr) << upper;
  }
  EXPECT_EQ(sshcore::config::find_ssh_keyword("X11Forwarding"), nullptr);
}

TEST(SshKeywords, EverySampleIsAcceptedByUsAndByDebianSsh) {
  sshpp::test::TempDir dir;
  for (auto [name, value] : kSamples) {
    const std::string line = std::string(name) + " " + value + "\n";
    SshConfigWorld w;
    auto ours = load_for(w, "localhost", line, "", false, true);
    EXPECT_TRUE(ours.ok) << line << (ours.errors.empty() ? "" : ours.errors[0]);
    EXPECT_TRUE(ours.errors.empty()) << line << ours.errors[0];
    const std::string path = dir / "c";
    sshpp::test::write_text(path, line);
    auto theirs = sshpp::test::run({"/usr/bin/ssh", "-G", "-F", path, "localhost"});
    EXPECT_EQ(theirs.exit_code, 0) << line << theirs.err;
  }
}

TEST(SshKeywords, TableRowsAreUniqueAndLowercase) {
  auto rows = sshcore::config::ssh_keywords();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(sshcore::ascii_lowercase(rows[i].name), rows[i].name);
    for (std::size_t j = i + 1; j < rows.size(); ++j) EXPECT_NE(rows[i].name, rows[j].name);
  }
}

}  // namespace

// ssh's host key decision and its texts (sshconnect.c check_host_key, OpenSSH 9.2). The same
// flows run against Debian's sshd in tests/interop/ssh_client_interop_test.cpp.
#include "host_key_verifier.hpp"

#include <gtest/gtest.h>

#include <map>

#include "../../unit/keys/key_fixtures.hpp"
#include "sshcore/auth/known_hosts.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "support/temp_dir.hpp"

namespace {

using sshcore::config::SshOpt;
using sshpp::test::keys::fixture_pub;
using sshpp::test::keys::fixture_text;
using sshpp::test::keys::type_and_blob;

struct World {
  sshpp::test::TempDir dir;
  std::map<std::string, std::string> files;
  std::vector<std::string> answers;    // consumed in order by ask()
  std::vector<std::string> prompts;
  sshcore::config::SshOptions options;

  World() {
    options.set(SshOpt::kUserKnownHostsFile, std::vector<std::string>{"/u/known_hosts"});
    options.set(SshOpt::kGlobalKnownHostsFile, std::vector<std::string>{"/etc/ssh/ssh_known_hosts"});
    sshcore::log::Options lo;
    lo.level = sshcore::log::Level::kDebug1;
    lo.sink = sshcore::log::Sink::kFile;
    lo.file = dir / "log";
    sshcore::log::init(lo);
  }
  ~World() { sshcore::log::init({}); }

  ssh::HostKeyIo io() {
    ssh::HostKeyIo io;
    io.read_file = [this](const std::string& p) -> sshcore::Result<std::string> {
      auto it = files.find(p);
      if (it == files.end()) return sshcore::fail(sshcore::Errc::kNotFound, p);
      return it->second;
    };
    io.append_line = [this](const std::string& p, const std::string& line) -> sshcore::Result<void> {
      files[p] += line + "\n";
      return {};
    };
    io.ask = [this](const std::string& prompt) -> std::optional<std::string> {
      prompts.push_back(prompt);
      if (answers.empty()) return std::nullopt;
      std::string a = answers.front();
      answers.erase(answers.begin());
      return a;
    };
    return io;
  }
  bool verify(const ssh::HostKeyTarget& t, const std::string& stem, ssh::HostKeyConsequences* c = nullptr) {
    ssh::HostKeyVerifier v(options, "/u", io());
    bool ok = v.verify(t, fixture_pub(stem).key);
    if (c != nullptr) *c = v.consequences();
    return ok;
  }
  std::string log() { return sshpp::test::read_text(dir / "log"); }
  void strict(int mode) { options.set(SshOpt::kStrictHostKeyChecking, std::int64_t{mode}); }
};

std::string key_text(const std::string& stem) { return type_and_blob(fixture_text(stem + ".pub")); }
const ssh::HostKeyTarget kTarget{"example.org", 2222, "192.0.2.7", false};

TEST(HostKeyVerifier, StrictYesRefusesUnknownHost) {
  World w;
  w.strict(sshcore::config::kStrictYes);
  EXPECT_FALSE(w.verify(kTarget, "ed25519"));
  EXPECT_NE(w.log().find("No ED25519 host key is known for [example.org]:2222 and you have requested strict checking.\n"),
            std::string::npos)
      << w.log();
  EXPECT_TRUE(w.files.empty());
}

TEST(HostKeyVerifier, AcceptNewAddsAPlainLine) {
  World w;
  w.strict(sshcore::config::kStrictNew);
  EXPECT_TRUE(w.verify(kTarget, "ed25519"));
  EXPECT_EQ(w.files["/u/known_hosts"], "[example.org]:2222 " + key_text("ed25519") + "\n");
  EXPECT_NE(w.log().find("Warning: Permanently added '[example.org]:2222' (ED25519) to the list of known hosts.\n"),
            std::string::npos);
  EXPECT_TRUE(w.prompts.empty());
  // Known now: accepted quietly.
  EXPECT_TRUE(w.verify(kTarget, "ed25519"));
  EXPECT_NE(w.log().find("Host '[example.org]:2222' is known and matches the ED25519 host key.\n"), std::string::npos);
  EXPECT_NE(w.log().find("Found key in /u/known_hosts:1\n"), std::string::npos);
}

TEST(HostKeyVerifier, HashKnownHostsHashesTheName) {
  World w;
  w.strict(sshcore::config::kStrictOff);
  w.options.set(SshOpt::kHashKnownHosts, std::int64_t{1});
  EXPECT_TRUE(w.verify(kTarget, "ecdsa256"));
  const std::string& line = w.files["/u/known_hosts"];
  ASSERT_TRUE(line.starts_with("|1|")) << line;
  auto entries = sshcore::auth::parse_known_hosts(line);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(sshcore::auth::match_known_host(entries[0].hosts, "[example.org]:2222"), sshcore::auth::HostMatch::kYes);
}

TEST(HostKeyVerifier, AskShowsOpenSshPromptAndAcceptsFingerprint) {
  World w;
  w.files["/u/known_hosts"] = "other.example " + key_text("ed25519") + "\n";
  const std::string fp = sshcore::keys::fingerprint(fixture_pub("ed25519").key);
  w.answers = {"maybe", fp};
  EXPECT_TRUE(w.verify(kTarget, "ed25519"));
  ASSERT_EQ(w.prompts.size(), 2u);
  EXPECT_EQ(w.prompts[0],
            "The authenticity of host '[example.org]:2222 ([192.0.2.7]:2222)' can't be established.\n"
            "ED25519 key fingerprint is " + fp + ".\n"
            "This host key is known by the following other names/addresses:\n"
            "    ~/known_hosts:1: other.example\n"
            "Are you sure you want to continue connecting (yes/no/[fingerprint])? ");
  EXPECT_EQ(w.prompts[1], "Please type 'yes', 'no' or the fingerprint: ");
  EXPECT_NE(w.files["/u/known_hosts"].find("[example.org]:2222 " + key_text("ed25519")), std::string::npos);
}

TEST(HostKeyVerifier, AskNoOrEofOrBatchModeRefuses) {
  World w;
  w.answers = {"no"};
  EXPECT_FALSE(w.verify(kTarget, "ed25519"));
  EXPECT_NE(w.prompts.at(0).find("This key is not known by any other names.\n"), std::string::npos);
  EXPECT_FALSE(w.verify(kTarget, "ed25519"));  // EOF
  w.prompts.clear();
  w.options.set(SshOpt::kBatchMode, std::int64_t{1});
  w.answers = {"yes"};
  EXPECT_FALSE(w.verify(kTarget, "ed25519"));
  EXPECT_TRUE(w.prompts.empty());
  EXPECT_EQ(w.files.count("/u/known_hosts"), 0u);
}

TEST(HostKeyVerifier, VisualHostKeyPutsRandomartInThePrompt) {
  World w;
  w.options.set(SshOpt::kVisualHostKey, std::int64_t{1});
  w.answers = {"yes"};
  EXPECT_TRUE(w.verify(kTarget, "ed25519"));
  EXPECT_NE(w.prompts.at(0).find(".\n+--[ED25519 256]--+\n"), std::string::npos) << w.prompts[0];
}

TEST(HostKeyVerifier, ChangedKeyIsRefusedWithTheWarning) {
  World w;
  w.strict(sshcore::config::kStrictNew);
  w.files["/u/known_hosts"] = "# x\n[example.org]:2222 " + key_text("ecdsa256") + "\n";
  EXPECT_FALSE(w.verify(kTarget, "ed25519"));
  const std::string fp = sshcore::keys::fingerprint(fixture_pub("ed25519").key);
  const std::string expected =
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
      "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
      "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
      "Someone could be eavesdropping on you right now (man-in-the-middle attack)!\n"
      "It is also possible that a host key has just been changed.\n"
      "The fingerprint for the ED25519 key sent by the remote host is\n" + fp + ".\n"
      "Please contact your system administrator.\n"
      "Add correct host key in /u/known_hosts to get rid of this message.\n"
      "Offending ECDSA key in /u/known_hosts:2\n"
      "  remove with:\n"
      "  ssh-keygen -f \"/u/known_hosts\" -R \"[example.org]:2222\"\n"
      "Host key for [example.org]:2222 has changed and you have requested strict checking.\n";
  EXPECT_NE(w.log().find(expected), std::string::npos) << w.log();
}

TEST(HostKeyVerifier, ChangedKeyWithCheckingOffDisablesPasswords) {
  World w;
  w.strict(sshcore::config::kStrictOff);
  w.files["/etc/ssh/ssh_known_hosts"] = "[example.org]:2222 " + key_text("rsa2048") + "\n";
  ssh::HostKeyConsequences c;
  EXPECT_TRUE(w.verify(kTarget, "ed25519", &c));
  EXPECT_TRUE(c.disable_password);
  EXPECT_TRUE(c.disable_kbd_interactive);
  EXPECT_NE(w.log().find("Offending RSA key in /etc/ssh/ssh_known_hosts:1\n"), std::string::npos);
  EXPECT_NE(w.log().find("Password authentication is disabled to avoid man-in-the-middle attacks.\n"
                         "Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.\n"),
            std::string::npos);
}

TEST(HostKeyVerifier, RevokedKey) {
  World w;
  w.strict(sshcore::config::kStrictNew);
  w.files["/u/known_hosts"] = "@revoked * " + key_text("ed25519") + "\n";
  EXPECT_FALSE(w.verify(kTarget, "ed25519"));
  EXPECT_NE(w.log().find("@       WARNING: REVOKED HOST KEY DETECTED!               @\n"), std::string::npos);
  EXPECT_NE(w.log().find("The ED25519 host key for [example.org]:2222 is marked as revoked.\n"
                         "This could mean that a stolen key is being used to\nimpersonate this host.\n"
                         "ED25519 host key for [example.org]:2222 was revoked and you have requested strict "
                         "checking.\n"),
            std::string::npos)
      << w.log();
}

TEST(HostKeyVerifier, KeyRecordedWithoutPortIsAccepted) {
  World w;
  w.strict(sshcore::config::kStrictYes);
  w.files["/u/known_hosts"] = "example.org " + key_text("ed25519") + "\n";
  EXPECT_TRUE(w.verify(kTarget, "ed25519"));
  EXPECT_NE(w.log().find("checking without port identifier\n"), std::string::npos);
  EXPECT_NE(w.log().find("found matching key w/out port\n"), std::string::npos);
}

TEST(HostKeyVerifier, LocalhostExemptionAndCheckHostIp) {
  World w;
  w.options.set(SshOpt::kNoHostAuthenticationForLocalhost, std::int64_t{1});
  w.strict(sshcore::config::kStrictYes);
  EXPECT_TRUE(w.verify({"localhost", 22, "127.0.0.1", true}, "ed25519"));
  EXPECT_NE(w.log().find("Forcing accepting of host key for loopback/localhost.\n"), std::string::npos);

  World v;
  v.strict(sshcore::config::kStrictNew);
  v.options.set(SshOpt::kCheckHostIp, std::int64_t{1});
  EXPECT_TRUE(v.verify({"example.org", 22, "192.0.2.7", false}, "ed25519"));
  EXPECT_EQ(v.files["/u/known_hosts"], "example.org,192.0.2.7 " + key_text("ed25519") + "\n");
  EXPECT_NE(v.log().find("Warning: Permanently added 'example.org,192.0.2.7' (ED25519) to the list of known hosts.\n"),
            std::string::npos);
}

TEST(HostKeyVerifier, SeveralUserFilesAndMd5Fingerprints) {
  World w;
  w.options.set(SshOpt::kUserKnownHostsFile, std::vector<std::string>{"/u/first", "/u/second"});
  w.options.set(SshOpt::kFingerprintHash, std::string("MD5"));
  w.files["/u/second"] = "elsewhere " + key_text("ecdsa384") + "\n";
  w.answers = {"yes"};
  EXPECT_TRUE(w.verify(kTarget, "ecdsa384"));
  ASSERT_EQ(w.prompts.size(), 1u);
  EXPECT_NE(w.prompts[0].find("ECDSA key fingerprint is MD5:"), std::string::npos) << w.prompts[0];
  EXPECT_NE(w.prompts[0].find("    ~/second:1: elsewhere\n"), std::string::npos);
  // New keys go to the first file only.
  EXPECT_EQ(w.files["/u/first"], "[example.org]:2222 " + key_text("ecdsa384") + "\n");
  EXPECT_EQ(w.files["/u/second"], "elsewhere " + key_text("ecdsa384") + "\n");
  // A key known in the second file is accepted, reported with its line.
  w.strict(sshcore::config::kStrictYes);
  EXPECT_TRUE(w.verify({"elsewhere", 22, "192.0.2.8", false}, "ecdsa384"));
  EXPECT_NE(w.log().find("Found key in /u/second:1\n"), std::string::npos);
}

TEST(HostKeyVerifier, PreferredAlgorithmsFollowKnownKeys) {
  World w;
  w.files["/u/known_hosts"] = "[example.org]:2222 " + key_text("rsa2048") + "\n";
  ssh::HostKeyVerifier v(w.options, "/u", w.io());
  EXPECT_EQ(v.order_host_key_algorithms(kTarget, "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256"),
            "rsa-sha2-512,rsa-sha2-256,ssh-ed25519,ecdsa-sha2-nistp256");
  EXPECT_EQ(v.order_host_key_algorithms({"other", 22, std::nullopt, false}, "ssh-ed25519,rsa-sha2-512"),
            "ssh-ed25519,rsa-sha2-512");
}

}  // namespace

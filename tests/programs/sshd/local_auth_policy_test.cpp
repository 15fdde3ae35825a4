// LocalAuthPolicy against the real OS: throw-away users (useradd/chpasswd), their
// authorized_keys, shadow and a PAM stack of our own, with sshd's log lines checked.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "auth_test_fixture.hpp"
#include "authorized_keys_lookup.hpp"
#include "password_check.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/private_key.hpp"
#include "support/process.hpp"
#include "user_access.hpp"

namespace sshd::test {
namespace {

namespace auth = sshcore::auth;
namespace keys = sshcore::keys;
using sshcore::SecretBytes;

class LocalAuthPolicyTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    auto k = keys::PrivateKey::generate(keys::KeyType::kEd25519);
    ASSERT_TRUE(k.has_value());
    key_.emplace(*k);
  }
  void TearDown() override {
    if (!pam_service_.empty()) std::filesystem::remove("/etc/pam.d/" + pam_service_);
    AuthTest::TearDown();
  }
  const keys::PublicKey& pub() const { return key_->public_key(); }
  std::string key_line(const std::string& options = "") const {
    return (options.empty() ? "" : options + " ") + keys::format_public_key_line(pub(), "test@key") + "\n";
  }
  // ~/.ssh/authorized_keys owned by the user, 0600 in a 0700 directory.
  void authorize(const std::string& user, const std::string& text) {
    std::string dir = home_of(user) + "/.ssh";
    std::filesystem::create_directories(dir);
    write_file(dir + "/authorized_keys", text, 0600);
    sshpp::test::run({"chown", "-R", user + ":", dir});
    chmod(dir.c_str(), 0700);
  }
  sshcore::Bytes sign(sshcore::ByteView data) const { return *key_->sign(data, "ssh-ed25519"); }
  std::string pam_stack() {
    pam_service_ = "sshpp-test-" + std::to_string(getpid());
    write_file("/etc/pam.d/" + pam_service_,
               "auth required pam_unix.so nodelay\naccount required pam_unix.so\n", 0644);
    return pam_service_;
  }

  std::optional<keys::PrivateKey> key_;
  std::string pam_service_;
};

// ---- users ---------------------------------------------------------------------

TEST_F(LocalAuthPolicyTest, ValidUserGetsSettingsFromConfig) {
  std::string u = add_user("v");
  write_file(root_ + "/banner", "Welcome\n", 0644);
  auto c = config("PasswordAuthentication no\nMaxAuthTries 3\nBanner " + root_ +
                  "/banner\nAuthenticationMethods publickey,password\nMatch User " + u +
                  "\n  KbdInteractiveAuthentication no\n");
  LocalAuthPolicy p(c, addresses());
  auto s = p.lookup_user(u, "ssh-connection");
  EXPECT_TRUE(s.valid);
  EXPECT_FALSE(s.password);
  EXPECT_FALSE(s.keyboard_interactive);
  EXPECT_TRUE(s.publickey);
  EXPECT_EQ(s.max_auth_tries, 3);
  EXPECT_EQ(s.banner, "Welcome\n");
  EXPECT_EQ(s.authentication_methods, std::vector<std::string>{"publickey,password"});
  ASSERT_TRUE(p.user().has_value());
  EXPECT_EQ(p.user()->home, home_of(u));
}

TEST_F(LocalAuthPolicyTest, InvalidUserIsLogged) {
  auto c = config("");
  LocalAuthPolicy p(c, addresses());
  EXPECT_FALSE(p.lookup_user("nosuchuser-sshpp", "ssh-connection").valid);
  EXPECT_TRUE(logged("Invalid user nosuchuser-sshpp from 192.0.2.7 port 50022\n")) << log_text();
}

TEST_F(LocalAuthPolicyTest, LockedAccountRefusedWithoutPamOnly) {
  std::string u = add_user("l", "pw1");
  ASSERT_EQ(admin({"usermod", "-L", u}).exit_code, 0);
  {
    auto c = config("UsePAM no\n");
    LocalAuthPolicy p(c, addresses());
    EXPECT_FALSE(p.lookup_user(u, "ssh-connection").valid);
    EXPECT_TRUE(logged("User " + u + " not allowed because account is locked")) << log_text();
  }
  auto c = config("UsePAM yes\n");
  LocalAuthPolicy p(c, addresses());
  EXPECT_TRUE(p.lookup_user(u, "ssh-connection").valid);
  EXPECT_TRUE(password_field_locked("!$y$abc"));
  EXPECT_TRUE(password_field_locked("*LK*"));
  EXPECT_FALSE(password_field_locked("$y$j9T$abc"));
}

TEST_F(LocalAuthPolicyTest, ExpiredAccountRefusedWithoutPam) {
  std::string u = add_user("x", "pw2");
  ASSERT_EQ(admin({"usermod", "-e", "1970-01-05", u}).exit_code, 0);
  auto c = config("UsePAM no\n");
  LocalAuthPolicy p(c, addresses());
  EXPECT_FALSE(p.lookup_user(u, "ssh-connection").valid);
  EXPECT_TRUE(logged("Account " + u + " has expired\n")) << log_text();
}

TEST_F(LocalAuthPolicyTest, MissingShellRefused) {
  std::string u = add_user("s", "", root_ + "/no-shell");
  auto c = config("");
  LocalAuthPolicy p(c, addresses());
  EXPECT_FALSE(p.lookup_user(u, "ssh-connection").valid);
  EXPECT_TRUE(logged("User " + u + " not allowed because shell " + root_ + "/no-shell does not exist")) << log_text();
  write_file(root_ + "/no-shell", "", 0644);
  clear_log();
  EXPECT_FALSE(p.lookup_user(u, "ssh-connection").valid);
  EXPECT_TRUE(logged("shell " + root_ + "/no-shell is not executable")) << log_text();
}

TEST_F(LocalAuthPolicyTest, AllowAndDenyUsersWithHostAndCidr) {
  std::string u = add_user("a");
  struct Case {
    std::string config;
    bool valid;
    std::string line;
  } cases[] = {
      {"DenyUsers " + u + "\n", false, "User " + u + " from 192.0.2.7 not allowed because listed in DenyUsers"},
      {"DenyUsers " + u + "@10.0.0.0/8\n", true, ""},
      {"AllowUsers other\n", false, "User " + u + " from 192.0.2.7 not allowed because not listed in AllowUsers"},
      {"AllowUsers " + u + "@192.0.2.0/24\n", true, ""},
      {"AllowUsers " + u + "@198.51.100.*\n", false, "not listed in AllowUsers"},
      {"AllowUsers sshpp*@192.0.2.7\n", true, ""},
  };
  for (const Case& k : cases) {
    clear_log();
    auto c = config(k.config);
    LocalAuthPolicy p(c, addresses());
    EXPECT_EQ(p.lookup_user(u, "ssh-connection").valid, k.valid) << k.config;
    if (!k.line.empty()) {
      EXPECT_TRUE(logged(k.line)) << k.config << log_text();
    }
  }
}

TEST_F(LocalAuthPolicyTest, AllowAndDenyGroups) {
  std::string g = add_group("x");
  std::string u = add_user("g", "", "/bin/sh", g);
  {
    auto c = config("DenyGroups " + g + "\n");
    LocalAuthPolicy p(c, addresses());
    EXPECT_FALSE(p.lookup_user(u, "ssh-connection").valid);
    EXPECT_TRUE(logged("not allowed because a group is listed in DenyGroups")) << log_text();
  }
  {
    auto c = config("AllowGroups nogroup-sshpp\n");
    LocalAuthPolicy p(c, addresses());
    EXPECT_FALSE(p.lookup_user(u, "ssh-connection").valid);
    EXPECT_TRUE(logged("User " + u + " from 192.0.2.7 not allowed because none of user's groups are listed in "
                       "AllowGroups"))
        << log_text();
  }
  auto c = config("AllowGroups " + g + "\nMatch Group " + g + "\n  MaxAuthTries 2\n");
  LocalAuthPolicy p(c, addresses());
  auto s = p.lookup_user(u, "ssh-connection");
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.max_auth_tries, 2);  // Match Group saw the user's groups
}

TEST_F(LocalAuthPolicyTest, PermitRootLoginModes) {
  auto conn = addresses();
  auto opts = [&](const std::string& mode) { return config("PermitRootLogin " + mode + "\n").global(); };
  EXPECT_TRUE(root_login_allowed(opts("yes"), "password", false, conn));
  EXPECT_TRUE(root_login_allowed(opts("prohibit-password"), "publickey", false, conn));
  EXPECT_FALSE(root_login_allowed(opts("prohibit-password"), "password", false, conn));
  EXPECT_TRUE(logged("ROOT LOGIN REFUSED FROM 192.0.2.7 port 50022")) << log_text();
  EXPECT_FALSE(root_login_allowed(opts("forced-commands-only"), "publickey", false, conn));
  EXPECT_TRUE(root_login_allowed(opts("forced-commands-only"), "publickey", true, conn));
  EXPECT_TRUE(logged("Root login accepted for forced command.")) << log_text();
  EXPECT_FALSE(root_login_allowed(opts("no"), "publickey", true, conn));
  EXPECT_TRUE(root_login_allowed(config("").global(), "publickey", false, conn));  // default
}

TEST_F(LocalAuthPolicyTest, MatchUserPatterns) {
  EXPECT_EQ(match_user_pattern("bob", "h", "10.1.2.3", "bob"), 1);
  EXPECT_EQ(match_user_pattern("bob", "h", "10.1.2.3", "b*@10.0.0.0/8"), 1);
  EXPECT_EQ(match_user_pattern("bob", "h", "10.1.2.3", "bob@!10.0.0.0/8"), 0);
  EXPECT_EQ(match_user_pattern("bob", "host.example", "10.1.2.3", "bob@*.example"), 1);
  EXPECT_EQ(match_user_pattern("bob", "h", "10.1.2.3", "alice@*"), 0);
}

// ---- publickey -----------------------------------------------------------------

TEST_F(LocalAuthPolicyTest, AuthorizedKeyAllowedThenVerified) {
  std::string u = add_user("k");
  authorize(u, "# comment\n" + key_line());
  auto c = config("");
  LocalAuthPolicy p(c, addresses());
  ASSERT_TRUE(p.lookup_user(u, "ssh-connection").valid);
  auto a = p.publickey_allowed(u, pub());
  EXPECT_TRUE(a.allowed);
  std::string path = home_of(u) + "/.ssh/authorized_keys";
  EXPECT_EQ(a.source, path + ":2");
  EXPECT_TRUE(logged("debug1: trying public key file " + path)) << log_text();
  EXPECT_TRUE(logged(path + ":2: matching key found: ED25519 " + keys::fingerprint(pub()))) << log_text();

  sshcore::Bytes data = sshcore::to_bytes("signed data");
  EXPECT_TRUE(p.publickey_verify(u, pub(), "ssh-ed25519", data, sign(data)));
  ASSERT_TRUE(p.accepted_key().has_value());
  sshcore::Bytes other = sshcore::to_bytes("other data");
  EXPECT_FALSE(p.publickey_verify(u, pub(), "ssh-ed25519", other, sign(data)));
}

TEST_F(LocalAuthPolicyTest, VerifyRefusesAKeyNotAllowedBefore) {
  std::string u = add_user("n");
  authorize(u, "");
  auto c = config("");
  LocalAuthPolicy p(c, addresses());
  p.lookup_user(u, "ssh-connection");
  EXPECT_FALSE(p.publickey_allowed(u, pub()).allowed);
  sshcore::Bytes data = sshcore::to_bytes("x");
  EXPECT_FALSE(p.publickey_verify(u, pub(), "ssh-ed25519", data, sign(data)));
}

TEST_F(LocalAuthPolicyTest, PubkeyAcceptedAlgorithmsChecked) {
  std::string u = add_user("q");
  authorize(u, key_line());
  auto c = config("PubkeyAcceptedAlgorithms rsa-sha2-512\n");
  LocalAuthPolicy p(c, addresses());
  p.lookup_user(u, "ssh-connection");
  ASSERT_TRUE(p.publickey_allowed(u, pub()).allowed);
  sshcore::Bytes data = sshcore::to_bytes("x");
  EXPECT_FALSE(p.publickey_verify(u, pub(), "ssh-ed25519", data, sign(data)));
  EXPECT_TRUE(logged("signature algorithm ssh-ed25519 not in PubkeyAcceptedAlgorithms")) << log_text();
}

TEST_F(LocalAuthPolicyTest, KeyOptionsFromExpiryRestrict) {
  std::string u = add_user("o");
  auto c = config("");
  {
    authorize(u, key_line("from=\"198.51.100.0/24\""));
    LocalAuthPolicy p(c, addresses());
    p.lookup_user(u, "ssh-connection");
    EXPECT_FALSE(p.publickey_allowed(u, pub()).allowed);
    EXPECT_TRUE(logged("with correct key but not from a permitted host (host=192.0.2.7, ip=192.0.2.7, "
                       "required=198.51.100.0/24)"))
        << log_text();
  }
  {
    authorize(u, key_line("from=\"192.0.2.0/24\""));
    LocalAuthPolicy p(c, addresses());
    p.lookup_user(u, "ssh-connection");
    EXPECT_TRUE(p.publickey_allowed(u, pub()).allowed);
  }
  {
    clear_log();
    authorize(u, key_line("expiry-time=\"20200101\""));
    LocalAuthPolicy p(c, addresses());
    p.lookup_user(u, "ssh-connection");
    EXPECT_FALSE(p.publickey_allowed(u, pub()).allowed);
    EXPECT_TRUE(logged(":1: entry expired at 2020-01-01T00:00:00")) << log_text();
  }
  {
    authorize(u, key_line("restrict,command=\"echo hi\""));
    LocalAuthPolicy p(c, addresses());
    p.lookup_user(u, "ssh-connection");
    auto a = p.publickey_allowed(u, pub());
    EXPECT_TRUE(a.allowed);
    EXPECT_EQ(a.options_text, "restrict,command=\"echo hi\"");
    sshcore::Bytes data = sshcore::to_bytes("x");
    ASSERT_TRUE(p.publickey_verify(u, pub(), "ssh-ed25519", data, sign(data)));
    EXPECT_TRUE(p.accepted_key()->options.restricted);
    EXPECT_EQ(p.accepted_key()->options.force_command, "echo hi");
    EXPECT_TRUE(logged("key options: command")) << log_text();
  }
}

TEST_F(LocalAuthPolicyTest, StrictModesRefusesGroupWritableDirectory) {
  std::string u = add_user("m");
  authorize(u, key_line());
  std::string dir = home_of(u) + "/.ssh";
  chmod(dir.c_str(), 0770);
  auto c = config("");
  {
    LocalAuthPolicy p(c, addresses());
    p.lookup_user(u, "ssh-connection");
    EXPECT_FALSE(p.publickey_allowed(u, pub()).allowed);
    EXPECT_TRUE(logged("Authentication refused: bad ownership or modes for directory " + dir)) << log_text();
  }
  auto lax = config("StrictModes no\n");
  LocalAuthPolicy p(lax, addresses());
  p.lookup_user(u, "ssh-connection");
  EXPECT_TRUE(p.publickey_allowed(u, pub()).allowed);
}

TEST_F(LocalAuthPolicyTest, AuthorizedKeysFileTokensAndUnreadableFile) {
  std::string u = add_user("t");
  std::string path = root_ + "/keys/" + u;
  write_file(path, key_line(), 0600);  // root-owned 0600: the user cannot read it
  auto c = config("AuthorizedKeysFile .ssh/none " + root_ + "/keys/%u\n");
  auto paths = authorized_keys_paths(c.global(), *system_auth_os().find_user(u));
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], home_of(u) + "/.ssh/none");
  EXPECT_EQ(paths[1], path);
  LocalAuthPolicy p(c, addresses());
  p.lookup_user(u, "ssh-connection");
  EXPECT_FALSE(p.publickey_allowed(u, pub()).allowed);  // read as the user: permission denied
  EXPECT_TRUE(logged("Could not open user '" + u + "' authorized keys '" + path + "': Permission denied"))
      << log_text();
  chmod(path.c_str(), 0644);
  EXPECT_TRUE(p.publickey_allowed(u, pub()).allowed);
}

TEST_F(LocalAuthPolicyTest, AuthorizedKeysCommand) {
  std::string u = add_user("c");
  std::string args = root_ + "/cmd-args";
  std::string cmd = root_ + "/keys-cmd";
  write_file(cmd, "#!/bin/sh\necho \"$(id -un) $@\" > " + args + "\ncat <<'X'\n" + key_line("no-pty") + "X\nexit ${EXIT:-0}\n",
             0755);
  write_file(args, "", 0666);
  auto c = config("AuthorizedKeysFile none\nAuthorizedKeysCommand " + cmd +
                  " %u %t %f\nAuthorizedKeysCommandUser nobody\n");
  LocalAuthPolicy p(c, addresses());
  p.lookup_user(u, "ssh-connection");
  auto a = p.publickey_allowed(u, pub());
  EXPECT_TRUE(a.allowed) << log_text();
  EXPECT_EQ(a.options_text, "no-pty");
  EXPECT_EQ(sshpp::test::read_text(args), "nobody " + u + " ssh-ed25519 " + keys::fingerprint(pub()) + "\n");

  // A failing command allows nothing even though its output holds the key.
  write_file(cmd, "#!/bin/sh\ncat <<'X'\n" + key_line() + "X\nexit 3\n", 0755);
  EXPECT_FALSE(p.publickey_allowed(u, pub()).allowed);
  EXPECT_TRUE(logged(" failed, status 3")) << log_text();

  // A hung command is killed after the timeout and allows nothing.
  write_file(cmd, "#!/bin/sh\ncat <<'X'\n" + key_line() + "X\nsleep 30\n", 0755);
  LocalAuthOptions quick;
  quick.keys_command_timeout = std::chrono::milliseconds(300);
  LocalAuthPolicy q(c, addresses(), system_auth_os(), quick);
  q.lookup_user(u, "ssh-connection");
  EXPECT_FALSE(q.publickey_allowed(u, pub()).allowed);
  EXPECT_TRUE(logged("AuthorizedKeysCommand " + cmd + " " + u + " ssh-ed25519 " + keys::fingerprint(pub()) +
                     ": timed out"))
      << log_text();

  // An unsafe (group-writable) command is not run.
  chmod(cmd.c_str(), 0775);
  EXPECT_FALSE(p.publickey_allowed(u, pub()).allowed);
  EXPECT_TRUE(logged("Unsafe AuthorizedKeysCommand \"" + cmd + "\": bad ownership or modes for file " + cmd))
      << log_text();
}

TEST_F(LocalAuthPolicyTest, SplitCommandLine) {
  EXPECT_EQ(*split_command_line("/bin/x a  'b c' \"d e\" f\\ g"),
            (std::vector<std::string>{"/bin/x", "a", "b c", "d e", "f g"}));
  EXPECT_FALSE(split_command_line("/bin/x 'open").has_value());
  EXPECT_TRUE(split_command_line("   ")->empty());
}

// ---- passwords -----------------------------------------------------------------

TEST_F(LocalAuthPolicyTest, PasswordThroughShadow) {
  std::string u = add_user("p", "s3cret-pw");
  auto c = config("UsePAM no\n");
  LocalAuthPolicy p(c, addresses());
  p.lookup_user(u, "ssh-connection");
  EXPECT_EQ(p.password(u, SecretBytes::from_string("s3cret-pw")), auth::PasswordOutcome::kAccepted);
  EXPECT_EQ(p.password(u, SecretBytes::from_string("wrong")), auth::PasswordOutcome::kRejected);
  EXPECT_EQ(p.password(u, SecretBytes::from_string("")), auth::PasswordOutcome::kRejected);

  LocalAuthPolicy q(c, addresses());
  q.lookup_user("nosuchuser-sshpp", "ssh-connection");
  EXPECT_EQ(q.password("nosuchuser-sshpp", SecretBytes::from_string("s3cret-pw")), auth::PasswordOutcome::kRejected);
}

TEST_F(LocalAuthPolicyTest, ExpiredShadowPasswordNeedsChange) {
  std::string u = add_user("e", "old-pw");
  ASSERT_EQ(admin({"chage", "-d", "0", u}).exit_code, 0);
  auto c = config("UsePAM no\n");
  LocalAuthPolicy p(c, addresses());
  p.lookup_user(u, "ssh-connection");
  EXPECT_EQ(p.password(u, SecretBytes::from_string("old-pw")), auth::PasswordOutcome::kChangeRequired);
  EXPECT_TRUE(p.password_change_required());
  EXPECT_TRUE(logged("User " + u + " password has expired (root forced)")) << log_text();
}

TEST_F(LocalAuthPolicyTest, EmptyPasswordOnlyWithPermitEmptyPasswords) {
  EXPECT_TRUE(crypt_matches(SecretBytes::from_string(""), ""));
  EXPECT_FALSE(crypt_matches(SecretBytes::from_string("x"), ""));
  std::string u = add_user("z");
  ASSERT_EQ(admin({"passwd", "-d", u}).exit_code, 0);
  auto no = config("UsePAM no\n");
  LocalAuthPolicy p(no, addresses());
  p.lookup_user(u, "ssh-connection");
  EXPECT_EQ(p.password(u, SecretBytes()), auth::PasswordOutcome::kRejected);
  auto yes = config("UsePAM no\nPermitEmptyPasswords yes\n");
  LocalAuthPolicy q(yes, addresses());
  q.lookup_user(u, "ssh-connection");
  EXPECT_EQ(q.password(u, SecretBytes()), auth::PasswordOutcome::kAccepted);
}

TEST_F(LocalAuthPolicyTest, PasswordThroughPam) {
  std::string u = add_user("pp", "pam-pw-1");
  auto c = config("UsePAM yes\n");
  LocalAuthOptions lo;
  lo.pam_service = pam_stack();
  LocalAuthPolicy p(c, addresses(), system_auth_os(), lo);
  ASSERT_TRUE(p.lookup_user(u, "ssh-connection").valid);
  EXPECT_EQ(p.password(u, SecretBytes::from_string("pam-pw-1")), auth::PasswordOutcome::kAccepted);
  EXPECT_EQ(p.password(u, SecretBytes::from_string("nope")), auth::PasswordOutcome::kRejected);
  EXPECT_TRUE(logged("PAM: password authentication failed for " + u)) << log_text();
  ASSERT_EQ(admin({"chage", "-d", "0", u}).exit_code, 0);
  EXPECT_EQ(p.password(u, SecretBytes::from_string("pam-pw-1")), auth::PasswordOutcome::kChangeRequired);
}

// ---- keyboard-interactive --------------------------------------------------------

TEST_F(LocalAuthPolicyTest, KbdintThroughPam) {
  std::string u = add_user("ki", "kbd-pw-1");
  auto c = config("UsePAM yes\n");
  LocalAuthOptions lo;
  lo.pam_service = pam_stack();
  LocalAuthPolicy p(c, addresses(), system_auth_os(), lo);
  p.lookup_user(u, "ssh-connection");
  auto step = p.kbdint_start(u, "");
  ASSERT_EQ(step.kind, auth::KbdintStep::Kind::kPrompts);
  ASSERT_EQ(step.request.prompts.size(), 1u);
  EXPECT_EQ(step.request.prompts[0].text, "Password: ");
  EXPECT_FALSE(step.request.prompts[0].echo);
  EXPECT_EQ(step.submethod, "pam");
  auto done = p.kbdint_respond(u, {SecretBytes::from_string("kbd-pw-1")});
  EXPECT_EQ(done.kind, auth::KbdintStep::Kind::kSuccess);
  EXPECT_EQ(done.submethod, "pam");

  // A client asking only for another device gets none.
  EXPECT_EQ(p.kbdint_start(u, "skey").kind, auth::KbdintStep::Kind::kFailure);
  EXPECT_EQ(p.kbdint_start(u, "bsdauth,pam").kind, auth::KbdintStep::Kind::kPrompts);

  step = p.kbdint_start(u, "");
  ASSERT_EQ(step.kind, auth::KbdintStep::Kind::kPrompts);
  EXPECT_EQ(p.kbdint_respond(u, {SecretBytes::from_string("bad")}).kind, auth::KbdintStep::Kind::kFailure);

  // An invalid user converses the same way and can only fail.
  LocalAuthPolicy q(c, addresses(), system_auth_os(), lo);
  q.lookup_user("nosuchuser-sshpp", "ssh-connection");
  step = q.kbdint_start("nosuchuser-sshpp", "");
  ASSERT_EQ(step.kind, auth::KbdintStep::Kind::kPrompts);
  EXPECT_EQ(q.kbdint_respond("nosuchuser-sshpp", {SecretBytes::from_string("x")}).kind,
            auth::KbdintStep::Kind::kFailure);
}

TEST_F(LocalAuthPolicyTest, KbdintWithoutPamHasNoDevice) {
  // Debian's sshd has no other device: PasswordAuthentication no must not be bypassed.
  std::string u = add_user("kn", "kbd-pw-2");
  auto c = config("UsePAM no\nPasswordAuthentication no\n");
  LocalAuthPolicy p(c, addresses());
  p.lookup_user(u, "ssh-connection");
  EXPECT_EQ(p.kbdint_start(u, "").kind, auth::KbdintStep::Kind::kFailure);
  EXPECT_EQ(p.kbdint_respond(u, {SecretBytes::from_string("kbd-pw-2")}).kind, auth::KbdintStep::Kind::kFailure);
}

// ---- log lines of record_attempt ---------------------------------------------------

TEST_F(LocalAuthPolicyTest, AttemptLogLines) {
  auto c = config("MaxAuthTries 4\n");
  LocalAuthPolicy p(c, addresses());
  p.lookup_user("nosuchuser-sshpp", "ssh-connection");
  p.record_attempt({"nosuchuser-sshpp", "none", "", false, false, false, nullptr});
  EXPECT_FALSE(logged("Failed none")) << log_text();  // as Debian's sshd 9.2: "none" leaves no line
  p.record_attempt({"nosuchuser-sshpp", "password", "", false, false, false, nullptr});
  EXPECT_TRUE(logged("Failed password for invalid user nosuchuser-sshpp from 192.0.2.7 port 50022 ssh2\n"));
  p.record_attempt({"alice", "publickey", "", true, true, true, &pub()});
  EXPECT_TRUE(logged("Partial publickey for alice from 192.0.2.7 port 50022 ssh2: ED25519 " +
                     keys::fingerprint(pub()) + "\n"))
      << log_text();
  p.record_attempt({"alice", "keyboard-interactive", "pam", true, true, false, nullptr});
  EXPECT_TRUE(logged("Accepted keyboard-interactive/pam for alice from 192.0.2.7 port 50022 ssh2\n")) << log_text();
  p.record_attempt({"alice", "publickey", "", true, true, false, &pub()});
  EXPECT_TRUE(logged("Accepted publickey for alice from 192.0.2.7 port 50022 ssh2: ED25519 SHA256:")) << log_text();
  EXPECT_FALSE(logged("maximum authentication attempts exceeded"));
  for (int i = 0; i < 3; ++i) p.record_attempt({"alice", "password", "", true, false, false, nullptr});
  EXPECT_TRUE(logged("maximum authentication attempts exceeded for alice from 192.0.2.7 port 50022 ssh2 [preauth]\n"))
      << log_text();
}

TEST_F(LocalAuthPolicyTest, EarlyFailuresOfValidUsersAreVerbose) {
  auto c = config("");
  LocalAuthPolicy p(c, addresses());
  sshcore::log::Options o;
  o.level = sshcore::log::Level::kInfo;
  o.sink = sshcore::log::Sink::kFile;
  o.file = log_file_;
  sshcore::log::init(o);
  p.record_attempt({"alice", "publickey", "", true, false, false, &pub()});
  EXPECT_FALSE(logged("Failed publickey for alice")) << log_text();  // VERBOSE, as sshd 9.2
  p.record_attempt({"alice", "password", "", true, false, false, nullptr});
  EXPECT_TRUE(logged("Failed password for alice from 192.0.2.7 port 50022 ssh2\n")) << log_text();
}

}  // namespace
}  // namespace sshd::test

namespace sshd::test {
namespace {

// split_command_line reads AuthorizedKeysCommand from sshd_config: garbage must give
// words or nullopt, never crash or loop.
TEST(AuthorizedKeysCommandLine, GarbageInput) {
  std::uint32_t seed = 12345;
  const char alphabet[] = "ab \t'\"\\%\0\xff";
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    int len = static_cast<int>(seed % 40);
    for (int i = 0; i < len; ++i) {
      seed = seed * 1103515245u + 12345u;
      s += alphabet[(seed >> 16) % (sizeof alphabet - 1)];
    }
    seed = seed * 1103515245u + 12345u;
    auto words = split_command_line(s);
    if (!words) continue;
    for (const std::string& w : *words) EXPECT_LE(w.size(), s.size());
  }
}

}  // namespace
}  // namespace sshd::test

// Issue 4's feature proof through the real binaries: Debian's OpenSSH client logging
// into our sshd (run as root, privilege separation, StrictModes yes) as a throw-away
// user. Each scenario checks what the client sees (output, exit code) and the line
// our sshd logs, worded as OpenSSH 9.2 words it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/pty_session.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUserPrefix = "sshpf";  // + pid: see TestUser
constexpr const char* kPassword = "Corr3ct-horse";
constexpr std::size_t kBulk = 50u * 1024 * 1024;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The local port of a connected socket: the "port N" sshd logs for it.
int local_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  return ntohs(addr.sin_port);
}

// Reads until the peer closes (true) or the timeout passes (false).
bool read_until_closed(int fd, std::chrono::milliseconds timeout, std::string* got = nullptr) {
  auto until = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return true;  // EOF or reset: closed either way
    if (got) got->append(buf, static_cast<std::size_t>(n));
  }
  return false;
}

class SshdFeaturesInteropTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    user_ = new TestUser(kUserPrefix);
    ASSERT_TRUE(user_->created());
    ASSERT_TRUE(user_->set_password(kPassword));
    keys_ = new TempDir;
    for (const auto& [type, bits] : std::vector<std::pair<std::string, std::string>>{
             {"ed25519", ""}, {"ecdsa", "256"}, {"rsa", "3072"}}) {
      std::vector<std::string> argv{"/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-C", type,
                                    "-f", *keys_ / ("id_" + type)};
      if (!bits.empty()) argv.insert(argv.end(), {"-b", bits});
      ASSERT_EQ(run(argv).exit_code, 0);
    }
  }
  static void TearDownTestSuite() {
    delete user_;
    user_ = nullptr;
    delete keys_;
    keys_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(user_, nullptr);
    ASSERT_NE(keys_, nullptr);
    user_->write_authorized_keys(pub("ed25519") + pub("ecdsa") + pub("rsa"));
  }

  static std::string key(const std::string& type) { return *keys_ / ("id_" + type); }
  static std::string pub(const std::string& type) { return read_text(key(type) + ".pub"); }
  static std::string user() { return user_->name(); }

  void start(const std::string& extra) {
    sshd_ = std::make_unique<OurSshd>(dir_.path(), extra);
    ASSERT_TRUE(sshd_->listening());
  }

  // Public-key login with one key, no prompts.
  std::vector<std::string> key_login(const std::string& command, std::vector<std::string> options = {},
                                     const std::string& type = "ed25519") const {
    options.insert(options.begin(), {"-i", key(type), "-o", "BatchMode=yes"});
    return sshd_->ssh(options, user(), command);
  }
  // Password login answered by an askpass script.
  RunResult password_login(const std::string& password, const std::string& command) {
    return run(sshd_->ssh({"-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
                           "-o", "NumberOfPasswordPrompts=1"},
                          user(), command),
               askpass_options(dir_.path(), password));
  }
  std::string log() const { return sshd_->log(); }
  std::string from() const { return " for " + user() + " from 127.0.0.1 port "; }

  static TestUser* user_;
  static TempDir* keys_;
  TempDir dir_;
  std::unique_ptr<OurSshd> sshd_;
};

TestUser* SshdFeaturesInteropTest::user_ = nullptr;
TempDir* SshdFeaturesInteropTest::keys_ = nullptr;

// ---- authentication -------------------------------------------------------------

TEST_F(SshdFeaturesInteropTest, PublickeyWithEd25519EcdsaRsaLogsTheFingerprint) {
  start("UsePAM no\nStrictModes yes\n");
  for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
           {"ed25519", "ED25519"}, {"ecdsa", "ECDSA"}, {"rsa", "RSA"}}) {
    auto r = run(key_login("echo key-$((40+2))", {}, type));
    EXPECT_EQ(r.exit_code, 0) << type << ": " << r.err << log();
    EXPECT_EQ(r.out, "key-42\n") << type;
    std::string fp = key_fingerprint(key(type) + ".pub");
    ASSERT_TRUE(fp.starts_with("SHA256:")) << fp;
    EXPECT_NE(log().find("Accepted publickey" + from()), std::string::npos) << log();
    // OpenSSH ends each line on stderr (-e) with "\r\n"; so does ours.
    EXPECT_NE(log().find(" ssh2: " + name + " " + fp + "\r\n"), std::string::npos) << type << " " << fp << "\n"
                                                                                   << log();
  }
}

TEST_F(SshdFeaturesInteropTest, PasswordThroughPam) {
  start("UsePAM yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n");
  auto ok = password_login(kPassword, "echo pam-ok");
  EXPECT_EQ(ok.exit_code, 0) << ok.err << log();
  EXPECT_EQ(ok.out, "pam-ok\n");
  EXPECT_NE(log().find("Accepted password" + from()), std::string::npos) << log();
  auto bad = password_login("wrong-password", "echo never");
  EXPECT_EQ(bad.exit_code, 255);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("Permission denied"), std::string::npos) << bad.err;
  EXPECT_TRUE(sshd_->wait_for_log("Failed password" + from(), 5s)) << log();
}

TEST_F(SshdFeaturesInteropTest, PasswordThroughShadow) {
  start("UsePAM no\nPasswordAuthentication yes\n");
  auto ok = password_login(kPassword, "echo shadow-ok");
  EXPECT_EQ(ok.exit_code, 0) << ok.err << log();
  EXPECT_EQ(ok.out, "shadow-ok\n");
  EXPECT_NE(log().find("Accepted password" + from()), std::string::npos) << log();
  auto bad = password_login("wrong-password", "echo never");
  EXPECT_EQ(bad.exit_code, 255);
  EXPECT_NE(bad.err.find("Permission denied"), std::string::npos) << bad.err;
  EXPECT_TRUE(sshd_->wait_for_log("Failed password" + from(), 5s)) << log();
}

RunResult kbdint_login(const OurSshd& sshd, const std::string& user, const std::string& dir,
                       const std::string& answer) {
  return run(sshd.ssh({"-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=keyboard-interactive",
                       "-o", "NumberOfPasswordPrompts=1"},
                      user, "echo kbdint-ok"),
             askpass_options(dir, answer));
}

TEST_F(SshdFeaturesInteropTest, KeyboardInteractiveThroughPam) {
  start("UsePAM yes\nKbdInteractiveAuthentication yes\nPasswordAuthentication no\n");
  auto ok = kbdint_login(*sshd_, user(), dir_.path(), kPassword);
  EXPECT_EQ(ok.exit_code, 0) << ok.err << log();
  EXPECT_EQ(ok.out, "kbdint-ok\n");
  EXPECT_NE(log().find("Accepted keyboard-interactive"), std::string::npos) << log();
  auto bad = kbdint_login(*sshd_, user(), dir_.path(), "wrong-password");
  EXPECT_EQ(bad.exit_code, 255);
  EXPECT_NE(bad.err.find("Permission denied"), std::string::npos) << bad.err;
  // sshpam_query()'s error line, then the failure (pam_unix delays it by ~2 s).
  EXPECT_TRUE(sshd_->wait_for_log("PAM: Authentication failure for " + user() + " from 127.0.0.1", 5s)) << log();
  EXPECT_TRUE(sshd_->wait_for_log("Failed keyboard-interactive", 5s)) << log();
}

// The device crosses the monitor channel (KbdintReply carries KbdintStep::submethod),
// so the pre-auth engine logs "Accepted keyboard-interactive/pam for" as OpenSSH does.
TEST_F(SshdFeaturesInteropTest, KeyboardInteractiveLogNamesThePamDevice) {
  start("UsePAM yes\nKbdInteractiveAuthentication yes\nPasswordAuthentication no\n");
  auto ok = kbdint_login(*sshd_, user(), dir_.path(), kPassword);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(log().find("Accepted keyboard-interactive/pam" + from()), std::string::npos) << log();
}

TEST_F(SshdFeaturesInteropTest, AuthenticationMethodsNeedsKeyAndPassword) {
  start("UsePAM no\nPasswordAuthentication yes\nAuthenticationMethods publickey,password\n");
  // The key alone is only a partial success.
  auto key_only = run(key_login("echo never"));
  EXPECT_EQ(key_only.exit_code, 255);
  EXPECT_NE(key_only.err.find("Permission denied"), std::string::npos) << key_only.err;
  // The password alone is not offered before the key.
  auto password_only = password_login(kPassword, "echo never");
  EXPECT_EQ(password_only.exit_code, 255);
  EXPECT_EQ(count(log(), "Accepted password"), 0u) << log();
  // Both, in order: logged in.
  auto both = run(sshd_->ssh({"-i", key("ed25519"), "-o", "PreferredAuthentications=publickey,password",
                              "-o", "NumberOfPasswordPrompts=1"},
                             user(), "echo both-ok"),
                  askpass_options(dir_.path(), kPassword));
  EXPECT_EQ(both.exit_code, 0) << both.err << log();
  EXPECT_EQ(both.out, "both-ok\n");
  std::string fp = key_fingerprint(key("ed25519") + ".pub");
  EXPECT_NE(log().find("Partial publickey" + from()), std::string::npos) << log();
  EXPECT_NE(log().find(" ssh2: ED25519 " + fp), std::string::npos) << log();
  EXPECT_NE(log().find("Accepted password" + from()), std::string::npos) << log();
}

TEST_F(SshdFeaturesInteropTest, InvalidUserIsLoggedAsDebiansSshdLogsIt) {
  start("UsePAM no\nPasswordAuthentication yes\n");
  auto key = run(sshd_->ssh({"-i", SshdFeaturesInteropTest::key("ed25519"), "-o", "BatchMode=yes"}, "nosuchuser-h10",
                            "true"));
  EXPECT_EQ(key.exit_code, 255);
  EXPECT_NE(key.err.find("nosuchuser-h10@127.0.0.1: Permission denied (publickey,password,keyboard-interactive)."), std::string::npos)
      << key.err;
  auto password = run(sshd_->ssh({"-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1"},
                                 "nosuchuser-h10", "true"),
                      askpass_options(dir_.path(), kPassword));
  EXPECT_EQ(password.exit_code, 255);
  EXPECT_TRUE(sshd_->wait_for_log("Failed password for invalid user nosuchuser-h10 from 127.0.0.1 port ", 5s))
      << log();
  EXPECT_EQ(count(log(), "Invalid user nosuchuser-h10 from 127.0.0.1 port "), 2u) << log();
  // A key offered for an invalid user leaves no "Failed publickey" line in sshd 9.2.
  EXPECT_EQ(log().find("Failed publickey for invalid user"), std::string::npos) << log();
}

// ---- sessions ---------------------------------------------------------------------

TEST_F(SshdFeaturesInteropTest, ExecExitCodesAndSignals) {
  start("UsePAM no\n");
  for (int code : {0, 3, 254, 255}) {
    auto r = run(key_login("echo ran; exit " + std::to_string(code)));
    EXPECT_EQ(r.exit_code, code) << r.err << log();
    EXPECT_EQ(r.out, "ran\n") << code;
  }
  // A command killed by a signal: the server sends exit-signal, which OpenSSH's ssh
  // notes at debug1 and turns into exit status 255 without any other message.
  auto killed = run(key_login("echo before; kill -KILL $$", {"-v"}));
  EXPECT_EQ(killed.exit_code, 255) << killed.err;
  EXPECT_EQ(killed.out, "before\n");
  EXPECT_NE(killed.err.find("client_input_channel_req: channel 0 rtype exit-signal reply 0"), std::string::npos)
      << killed.err;
  EXPECT_EQ(killed.err.find("rtype exit-status"), std::string::npos) << killed.err;
  auto quiet = run(key_login("kill -TERM $$"));
  EXPECT_EQ(quiet.exit_code, 255);
  EXPECT_EQ(quiet.err, "");
  EXPECT_NE(log().find("Starting session: command" + from()), std::string::npos) << log();
}

TEST_F(SshdFeaturesInteropTest, FiftyMebibytesOnStdoutStderrAndStdin) {
  start("UsePAM no\n");
  auto out = run(key_login("head -c 52428800 /dev/zero; head -c 52428800 /dev/zero >&2"));
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.out.size(), kBulk);
  EXPECT_EQ(out.err.size(), kBulk);
  EXPECT_TRUE(std::all_of(out.out.begin(), out.out.end(), [](char c) { return c == '\0'; }));
  EXPECT_TRUE(std::all_of(out.err.begin(), out.err.end(), [](char c) { return c == '\0'; }));
  RunOptions in;
  in.stdin_data.assign(kBulk, 'x');
  auto up = run(key_login("cat | wc -c"), in);
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(up.out, "52428800\n");
}

TEST_F(SshdFeaturesInteropTest, EnvironmentFromAcceptEnvAndSetEnv) {
  start("UsePAM no\nAcceptEnv LANG FOO_*\nSetEnv SSHPP_SET=from-config\n");
  RunOptions env;
  env.env = {{"FOO_BAR", "foo bar"}, {"LANG", "C.UTF-8"}, {"OTHER_VAR", "refused"}};
  auto r = run(key_login("printf '%s|%s|%s|%s\\n' \"$FOO_BAR\" \"$LANG\" \"$SSHPP_SET\" \"${OTHER_VAR-unset}\"",
                         {"-o", "SendEnv=FOO_BAR", "-o", "SendEnv=LANG", "-o", "SendEnv=OTHER_VAR"}),
               env);
  EXPECT_EQ(r.exit_code, 0) << r.err << log();
  EXPECT_EQ(r.out, "foo bar|C.UTF-8|from-config|unset\n");
}

// ---- authorized_keys options --------------------------------------------------------

TEST_F(SshdFeaturesInteropTest, AuthorizedKeysCommandOption) {
  start("UsePAM no\n");
  user_->write_authorized_keys("command=\"echo forced:$SSH_ORIGINAL_COMMAND\" " + pub("ed25519"));
  auto r = run(key_login("asked for this"));
  EXPECT_EQ(r.exit_code, 0) << r.err << log();
  EXPECT_EQ(r.out, "forced:asked for this\n");
}

TEST_F(SshdFeaturesInteropTest, AuthorizedKeysFromOption) {
  start("UsePAM no\n");
  user_->write_authorized_keys("from=\"10.0.0.0/8,127.0.0.1\" " + pub("ed25519"));
  auto ok = run(key_login("echo from-ok"));
  EXPECT_EQ(ok.exit_code, 0) << ok.err << log();
  EXPECT_EQ(ok.out, "from-ok\n");
  user_->write_authorized_keys("from=\"10.9.9.9,!127.0.0.1\" " + pub("ed25519"));
  auto refused = run(key_login("echo never"));
  EXPECT_EQ(refused.exit_code, 255);
  EXPECT_NE(refused.err.find("Permission denied"), std::string::npos) << refused.err;
  EXPECT_EQ(count(log(), "Accepted publickey"), 1u) << log();
  // Word for word what Debian's sshd 9.2 logs for the same key line.
  EXPECT_NE(log().find(user_->home() + "/.ssh/authorized_keys:1: Authentication tried for " + user() +
                       " with correct key but not from a permitted host (host=127.0.0.1, ip=127.0.0.1, "
                       "required=10.9.9.9,!127.0.0.1)."),
            std::string::npos)
      << log();
  EXPECT_NE(log().find("Refused by key options"), std::string::npos) << log();
  EXPECT_NE(log().find("Failed publickey" + from()), std::string::npos) << log();
}

TEST_F(SshdFeaturesInteropTest, AuthorizedKeysRestrictAndNoPtyRefuseATerminal) {
  start("UsePAM no\n");
  for (const char* option : {"restrict", "no-pty"}) {
    user_->write_authorized_keys(std::string(option) + " " + pub("ed25519"));
    // OpenSSH 9.2's ssh makes a refused pty-req fatal under -tt (Debian's sshd gives
    // the same result): exit 255 before the command runs.
    auto forced = run(key_login("tty; echo ran", {"-tt"}));
    EXPECT_EQ(forced.exit_code, 255) << option << ": " << forced.err << log();
    EXPECT_EQ(forced.out, "") << option;
    EXPECT_NE(forced.err.find("PTY allocation request failed on channel 0"), std::string::npos) << forced.err;
    // Without a pty request the key still runs commands.
    auto plain = run(key_login("tty; echo ran"));
    EXPECT_EQ(plain.exit_code, 0) << option << ": " << plain.err;
    EXPECT_EQ(plain.out, "not a tty\nran\n") << option;
  }
  EXPECT_EQ(count(log(), "Accepted publickey"), 4u) << log();
  // Without an option the same client gets a terminal.
  user_->write_authorized_keys(pub("ed25519"));
  auto tty = run(key_login("tty", {"-tt"}));
  EXPECT_EQ(tty.exit_code, 0) << tty.err;
  EXPECT_EQ(tty.out.substr(0, 9), "/dev/pts/") << tty.out;
}

TEST_F(SshdFeaturesInteropTest, AuthorizedKeysEnvironmentOption) {
  start("UsePAM no\nPermitUserEnvironment yes\n");
  user_->write_authorized_keys("environment=\"SSHPP_KEYENV=from key\" " + pub("ed25519"));
  auto r = run(key_login("echo \"$SSHPP_KEYENV\""));
  EXPECT_EQ(r.exit_code, 0) << r.err << log();
  EXPECT_EQ(r.out, "from key\n");
}

TEST_F(SshdFeaturesInteropTest, AuthorizedKeysEnvironmentIgnoredWithoutPermitUserEnvironment) {
  start("UsePAM no\n");
  user_->write_authorized_keys("environment=\"SSHPP_KEYENV=from key\" " + pub("ed25519"));
  auto r = run(key_login("echo \"${SSHPP_KEYENV-unset}\""));
  EXPECT_EQ(r.exit_code, 0) << r.err << log();
  EXPECT_EQ(r.out, "unset\n");
}

TEST_F(SshdFeaturesInteropTest, AuthorizedKeysExpiryTime) {
  start("UsePAM no\n");
  user_->write_authorized_keys("expiry-time=\"20000101\" " + pub("ed25519"));
  auto expired = run(key_login("echo never"));
  EXPECT_EQ(expired.exit_code, 255);
  EXPECT_NE(expired.err.find("Permission denied"), std::string::npos) << expired.err;
  EXPECT_EQ(count(log(), "Accepted publickey"), 0u) << log();
  EXPECT_NE(log().find("Refused by key options"), std::string::npos) << log();
  EXPECT_NE(log().find("Failed publickey" + from()), std::string::npos) << log();
  user_->write_authorized_keys("expiry-time=\"29991231\" " + pub("ed25519"));
  auto valid = run(key_login("echo still-valid"));
  EXPECT_EQ(valid.exit_code, 0) << valid.err << log();
  EXPECT_EQ(valid.out, "still-valid\n");
}

// ---- PreUserauthHook --------------------------------------------------------------

class SshdHookInteropTest : public SshdFeaturesInteropTest {
 protected:
  // The hook records its arguments and SSH_CONNECTION, then exits with `exit_code`
  // for publickey (0 for every other method).
  void start_with_hook(int publickey_exit, int mode = 0500, uid_t owner = 0) {
    hook_ = dir_ / "hook";
    record_ = dir_ / "record";
    write_text(hook_,
               "#!/bin/sh\nprintf '%s|%s|%s|%s\\n' \"$#\" \"$1\" \"$2\" \"$SSH_CONNECTION\" >> " + record_ +
                   "\n[ \"$1\" = publickey ] && exit " + std::to_string(publickey_exit) + "\nexit 0\n",
               mode);
    ASSERT_EQ(::chown(hook_.c_str(), owner, 0), 0);
    start("UsePAM no\nPasswordAuthentication yes\nPreUserauthHook " + hook_ + "\n");
  }
  std::string record() const { return ::access(record_.c_str(), F_OK) == 0 ? read_text(record_) : ""; }

  std::string hook_, record_;
};

TEST_F(SshdHookInteropTest, ExitZeroLetsTheLoginThroughAndSeesTheConnection) {
  start_with_hook(0);
  auto r = run(key_login("echo $SSH_CONNECTION"));
  ASSERT_EQ(r.exit_code, 0) << r.err << log();
  // "127.0.0.1 CLIENTPORT 127.0.0.1 SERVERPORT", as the session sees it too.
  std::string connection = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(connection.starts_with("127.0.0.1 ")) << connection;
  EXPECT_TRUE(connection.ends_with(" 127.0.0.1 " + std::to_string(sshd_->port()))) << connection;
  std::string rec = record();
  EXPECT_NE(rec.find("2|none|" + user() + "|" + connection + "\n"), std::string::npos) << rec;
  EXPECT_NE(rec.find("2|publickey|" + user() + "|" + connection + "\n"), std::string::npos) << rec;
  EXPECT_LT(rec.find("|none|"), rec.find("|publickey|")) << rec;
  EXPECT_NE(log().find("PreUserauthHook " + hook_ + " publickey " + user() + ": exit 0"), std::string::npos)
      << log();
  EXPECT_NE(log().find("Accepted publickey" + from()), std::string::npos) << log();
}

TEST_F(SshdHookInteropTest, ExitOneRefusesPublickeyAndTheNextMethodIsUsed) {
  start_with_hook(1);
  auto denied = run(key_login("echo never"));
  EXPECT_EQ(denied.exit_code, 255);
  EXPECT_NE(denied.err.find("Permission denied"), std::string::npos) << denied.err;
  EXPECT_NE(log().find("PreUserauthHook refused publickey" + from()), std::string::npos) << log();
  // With a password to fall back on, the client logs in by password.
  auto r = run(sshd_->ssh({"-i", key("ed25519"), "-o", "PreferredAuthentications=publickey,password",
                           "-o", "NumberOfPasswordPrompts=1"},
                          user(), "echo by-password"),
               askpass_options(dir_.path(), kPassword));
  EXPECT_EQ(r.exit_code, 0) << r.err << log();
  EXPECT_EQ(r.out, "by-password\n");
  EXPECT_EQ(count(log(), "Accepted publickey"), 0u) << log();
  EXPECT_NE(log().find("Accepted password" + from()), std::string::npos) << log();
  EXPECT_NE(record().find("|password|" + user() + "|"), std::string::npos) << record();
}

TEST_F(SshdHookInteropTest, WrongOwnerIsNotRunAndRefuses) {
  start_with_hook(0, 0500, 65534);
  auto r = run(key_login("echo never"));
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(record(), "");
  EXPECT_NE(log().find("PreUserauthHook " + hook_ + ": bad ownership or modes"), std::string::npos) << log();
  EXPECT_NE(log().find("PreUserauthHook refused publickey" + from()), std::string::npos) << log();
}

TEST_F(SshdHookInteropTest, Mode0755IsNotRunAndRefuses) {
  start_with_hook(0, 0755);
  auto r = run(key_login("echo never"));
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(record(), "");
  EXPECT_NE(log().find("PreUserauthHook " + hook_ + ": bad ownership or modes"), std::string::npos) << log();
  EXPECT_EQ(count(log(), "Accepted publickey"), 0u) << log();
}

// ---- interactive pty session ----------------------------------------------------------

TEST_F(SshdFeaturesInteropTest, InteractivePtySessionFollowsWindowChanges) {
  start("UsePAM no\n");
  PtySession session(key_login("", {"-tt"}));
  ASSERT_TRUE(session.started());
  ASSERT_TRUE(session.expect("$ ")) << session.output() << log();
  // The echoed command line does not contain the expanded prompt "R42> ".
  session.send("PS1=\"R$((6*7))> \"\n");
  ASSERT_TRUE(session.expect("R42> ")) << session.output();
  session.resize(33, 111);
  // The window-change travels asynchronously: ask until the remote pty has it.
  bool resized = false;
  for (int i = 0; i < 20 && !resized; ++i) {
    std::this_thread::sleep_for(100ms);
    session.send("stty size\n");
    resized = session.expect("33 111\r\n", 1000);
  }
  EXPECT_TRUE(resized) << session.output();
  session.send("tty\n");
  EXPECT_TRUE(session.expect("/dev/pts/")) << session.output();
  session.send("exit 5\n");
  EXPECT_EQ(session.wait(), 5) << session.output();
  EXPECT_NE(log().find("Starting session: shell on pts/"), std::string::npos) << log();
}

// ---- limits and hostile clients --------------------------------------------------------

TEST_F(SshdFeaturesInteropTest, MaxAuthTriesDisconnectsAfterSevenKeys) {
  start("UsePAM no\n");
  std::vector<std::string> options;
  for (int i = 0; i < 7; ++i) {
    std::string path = dir_ / ("stranger_" + std::to_string(i));
    ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path}).exit_code, 0);
    options.insert(options.end(), {"-i", path});
  }
  options.insert(options.end(), {"-o", "BatchMode=yes", "-o", "LogLevel=INFO"});
  auto r = run(sshd_->ssh(options, user(), "echo never"));
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("Too many authentication failures"), std::string::npos) << r.err;
  EXPECT_TRUE(sshd_->wait_for_log("maximum authentication attempts exceeded" + from(), 5s)) << log();
  EXPECT_TRUE(sshd_->wait_for_log("Disconnecting authenticating user " + user() +
                                      " 127.0.0.1 port ",
                                  5s))
      << log();
  EXPECT_NE(log().find(": Too many authentication failures [preauth]"), std::string::npos) << log();
}

TEST_F(SshdFeaturesInteropTest, LoginGraceTimeClosesASilentConnection) {
  start("UsePAM no\nLoginGraceTime 2\n");
  int fd = connect_loopback(sshd_->port());
  ASSERT_GE(fd, 0);
  int port = local_port(fd);
  std::string banner = "SSH-2.0-OpenSSH_9.2p1 silent\r\n";
  ASSERT_EQ(write(fd, banner.data(), banner.size()), static_cast<ssize_t>(banner.size()));
  auto began = std::chrono::steady_clock::now();
  std::string got;
  EXPECT_TRUE(read_until_closed(fd, 10s, &got));
  auto waited = std::chrono::steady_clock::now() - began;
  ::close(fd);
  EXPECT_TRUE(got.starts_with("SSH-2.0-")) << got;
  EXPECT_GE(waited, 1500ms);
  EXPECT_LE(waited, 5s);
  EXPECT_TRUE(sshd_->wait_for_log("Timeout before authentication for 127.0.0.1 port " + std::to_string(port), 3s))
      << log();
}

TEST_F(SshdFeaturesInteropTest, GarbageAfterTheVersionLineIsDroppedAndServingGoesOn) {
  start("UsePAM no\n");
  int fd = connect_loopback(sshd_->port());
  ASSERT_GE(fd, 0);
  int port = local_port(fd);
  std::string junk = "SSH-2.0-OpenSSH_9.2p1 garbage\r\n";
  std::mt19937 random(4);
  for (int i = 0; i < 65536; ++i) junk += static_cast<char>(random());
  // The server may close before it has read everything: a short write is fine.
  (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
  EXPECT_TRUE(read_until_closed(fd, 10s));
  ::close(fd);
  EXPECT_TRUE(sshd_->wait_for_log("Connection from 127.0.0.1 port " + std::to_string(port), 3s)) << log();
  EXPECT_TRUE(sshd_->wait_for_log("Bad packet length ", 3s)) << log();
  auto r = run(key_login("echo still-serving"));
  EXPECT_EQ(r.exit_code, 0) << r.err << log();
  EXPECT_EQ(r.out, "still-serving\n");
}

// ---- log lines that differ from OpenSSH's (bugs outside this file, see each note) --------

// BUG(sshd driver): sshd/preauth_driver.cpp PreauthLoop::on_message logs "maximum
// authentication attempts exceeded ..." and so does the monitor's
// LocalAuthPolicy::record_attempt: the line appears twice, OpenSSH prints it once.
TEST_F(SshdFeaturesInteropTest, MaxAuthTriesLogsTheLimitOnce) {
  start("UsePAM no\n");
  std::vector<std::string> options;
  for (int i = 0; i < 7; ++i) {
    std::string path = dir_ / ("stranger_" + std::to_string(i));
    ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path}).exit_code, 0);
    options.insert(options.end(), {"-i", path});
  }
  options.insert(options.end(), {"-o", "BatchMode=yes"});
  EXPECT_EQ(run(sshd_->ssh(options, user(), "echo never")).exit_code, 255);
  ASSERT_TRUE(sshd_->wait_for_log(": Too many authentication failures [preauth]", 5s)) << log();
  EXPECT_EQ(count(log(), "maximum authentication attempts exceeded"), 1u) << log();
}

// BUG(sshd driver): lines the core transport logs in the pre-auth child ("Bad packet
// length N.") lack the " [preauth]" mark OpenSSH's monitor adds to every line of that
// child; preauth_driver appends it by hand to its own lines only.
TEST_F(SshdFeaturesInteropTest, PreauthChildLinesCarryThePreauthMark) {
  start("UsePAM no\n");
  int fd = connect_loopback(sshd_->port());
  ASSERT_GE(fd, 0);
  std::string junk = "SSH-2.0-OpenSSH_9.2p1 garbage\r\n" + std::string(64, '\xff');
  (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
  EXPECT_TRUE(read_until_closed(fd, 10s));
  ::close(fd);
  ASSERT_TRUE(sshd_->wait_for_log("Bad packet length ", 3s)) << log();
  std::string line = log().substr(log().find("Bad packet length "));
  line = line.substr(0, line.find('\r'));
  EXPECT_TRUE(line.ends_with(". [preauth]")) << line;
}

// A pre-auth child that ends without a login (failed auth, timeout, garbage) is
// routine: OpenSSH's monitor notes it at debug3 only, and so does ours.
TEST_F(SshdFeaturesInteropTest, MonitorIsSilentWhenThePreauthChildEnds) {
  start("UsePAM no\n");
  user_->write_authorized_keys("");
  EXPECT_EQ(run(key_login("echo never")).exit_code, 255);
  ASSERT_TRUE(sshd_->wait_for_log("Connection closed by authenticating user", 5s)) << log();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(log().find("monitor:"), std::string::npos) << log();
}

// BUG(sshd, PAM session not wired): with UsePAM yes, OpenSSH runs the PAM session stack
// (pam_setcred, pam_open_session) and copies pam_getenvlist() into the session.
// sshd/pam_session.hpp (PamSession) runs them, but connection_process.cpp does not call
// it yet, so Debian's pam_motd, pam_env, pam_limits and pam_loginuid never run.
// pam_motd's MOTD_SHOWN=pam (Debian's /etc/pam.d/sshd) shows whether they did.
TEST_F(SshdFeaturesInteropTest, PamSessionStackRunsWithUsePam) {
  start("UsePAM yes\n");
  auto r = run(key_login("echo \"${MOTD_SHOWN-unset}\""));
  EXPECT_EQ(r.exit_code, 0) << r.err << log();
  EXPECT_EQ(r.out, "pam\n");
}

}  // namespace
}  // namespace sshpp::test

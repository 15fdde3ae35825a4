// Our userauth engines against Debian's OpenSSH 9.2, both directions:
//   Our UserauthClient over our TransportSession to Debian's sshd: Ed25519, ECDSA and
//   RSA keys (publickey-hostbound-v00, which sshd 9.2 announces), a refused key, and
//   AuthenticationMethods publickey,password for a throw-away user with a shadow
//   password (sshd as root, UsePAM no).
//   Debian's ssh against our UserauthServer (in this process, an in-memory policy):
//   publickey, password and keyboard-interactive through SSH_ASKPASS; ssh -v must
//   print "Authenticated to 127.0.0.1 ([127.0.0.1]:PORT) using "METHOD"."
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <optional>

#include "sshcore/auth/userauth_client.hpp"
#include "sshcore/auth/userauth_server.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/signer.hpp"
#include "sshcore/transport/transport_session.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"
#include "support/transport_pair.hpp"
#include "support/userauth_pair.hpp"

using namespace sshcore;
using namespace sshcore::auth;
using namespace sshcore::transport;
using namespace sshpp::test;

namespace {

// One user per test process: ctest runs this suite's tests in parallel processes.
const std::string kTestUser = "sshppua_" + std::to_string(getpid());
constexpr const char* kTestPassword = "Corr3ct-h0rse";

std::string current_user() { return getpwuid(getuid())->pw_name; }

struct ClientRun {
  std::string error;
  UserauthOutcome outcome = UserauthOutcome::kInProgress;
  std::string method, denied;
  std::vector<std::string> partial;
  std::optional<DisconnectReason> disconnect_reason;
  std::string disconnect_description;
};

class UserauthInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    chmod(dir_->path().c_str(), 0755);  // sshd reads authorized_keys as the user
    for (auto t : {keys::KeyType::kEd25519, keys::KeyType::kEcdsaP256, keys::KeyType::kRsa})
      authorized_ += keys::format_public_key_line(user_key(t).public_key(), "interop") + "\n";
    write_text(*dir_ / "authorized_keys", authorized_, 0644);
    run_account_tool({"/usr/sbin/userdel", kTestUser});
    auto add = run_account_tool({"/usr/sbin/useradd", "-M", "-d", "/nonexistent", "-s", "/bin/sh", kTestUser});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    RunOptions o;
    o.stdin_data = std::string(kTestUser) + ":" + kTestPassword + "\n";
    auto pw = run_account_tool({"/usr/sbin/chpasswd"}, o);
    ASSERT_EQ(pw.exit_code, 0) << pw.err;
    write_text(*dir_ / "banner", "sshpp interop banner\n", 0644);
    sshd_ = new DebianSshd(dir_->path(), "AuthorizedKeysFile " + (*dir_ / "authorized_keys") + "\nBanner " +
                                             (*dir_ / "banner") +
                                             "\nMatch User " + kTestUser +
                                             "\n  AuthenticationMethods publickey,password\n");
  }
  static void TearDownTestSuite() {
    delete sshd_;
    run_account_tool({"/usr/sbin/userdel", kTestUser});
    delete dir_;
  }

  // Our client engine against Debian's sshd.
  ClientRun client(const std::string& user, std::vector<ClientIdentity> ids, ScriptedUi& ui,
                   const std::string& preferred = std::string(kDefaultPreferredAuthentications)) {
    ClientRun out;
    int fd = connect_loopback(sshd_->port());
    EXPECT_GE(fd, 0);
    if (fd < 0) return out;
    TransportSession s(TransportConfig{}, {}, [](const keys::PublicKey&) -> Result<void> { return {}; });
    s.start();
    std::unique_ptr<UserauthClient> auth;
    std::vector<std::pair<std::string, std::string>> ext;
    out.error = drive(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
      if (ev.kind == TransportEventKind::kDisconnected) {
        out.disconnect_reason = ev.reason;
        out.disconnect_description = ev.description;
      }
      if (ev.kind == TransportEventKind::kExtInfo) {
        ext = ev.extensions;
        if (auth) auth->on_ext_info(ev.extensions);
      }
      if (ev.kind == TransportEventKind::kKexComplete && !auth) {
        UserauthClientConfig cfg;
        cfg.user = user;
        cfg.host = "127.0.0.1";
        cfg.preferred_authentications = preferred;
        cfg.identities = ids;
        cfg.session_id = t.session_id();
        cfg.server_host_key = t.server_host_key();
        auth = std::make_unique<UserauthClient>(cfg, ui, [&t](ByteView m) { return t.send(m); });
        auth->on_ext_info(ext);
        EXPECT_TRUE(auth->start());
      }
      if (ev.kind != TransportEventKind::kMessage || !auth) return true;
      auto r = auth->handle(ev.message);
      EXPECT_TRUE(r) << r.error().message();
      if (!r) return false;
      if (auth->outcome() == UserauthOutcome::kSuccess) {
        EXPECT_TRUE(t.enable_delayed_compression());
      }
      return auth->outcome() == UserauthOutcome::kInProgress;
    });
    close(fd);
    if (auth) {
      out.outcome = auth->outcome();
      out.method = auth->method_used();
      out.denied = auth->denied_message();
      out.partial = auth->partial_methods();
    }
    return out;
  }

  static TempDir* dir_;
  static DebianSshd* sshd_;
  static std::string authorized_;
};
TempDir* UserauthInterop::dir_ = nullptr;
DebianSshd* UserauthInterop::sshd_ = nullptr;
std::string UserauthInterop::authorized_;


namespace {

// What our code logs at debug1 while `run` runs, as ssh -v would print it.
std::string debug_log_of(const std::function<void()>& run) {
  TempDir tmp;
  log::Options debug;
  debug.level = log::Level::kDebug1;
  debug.sink = log::Sink::kFile;
  debug.file = tmp / "ours.log";
  log::init(debug);
  run();
  log::init(log::Options{});
  return read_text(tmp / "ours.log");
}

}  // namespace

TEST_F(UserauthInterop, OurClientEd25519Hostbound) {
  ScriptedUi ui;
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  ClientRun r;
  // ssh -v's lines for the same steps.
  std::string ours = debug_log_of([&] { r = client(current_user(), {file_identity(ui, "/tmp/id_ed25519", key)}, ui); });
  std::string ident = "/tmp/id_ed25519 ED25519 " + keys::fingerprint(key.public_key()) + " explicit";
  EXPECT_NE(ours.find("debug1: Authentications that can continue: publickey,password\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("debug1: Next authentication method: publickey\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("debug1: Offering public key: " + ident + "\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("debug1: Server accepts key: " + ident + "\n"), std::string::npos) << ours;
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << sshd_->log();
  EXPECT_EQ(r.method, "publickey");
  EXPECT_EQ(ui.signer_loads, 1);
  EXPECT_EQ(ui.banners, std::vector<std::string>{"sshpp interop banner\n"});
  std::string log = sshd_->log();
  EXPECT_NE(log.find("method publickey-hostbound-v00@openssh.com"), std::string::npos) << log;
  EXPECT_NE(log.find("Accepted publickey for " + current_user() + " from 127.0.0.1 port"), std::string::npos);
  EXPECT_NE(log.find("ssh2: ED25519 " + keys::fingerprint(key.public_key())), std::string::npos) << log;
}

// A key at hand without a prompt goes with its signature at once: Debian's sshd takes the
// signed request without a query before it (no PK_OK, no "Server accepts key").
TEST_F(UserauthInterop, OurClientSignsAnUnencryptedKeyWithoutQuery) {
  ScriptedUi ui;
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  auto identity = file_identity(ui, "/tmp/id_ed25519", key);
  ui.unencrypted = {"/tmp/id_ed25519"};
  ClientRun r;
  std::string ours = debug_log_of([&] { r = client(current_user(), {identity}, ui); });
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << sshd_->log();
  EXPECT_EQ(ui.quiet_loads, 1);
  EXPECT_EQ(ui.signer_loads, 0);
  EXPECT_NE(ours.find("debug1: Offering public key: /tmp/id_ed25519 ED25519"), std::string::npos) << ours;
  EXPECT_EQ(ours.find("Server accepts key"), std::string::npos) << ours;
  std::string log = sshd_->log();
  EXPECT_NE(log.find("Accepted publickey for " + current_user() + " from 127.0.0.1 port"), std::string::npos) << log;
}

TEST_F(UserauthInterop, OurClientEcdsa) {
  ScriptedUi ui;
  const keys::PrivateKey& key = user_key(keys::KeyType::kEcdsaP256);
  ClientRun r = client(current_user(), {file_identity(ui, "/tmp/id_ecdsa", key)}, ui);
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << sshd_->log();
  EXPECT_NE(sshd_->log().find("ssh2: ECDSA " + keys::fingerprint(key.public_key())), std::string::npos);
}

TEST_F(UserauthInterop, OurClientRsaPrivateKeyOnly) {
  ScriptedUi ui;
  const keys::PrivateKey& key = user_key(keys::KeyType::kRsa);
  ClientRun r = client(current_user(), {file_identity(ui, "/tmp/id_rsa", key, /*with_public=*/false)}, ui);
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << sshd_->log();
  std::string log = sshd_->log();
  EXPECT_NE(log.find("ssh2: RSA " + keys::fingerprint(key.public_key())), std::string::npos) << log;
}

TEST_F(UserauthInterop, OurClientRefusedKeyIsDeniedLikeSsh) {
  ScriptedUi ui;  // no passwords to give: three empty ones, as ssh sends on EOF
  ClientRun r = client(current_user(), {file_identity(ui, "/tmp/other", user_key(keys::KeyType::kEd25519, 5))}, ui,
                       "publickey");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.outcome, UserauthOutcome::kDenied);
  EXPECT_EQ(r.denied, current_user() + "@127.0.0.1: Permission denied (publickey,password).");
  EXPECT_EQ(ui.signer_loads, 0);
  // Debian's ssh says the same in the same situation.
  TempDir tmp;
  std::string key_file = tmp / "id_ed25519";
  ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key_file}).exit_code, 0);
  auto ssh = run({"/usr/bin/ssh", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o",
                  "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o",
                  "PreferredAuthentications=publickey", "-i", key_file, "-p", std::to_string(sshd_->port()),
                  current_user() + "@127.0.0.1", "true"});
  EXPECT_EQ(ssh.exit_code, 255);
  EXPECT_NE(ssh.err.find(r.denied), std::string::npos) << ssh.err;
}

TEST_F(UserauthInterop, OurClientAuthenticationMethodsPublickeyThenPassword) {
  ScriptedUi ui;
  ui.answers = {kTestPassword};
  ClientRun r = client(kTestUser, {file_identity(ui, "/tmp/id_ed25519", user_key(keys::KeyType::kEd25519))}, ui);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << sshd_->log();
  EXPECT_EQ(r.method, "password");
  EXPECT_EQ(r.partial, std::vector<std::string>{"publickey"});
  EXPECT_EQ(ui.prompts, std::vector<std::string>{std::string(kTestUser) + "@127.0.0.1's password: "});
  std::string log = sshd_->log();
  EXPECT_NE(log.find(std::string("Partial publickey for ") + kTestUser), std::string::npos) << log;
  EXPECT_NE(log.find(std::string("Accepted password for ") + kTestUser), std::string::npos) << log;
}

TEST_F(UserauthInterop, OurClientWrongPasswordAfterPartialSuccess) {
  ScriptedUi ui;
  ui.answers = {"wrong1", "wrong2", "wrong3"};
  ClientRun r = client(kTestUser, {file_identity(ui, "/tmp/id_ed25519", user_key(keys::KeyType::kEd25519))}, ui);
  EXPECT_EQ(r.outcome, UserauthOutcome::kDenied);
  EXPECT_EQ(r.denied, std::string(kTestUser) + "@127.0.0.1: Permission denied (password).");
  EXPECT_EQ(ui.prompts.size(), 3u);
}

// MaxAuthTries: Debian's sshd and our engine both end the connection at the sixth
// failure with DISCONNECT(protocol error, "Too many authentication failures").
TEST_F(UserauthInterop, OurClientTooManyKeysDisconnectedLikeOurServer) {
  ScriptedUi ui;
  std::vector<ClientIdentity> ids;
  for (int i = 0; i < 8; ++i)
    ids.push_back(file_identity(ui, "/tmp/wrong" + std::to_string(i), user_key(keys::KeyType::kEd25519, 10 + i)));
  ClientRun r = client(current_user(), ids, ui, "publickey");
  ASSERT_TRUE(r.disconnect_reason) << r.error;
  EXPECT_EQ(*r.disconnect_reason, DisconnectReason::kProtocolError);
  EXPECT_EQ(r.disconnect_description, "Too many authentication failures");
  EXPECT_NE(sshd_->log().find("maximum authentication attempts exceeded for " + current_user() + " from 127.0.0.1"),
            std::string::npos);

  MemoryPolicy policy;  // MaxAuthTries 6, as sshd's default
  policy.users[current_user()].password = "x";
  ScriptedUi ours_ui;
  UserauthClientConfig cfg;
  cfg.user = current_user();
  cfg.host = "127.0.0.1";
  cfg.preferred_authentications = "publickey";
  for (int i = 0; i < 8; ++i)
    cfg.identities.push_back(
        file_identity(ours_ui, "/tmp/wrong" + std::to_string(i), user_key(keys::KeyType::kEd25519, 10 + i)));
  UserauthPair pair(policy, cfg, ours_ui);
  pair.run();
  ASSERT_TRUE(pair.server_error);
  EXPECT_EQ(pair.server_error->reason, *r.disconnect_reason);
  EXPECT_EQ(pair.server_error->detail, r.disconnect_description);
  EXPECT_EQ(pair.server().failures(), 6u);
}

// ---- Debian's ssh against our server engine --------------------------------------

struct ServerRun {
  std::string ssh_log;
  int ssh_status = -1;
  bool authenticated = false;
  std::vector<std::string> methods;
  std::string user;
};

ServerRun serve_debian_ssh(MemoryPolicy& policy, std::vector<std::string> ssh_args, const std::string& log_path) {
  ServerRun out;
  int port = 0;
  int listener = listen_loopback(port);
  EXPECT_GE(listener, 0);
  std::vector<std::string> argv = {"/usr/bin/env", "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0"};
  for (auto& a : ssh_args) argv.push_back(a);
  std::vector<std::string> tail = {"-v", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
                                   "-o", "UserKnownHostsFile=/dev/null", "-p", std::to_string(port),
                                   "tester@127.0.0.1", "true"};
  argv.insert(argv.end(), tail.begin(), tail.end());
  BackgroundProcess ssh(argv, log_path);
  int fd = accept_one(listener, std::chrono::seconds(10));
  close(listener);
  EXPECT_GE(fd, 0);
  if (fd < 0) return out;
  auto host_key = TransportPair::host_key(keys::KeyType::kEd25519);
  TransportConfig cfg;
  cfg.role = Role::kServer;
  cfg.server_sig_algs = {"ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256"};
  TransportSession s(cfg, {host_key}, {});
  s.start();
  std::unique_ptr<UserauthServer> auth;
  drive(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
    if (ev.kind == TransportEventKind::kKexComplete && !auth)
      auth = std::make_unique<UserauthServer>(policy, [&t](ByteView m) { return t.send(m); }, t.session_id(),
                                              std::vector<Bytes>{host_key->public_key().blob()});
    if (ev.kind != TransportEventKind::kMessage || !auth) return true;
    std::uint8_t number = ev.message[0];
    if (number == 5 || (number >= 50 && number < 80)) {
      bool was = auth->authenticated();
      auto r = auth->handle(ev.message);
      if (!r) {
        t.disconnect(r.error().reason, r.error().detail);
        return true;  // let the DISCONNECT go out
      }
      if (!was && auth->authenticated()) {
        EXPECT_TRUE(t.enable_delayed_compression());
      }
    } else if (number == 90) {  // CHANNEL_OPEN: refuse it, which ends ssh
      wire::Reader r(ev.message.subspan(1));
      (void)r.string();
      auto sender = r.u32();
      wire::Writer w;
      w.u8(92);
      w.u32(sender ? *sender : 0);
      w.u32(1);
      w.string(std::string_view("sshpp userauth test"));
      w.string(std::string_view(""));
      EXPECT_TRUE(t.send(*std::move(w).finish()));
    }
    return true;
  });
  close(fd);
  out.ssh_status = ssh.wait(std::chrono::seconds(20));
  out.ssh_log = ssh.log();
  if (auth) {
    out.authenticated = auth->authenticated();
    out.methods = auth->methods_accepted();
    out.user = auth->user();
  }
  return out;
}

std::string authenticated_line(const std::string& log, const std::string& method) {
  auto at = log.find("Authenticated to 127.0.0.1 ([127.0.0.1]:");
  if (at == std::string::npos) return "";
  auto end = log.find('\n', at);
  std::string line = log.substr(at, end - at);
  if (line.find("using \"" + method + "\".") == std::string::npos) return "";
  return line;
}

TEST(UserauthInteropServer, DebianSshPublickey) {
  TempDir tmp;
  std::string key_file = tmp / "id_ed25519";
  ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key_file}).exit_code, 0);
  auto line = keys::parse_public_key_line(read_text(key_file + ".pub"));
  ASSERT_TRUE(line);
  MemoryPolicy policy;
  policy.users["tester"].authorized_keys.push_back(line->key);
  ServerRun r = serve_debian_ssh(policy, {"/usr/bin/ssh", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key_file},
                                 tmp / "ssh.log");
  EXPECT_TRUE(r.authenticated) << r.ssh_log;
  EXPECT_EQ(r.user, "tester");
  EXPECT_EQ(r.methods, std::vector<std::string>{"publickey"});
  EXPECT_NE(authenticated_line(r.ssh_log, "publickey"), "") << r.ssh_log;
  EXPECT_NE(r.ssh_log.find("Server accepts key: " + key_file + " ED25519 " + keys::fingerprint(line->key) +
                           " explicit\r\n"),  // ssh -v ends its lines with CR LF
            std::string::npos)
      << r.ssh_log;
  EXPECT_NE(r.ssh_log.find("Authentications that can continue: publickey,password"), std::string::npos);
  EXPECT_EQ(policy.verified_algorithms, std::vector<std::string>{"ssh-ed25519"});
}

TEST(UserauthInteropServer, DebianSshPasswordViaAskpass) {
  TempDir tmp;
  std::string askpass = tmp / "askpass.sh";
  write_text(askpass, "#!/bin/sh\necho 'open sesame'\n", 0755);
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  ServerRun r = serve_debian_ssh(policy,
                                 {"SSH_ASKPASS=" + askpass, "/usr/bin/ssh", "-o", "BatchMode=no", "-o",
                                  "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password"},
                                 tmp / "ssh.log");
  EXPECT_TRUE(r.authenticated) << r.ssh_log;
  EXPECT_NE(authenticated_line(r.ssh_log, "password"), "") << r.ssh_log;
  EXPECT_EQ(r.methods, std::vector<std::string>{"password"});
}

TEST(UserauthInteropServer, DebianSshPasswordChangeRequest) {
  TempDir tmp;
  std::string askpass = tmp / "askpass.sh";
  write_text(askpass, "#!/bin/sh\necho \"$1\" >> " + (tmp / "prompts") + "\ncase \"$1\" in *new*) echo fresh;; *) echo 'open sesame';; esac\n", 0755);
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  policy.users["tester"].new_password_required_until_changed = "yes";
  ServerRun r = serve_debian_ssh(policy,
                                 {"SSH_ASKPASS=" + askpass, "/usr/bin/ssh", "-o", "BatchMode=no", "-o",
                                  "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password"},
                                 tmp / "ssh.log");
  EXPECT_TRUE(r.authenticated) << r.ssh_log;
  EXPECT_EQ(policy.users["tester"].password, "fresh");
  // The prompts Debian's ssh showed are the ones our client builds.
  EXPECT_EQ(read_text(tmp / "prompts"),
            "tester@127.0.0.1's password: \nEnter tester@127.0.0.1's old password: \n"
            "Enter tester@127.0.0.1's new password: \nRetype tester@127.0.0.1's new password: \n");
}

TEST(UserauthInteropServer, DebianSshWrongPasswordIsDenied) {
  TempDir tmp;
  std::string askpass = tmp / "askpass.sh";
  write_text(askpass, "#!/bin/sh\necho 'nope'\n", 0755);
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  ServerRun r = serve_debian_ssh(policy,
                                 {"SSH_ASKPASS=" + askpass, "/usr/bin/ssh", "-o", "BatchMode=no", "-o",
                                  "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password"},
                                 tmp / "ssh.log");
  EXPECT_FALSE(r.authenticated);
  EXPECT_EQ(r.ssh_status, 255);
  EXPECT_NE(r.ssh_log.find("tester@127.0.0.1: Permission denied (publickey,password)."), std::string::npos)
      << r.ssh_log;
  EXPECT_EQ(std::count(policy.log.begin(), policy.log.end(), "Failed password for tester"), 3);
}

TEST(UserauthInteropServer, DebianSshKeyboardInteractive) {
  TempDir tmp;
  std::string askpass = tmp / "askpass.sh";
  // ssh passes the prompt as the argument: answer each round by its prompt.
  write_text(askpass,
             "#!/bin/sh\necho \"$1\" >> " + (tmp / "prompts") +
                 "\ncase \"$1\" in *Code*) echo 4711;; *) echo 'open sesame';; esac\n",
             0755);
  MemoryPolicy policy;
  policy.settings.keyboard_interactive = true;
  policy.users["tester"].kbdint_rounds = {{{"Password: ", "open sesame"}}, {{"Code: ", "4711"}}};
  ServerRun r = serve_debian_ssh(policy,
                                 {"SSH_ASKPASS=" + askpass, "/usr/bin/ssh", "-o", "BatchMode=no", "-o",
                                  "PubkeyAuthentication=no", "-o", "PreferredAuthentications=keyboard-interactive"},
                                 tmp / "ssh.log");
  EXPECT_TRUE(r.authenticated) << r.ssh_log;
  EXPECT_NE(authenticated_line(r.ssh_log, "keyboard-interactive"), "") << r.ssh_log;
  EXPECT_EQ(r.methods, std::vector<std::string>{"keyboard-interactive:pam"});
  // Debian's ssh prefixes each prompt as our client does: "(user@host) prompt".
  EXPECT_EQ(read_text(tmp / "prompts"), "(tester@127.0.0.1) Password: \n(tester@127.0.0.1) Code: \n");
}

}  // namespace

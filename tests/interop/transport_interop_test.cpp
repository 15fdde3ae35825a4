// Our transport against Debian's OpenSSH 9.2, both roles, for every key
// exchange, cipher, MAC and host key algorithm both implementations have, each
// with a forced re-exchange in the middle of the conversation. OpenSSH accepts
// no re-exchange during user authentication (both its programs reset their
// dispatch tables there), so the drivers authenticate with a public key first:
//   As client: our engine connects to Debian's sshd, asks for ssh-userauth, gets
//   USERAUTH_FAILURE for "none" (with the methods that can continue), signs in
//   with an Ed25519 key, re-keys, and gets an answer to a global request.
//   As server: Debian's `ssh -vvv` connects to our engine, which refuses "none",
//   accepts the signed publickey request (verified by our library), re-keys, and
//   refuses the session channel; ssh's debug log must show all of it.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <memory>

#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/signer.hpp"
#include "sshcore/transport/transport_messages.hpp"
#include "sshcore/transport/transport_session.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"
#include "support/transport_pair.hpp"

using namespace sshcore;
using namespace sshcore::transport;
using namespace sshpp::test;

namespace {
// What Debian's OpenSSH 9.2 and we both implement (ssh -Q kex|cipher|mac|key).
const std::vector<std::string> kKex = {
    "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
    "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256", "diffie-hellman-group14-sha1"};
const std::vector<std::string> kCiphers = {
    "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr",
    "aes192-ctr", "aes256-ctr", "aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"};
const std::vector<std::string> kMacs = {
    "umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com", "umac-64@openssh.com",
    "umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"};
const std::vector<std::string> kHostKeys = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                            "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"};

struct Choice {
  std::string kex = "curve25519-sha256", cipher = "aes128-ctr", mac = "hmac-sha2-256",
              host_key = "ssh-ed25519";
};

TransportConfig config_for(const Choice& c) {
  TransportConfig t;
  t.kex = c.kex;
  t.ciphers = c.cipher;
  t.macs = c.mac;
  t.host_key_algorithms = c.host_key;
  return t;
}

Bytes service_request(std::uint8_t number, std::string_view service) {
  wire::Writer w;
  w.u8(number);
  w.string(service);
  return *std::move(w).finish();
}

Bytes none_request(std::string_view user) {
  wire::Writer w;
  w.u8(50);  // SSH_MSG_USERAUTH_REQUEST
  w.string(user);
  w.string(std::string_view("ssh-connection"));
  w.string(std::string_view("none"));
  return *std::move(w).finish();
}

std::string current_user() { return getpwuid(getuid())->pw_name; }

// The data a publickey signature covers (RFC 4252 section 7).
Bytes publickey_signed_data(ByteView session_id, std::string_view user, std::string_view alg, ByteView blob) {
  wire::Writer w;
  w.string(session_id);
  w.u8(50);
  w.string(user);
  w.string(std::string_view("ssh-connection"));
  w.string(std::string_view("publickey"));
  w.boolean(true);
  w.string(alg);
  w.string(blob);
  return *std::move(w).finish();
}

Bytes publickey_request(const keys::PrivateKey& key, ByteView session_id, std::string_view user) {
  const Bytes& blob = key.public_key().blob();
  auto sig = key.sign(publickey_signed_data(session_id, user, "ssh-ed25519", blob), "ssh-ed25519");
  wire::Writer w;
  w.u8(50);
  w.string(user);
  w.string(std::string_view("ssh-connection"));
  w.string(std::string_view("publickey"));
  w.boolean(true);
  w.string(std::string_view("ssh-ed25519"));
  w.string(blob);
  w.string(*sig);
  return *std::move(w).finish();
}

Bytes auth_failure(std::string_view methods) {
  wire::Writer w;
  w.u8(51);  // SSH_MSG_USERAUTH_FAILURE
  w.string(methods);
  w.boolean(false);
  return *std::move(w).finish();
}

class TransportInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    user_key_ = new keys::PrivateKey(*keys::PrivateKey::generate(keys::KeyType::kEd25519));
    write_text(*dir_ / "authorized_keys", keys::format_public_key_line(user_key_->public_key(), "interop") + "\n", 0644);
    sshd_ = new DebianSshd(dir_->path(), "AuthorizedKeysFile " + (*dir_ / "authorized_keys") + "\n");
  }
  static void TearDownTestSuite() {
    delete sshd_;
    delete user_key_;
    delete dir_;
  }

  // Our client against Debian's sshd.
  void client_round(const Choice& c) {
    SCOPED_TRACE(c.kex + " " + c.cipher + " " + c.mac + " " + c.host_key);
    int fd = connect_loopback(sshd_->port());
    ASSERT_GE(fd, 0);
    TransportSession s(config_for(c), {}, [](const keys::PublicKey&) -> Result<void> { return {}; });
    s.start();
    std::string methods, user = current_user();
    bool authenticated = false, answered = false;
    std::string error = drive(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
      if (ev.kind == TransportEventKind::kKexComplete && t.kex_count() == 1) {
        EXPECT_TRUE(t.send(service_request(msg::kServiceRequest, "ssh-userauth")));
      }
      if (ev.kind != TransportEventKind::kMessage) return true;
      switch (ev.message[0]) {
        case msg::kServiceAccept:
          EXPECT_TRUE(t.send(none_request(user)));
          break;
        case 51: {  // USERAUTH_FAILURE: the methods that can continue
          wire::Reader r(ev.message.subspan(1));
          auto list = r.cstring();
          if (list) methods = std::string(*list);
          if (!methods.empty() && methods.find("publickey") == std::string::npos) return false;
          EXPECT_TRUE(t.send(publickey_request(*user_key_, t.session_id(), user)));
          if (authenticated) return false;
          authenticated = true;  // at most one signed attempt
          break;
        }
        case 52: {  // USERAUTH_SUCCESS: re-key, then prove messages still flow
          authenticated = true;
          EXPECT_TRUE(t.request_rekey());
          wire::Writer w;
          w.u8(80);  // SSH_MSG_GLOBAL_REQUEST
          w.string(std::string_view("keepalive@openssh.com"));
          w.boolean(true);
          EXPECT_TRUE(t.send(*std::move(w).finish()));
          break;
        }
        case 81:
        case 82:  // REQUEST_SUCCESS / REQUEST_FAILURE
          answered = true;
          return false;
        default:
          break;
      }
      return true;
    });
    close(fd);
    EXPECT_EQ(error, "");
    EXPECT_NE(methods.find("publickey"), std::string::npos) << "methods: " << methods;
    EXPECT_TRUE(answered) << "no answer to the global request after the re-exchange";
    EXPECT_EQ(s.kex_count(), 2u) << sshd_->log().substr(sshd_->log().size() > 3000 ? sshd_->log().size() - 3000 : 0);
    ASSERT_TRUE(s.negotiated());
    EXPECT_EQ(s.negotiated()->kex->name, c.kex);
    EXPECT_EQ(s.negotiated()->client_to_server.cipher->name, c.cipher);
    EXPECT_EQ(s.negotiated()->host_key_alg, c.host_key);
  }

  // Debian's ssh client against our server engine.
  void server_round(const Choice& c) {
    SCOPED_TRACE(c.kex + " " + c.cipher + " " + c.mac + " " + c.host_key);
    int port = 0;
    int listener = listen_loopback(port);
    ASSERT_GE(listener, 0);
    TempDir tmp;
    std::string key_file = tmp / "id_ed25519";
    auto gen = run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key_file});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    BackgroundProcess ssh({"/usr/bin/ssh", "-vvv", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o",
                           "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                           "-i", key_file,
                           "-o", "KexAlgorithms=" + c.kex, "-o", "Ciphers=" + c.cipher, "-o", "MACs=" + c.mac,
                           "-o", "HostKeyAlgorithms=" + c.host_key, "-p", std::to_string(port),
                           "tester@127.0.0.1", "true"},
                          tmp / "ssh.log");
    int fd = accept_one(listener, std::chrono::seconds(10));
    close(listener);
    ASSERT_GE(fd, 0);
    std::vector<std::shared_ptr<keys::Signer>> host_keys;
    for (auto t : {keys::KeyType::kEd25519, keys::KeyType::kEcdsaP256, keys::KeyType::kEcdsaP384,
                   keys::KeyType::kEcdsaP521, keys::KeyType::kRsa})
      host_keys.push_back(TransportPair::host_key(t));
    TransportConfig cfg = config_for(c);
    cfg.role = Role::kServer;
    cfg.moduli = parse_moduli("");  // DH-GEX from the RFC 3526 fallback groups
    TransportSession s(cfg, host_keys, {});
    s.start();
    std::string error = drive(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
      if (ev.kind != TransportEventKind::kMessage) return true;
      if (ev.message[0] == msg::kServiceRequest) {
        EXPECT_TRUE(t.send(service_request(msg::kServiceAccept, "ssh-userauth")));
      } else if (ev.message[0] == 50) {
        Bytes answer = answer_userauth(ev.message, t);
        EXPECT_TRUE(t.send(answer));
        if (answer == Bytes{52}) {
          EXPECT_TRUE(t.request_rekey());  // after USERAUTH_SUCCESS has gone out
        }
      } else if (ev.message[0] == 90) {  // CHANNEL_OPEN: refuse it, which ends ssh
        wire::Reader r(ev.message.subspan(1));
        (void)r.string();
        auto sender = r.u32();
        wire::Writer w;
        w.u8(92);  // CHANNEL_OPEN_FAILURE
        w.u32(sender ? *sender : 0);
        w.u32(1);  // SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
        w.string(std::string_view("sshpp transport test"));
        w.string(std::string_view(""));
        EXPECT_TRUE(t.send(*std::move(w).finish()));
      }
      return true;
    });
    close(fd);
    int status = ssh.wait(std::chrono::seconds(20));
    std::string log = ssh.log();
    EXPECT_EQ(status, 255) << log;
    EXPECT_NE(log.find("Authentications that can continue: publickey,password"), std::string::npos) << log;
    EXPECT_NE(log.find("Authenticated to 127.0.0.1"), std::string::npos) << log;
    EXPECT_NE(log.find("open failed: administratively prohibited: sshpp transport test"), std::string::npos) << log;
    EXPECT_NE(log.find("kex: algorithm: " + c.kex), std::string::npos) << log;
    std::size_t kexinits = 0;
    for (auto at = log.find("SSH2_MSG_KEXINIT received"); at != std::string::npos;
         at = log.find("SSH2_MSG_KEXINIT received", at + 1))
      ++kexinits;
    EXPECT_EQ(kexinits, 2u) << log;
    EXPECT_NE(log.find("Remote protocol version 2.0, remote software version sshpp_0.1"), std::string::npos);
    (void)error;
  }

  // The test server's userauth: refuse "none", answer a query with PK_OK, and
  // accept a correctly signed publickey request (checked with our library).
  Bytes answer_userauth(ByteView message, TransportSession& t) {
    wire::Reader r(message.subspan(1));
    auto user = r.cstring();
    auto service = r.cstring();
    auto method = r.cstring();
    if (!user || !service || !method || *method != "publickey") return auth_failure("publickey,password");
    auto has_sig = r.boolean();
    auto alg = r.cstring();
    auto blob = r.string();
    if (!has_sig || !alg || !blob) return auth_failure("publickey,password");
    if (!*has_sig) {  // a query: SSH_MSG_USERAUTH_PK_OK
      wire::Writer w;
      w.u8(60);
      w.string(*alg);
      w.string(*blob);
      return *std::move(w).finish();
    }
    auto sig = r.string();
    auto key = keys::PublicKey::from_blob(*blob);
    if (!sig || !key) return auth_failure("publickey,password");
    Bytes signed_data = publickey_signed_data(t.session_id(), *user, *alg, *blob);
    EXPECT_TRUE(key->verify(signed_data, *sig)) << "OpenSSH's userauth signature did not verify";
    if (!key->verify(signed_data, *sig)) return auth_failure("publickey,password");
    return Bytes{52};
  }

  static TempDir* dir_;
  static DebianSshd* sshd_;
  static keys::PrivateKey* user_key_;
};
TempDir* TransportInterop::dir_ = nullptr;
DebianSshd* TransportInterop::sshd_ = nullptr;
keys::PrivateKey* TransportInterop::user_key_ = nullptr;
}  // namespace

TEST_F(TransportInterop, OurClientEveryKex) {
  for (const auto& k : kKex) client_round({k});
}
TEST_F(TransportInterop, OurClientEveryCipher) {
  for (const auto& c : kCiphers) client_round({.cipher = c});
}
TEST_F(TransportInterop, OurClientEveryMac) {
  for (const auto& m : kMacs) client_round({.mac = m});
}
TEST_F(TransportInterop, OurClientEveryHostKey) {
  for (const auto& h : kHostKeys) client_round({.host_key = h});
}
TEST_F(TransportInterop, OurServerEveryKex) {
  for (const auto& k : kKex) server_round({k});
}
TEST_F(TransportInterop, OurServerEveryCipher) {
  for (const auto& c : kCiphers) server_round({.cipher = c});
}
TEST_F(TransportInterop, OurServerEveryMac) {
  for (const auto& m : kMacs) server_round({.mac = m});
}
TEST_F(TransportInterop, OurServerEveryHostKey) {
  for (const auto& h : kHostKeys) server_round({.host_key = h});
}

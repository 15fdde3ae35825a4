// UserauthClient against UserauthServer over a real TransportSession pair, with an
// in-memory policy; and the server alone against hand-made and broken messages.
#include <gtest/gtest.h>

#include <algorithm>

#include "sshcore/auth/userauth_client.hpp"
#include "sshcore/auth/userauth_server.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/userauth_pair.hpp"

using namespace sshcore;
using namespace sshcore::auth;
using namespace sshpp::test;

namespace {

UserauthClientConfig client_config(const std::string& user = "alice") {
  UserauthClientConfig c;
  c.user = user;
  c.host = "example.org";
  return c;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Did the server receive a USERAUTH_REQUEST naming `method`?
bool server_saw_method(UserauthPair& pair, std::string_view method) {
  for (const Bytes& m : pair.transport().server_log().messages) {
    if (m.empty() || m[0] != MsgUserauthRequest::kNumber) continue;
    auto req = MsgUserauthRequest::decode(wire::Reader(ByteView(m).subspan(1)));
    if (req && req->method_name() == method) return true;
  }
  return false;
}

struct PublickeyCase {
  keys::KeyType type;
  std::vector<std::string> server_sig_algs;
  std::string expected_alg;
};

class UserauthPublickey : public ::testing::TestWithParam<PublickeyCase> {};

TEST_P(UserauthPublickey, QueryThenSignedRequestSucceeds) {
  const PublickeyCase& c = GetParam();
  MemoryPolicy policy;
  policy.settings.banner = "Welcome\n";
  const keys::PrivateKey& key = user_key(c.type);
  policy.users["alice"].authorized_keys.push_back(key.public_key());
  ScriptedUi ui;
  UserauthClientConfig cfg = client_config();
  cfg.identities.push_back(file_identity(ui, "/home/alice/.ssh/id", key));
  UserauthPair pair(policy, cfg, ui, c.server_sig_algs);
  pair.run();
  ASSERT_FALSE(pair.client_error) << pair.client_error->message();
  ASSERT_FALSE(pair.server_error) << pair.server_error->message();
  EXPECT_TRUE(pair.client().authenticated());
  EXPECT_EQ(pair.client().method_used(), "publickey");
  ASSERT_NE(pair.client().identity_used(), nullptr);
  EXPECT_EQ(pair.client().identity_used()->label, "/home/alice/.ssh/id");
  EXPECT_TRUE(pair.server().authenticated());
  EXPECT_EQ(pair.server().user(), "alice");
  EXPECT_EQ(pair.server().service(), "ssh-connection");
  EXPECT_EQ(pair.server().methods_accepted(), std::vector<std::string>{"publickey"});
  ASSERT_TRUE(pair.server().authenticated_key());
  EXPECT_EQ(*pair.server().authenticated_key(), key.public_key());
  ASSERT_TRUE(pair.server().key_authorization());
  EXPECT_EQ(pair.server().key_authorization()->source, "memory:1");
  EXPECT_EQ(policy.verified_algorithms, std::vector<std::string>{c.expected_alg});
  // SERVICE_ACCEPT, BANNER, FAILURE (none), PK_OK, SUCCESS
  EXPECT_EQ(pair.client_received, (std::vector<std::uint8_t>{6, 53, 51, 60, 52}));
  EXPECT_EQ(ui.banners, std::vector<std::string>{"Welcome\n"});
  EXPECT_EQ(ui.signer_loads, 1);
  EXPECT_EQ(pair.server().failures(), 0u);  // the first "none" is free
  EXPECT_TRUE(contains(policy.log, "Accepted publickey for alice"));
  // Our transport announces publickey-hostbound with server-sig-algs.
  EXPECT_EQ(server_saw_method(pair, kMethodPublickeyHostbound), !c.server_sig_algs.empty());
}

const std::vector<std::string> kAllSigAlgs = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                              "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"};
INSTANTIATE_TEST_SUITE_P(
    Keys, UserauthPublickey,
    ::testing::Values(PublickeyCase{keys::KeyType::kEd25519, kAllSigAlgs, "ssh-ed25519"},
                      PublickeyCase{keys::KeyType::kEcdsaP256, kAllSigAlgs, "ecdsa-sha2-nistp256"},
                      PublickeyCase{keys::KeyType::kEcdsaP384, kAllSigAlgs, "ecdsa-sha2-nistp384"},
                      PublickeyCase{keys::KeyType::kEcdsaP521, kAllSigAlgs, "ecdsa-sha2-nistp521"},
                      PublickeyCase{keys::KeyType::kRsa, kAllSigAlgs, "rsa-sha2-512"},
                      PublickeyCase{keys::KeyType::kRsa, {"ssh-ed25519", "rsa-sha2-256"}, "rsa-sha2-256"},
                      PublickeyCase{keys::KeyType::kEd25519, {}, "ssh-ed25519"}));

TEST(UserauthEngine, RsaKeyWithoutServerSigAlgsIsSkippedAsOpenSsh) {
  MemoryPolicy policy;
  policy.users["alice"].authorized_keys.push_back(user_key(keys::KeyType::kRsa).public_key());
  ScriptedUi ui;
  UserauthClientConfig cfg = client_config();
  cfg.password_authentication = false;
  cfg.kbd_interactive_authentication = false;
  cfg.identities.push_back(file_identity(ui, "id_rsa", user_key(keys::KeyType::kRsa)));
  UserauthPair pair(policy, cfg, ui, {});
  pair.run();
  EXPECT_FALSE(pair.client_error);
  EXPECT_EQ(pair.client().outcome(), UserauthOutcome::kDenied);
  EXPECT_EQ(pair.client().denied_message(), "alice@example.org: Permission denied (publickey,password).");
  EXPECT_FALSE(pair.server().authenticated());
}

TEST(UserauthEngine, PrivateKeyOnlyIdentityIsSignedWithoutQuery) {
  MemoryPolicy policy;
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  policy.users["alice"].authorized_keys.push_back(key.public_key());
  ScriptedUi ui;
  UserauthClientConfig cfg = client_config();
  cfg.identities.push_back(file_identity(ui, "id_ed25519", key, /*with_public=*/false));
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  EXPECT_TRUE(pair.server().authenticated());
  EXPECT_EQ(pair.client_received, (std::vector<std::uint8_t>{6, 51, 52}));
}

// A key file that needs no passphrase is offered with its signature at once (as OpenSSH
// offers a key it already holds): no query, no PK_OK, one round trip less. A key the
// server refuses costs one failure, as a refused query does, and the next key follows.
TEST(UserauthEngine, UnencryptedKeyIsSignedWithoutQuery) {
  MemoryPolicy policy;
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  policy.users["alice"].authorized_keys.push_back(key.public_key());
  ScriptedUi ui;
  UserauthClientConfig cfg = client_config();
  cfg.identities.push_back(file_identity(ui, "refused", user_key(keys::KeyType::kEcdsaP256)));
  cfg.identities.push_back(file_identity(ui, "id_ed25519", key));
  ui.unencrypted = {"refused", "id_ed25519"};
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  ASSERT_FALSE(pair.client_error) << pair.client_error->message();
  EXPECT_TRUE(pair.server().authenticated());
  ASSERT_NE(pair.client().identity_used(), nullptr);
  EXPECT_EQ(pair.client().identity_used()->label, "id_ed25519");
  // SERVICE_ACCEPT, FAILURE (none), FAILURE (the refused key's signature), SUCCESS
  EXPECT_EQ(pair.client_received, (std::vector<std::uint8_t>{6, 51, 51, 52}));
  EXPECT_EQ(ui.quiet_loads, 2);
  EXPECT_EQ(ui.signer_loads, 0);
  EXPECT_EQ(pair.server().failures(), 1u);
  EXPECT_TRUE(contains(policy.log, "Accepted publickey for alice"));
}

// A key that would need a prompt (or an agent's) still goes by query first.
TEST(UserauthEngine, KeyNeedingAPromptIsQueriedFirst) {
  MemoryPolicy policy;
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  policy.users["alice"].authorized_keys.push_back(key.public_key());
  ScriptedUi ui;
  UserauthClientConfig cfg = client_config();
  cfg.identities.push_back(file_identity(ui, "id_ed25519", key));
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  EXPECT_TRUE(pair.server().authenticated());
  EXPECT_EQ(pair.client_received, (std::vector<std::uint8_t>{6, 51, 60, 52}));
  EXPECT_EQ(ui.quiet_loads, 0);
  EXPECT_EQ(ui.signer_loads, 1);
}

TEST(UserauthEngine, WrongKeyThenNextKeyThenPassword) {
  MemoryPolicy policy;
  policy.users["alice"].password = "secret";
  policy.users["alice"].authorized_keys.push_back(user_key(keys::KeyType::kEd25519, 1).public_key());
  ScriptedUi ui;
  ui.answers = {"secret"};
  UserauthClientConfig cfg = client_config();
  cfg.identities.push_back(file_identity(ui, "wrong", user_key(keys::KeyType::kEcdsaP256)));
  cfg.identities.push_back(file_identity(ui, "also-wrong", user_key(keys::KeyType::kEd25519)));
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  EXPECT_TRUE(pair.client().authenticated());
  EXPECT_EQ(pair.client().method_used(), "password");
  EXPECT_EQ(ui.signer_loads, 0);  // no PK_OK, nothing to sign
  EXPECT_EQ(ui.prompts, std::vector<std::string>{"alice@example.org's password: "});
  EXPECT_EQ(pair.server().failures(), 2u);
  EXPECT_EQ(pair.server().methods_accepted(), std::vector<std::string>{"password"});
  EXPECT_FALSE(pair.server().key_authorization());
}

TEST(UserauthEngine, WrongPasswordThreeTimesIsDenied) {
  MemoryPolicy policy;
  policy.users["alice"].password = "secret";
  ScriptedUi ui;
  ui.answers = {"a", "b", "c", "d"};
  UserauthPair pair(policy, client_config(), ui);
  pair.run();
  EXPECT_EQ(pair.client().outcome(), UserauthOutcome::kDenied);
  EXPECT_EQ(pair.client().denied_message(), "alice@example.org: Permission denied (publickey,password).");
  EXPECT_EQ(ui.prompts.size(), 3u);  // NumberOfPasswordPrompts
  EXPECT_EQ(pair.server().failures(), 3u);
  EXPECT_EQ(std::count(policy.log.begin(), policy.log.end(), "Failed password for alice"), 3);
}

TEST(UserauthEngine, PasswordChangeRequest) {
  MemoryPolicy policy;
  policy.users["alice"].password = "old";
  policy.users["alice"].new_password_required_until_changed = "yes";
  ScriptedUi ui;
  ui.answers = {"old", "old", "new1", "typo", "new1", "new1"};
  UserauthPair pair(policy, client_config(), ui);
  pair.run();
  ASSERT_FALSE(pair.client_error) << pair.client_error->message();
  EXPECT_TRUE(pair.server().authenticated());
  EXPECT_EQ(policy.users["alice"].password, "new1");
  EXPECT_EQ(ui.prompts, (std::vector<std::string>{
                            "alice@example.org's password: ", "Enter alice@example.org's old password: ",
                            "Enter alice@example.org's new password: ", "Retype alice@example.org's new password: ",
                            "Enter alice@example.org's new password: ", "Retype alice@example.org's new password: "}));
}

TEST(UserauthEngine, KeyboardInteractiveTwoRounds) {
  MemoryPolicy policy;
  policy.settings.keyboard_interactive = true;
  policy.users["alice"].kbdint_rounds = {{{"Password: ", "pw"}}, {{"Code: ", "42"}, {"PIN: ", "7"}}};
  ScriptedUi ui;
  ui.answers = {"pw", "42", "7"};
  UserauthClientConfig cfg = client_config();
  cfg.preferred_authentications = "keyboard-interactive,password";
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  ASSERT_FALSE(pair.server_error) << pair.server_error->message();
  EXPECT_TRUE(pair.client().authenticated());
  EXPECT_EQ(pair.client().method_used(), "keyboard-interactive");
  EXPECT_EQ(pair.server().methods_accepted(), std::vector<std::string>{"keyboard-interactive:pam"});
  EXPECT_EQ(ui.prompts, (std::vector<std::string>{"(alice@example.org) Password: ", "(alice@example.org) Code: ",
                                                  "(alice@example.org) PIN: "}));
  // INFO_RESPONSE continuations do not go through before_method.
  EXPECT_EQ(std::count(policy.before_method_calls.begin(), policy.before_method_calls.end(), "keyboard-interactive"), 1);
}

TEST(UserauthEngine, KeyboardInteractiveWrongAnswerFails) {
  MemoryPolicy policy;
  policy.settings.keyboard_interactive = true;
  policy.settings.password = false;
  policy.users["alice"].kbdint_rounds = {{{"Password: ", "pw"}}};
  ScriptedUi ui;
  ui.answers = {"no", "no", "no"};
  UserauthPair pair(policy, client_config(), ui);
  pair.run();
  EXPECT_EQ(pair.client().outcome(), UserauthOutcome::kDenied);
  EXPECT_EQ(pair.client().denied_message(), "alice@example.org: Permission denied (publickey,keyboard-interactive).");
  EXPECT_EQ(pair.server().failures(), 3u);
}

TEST(UserauthEngine, AuthenticationMethodsPublickeyThenPassword) {
  MemoryPolicy policy;
  policy.settings.authentication_methods = {"publickey,password"};
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  policy.users["alice"].authorized_keys.push_back(key.public_key());
  policy.users["alice"].password = "secret";
  ScriptedUi ui;
  ui.answers = {"secret"};
  UserauthClientConfig cfg = client_config();
  cfg.preferred_authentications = "password,publickey";  // server only lets publickey start
  cfg.identities.push_back(file_identity(ui, "id", key));
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  ASSERT_FALSE(pair.client_error) << pair.client_error->message();
  EXPECT_TRUE(pair.server().authenticated());
  EXPECT_EQ(pair.server().methods_accepted(), (std::vector<std::string>{"publickey", "password"}));
  EXPECT_EQ(pair.client().partial_methods(), std::vector<std::string>{"publickey"});
  EXPECT_EQ(pair.client().method_used(), "password");
  EXPECT_TRUE(contains(policy.log, "Partial publickey for alice"));
  EXPECT_TRUE(contains(policy.log, "Accepted password for alice"));
  ASSERT_TRUE(pair.server().key_authorization());  // kept for the session's options
}

TEST(UserauthEngine, MaxAuthTriesDisconnects) {
  MemoryPolicy policy;
  policy.settings.max_auth_tries = 2;
  policy.users["alice"].password = "secret";
  ScriptedUi ui;
  ui.answers = {"a", "b", "c"};
  UserauthClientConfig cfg = client_config();
  cfg.number_of_password_prompts = 5;
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  ASSERT_TRUE(pair.server_error);
  EXPECT_EQ(pair.server_error->reason, DisconnectReason::kProtocolError);
  EXPECT_EQ(pair.server_error->detail, "Too many authentication failures");
  EXPECT_TRUE(pair.server().max_tries_exceeded());
  EXPECT_EQ(pair.server().failures(), 2u);
  EXPECT_FALSE(pair.server().authenticated());
}

TEST(UserauthEngine, InvalidUserNeverSucceeds) {
  MemoryPolicy policy;
  policy.settings.permit_none = true;
  policy.settings.keyboard_interactive = true;
  policy.users["alice"].password = "secret";
  ScriptedUi ui;
  ui.answers = {"secret", "secret", "secret"};
  UserauthClientConfig cfg = client_config("mallory");
  cfg.identities.push_back(file_identity(ui, "id", user_key(keys::KeyType::kEd25519)));
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  EXPECT_FALSE(pair.server().authenticated());
  EXPECT_EQ(pair.client().outcome(), UserauthOutcome::kDenied);
  EXPECT_FALSE(pair.server().valid_user());
  EXPECT_TRUE(contains(policy.log, "Failed none for invalid user mallory"));
  EXPECT_TRUE(contains(policy.log, "Failed password for invalid user mallory"));
}

TEST(UserauthEngine, BeforeMethodRefusalFailsAndCounts) {
  MemoryPolicy policy;
  policy.refused_methods = {"publickey"};
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  policy.users["alice"].authorized_keys.push_back(key.public_key());
  policy.users["alice"].password = "secret";
  ScriptedUi ui;
  ui.answers = {"secret"};
  UserauthClientConfig cfg = client_config();
  cfg.identities.push_back(file_identity(ui, "id", key));
  UserauthPair pair(policy, cfg, ui);
  pair.run();
  EXPECT_TRUE(pair.server().authenticated());
  EXPECT_EQ(pair.client().method_used(), "password");
  EXPECT_EQ(pair.server().failures(), 1u);
  EXPECT_EQ(policy.before_method_calls, (std::vector<std::string>{"none", "publickey", "password"}));
}

// ---- the server alone -------------------------------------------------------------

struct LoneServer {
  MemoryPolicy policy;
  std::vector<Bytes> sent;
  Bytes host_key = TransportPair::host_key(keys::KeyType::kEd25519)->public_key().blob();
  UserauthServer server{policy, [this](ByteView m) -> Result<void> { sent.push_back(to_bytes(m)); return {}; },
                        Bytes(32, 7), {host_key}};
  LoneServer() {
    policy.users["alice"].password = "secret";
    policy.users["bob"].password = "secret";
  }
  Result<void> service() { return server.handle(MsgServiceRequest{"ssh-userauth"}.encode()); }
  Result<void> request(const std::string& user, UserauthMethod method, const std::string& service = "ssh-connection") {
    MsgUserauthRequest req;
    req.user = user;
    req.service = service;
    req.method = std::move(method);
    return server.handle(req.encode());
  }
};

TEST(UserauthServerAlone, ServiceRequestForAnotherServiceIsRefused) {
  LoneServer s;
  auto r = s.server.handle(MsgServiceRequest{"ssh-connection"}.encode());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, DisconnectReason::kServiceNotAvailable);
  EXPECT_EQ(r.error().detail, "bad service request ssh-connection");
}

TEST(UserauthServerAlone, RequestBeforeServiceAcceptIsAnError) {
  LoneServer s;
  EXPECT_FALSE(s.request("alice", NoneMethod{}));
}

TEST(UserauthServerAlone, UserChangeIsRefused) {
  LoneServer s;
  ASSERT_TRUE(s.service());
  ASSERT_TRUE(s.request("alice", NoneMethod{}));
  auto r = s.request("bob", NoneMethod{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, DisconnectReason::kProtocolError);
  EXPECT_EQ(r.error().detail,
            "Change of username or service not allowed: (alice,ssh-connection) -> (bob,ssh-connection)");
  EXPECT_EQ(s.policy.lookups, 1);
}

TEST(UserauthServerAlone, NoneListsMethodsAndSecondNoneCounts) {
  LoneServer s;
  ASSERT_TRUE(s.service());
  ASSERT_TRUE(s.request("alice", NoneMethod{}));
  ASSERT_EQ(s.sent.size(), 2u);
  auto failure = MsgUserauthFailure::decode(wire::Reader(ByteView(s.sent[1]).subspan(1)));
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->methods, (std::vector<std::string>{"publickey", "password"}));
  EXPECT_FALSE(failure->partial_success);
  EXPECT_EQ(s.server.failures(), 0u);
  ASSERT_TRUE(s.request("alice", NoneMethod{}));
  EXPECT_EQ(s.server.failures(), 1u);
}

TEST(UserauthServerAlone, HostboundWithForeignHostKeyDisconnects) {
  LoneServer s;
  ASSERT_TRUE(s.service());
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  s.policy.users["alice"].authorized_keys.push_back(key.public_key());
  PublickeyMethod m{"ssh-ed25519", key.public_key().blob(), user_key(keys::KeyType::kEcdsaP256).public_key().blob(),
                    Bytes{0, 0, 0, 0}};
  auto r = s.request("alice", m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "publickey-hostbound-v00@openssh.com packet contained wrong host key");
}

TEST(UserauthServerAlone, KeyTypeMustMatchAlgorithm) {
  LoneServer s;
  ASSERT_TRUE(s.service());
  const keys::PrivateKey& key = user_key(keys::KeyType::kEd25519);
  s.policy.users["alice"].authorized_keys.push_back(key.public_key());
  ASSERT_TRUE(s.request("alice", PublickeyMethod{"rsa-sha2-256", key.public_key().blob(), std::nullopt, std::nullopt}));
  EXPECT_EQ(s.sent.back()[0], MsgUserauthFailure::kNumber);
  s.policy.settings.pubkey_accepted_algorithms = "ecdsa-*";
  LoneServer t;
  t.policy.settings.pubkey_accepted_algorithms = "ecdsa-*";
  t.policy.users["alice"].authorized_keys.push_back(key.public_key());
  ASSERT_TRUE(t.service());
  ASSERT_TRUE(t.request("alice", PublickeyMethod{"ssh-ed25519", key.public_key().blob(), std::nullopt, std::nullopt}));
  EXPECT_EQ(t.sent.back()[0], MsgUserauthFailure::kNumber);  // not in PubkeyAcceptedAlgorithms
  ASSERT_TRUE(s.request("alice", PublickeyMethod{"ssh-ed25519", key.public_key().blob(), std::nullopt, std::nullopt}));
  EXPECT_EQ(s.sent.back()[0], MsgUserauthPkOk::kNumber);  // s looked its settings up before the change
}

TEST(UserauthServerAlone, Hostbased) {
  for (bool good_signature : {true, false}) {
    LoneServer s;
    s.policy.settings.hostbased = true;
    const keys::PrivateKey& host = user_key(keys::KeyType::kEcdsaP256, 3);
    s.policy.hostbased_keys.push_back(host.public_key());
    ASSERT_TRUE(s.service());
    MsgUserauthRequest req;
    req.user = "alice";
    req.method = HostbasedMethod{"ecdsa-sha2-nistp256", host.public_key().blob(), "client.example.", "alice", {}};
    auto data = hostbased_signed_data(Bytes(32, 7), req);
    ASSERT_TRUE(data);
    if (!good_signature) (*data)[0] ^= 1;
    std::get<HostbasedMethod>(req.method).signature = *host.sign(*data, "ecdsa-sha2-nistp256");
    ASSERT_TRUE(s.server.handle(req.encode()));
    EXPECT_EQ(s.server.authenticated(), good_signature);
    EXPECT_EQ(s.sent.back()[0], good_signature ? MsgUserauthSuccess::kNumber : MsgUserauthFailure::kNumber);
    if (good_signature) {
      EXPECT_EQ(s.server.methods_accepted(), std::vector<std::string>{"hostbased"});
    }
  }
}

TEST(UserauthServerAlone, GarbageAndTruncatedMessagesAreErrors) {
  LoneServer s;
  EXPECT_FALSE(s.server.handle(ByteView()));
  EXPECT_FALSE(s.server.handle(Bytes{5, 0, 0}));          // truncated service name
  EXPECT_FALSE(s.server.handle(Bytes{99}));               // not a userauth message
  ASSERT_TRUE(s.service());
  EXPECT_TRUE(s.service());  // repeated before each method by paramiko; OpenSSH accepts it
  Bytes req = MsgUserauthRequest{"alice", "ssh-connection", PasswordMethod{false, SecretBytes::from_string("x"), {}}}.encode();
  for (std::size_t cut = 1; cut < req.size(); ++cut) {
    LoneServer t;
    ASSERT_TRUE(t.service());
    auto r = t.server.handle(ByteView(req).first(cut));
    ASSERT_FALSE(r) << cut;
    EXPECT_EQ(r.error().reason, DisconnectReason::kProtocolError);
  }
  Bytes trailing = req;
  trailing.push_back(0);
  EXPECT_FALSE(s.server.handle(trailing));
  EXPECT_FALSE(s.server.handle(MsgUserauthInfoResponse{}.encode()));  // no keyboard-interactive going on
}

TEST(UserauthClientAlone, GarbageIsAnError) {
  ScriptedUi ui;
  std::vector<Bytes> sent;
  UserauthClient c(client_config(), ui, [&](ByteView m) -> Result<void> { sent.push_back(to_bytes(m)); return {}; });
  EXPECT_FALSE(c.handle(Bytes{51, 0, 0, 0, 9, 'p'}));   // FAILURE before SERVICE_ACCEPT
  ASSERT_TRUE(c.start());
  EXPECT_FALSE(c.handle(Bytes{6, 0, 0, 0, 40}));         // truncated
  ASSERT_TRUE(c.handle(MsgServiceAccept{"ssh-userauth"}.encode()));
  EXPECT_FALSE(c.handle(Bytes{51, 0, 0, 0, 9, 'p'}));
  EXPECT_FALSE(c.handle(Bytes{60, 0, 0}));                // 60 while "none" is pending
  EXPECT_FALSE(c.handle(Bytes{80}));
}

TEST(UserauthClientAlone, NoneGoesOutWithTheServiceRequest) {
  ScriptedUi ui;
  std::vector<Bytes> sent;
  UserauthClient c(client_config(), ui, [&](ByteView m) -> Result<void> { sent.push_back(to_bytes(m)); return {}; });
  ASSERT_TRUE(c.start());
  ASSERT_EQ(sent.size(), 2u);
  auto service = MsgServiceRequest::decode(wire::Reader(ByteView(sent[0]).subspan(1)));
  ASSERT_TRUE(service);
  EXPECT_EQ(service->service, "ssh-userauth");
  auto none = MsgUserauthRequest::decode(wire::Reader(ByteView(sent[1]).subspan(1)));
  ASSERT_TRUE(none);
  EXPECT_TRUE(std::holds_alternative<NoneMethod>(none->method));
  // The accept sends nothing more; the FAILURE to "none" starts the methods.
  ASSERT_TRUE(c.handle(MsgServiceAccept{"ssh-userauth"}.encode()));
  EXPECT_EQ(sent.size(), 2u);
  MsgUserauthFailure failure;
  failure.methods = {"password"};
  ASSERT_TRUE(c.handle(failure.encode()));
  EXPECT_EQ(sent.size(), 3u);
}

}  // namespace

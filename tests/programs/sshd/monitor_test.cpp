// The monitor and the pre-auth child's proxies over a real socketpair: the
// monitor serves in a thread with an in-memory AuthPolicy and a real ed25519
// host key; the test plays the pre-auth child.
#include "monitor.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "monitor_blob_checks.hpp"
#include "monitor_proxies.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/auth/userauth_messages.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/transport/transport_state.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using namespace sshd;

namespace {

class MemoryPolicy final : public auth::AuthPolicy {
 public:
  std::optional<keys::PublicKey> user_key;
  std::vector<std::string> attempts;

  std::vector<std::string> authentication_methods;  // AuthenticationMethods; empty: any
  auth::UserAuthSettings lookup_user(std::string_view user, std::string_view) override {
    auth::UserAuthSettings s;
    s.valid = user == "alice";
    s.banner = "hello";
    s.authentication_methods = authentication_methods;
    return s;
  }
  bool before_method(std::string_view, std::string_view method) override { return method != "hostbased"; }
  auth::KeyAuthorization publickey_allowed(std::string_view, const keys::PublicKey& key) override {
    auth::KeyAuthorization a;
    a.allowed = user_key && key == *user_key;
    if (a.allowed) a.options_text = "no-pty";
    return a;
  }
  bool publickey_verify(std::string_view, const keys::PublicKey& key, std::string_view, ByteView data,
                        ByteView signature) override {
    return static_cast<bool>(key.verify(data, signature));
  }
  auth::PasswordOutcome password(std::string_view, const SecretBytes& password) override {
    return password.chars() == "secret" ? auth::PasswordOutcome::kAccepted : auth::PasswordOutcome::kRejected;
  }
  auth::KbdintStep kbdint_start(std::string_view, std::string_view) override {
    auth::KbdintStep s;
    s.kind = auth::KbdintStep::Kind::kPrompts;
    s.request.prompts.push_back({"Password: ", false});
    s.submethod = "pam";
    return s;
  }
  auth::KbdintStep kbdint_respond(std::string_view, const std::vector<SecretBytes>& r) override {
    auth::KbdintStep s;
    s.kind = r.size() == 1 && r[0].chars() == "secret" ? auth::KbdintStep::Kind::kSuccess
                                                       : auth::KbdintStep::Kind::kFailure;
    s.submethod = "pam";
    return s;
  }
  bool allow_hostbased = false;
  bool hostbased_allowed(std::string_view, std::string_view, std::string_view, const keys::PublicKey&) override {
    return allow_hostbased;
  }
  bool hostbased_verify(std::string_view, const keys::PublicKey& key, std::string_view, ByteView data,
                        ByteView signature) override {
    return allow_hostbased && static_cast<bool>(key.verify(data, signature));
  }
  void record_attempt(const AttemptRecord& r) override { attempts.push_back(std::string(r.method)); }
};

std::shared_ptr<keys::Signer> host_key() {
  static auto key = std::make_shared<keys::PrivateKeySigner>(*keys::PrivateKey::generate(keys::KeyType::kEd25519));
  return key;
}

// A monitor serving pre-auth in a thread; the test holds the child's end.
struct Harness {
  MemoryPolicy policy;
  std::optional<MonitorChannel> monitor_end, child_end;
  std::unique_ptr<Monitor> monitor;
  std::optional<Result<PreauthOutcome>> outcome;
  std::thread thread;

  Harness() {
    auto pair = MonitorChannel::make_pair();
    EXPECT_TRUE(pair);
    monitor_end.emplace(std::move(pair->first));
    child_end.emplace(std::move(pair->second));
    monitor = std::make_unique<Monitor>(*monitor_end, policy, std::vector{host_key()});
    thread = std::thread([this] { outcome = monitor->serve_preauth(); });
  }
  ~Harness() { finish(); }
  // Closes the child's end and waits for the monitor.
  void finish() {
    if (!thread.joinable()) return;
    child_end->close();
    thread.join();
  }
};

Bytes hash32(std::uint8_t fill) { return Bytes(32, fill); }

Bytes hostkeys_prove(ByteView session_id, ByteView key_blob) {
  wire::Writer w;
  w.string(std::string_view("hostkeys-prove-00@openssh.com"));
  w.string(session_id);
  w.string(key_blob);
  return *std::move(w).finish();
}

// The head of an exported transport state (transport_state.cpp): all the
// monitor reads of it is the session id.
SecretBytes fake_state(ByteView session_id) {
  wire::Writer w;
  w.string(std::string_view("sshpp-transport-state-v1"));
  w.u8(1);
  w.string(session_id);
  return SecretBytes(*std::move(w).finish());
}

// A publickey request from alice as a client signs it (has_signature TRUE).
auth::MsgUserauthRequest publickey_request(const keys::PublicKey& key, std::optional<Bytes> host_key = {}) {
  auth::MsgUserauthRequest req;
  req.user = "alice";
  auth::PublickeyMethod m;
  m.algorithm = "ssh-ed25519";
  m.key_blob = key.blob();
  m.host_key = std::move(host_key);
  m.signature = Bytes{};
  req.method = std::move(m);
  return req;
}

auth::PublickeyMethod& publickey_of(auth::MsgUserauthRequest& req) { return std::get<auth::PublickeyMethod>(req.method); }

}  // namespace

TEST(Monitor, SignsTheSessionHashThenOnlyHostKeyProofs) {
  Harness h;
  MonitorSigner signer(*h.child_end, host_key()->public_key());
  Bytes session_id = hash32(7);
  auto sig = signer.sign(session_id, "ssh-ed25519");
  ASSERT_TRUE(sig) << sig.error().message();
  EXPECT_TRUE(host_key()->public_key().verify(session_id, *sig));

  Bytes proof = hostkeys_prove(session_id, host_key()->public_key().blob());
  auto proof_sig = signer.sign(proof, "ssh-ed25519");
  ASSERT_TRUE(proof_sig) << proof_sig.error().message();
  EXPECT_TRUE(host_key()->public_key().verify(proof, *proof_sig));

  // A proof for another session, then an arbitrary blob: refused, and the
  // conversation is over.
  EXPECT_FALSE(signer.sign(hostkeys_prove(hash32(8), host_key()->public_key().blob()), "ssh-ed25519"));
  h.finish();
  ASSERT_TRUE(h.outcome.has_value());
  EXPECT_FALSE(*h.outcome);
  EXPECT_EQ(h.monitor->session_id(), session_id);
}

TEST(Monitor, RefusesAnArbitraryFirstOrSecondBlob) {
  {
    Harness h;
    MonitorSigner signer(*h.child_end, host_key()->public_key());
    EXPECT_FALSE(signer.sign(Bytes(100, 1), "ssh-ed25519"));  // first must be an exchange hash
  }
  {
    Harness h;
    MonitorSigner signer(*h.child_end, host_key()->public_key());
    ASSERT_TRUE(signer.sign(hash32(1), "ssh-ed25519"));
    EXPECT_FALSE(signer.sign(Bytes(100, 1), "ssh-ed25519"));
  }
  {
    Harness h;  // a key that is not a host key
    auto other = keys::PrivateKey::generate(keys::KeyType::kEd25519);
    MonitorSigner signer(*h.child_end, other->public_key());
    EXPECT_FALSE(signer.sign(hash32(1), "ssh-ed25519"));
  }
}

TEST(Monitor, RequestNotPermittedInThePhaseEndsTheConversation) {
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  auto pty = h.child_end->call<PtyAllocateReply>(PtyAllocateRequest{});
  EXPECT_FALSE(pty);
  h.finish();
  ASSERT_TRUE(h.outcome.has_value());
  ASSERT_FALSE(*h.outcome);
  EXPECT_NE(h.outcome->error().detail.find("unpermitted"), std::string::npos);
}

TEST(Monitor, KbdintRespondOnlyInsideAnExchange) {
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  EXPECT_TRUE(policy.lookup_user("alice", "ssh-connection").valid);
  EXPECT_EQ(policy.kbdint_respond("alice", {}).kind, auth::KbdintStep::Kind::kFailure);
  EXPECT_TRUE(policy.broken());
  // Once broken, nothing more is asked.
  EXPECT_FALSE(policy.lookup_user("alice", "ssh-connection").valid);
}

TEST(Monitor, PasswordFlowAndTransportStateHandoff) {
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  MonitorSigner signer(*h.child_end, host_key()->public_key());
  ASSERT_TRUE(signer.sign(hash32(3), "ssh-ed25519"));
  auto settings = policy.lookup_user("alice", "ssh-connection");
  EXPECT_TRUE(settings.valid);
  EXPECT_EQ(settings.banner, "hello");
  EXPECT_TRUE(policy.before_method("alice", "password"));
  EXPECT_FALSE(policy.before_method("alice", "hostbased"));
  EXPECT_EQ(policy.password("alice", SecretBytes::from_string("wrong")), auth::PasswordOutcome::kRejected);
  EXPECT_EQ(policy.password("alice", SecretBytes::from_string("secret")), auth::PasswordOutcome::kAccepted);
  policy.record_attempt({"alice", "password", "", true, true, false, nullptr});
  ASSERT_TRUE(policy.send_transport_state(fake_state(hash32(3)), "alice", {}));
  h.thread.join();
  ASSERT_TRUE(h.outcome.has_value());
  ASSERT_TRUE(*h.outcome) << h.outcome->error().message();
  EXPECT_EQ((*h.outcome)->user, "alice");
  EXPECT_EQ(to_bytes((*h.outcome)->transport_state.view()), to_bytes(fake_state(hash32(3)).view()));
  EXPECT_EQ((*h.outcome)->session_id, hash32(3));
  EXPECT_EQ(h.policy.attempts, std::vector<std::string>{"password"});
}

TEST(Monitor, KeyboardInteractiveSucceeds) {
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  MonitorSigner signer(*h.child_end, host_key()->public_key());
  ASSERT_TRUE(signer.sign(hash32(4), "ssh-ed25519"));
  policy.lookup_user("alice", "ssh-connection");
  auto first = policy.kbdint_start("alice", "");
  ASSERT_EQ(first.kind, auth::KbdintStep::Kind::kPrompts);
  ASSERT_EQ(first.request.prompts.size(), 1u);
  EXPECT_EQ(first.request.prompts[0].text, "Password: ");
  std::vector<SecretBytes> answers;
  answers.push_back(SecretBytes::from_string("secret"));
  EXPECT_EQ(policy.kbdint_respond("alice", answers).kind, auth::KbdintStep::Kind::kSuccess);
  ASSERT_TRUE(policy.send_transport_state(fake_state(hash32(4)), "alice", {}));
  h.thread.join();
  ASSERT_TRUE(*h.outcome);
}

// The device crosses the channel: the pre-auth engine logs "keyboard-interactive/pam"
// and the monitor counts the success against "keyboard-interactive:pam".
TEST(Monitor, KeyboardInteractiveCarriesItsDevice) {
  Harness h;
  h.policy.authentication_methods = {"keyboard-interactive:pam"};
  MonitorAuthPolicy policy(*h.child_end);
  MonitorSigner signer(*h.child_end, host_key()->public_key());
  ASSERT_TRUE(signer.sign(hash32(5), "ssh-ed25519"));
  policy.lookup_user("alice", "ssh-connection");
  auto first = policy.kbdint_start("alice", "pam");
  ASSERT_EQ(first.kind, auth::KbdintStep::Kind::kPrompts);
  EXPECT_EQ(first.submethod, "pam");
  std::vector<SecretBytes> answers;
  answers.push_back(SecretBytes::from_string("secret"));
  auto last = policy.kbdint_respond("alice", answers);
  EXPECT_EQ(last.kind, auth::KbdintStep::Kind::kSuccess);
  EXPECT_EQ(last.submethod, "pam");
  ASSERT_TRUE(policy.send_transport_state(fake_state(hash32(5)), "alice", {}));
  h.thread.join();
  ASSERT_TRUE(*h.outcome) << h.outcome->error().message();
}

TEST(Monitor, KbdintReplyEncodesTheDevice) {
  auth::KbdintStep step;
  step.kind = auth::KbdintStep::Kind::kSuccess;
  step.submethod = "pam";
  wire::Writer w;
  KbdintReply{step}.encode(w);
  auto bytes = std::move(w).finish();
  ASSERT_TRUE(bytes);
  // u8 kind (kSuccess = 1) || string submethod
  EXPECT_EQ(*bytes, (Bytes{1, 0, 0, 0, 3, 'p', 'a', 'm'}));
  auto back = KbdintReply::decode(wire::Reader(*bytes));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->step.kind, auth::KbdintStep::Kind::kSuccess);
  EXPECT_EQ(back->step.submethod, "pam");
  // The old shape, without the device, is refused.
  EXPECT_FALSE(KbdintReply::decode(wire::Reader(Bytes{1})));
}

// A child that ends between requests is an orderly end, told apart from a
// frame cut short.
TEST(Monitor, ChildClosingBetweenFramesIsAnOrderlyEnd) {
  Harness h;
  h.finish();
  ASSERT_TRUE(h.outcome.has_value());
  EXPECT_FALSE(*h.outcome);
  EXPECT_TRUE(h.monitor_end->peer_closed());
  Harness cut;
  std::uint8_t header[7] = {0, 0, 0, 10, 1, 0, 0};
  ASSERT_EQ(write(cut.child_end->fd(), header, sizeof header), 7);
  cut.finish();
  EXPECT_FALSE(*cut.outcome);
  EXPECT_FALSE(cut.monitor_end->peer_closed());
}

TEST(Monitor, RefusesATransportStateClaimingSuccessItDidNotSee) {
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  policy.lookup_user("alice", "ssh-connection");
  EXPECT_EQ(policy.password("alice", SecretBytes::from_string("wrong")), auth::PasswordOutcome::kRejected);
  policy.record_attempt({"alice", "password", "", true, /*success=*/true, false, nullptr});  // a lie
  EXPECT_FALSE(policy.send_transport_state(fake_state(hash32(1)), "alice", {}));
  h.finish();
  ASSERT_FALSE(*h.outcome);
}

TEST(Monitor, RefusesTheTransportStateOfAnotherSession) {
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  MonitorSigner signer(*h.child_end, host_key()->public_key());
  ASSERT_TRUE(signer.sign(hash32(5), "ssh-ed25519"));
  policy.lookup_user("alice", "ssh-connection");
  ASSERT_EQ(policy.password("alice", SecretBytes::from_string("secret")), auth::PasswordOutcome::kAccepted);
  EXPECT_FALSE(policy.send_transport_state(fake_state(hash32(6)), "alice", {}));
  h.finish();
  ASSERT_FALSE(*h.outcome);
}

TEST(Monitor, PublickeyNeedsAllowedKeyAndSessionBoundSignature) {
  auto user_key = keys::PrivateKey::generate(keys::KeyType::kEd25519);
  ASSERT_TRUE(user_key);
  Harness h;
  h.policy.user_key = user_key->public_key();
  MonitorAuthPolicy policy(*h.child_end);
  MonitorSigner signer(*h.child_end, host_key()->public_key());
  Bytes session_id = hash32(9);
  ASSERT_TRUE(signer.sign(session_id, "ssh-ed25519"));
  policy.lookup_user("alice", "ssh-connection");
  auto allowed = policy.publickey_allowed("alice", user_key->public_key());
  ASSERT_TRUE(allowed.allowed);
  Bytes data = *auth::publickey_signed_data(session_id, publickey_request(user_key->public_key()));
  auto sig = user_key->sign(data, "ssh-ed25519");
  ASSERT_TRUE(sig);
  EXPECT_TRUE(policy.publickey_verify("alice", user_key->public_key(), "ssh-ed25519", data, *sig));
  ASSERT_TRUE(policy.send_transport_state(fake_state(session_id), "alice", allowed));
  h.thread.join();
  ASSERT_TRUE(*h.outcome);
  EXPECT_TRUE((*h.outcome)->key_authorization.allowed);
  EXPECT_EQ((*h.outcome)->key_authorization.options_text, "no-pty");
}

TEST(Monitor, PublickeyVerifyForAKeyNotAllowedIsFatal) {
  auto user_key = keys::PrivateKey::generate(keys::KeyType::kEd25519);
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  policy.lookup_user("alice", "ssh-connection");
  EXPECT_FALSE(policy.publickey_allowed("alice", user_key->public_key()).allowed);
  EXPECT_FALSE(policy.publickey_verify("alice", user_key->public_key(), "ssh-ed25519", Bytes(10), Bytes(10)));
  EXPECT_TRUE(policy.broken());
}

TEST(Monitor, ChangeOfUserIsFatal) {
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  policy.lookup_user("alice", "ssh-connection");
  policy.lookup_user("root", "ssh-connection");
  EXPECT_TRUE(policy.broken());
}

TEST(Monitor, GarbageFramesAreErrors) {
  const std::vector<std::pair<std::uint8_t, Bytes>> frames = {
      {static_cast<std::uint8_t>(MonitorRequest::kSign), Bytes{1, 2, 3}},
      {static_cast<std::uint8_t>(MonitorRequest::kLookupUser), Bytes(40, 0xff)},
      {99, Bytes{}},
      {0, Bytes{}},
      {reply_type(MonitorRequest::kSign), Bytes{0, 0, 0, 0}},
  };
  for (const auto& [type, body] : frames) {
    Harness h;
    ASSERT_TRUE(h.child_end->send_frame(type, body));
    h.thread.join();
    ASSERT_TRUE(h.outcome.has_value());
    EXPECT_FALSE(*h.outcome) << int(type);
  }
  {
    Harness h;  // a length over the limit, and a zero length
    std::uint8_t header[5] = {0x7f, 0xff, 0xff, 0xff, 1};
    ASSERT_EQ(write(h.child_end->fd(), header, sizeof header), 5);
    h.thread.join();
    EXPECT_FALSE(*h.outcome);
  }
  {
    Harness h;
    std::uint8_t header[5] = {0, 0, 0, 0, 1};
    ASSERT_EQ(write(h.child_end->fd(), header, sizeof header), 5);
    h.thread.join();
    EXPECT_FALSE(*h.outcome);
  }
  {
    Harness h;  // a frame cut short by the peer's exit
    std::uint8_t header[7] = {0, 0, 0, 10, 1, 0, 0};
    ASSERT_EQ(write(h.child_end->fd(), header, sizeof header), 7);
    h.finish();
    EXPECT_FALSE(*h.outcome);
  }
  for (const auto& [type, body] : frames) {  // the reply decoders, on garbage
    (void)type;
    EXPECT_FALSE(SignReply::decode(wire::Reader(body)) && body.size() != 4);
    EXPECT_FALSE(LookupUserReply::decode(wire::Reader(body)));
    EXPECT_FALSE(KbdintReply::decode(wire::Reader(Bytes{0, 1, 2})));
    EXPECT_FALSE(TransportStateRequest::decode(wire::Reader(body)));
  }
}

TEST(Monitor, PostauthPassesPtyDescriptors) {
  auto pair = MonitorChannel::make_pair();
  ASSERT_TRUE(pair);
  MemoryPolicy policy;
  Monitor monitor(pair->first, policy, {host_key()});
  monitor.enter_postauth([]() -> Result<PtyAllocation> {
    int p[2];
    if (pipe(p) != 0) return fail(Errc::kSystem, "pipe");
    return PtyAllocation{io::Fd(p[0]), io::Fd(p[1]), "/dev/pts/fake"};
  });
  Result<void> served = {};
  std::thread t([&] { served = monitor.serve_one(); });
  std::vector<io::Fd> fds;
  auto reply = pair->second.call<PtyAllocateReply>(PtyAllocateRequest{}, &fds);
  t.join();
  ASSERT_TRUE(served) << served.error().message();
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_EQ(reply->tty_name, "/dev/pts/fake");
  ASSERT_EQ(fds.size(), 2u);
  ASSERT_EQ(write(fds[1].get(), "ping", 4), 4);
  char buf[4] = {};
  ASSERT_EQ(read(fds[0].get(), buf, 4), 4);
  EXPECT_EQ(std::string(buf, 4), "ping");

  // A real pty through the default allocator; and pre-auth requests are refused now.
  monitor.enter_postauth();
  std::thread t2([&] { served = monitor.serve_one(); });
  fds.clear();
  reply = pair->second.call<PtyAllocateReply>(PtyAllocateRequest{}, &fds);
  t2.join();
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_EQ(reply->tty_name.rfind("/dev/pts/", 0), 0u);
  ASSERT_EQ(fds.size(), 2u);
  EXPECT_TRUE(isatty(fds[0].get()));
  EXPECT_TRUE(isatty(fds[1].get()));

  std::thread t3([&] { served = monitor.serve_one(); });
  MonitorAuthPolicy proxy(pair->second);
  proxy.lookup_user("alice", "ssh-connection");
  t3.join();
  EXPECT_FALSE(served);
  EXPECT_TRUE(proxy.broken());
}

// The whole handoff in one process: a server transport whose host key lives in
// the monitor completes a real key exchange with a client, the child's password
// goes through the monitor, the exported transport goes to the monitor, and a
// session imported from the monitor's outcome continues with the same client.
TEST(Monitor, PreauthToUserChildHandoffEndToEnd) {
  using transport::TransportSession;
  Harness h;
  MonitorAuthPolicy policy(*h.child_end);
  auto signer = std::make_shared<MonitorSigner>(*h.child_end, host_key()->public_key());
  transport::TransportConfig client_config, server_config;
  client_config.role = transport::Role::kClient;
  server_config.role = transport::Role::kServer;
  client_config.ciphers = server_config.ciphers = "aes256-gcm@openssh.com";
  TransportSession client(client_config, {}, {});
  auto server = std::make_unique<TransportSession>(server_config, std::vector<std::shared_ptr<keys::Signer>>{signer},
                                                   transport::HostKeyVerifier{});
  client.start();
  server->start();
  std::vector<Bytes> at_client, at_server;
  auto pump = [&](TransportSession& s) {
    for (int round = 0; round < 100; ++round) {
      bool moved = false;
      for (auto [from, to] : {std::pair{&client, &s}, std::pair{&s, &client}}) {
        if (auto out = from->pending_output(); !out.empty()) {
          to->receive(out);
          from->consume_output(out.size());
          moved = true;
        }
      }
      for (auto [sess, got] : {std::pair{&client, &at_client}, std::pair{&s, &at_server}}) {
        while (true) {
          auto ev = sess->next_event();
          ASSERT_TRUE(ev) << ev.error().message();
          if (!ev->has_value()) break;
          if ((*ev)->kind == transport::TransportEventKind::kMessage) got->push_back(to_bytes((*ev)->message));
        }
      }
      if (!moved) return;
    }
  };
  pump(*server);
  ASSERT_FALSE(client.session_id().empty());
  ASSERT_EQ(h.monitor->session_id(), client.session_id());  // the first signature was the exchange hash

  ASSERT_TRUE(policy.lookup_user("alice", "ssh-connection").valid);
  ASSERT_EQ(policy.password("alice", SecretBytes::from_string("secret")), auth::PasswordOutcome::kAccepted);
  auto state = transport::export_transport_state(*server);
  ASSERT_TRUE(state) << state.error().message();
  ASSERT_TRUE(policy.send_transport_state(std::move(*state), "alice", {}));
  h.thread.join();
  ASSERT_TRUE(*h.outcome) << h.outcome->error().message();
  server.reset();  // the pre-auth child is gone

  auto user_child = transport::import_transport_state((*h.outcome)->transport_state.view(), {host_key()},
                                                      server_config);
  ASSERT_TRUE(user_child) << user_child.error().message();
  Bytes hello(100, 0x42);
  hello[0] = 94;
  ASSERT_TRUE((*user_child)->send(hello));
  ASSERT_TRUE(client.send(hello));
  pump(**user_child);
  ASSERT_EQ(at_client.size(), 1u);
  EXPECT_EQ(at_client[0], hello);
  ASSERT_EQ(at_server.size(), 1u);
  EXPECT_EQ(at_server[0], hello);
}

// ---- the signed blob of a publickey or hostbased verify (monitor_blob_checks) ----

namespace {

// The monitor after the key exchange, a LookupUser of alice and an allowed key:
// the point where a child asks it to verify a signature.
struct PublickeyScenario {
  std::optional<keys::PrivateKey> user_key{*keys::PrivateKey::generate(keys::KeyType::kEd25519)};
  Harness h;
  MonitorAuthPolicy policy{*h.child_end};
  Bytes session_id = hash32(9);
  auth::KeyAuthorization allowed;

  PublickeyScenario() {
    h.policy.user_key = user_key->public_key();
    MonitorSigner signer(*h.child_end, host_key()->public_key());
    EXPECT_TRUE(signer.sign(session_id, "ssh-ed25519"));
    policy.lookup_user("alice", "ssh-connection");
    allowed = policy.publickey_allowed("alice", user_key->public_key());
    EXPECT_TRUE(allowed.allowed);
  }
  // The child asks for alice's allowed key with algorithm ssh-ed25519 over `data`,
  // signed for real so that only the blob checks can say no.
  bool verify(ByteView data) {
    auto sig = user_key->sign(data, "ssh-ed25519");
    EXPECT_TRUE(sig);
    return policy.publickey_verify("alice", user_key->public_key(), "ssh-ed25519", data, *sig);
  }
  Bytes blob(const auth::MsgUserauthRequest& req) { return *auth::publickey_signed_data(session_id, req); }
  // Refused: the answer was no and the monitor ended pre-auth by itself.
  void expect_refused(ByteView data) {
    EXPECT_FALSE(verify(data));
    h.finish();
    ASSERT_TRUE(h.outcome.has_value());
    EXPECT_FALSE(*h.outcome);
  }
  void expect_accepted(ByteView data) {
    EXPECT_TRUE(verify(data));
    ASSERT_TRUE(policy.send_transport_state(fake_state(session_id), "alice", allowed));
    h.finish();
    ASSERT_TRUE(*h.outcome);
    EXPECT_TRUE((*h.outcome)->key_authorization.allowed);
  }
};

}  // namespace

TEST(MonitorBlob, PublickeyBlobOfThisRequestIsAccepted) {
  PublickeyScenario s;
  s.expect_accepted(s.blob(publickey_request(s.user_key->public_key())));
}

TEST(MonitorBlob, HostboundBlobNamingOurHostKeyIsAccepted) {
  PublickeyScenario s;
  s.expect_accepted(s.blob(publickey_request(s.user_key->public_key(), host_key()->public_key().blob())));
}

TEST(MonitorBlob, BlobForAnotherUserIsRefused) {
  for (const char* user : {"bob", "alice:bsdauth", "", "alicE"}) {
    PublickeyScenario s;
    auto req = publickey_request(s.user_key->public_key());
    req.user = user;
    s.expect_refused(s.blob(req));
  }
}

TEST(MonitorBlob, BlobForAnotherServiceIsRefused) {
  PublickeyScenario s;
  auto req = publickey_request(s.user_key->public_key());
  req.service = "ssh-userauth";
  s.expect_refused(s.blob(req));
}

TEST(MonitorBlob, BlobForAnotherKeyIsRefused) {
  PublickeyScenario s;
  auto other = keys::PrivateKey::generate(keys::KeyType::kEd25519);
  ASSERT_TRUE(other);
  s.expect_refused(s.blob(publickey_request(other->public_key())));
}

TEST(MonitorBlob, BlobForAnotherAlgorithmIsRefused) {
  PublickeyScenario s;
  auto req = publickey_request(s.user_key->public_key());
  publickey_of(req).algorithm = "rsa-sha2-512";
  s.expect_refused(s.blob(req));
}

TEST(MonitorBlob, BlobOfAnotherSessionIsRefused) {
  PublickeyScenario s;
  s.expect_refused(*auth::publickey_signed_data(hash32(8), publickey_request(s.user_key->public_key())));
}

TEST(MonitorBlob, BlobWithTrailingBytesIsRefused) {
  PublickeyScenario s;
  Bytes data = s.blob(publickey_request(s.user_key->public_key()));
  data.push_back(0);
  s.expect_refused(data);
}

TEST(MonitorBlob, TruncatedOrGarbageBlobIsRefused) {
  {
    PublickeyScenario s;
    Bytes data = s.blob(publickey_request(s.user_key->public_key()));
    data.resize(data.size() - 3);
    s.expect_refused(data);
  }
  {
    PublickeyScenario s;
    s.expect_refused(Bytes(64, 0xff));
  }
}

TEST(MonitorBlob, BlobOfAnotherMethodOrWithoutSignatureFlagIsRefused) {
  {
    PublickeyScenario s;
    auth::MsgUserauthRequest req = publickey_request(s.user_key->public_key());
    Bytes data = s.blob(req);
    // The TRUE flag sits just after the method name: clear it.
    std::size_t flag_at = 4 + s.session_id.size() + 1 + 4 + 5 + 4 + 14 + 4 + 9;
    ASSERT_EQ(data.at(flag_at), 1);
    data[flag_at] = 0;
    s.expect_refused(data);
  }
  {
    PublickeyScenario s;
    auth::MsgUserauthRequest req;
    req.user = "alice";
    req.method = auth::HostbasedMethod{"ssh-ed25519", s.user_key->public_key().blob(), "h", "alice", {}};
    s.expect_refused(*auth::hostbased_signed_data(s.session_id, req));
  }
}

TEST(MonitorBlob, HostboundBlobWithAForeignHostKeyIsRefused) {
  PublickeyScenario s;
  auto foreign = keys::PrivateKey::generate(keys::KeyType::kEd25519);
  ASSERT_TRUE(foreign);
  s.expect_refused(s.blob(publickey_request(s.user_key->public_key(), foreign->public_key().blob())));
}

TEST(MonitorBlob, RefusalIsLoggedLikeOpenSsh) {
  sshpp::test::TempDir dir;
  sshcore::log::Options o;
  o.sink = sshcore::log::Sink::kFile;
  o.file = dir / "log";
  sshcore::log::init(o);
  {
    PublickeyScenario s;
    auto req = publickey_request(s.user_key->public_key());
    req.user = std::string("bob\n", 4);
    s.expect_refused(s.blob(req));
  }
  {
    PublickeyScenario s;
    auto foreign = keys::PrivateKey::generate(keys::KeyType::kEd25519);
    s.expect_refused(s.blob(publickey_request(s.user_key->public_key(), foreign->public_key().blob())));
  }
  sshcore::log::init(sshcore::log::Options{});
  std::ifstream in(dir / "log");
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("wrong user name passed to monitor: expected alice != bob\\012\n"), std::string::npos) << log;
  EXPECT_NE(log.find("mm_answer_keyverify: bad userkey signature data blob\n"), std::string::npos) << log;
  EXPECT_NE(log.find("monitor_valid_userblob: hostbound hostkey does not match\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("monitor: bad"), std::string::npos) << "one report per refusal\n" << log;
}

namespace {

// HostbasedAllowed said yes for alice from carol@client.example with `client_key`.
struct HostbasedScenario {
  std::optional<keys::PrivateKey> client_key{*keys::PrivateKey::generate(keys::KeyType::kEd25519)};
  Harness h;
  MonitorAuthPolicy policy{*h.child_end};
  Bytes session_id = hash32(5);

  HostbasedScenario() {
    h.policy.allow_hostbased = true;
    MonitorSigner signer(*h.child_end, host_key()->public_key());
    EXPECT_TRUE(signer.sign(session_id, "ssh-ed25519"));
    policy.lookup_user("alice", "ssh-connection");
    EXPECT_TRUE(policy.hostbased_allowed("alice", "client.example", "carol", client_key->public_key()));
  }
  Bytes blob(std::string client_host, std::string client_user) {
    auth::MsgUserauthRequest req;
    req.user = "alice";
    req.method = auth::HostbasedMethod{"ssh-ed25519", client_key->public_key().blob(), std::move(client_host),
                                       std::move(client_user), {}};
    return *auth::hostbased_signed_data(session_id, req);
  }
  bool verify(ByteView data) {
    auto sig = client_key->sign(data, "ssh-ed25519");
    EXPECT_TRUE(sig);
    return policy.hostbased_verify("alice", client_key->public_key(), "ssh-ed25519", data, *sig);
  }
};

}  // namespace

TEST(MonitorBlob, HostbasedBlobOfTheAllowedClientIsAccepted) {
  HostbasedScenario s;
  EXPECT_TRUE(s.verify(s.blob("client.example.", "carol")));  // a trailing dot is dropped, as in OpenSSH
  ASSERT_TRUE(s.policy.send_transport_state(fake_state(s.session_id), "alice", {}));
  s.h.finish();
  EXPECT_TRUE(*s.h.outcome);
}

TEST(MonitorBlob, HostbasedBlobForAnotherClientIsRefused) {
  const std::pair<const char*, const char*> clients[] = {
      {"evil.example", "carol"}, {"client.example", "root"}, {"client.example..", "carol"}};
  for (const auto& [host, user] : clients) {
    HostbasedScenario s;
    EXPECT_FALSE(s.verify(s.blob(host, user))) << host << " " << user;
    s.h.finish();
    EXPECT_FALSE(*s.h.outcome);
  }
}

TEST(MonitorBlob, CheckersReadEveryField) {
  // The pure checks, without a monitor: each field of an otherwise good blob.
  auto user_key = keys::PrivateKey::generate(keys::KeyType::kEd25519);
  Bytes sid = hash32(3);
  Bytes ours = host_key()->public_key().blob();
  ByteView hosts[] = {ours};
  Bytes key_blob = user_key->public_key().blob();
  PublickeyBlobExpectation expect{sid, "alice", "ssh-ed25519", key_blob, hosts};
  auto req = publickey_request(user_key->public_key(), ours);
  EXPECT_FALSE(check_publickey_blob(*auth::publickey_signed_data(sid, req), expect));
  PublickeyBlobExpectation no_session{{}, "alice", "ssh-ed25519", key_blob, hosts};
  auto m = check_publickey_blob(*auth::publickey_signed_data(Bytes{}, req), no_session);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->field, BlobField::kSessionId);
  req.user = "bob";
  m = check_publickey_blob(*auth::publickey_signed_data(sid, req), expect);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->field, BlobField::kUser);
  EXPECT_EQ(m->found, "bob");
  EXPECT_EQ(blob_field_name(BlobField::kHostKey), "host key");
  for (std::size_t n = 0; n < 200; ++n) {  // every prefix and garbage: refused, never read past the end
    Bytes good = *auth::publickey_signed_data(sid, publickey_request(user_key->public_key(), ours));
    if (n < good.size()) {
      good.resize(n);
      EXPECT_TRUE(check_publickey_blob(good, expect)) << n;
    }
    HostbasedBlobExpectation hb{sid, "alice", "ssh-ed25519", key_blob, "h", "u"};
    EXPECT_TRUE(check_hostbased_blob(Bytes(n, static_cast<std::uint8_t>(n)), hb));
  }
}

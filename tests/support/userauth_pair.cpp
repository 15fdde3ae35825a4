#include "support/userauth_pair.hpp"

#include <fmt/format.h>

#include "sshcore/keys/signer.hpp"

namespace sshpp::test {

using namespace sshcore;
using namespace sshcore::auth;

MemoryUser* MemoryPolicy::find(std::string_view user) {
  auto it = users.find(std::string(user));
  return it == users.end() ? nullptr : &it->second;
}

UserAuthSettings MemoryPolicy::lookup_user(std::string_view user, std::string_view) {
  ++lookups;
  UserAuthSettings s = settings;
  s.valid = find(user) != nullptr;
  return s;
}

bool MemoryPolicy::before_method(std::string_view, std::string_view method) {
  before_method_calls.emplace_back(method);
  for (const std::string& m : refused_methods)
    if (m == method) return false;
  return true;
}

KeyAuthorization MemoryPolicy::publickey_allowed(std::string_view user, const keys::PublicKey& key) {
  KeyAuthorization a;
  if (MemoryUser* u = find(user)) {
    for (std::size_t i = 0; i < u->authorized_keys.size(); ++i)
      if (u->authorized_keys[i] == key) {
        a.allowed = true;
        a.source = fmt::format("memory:{}", i + 1);
      }
  }
  return a;
}

bool MemoryPolicy::publickey_verify(std::string_view user, const keys::PublicKey& key, std::string_view algorithm,
                                    ByteView signed_data, ByteView signature) {
  verified_algorithms.emplace_back(algorithm);
  return publickey_allowed(user, key).allowed && key.verify(signed_data, signature).has_value();
}

PasswordOutcome MemoryPolicy::password(std::string_view user, const SecretBytes& password) {
  MemoryUser* u = find(user);
  if (u == nullptr || u->password.empty()) return PasswordOutcome::kRejected;
  if (!constant_time_equal(password.view(), as_bytes(u->password))) return PasswordOutcome::kRejected;
  return u->new_password_required_until_changed ? PasswordOutcome::kChangeRequired : PasswordOutcome::kAccepted;
}

PasswordOutcome MemoryPolicy::change_password(std::string_view user, const SecretBytes& old_password,
                                              const SecretBytes& new_password) {
  MemoryUser* u = find(user);
  if (u == nullptr || !constant_time_equal(old_password.view(), as_bytes(u->password))) return PasswordOutcome::kRejected;
  u->password = std::string(new_password.chars());
  u->new_password_required_until_changed.reset();
  return PasswordOutcome::kAccepted;
}

KbdintStep MemoryPolicy::kbdint_start(std::string_view user, std::string_view) {
  kbdint_round_ = 0;
  return kbdint_respond(user, {});
}

KbdintStep MemoryPolicy::kbdint_respond(std::string_view user, const std::vector<SecretBytes>& responses) {
  KbdintStep step;
  MemoryUser* u = find(user);
  if (u == nullptr || u->kbdint_rounds.empty()) return step;
  step.submethod = u->kbdint_device;
  if (kbdint_round_ > 0) {  // check the answers to the previous round
    const auto& round = u->kbdint_rounds[kbdint_round_ - 1];
    if (responses.size() != round.size()) return step;
    for (std::size_t i = 0; i < round.size(); ++i)
      if (!constant_time_equal(responses[i].view(), as_bytes(round[i].second))) return step;
  }
  if (kbdint_round_ == u->kbdint_rounds.size()) {
    step.kind = KbdintStep::Kind::kSuccess;
    return step;
  }
  const auto& round = u->kbdint_rounds[kbdint_round_++];
  step.kind = KbdintStep::Kind::kPrompts;
  step.request.name = "";
  step.request.instruction = fmt::format("round {}", kbdint_round_);
  for (const auto& [prompt, answer] : round) step.request.prompts.push_back({prompt, false});
  return step;
}

bool MemoryPolicy::hostbased_allowed(std::string_view, std::string_view client_host, std::string_view,
                                     const keys::PublicKey& key) {
  if (client_host != "client.example.") return false;
  for (const keys::PublicKey& k : hostbased_keys)
    if (k == key) return true;
  return false;
}

bool MemoryPolicy::hostbased_verify(std::string_view user, const keys::PublicKey& key, std::string_view,
                                    ByteView signed_data, ByteView signature) {
  return hostbased_allowed(user, "client.example.", "", key) && key.verify(signed_data, signature).has_value();
}

void MemoryPolicy::record_attempt(const AttemptRecord& r) {
  std::string verdict = r.success ? "Accepted" : r.partial ? "Partial" : "Failed";
  log.push_back(fmt::format("{} {} for {}{}", verdict, r.method, r.valid_user ? "" : "invalid user ", r.user));
}

std::optional<SecretBytes> ScriptedUi::read_secret(std::string_view prompt, bool) {
  prompts.emplace_back(prompt);
  if (answers.empty()) return std::nullopt;
  SecretBytes s = SecretBytes::from_string(answers.front());
  answers.pop_front();
  return s;
}

std::shared_ptr<keys::Signer> ScriptedUi::load_signer(const ClientIdentity& identity) {
  ++signer_loads;
  auto it = signers.find(identity.label);
  return it == signers.end() ? nullptr : it->second;
}

std::shared_ptr<keys::Signer> ScriptedUi::signer_without_prompt(const ClientIdentity& identity) {
  if (unencrypted.count(identity.label) == 0) return nullptr;
  ++quiet_loads;
  return signers.at(identity.label);
}

ClientIdentity file_identity(ScriptedUi& ui, const std::string& label, const keys::PrivateKey& key, bool with_public) {
  ui.signers[label] = std::make_shared<keys::PrivateKeySigner>(key);
  ClientIdentity id;
  id.label = label;
  if (with_public) id.public_key = key.public_key();
  id.user_provided = true;
  return id;
}

const keys::PrivateKey& user_key(keys::KeyType type, int index) {
  static std::map<std::pair<keys::KeyType, int>, keys::PrivateKey> cache;
  auto it = cache.find({type, index});
  if (it == cache.end())
    it = cache.emplace(std::pair{type, index},
                       *keys::PrivateKey::generate(type, type == keys::KeyType::kRsa ? 2048 : 0)).first;
  return it->second;
}

UserauthPair::UserauthPair(MemoryPolicy& policy, UserauthClientConfig config, ScriptedUi& ui,
                           std::vector<std::string> server_sig_algs)
    : transport_(transport::TransportConfig{}, [&] {
        transport::TransportConfig s;
        s.server_sig_algs = server_sig_algs;
        return s;
      }()) {
  transport_.pump();
  config.session_id = transport_.client().session_id();
  config.server_host_key = transport_.client().server_host_key();
  client_ = std::make_unique<UserauthClient>(std::move(config), ui,
                                             [this](ByteView m) { return transport_.client().send(m); });
  if (auto algs = transport_.client().server_sig_algs())
    client_->on_ext_info({{"server-sig-algs", *algs}, {"publickey-hostbound@openssh.com", "0"}});
  std::vector<Bytes> host_keys{TransportPair::host_key(keys::KeyType::kEd25519)->public_key().blob()};
  server_ = std::make_unique<UserauthServer>(policy, [this](ByteView m) { return transport_.server().send(m); },
                                             transport_.server().session_id(), std::move(host_keys));
  client_seen_ = transport_.client_log().messages.size();
  server_seen_ = transport_.server_log().messages.size();
}

void UserauthPair::run() {
  if (auto r = client_->start(); !r) client_error = r.error();
  for (int round = 0; round < 1000 && !client_error && !server_error; ++round) {
    transport_.pump();
    bool moved = false;
    auto& to_server = transport_.server_log().messages;
    while (server_seen_ < to_server.size() && !server_error) {
      moved = true;
      if (auto r = server_->handle(to_server[server_seen_++]); !r) server_error = r.error();
    }
    auto& to_client = transport_.client_log().messages;
    while (client_seen_ < to_client.size() && !client_error) {
      moved = true;
      client_received.push_back(to_client[client_seen_].empty() ? 0 : to_client[client_seen_][0]);
      if (auto r = client_->handle(to_client[client_seen_++]); !r) client_error = r.error();
    }
    if (!moved) break;
  }
}

}  // namespace sshpp::test

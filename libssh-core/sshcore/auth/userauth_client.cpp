#include "sshcore/auth/userauth_client.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_type.hpp"
#include "sshcore/wire/reader.hpp"

namespace sshcore::auth {
namespace {

unexpected<Error> protocol_error(std::string detail) {
  Error e{Errc::kInvalidFormat, std::move(detail)};
  e.reason = DisconnectReason::kProtocolError;
  return fail(std::move(e));
}

unexpected<Error> malformed(Error e) {
  if (e.reason == DisconnectReason::kNone) e.reason = DisconnectReason::kProtocolError;
  return fail(std::move(e));
}

// Splits off the first name of a comma list.
std::string_view pop_name(std::string_view& list) {
  std::size_t comma = list.find(',');
  std::string_view name = list.substr(0, comma);
  list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  return name;
}

bool list_has(std::string_view list, std::string_view name) {
  while (!list.empty())
    if (pop_name(list) == name) return true;
  return false;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

constexpr std::string_view kHostboundExtension = "publickey-hostbound@openssh.com";
constexpr std::string_view kServerSigAlgsExtension = "server-sig-algs";

}  // namespace

// The client's methods: PreferredAuthentications names, the config switch, the attempt.
struct UserauthClient::Method {
  std::string_view name;
  bool UserauthClientConfig::*enabled;
  Result<bool> (UserauthClient::*attempt)();
};

UserauthClient::UserauthClient(UserauthClientConfig config, UserauthClientUi& ui, ClientMessageSink send)
    : config_(std::move(config)), ui_(ui), send_(std::move(send)) {
  for (ClientIdentity& id : config_.identities) keys_.push_back(KeyState{std::move(id), false});
  config_.identities.clear();
}

void UserauthClient::on_ext_info(const std::vector<std::pair<std::string, std::string>>& extensions) {
  for (const auto& [name, value] : extensions) {
    if (name == kServerSigAlgsExtension) config_.server_sig_algs = value;
    if (name == kHostboundExtension && value == "0") config_.publickey_hostbound = true;
  }
}

Result<void> UserauthClient::send(const Bytes& message) { return send_(ByteView(message)); }

MsgUserauthRequest UserauthClient::request(UserauthMethod method) const {
  MsgUserauthRequest req;
  req.user = config_.user;
  req.service = config_.service;
  req.method = std::move(method);
  return req;
}

Result<void> UserauthClient::start() {
  if (started_) return {};
  started_ = true;
  SSH_TRY_VOID(send(MsgServiceRequest{std::string(kServiceUserauth)}.encode()));
  // The "none" request goes out with the service request instead of after its accept
  // (OpenSSH waits): servers answer in order, so its FAILURE still comes after the
  // accept, and a session saves a round trip.
  current_ = std::string(kMethodNone);
  return send(request(NoneMethod{}).encode());
}

Result<void> UserauthClient::handle(ByteView payload) {
  wire::Reader r(payload);
  auto number = r.u8();
  if (!number) return malformed(std::move(number).error());
  if (outcome_ == UserauthOutcome::kSuccess) return protocol_error(fmt::format("protocol error: rcvd type {}", *number));
  using Handler = Result<void> (UserauthClient::*)(wire::Reader);
  struct Route {
    std::uint8_t number;
    bool needs_accept;
    Handler handler;
  };
  static constexpr Route kRoutes[] = {
      {MsgServiceAccept::kNumber, false, &UserauthClient::on_service_accept},
      {MsgUserauthFailure::kNumber, true, &UserauthClient::on_failure},
      {MsgUserauthSuccess::kNumber, true, &UserauthClient::on_success},
      {MsgUserauthBanner::kNumber, false, &UserauthClient::on_banner},
      {MsgUserauthPkOk::kNumber, true, &UserauthClient::on_method_specific},
  };
  for (const Route& route : kRoutes)
    if (route.number == *number && (!route.needs_accept || service_accepted_)) return (this->*route.handler)(r);
  return protocol_error(fmt::format("protocol error: rcvd type {}", *number));
}

Result<void> UserauthClient::on_service_accept(wire::Reader r) {
  if (!started_ || service_accepted_) return protocol_error("protocol error: rcvd type 6");
  auto accept = MsgServiceAccept::decode(r);
  if (!accept) return malformed(std::move(accept).error());
  if (accept->service != kServiceUserauth)
    return protocol_error(fmt::format("Server denied authentication request: {}", accept->service));
  service_accepted_ = true;
  log::debug1("SSH2_MSG_SERVICE_ACCEPT received");
  return {};  // "none" went out with the service request
}

Result<void> UserauthClient::on_banner(wire::Reader r) {
  auto banner = MsgUserauthBanner::decode(r);
  if (!banner) return malformed(std::move(banner).error());
  ui_.banner(banner->message);
  return {};
}

Result<void> UserauthClient::on_success(wire::Reader r) {
  auto ok = MsgUserauthSuccess::decode(r);
  if (!ok) return malformed(std::move(ok).error());
  if (current_.empty()) return protocol_error("no authentication method");
  method_used_ = current_;
  outcome_ = UserauthOutcome::kSuccess;
  if (method_used_ != kMethodPublickey) identity_used_ = nullptr;
  return {};
}

Result<void> UserauthClient::on_failure(wire::Reader r) {
  auto failure = MsgUserauthFailure::decode(r);
  if (!failure) return malformed(std::move(failure).error());
  if (current_.empty()) return protocol_error("protocol error: rcvd type 51");
  std::string authlist = join(failure->methods);
  if (failure->partial_success) {
    log::verbose("Authenticated using \"{}\" with partial success.", current_);
    partial_methods_.push_back(current_);
    for (KeyState& k : keys_) k.tried = false;  // pubkey_reset()
  }
  identity_used_ = nullptr;
  log::debug1("Authentications that can continue: {}", authlist);
  return next_method(authlist);
}

Result<void> UserauthClient::next_method(const std::string& authlist) {
  static constexpr Method kMethods[] = {
      {kMethodPublickey, &UserauthClientConfig::pubkey_authentication, &UserauthClient::try_publickey},
      {kMethodKeyboardInteractive, &UserauthClientConfig::kbd_interactive_authentication, &UserauthClient::try_kbdint},
      {kMethodPassword, &UserauthClientConfig::password_authentication, &UserauthClient::try_password},
  };
  auto lookup = [&](std::string_view name) -> const Method* {
    if (std::find(disabled_.begin(), disabled_.end(), name) != disabled_.end()) return nullptr;
    for (const Method& m : kMethods)
      if (m.name == name && config_.*(m.enabled)) return &m;
    return nullptr;
  };
  // authmethod_get(): a new list starts over from the first preferred method; the
  // same list keeps the current method while it has something left to try.
  const Method* method = nullptr;
  if (supported_ != authlist) {
    supported_ = authlist;
    preferred_rest_ = config_.preferred_authentications;
  } else {
    method = lookup(current_);
  }
  for (;;) {
    while (method == nullptr) {
      std::string_view rest = preferred_rest_;
      std::string name;  // owned: preferred_rest_ is reassigned below
      bool found = false;
      while (!rest.empty()) {
        name = std::string(pop_name(rest));
        if (list_has(supported_, name)) {
          found = true;
          break;
        }
      }
      preferred_rest_ = std::string(rest);
      if (!found) {
        log::debug1("No more authentication methods to try.");
        current_.clear();
        outcome_ = UserauthOutcome::kDenied;
        denied_message_ = fmt::format("{}@{}: Permission denied ({}).", config_.user, config_.host, authlist);
        return {};
      }
      method = lookup(name);
      if (method != nullptr) log::debug1("Next authentication method: {}", name);
    }
    current_ = std::string(method->name);
    SSH_TRY(sent, (this->*method->attempt)());
    if (sent) {
      log::debug2("we sent a {} packet, wait for reply", method->name);
      return {};
    }
    log::debug2("we did not send a packet, disable method");
    disabled_.push_back(current_);
    method = nullptr;
  }
}

std::optional<std::string> UserauthClient::signature_algorithm(const keys::PublicKey& key) const {
  // key_sig_algorithm(): only RSA keys have a choice, and only when the server told
  // us what it verifies; otherwise the key's own name, if we accept it.
  if (!config_.server_sig_algs || key.type() != keys::KeyType::kRsa)
    return match_list(key.info().ssh_name, config_.pubkey_accepted_algorithms);
  std::string_view allowed = config_.pubkey_accepted_algorithms;
  while (!allowed.empty()) {
    std::string_view cp = pop_name(allowed);
    const keys::SignatureAlgInfo* alg = keys::find_signature_alg(cp);
    if (alg == nullptr || alg->key_type != key.type()) continue;
    if (match_list(cp, *config_.server_sig_algs)) return std::string(cp);
  }
  return std::nullopt;
}

std::string UserauthClient::format_identity(const ClientIdentity& id, const keys::PublicKey* key) const {
  return fmt::format("{} {}{}{}{}{}", id.label, key ? key->info().short_name : "", key ? " " : "",
                     key ? keys::fingerprint(*key) : std::string(), id.user_provided ? " explicit" : "",
                     id.from_agent ? " agent" : "");
}

Result<bool> UserauthClient::try_publickey() {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    KeyState& k = keys_[i];
    if (k.tried) continue;
    k.tried = true;
    if (k.identity.public_key) {
      const keys::PublicKey& pub = *k.identity.public_key;
      std::optional<std::string> alg = signature_algorithm(pub);
      if (!alg) {
        log::debug1("send_pubkey_test: no mutual signature algorithm");
        continue;
      }
      log::debug1("Offering public key: {}", format_identity(k.identity, &pub));
      pending_key_ = i;
      if (!k.identity.signer && !k.identity.from_agent) {
        if (auto signer = ui_.signer_without_prompt(k.identity); signer && signer->public_key() == pub) {
          SSH_TRY(sent, sign_and_send(k, std::move(signer)));
          if (sent) return true;
        }
      }
      SSH_TRY_VOID(send(request(PublickeyMethod{*alg, pub.blob(), std::nullopt, std::nullopt}).encode()));
      return true;
    }
    log::debug1("Trying private key: {}", k.identity.label);
    std::shared_ptr<keys::Signer> signer = k.identity.signer ? k.identity.signer : ui_.load_signer(k.identity);
    if (!signer) continue;
    pending_key_ = i;
    SSH_TRY(sent, sign_and_send(k, std::move(signer)));
    if (sent) return true;
  }
  return false;
}

Result<bool> UserauthClient::sign_and_send(KeyState& key, std::shared_ptr<keys::Signer> signer) {
  const keys::PublicKey& pub = signer->public_key();
  std::optional<std::string> alg = signature_algorithm(pub);
  if (!alg) {
    log::debug1("sign_and_send_pubkey: no mutual signature algorithm");
    return false;
  }
  PublickeyMethod method{*alg, pub.blob(), std::nullopt, Bytes{}};
  if (config_.publickey_hostbound && config_.server_host_key) method.host_key = config_.server_host_key->blob();
  MsgUserauthRequest req = request(std::move(method));
  log::debug3("sign_and_send_pubkey: using {} with {} {}", req.method_name(), pub.info().short_name,
              keys::fingerprint(pub));
  SSH_TRY(data, publickey_signed_data(config_.session_id, req));
  auto signature = signer->sign(data, *alg);
  if (!signature) {
    log::error("signing failed for {} \"{}\": {}", pub.info().short_name, key.identity.label,
               signature.error().message());
    return false;
  }
  std::get<PublickeyMethod>(req.method).signature = std::move(*signature);
  identity_used_ = &key.identity;
  SSH_TRY_VOID(send(req.encode()));
  return true;
}

Result<void> UserauthClient::on_method_specific(wire::Reader r) {
  using Handler = Result<void> (UserauthClient::*)(wire::Reader);
  struct Route {
    std::string_view method;
    Handler handler;
  };
  // Number 60 means what the current method expects (RFC 4252 sections 7 and 8, RFC 4256).
  static constexpr Route kRoutes[] = {
      {kMethodPublickey, &UserauthClient::on_pk_ok},
      {kMethodPassword, &UserauthClient::on_passwd_changereq},
      {kMethodKeyboardInteractive, &UserauthClient::on_info_request},
  };
  for (const Route& route : kRoutes)
    if (route.method == current_) return (this->*route.handler)(r);
  return protocol_error("protocol error: rcvd type 60");
}

Result<void> UserauthClient::on_pk_ok(wire::Reader r) {
  auto ok = MsgUserauthPkOk::decode(r);
  if (!ok) return malformed(std::move(ok).error());
  bool sent = false;
  const keys::SignatureAlgInfo* alg = keys::find_signature_alg(ok->algorithm);
  auto key = keys::PublicKey::from_blob(ok->key_blob);
  if (alg == nullptr) {
    log::debug1("input_userauth_pk_ok: server sent unknown pkalg {}", ok->algorithm);
  } else if (!key) {
    log::debug1("no key from blob. pkalg {}", ok->algorithm);
  } else if (key->type() != alg->key_type) {
    log::error("input_userauth_pk_ok: type mismatch for decoded key (received {}, expected {})",
               key->info().ssh_name, ok->algorithm);
  } else if (pending_key_ >= keys_.size() || !keys_[pending_key_].identity.public_key ||
             !(*keys_[pending_key_].identity.public_key == *key)) {
    log::error("input_userauth_pk_ok: server replied with unknown key: {} {}", key->info().short_name,
               keys::fingerprint(*key));
  } else {
    KeyState& k = keys_[pending_key_];
    log::debug1("Server accepts key: {}", format_identity(k.identity, &*key));
    std::shared_ptr<keys::Signer> signer = k.identity.signer ? k.identity.signer : ui_.load_signer(k.identity);
    if (signer) {
      SSH_TRY(s, sign_and_send(k, std::move(signer)));
      sent = s;
    }
  }
  if (sent) return {};
  std::string list = supported_;
  return next_method(list);  // as OpenSSH's userauth(ssh, NULL): try the next key or method
}

Result<bool> UserauthClient::try_password() {
  if (password_attempts_++ >= config_.number_of_password_prompts) return false;
  if (password_attempts_ != 1) log::error("Permission denied, please try again.");
  std::string prompt = fmt::format("{}@{}'s password: ", config_.user, config_.host);
  std::optional<SecretBytes> password = ui_.read_secret(prompt, false);
  PasswordMethod m;
  if (password) m.password = std::move(*password);
  Bytes message = request(std::move(m)).encode();
  auto sent = send(message);
  secure_wipe(message.data(), message.size());
  SSH_TRY_VOID(std::move(sent));
  return true;
}

Result<void> UserauthClient::on_passwd_changereq(wire::Reader r) {
  auto req = MsgUserauthPasswdChangereq::decode(r);
  if (!req) return malformed(std::move(req).error());
  log::debug2("input_userauth_passwd_changereq");
  if (!req->prompt.empty()) log::info("{}", req->prompt);
  // OpenSSH cuts the names to 30 and 128 characters in these prompts.
  std::string who = fmt::format("{:.30}@{:.128}", config_.user, config_.host);
  PasswordMethod m;
  m.change = true;
  m.password = ui_.read_secret(fmt::format("Enter {}'s old password: ", who), false).value_or(SecretBytes());
  for (;;) {
    std::optional<SecretBytes> fresh = ui_.read_secret(fmt::format("Enter {}'s new password: ", who), false);
    if (!fresh) {  // EOF: give up on the change, go on with the next method
      disabled_.push_back(std::string(kMethodPassword));
      std::string list = supported_;
      return next_method(list);
    }
    SecretBytes retype = ui_.read_secret(fmt::format("Retype {}'s new password: ", who), false).value_or(SecretBytes());
    if (constant_time_equal(fresh->view(), retype.view())) {
      m.new_password = std::move(*fresh);
      break;
    }
    log::info("Mismatch; try again, EOF to quit.");
  }
  Bytes message = request(std::move(m)).encode();
  auto sent = send(message);
  secure_wipe(message.data(), message.size());
  return sent;
}

Result<bool> UserauthClient::try_kbdint() {
  if (kbdint_attempts_++ >= config_.number_of_password_prompts) return false;
  // A server that answered the last try with FAILURE at once has no prompts for us.
  if (kbdint_attempts_ > 1 && !info_req_seen_) {
    log::debug3("userauth_kbdint: disable: no info_req_seen");
    return false;
  }
  info_req_seen_ = false;
  log::debug2("userauth_kbdint");
  SSH_TRY_VOID(send(request(KeyboardInteractiveMethod{"", config_.kbd_interactive_devices}).encode()));
  return true;
}

Result<void> UserauthClient::on_info_request(wire::Reader r) {
  auto req = MsgUserauthInfoRequest::decode(r);
  if (!req) return malformed(std::move(req).error());
  log::debug2("input_userauth_info_req");
  info_req_seen_ = true;
  if (!req->name.empty()) log::info("{}", req->name);
  if (!req->instruction.empty()) log::info("{}", req->instruction);
  log::debug2("input_userauth_info_req: num_prompts {}", req->prompts.size());
  MsgUserauthInfoResponse resp;
  for (const KeyboardInteractivePrompt& p : req->prompts) {
    std::string display = fmt::format("({}@{}) {}", config_.user, config_.host, p.text);
    resp.responses.push_back(ui_.read_secret(display, p.echo).value_or(SecretBytes()));
  }
  Bytes message = resp.encode();
  auto sent = send(message);
  secure_wipe(message.data(), message.size());
  return sent;
}

}  // namespace sshcore::auth

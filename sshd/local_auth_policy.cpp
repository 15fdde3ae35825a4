#include "local_auth_policy.hpp"

#include <fmt/format.h>

#include "kbdint_pam.hpp"
#include "password_check.hpp"
#include "preuserauth_hook.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/wire/reader.hpp"
#include "user_access.hpp"

namespace sshd {

namespace log = sshcore::log;
namespace auth = sshcore::auth;
namespace config = sshcore::config;

namespace {

constexpr std::string_view kPamDevice = "pam";  // the keyboard-interactive device name

config::ConnectionSpec connection_spec(const ConnectionAddresses& c, std::string_view user) {
  config::ConnectionSpec spec;
  spec.user = std::string(user);
  spec.host = c.host_or_ip();
  spec.address = c.remote_ip;
  spec.laddress = c.local_ip;
  spec.lport = c.local_port;
  return spec;
}

// The signature blob names its algorithm first; it must be the one the request named.
bool signature_algorithm_is(sshcore::ByteView signature, std::string_view algorithm) {
  sshcore::wire::Reader r(signature);
  auto name = r.string();
  return name && sshcore::as_chars(*name) == algorithm;
}

}  // namespace

LocalAuthPolicy::LocalAuthPolicy(const config::SshdConfig& config, ConnectionAddresses connection, AuthOs os,
                                 LocalAuthOptions options)
    : config_(config), connection_(std::move(connection)), os_(std::move(os)), local_(std::move(options)) {}

LocalAuthPolicy::~LocalAuthPolicy() = default;

bool LocalAuthPolicy::is_current(std::string_view user) const { return user_ && user == user_name_; }

config::SshdOptions LocalAuthPolicy::options_without_groups(std::string_view user) const {
  auto o = config_.for_connection(connection_spec(connection_, user));
  return o ? *o : config_.global();
}

auth::UserAuthSettings LocalAuthPolicy::lookup_user(std::string_view user, std::string_view /*service*/) {
  user_name_ = std::string(user);
  user_.reset();
  allowed_keys_.clear();
  accepted_key_.reset();
  // getpwnamallow(): Match first (Match Group needs the user's groups), then the checks
  // under the options that Match produced.
  config::ConnectionSpec spec = connection_spec(connection_, user);
  AuthOs os = os_;
  spec.groups = [os](const std::string& name) -> std::optional<std::vector<std::string>> {
    auto pw = os.find_user(name);
    if (!pw || !os.group_names) return std::nullopt;
    return os.group_names(*pw);
  };
  auto matched = config_.for_connection(spec);
  if (!matched) log::error("{}", matched.error().detail);
  options_ = matched ? *matched : config_.global();

  auto pw = os_.find_user(user_name_);
  if (!pw) {
    log::info("Invalid user {:.100} from {:.100} port {}", user, connection_.remote_ip, connection_.remote_port);
  } else if (user_allowed(*pw, *options_, connection_, os_)) {
    user_ = std::move(pw);
  }
  return user_auth_settings(*options_, user_.has_value());
}

bool LocalAuthPolicy::before_method(std::string_view user, std::string_view method) {
  // Runs before any user lookup (HOOK-02): only Match criteria that need no passwd
  // entry can choose the hook, so a hook that creates the user sees a stable setting.
  config::SshdOptions o = options_without_groups(user);
  std::string_view path = o.value("PreUserauthHook");
  if (path.empty() || path == "none") return true;
  PreUserauthHookContext ctx{std::string(path), connection_.ssh_connection(), connection_.remote_ip,
                             connection_.remote_port, os_.daemon_uid, local_.hook_timeout};
  return run_preuserauth_hook(ctx, method, user);
}

auth::KeyAuthorization LocalAuthPolicy::publickey_allowed(std::string_view user, const sshcore::keys::PublicKey& key) {
  auth::KeyAuthorization out;
  if (!is_current(user) || !options_->flag("PubkeyAuthentication")) return out;
  KeyLookup lookup{*user_, *options_, connection_, os_, local_.keys_command_timeout};
  auto found = find_allowed_key(lookup, key);
  if (!found) return out;
  out.allowed = true;
  out.options_text = found->options_text;
  out.source = found->source;
  allowed_keys_.emplace_back(key.blob(), std::move(*found));
  return out;
}

bool LocalAuthPolicy::publickey_verify(std::string_view user, const sshcore::keys::PublicKey& key,
                                       std::string_view algorithm, sshcore::ByteView signed_data,
                                       sshcore::ByteView signature) {
  if (!is_current(user)) return false;
  const AllowedKey* allowed = nullptr;
  for (const auto& [blob, k] : allowed_keys_)
    if (blob == key.blob()) allowed = &k;
  if (allowed == nullptr) return false;
  std::string_view accepted = options_->value("PubkeyAcceptedAlgorithms");
  if (!accepted.empty() && sshcore::match_pattern_list(algorithm, accepted, false) != 1) {
    log::info("userauth_pubkey: signature algorithm {} not in PubkeyAcceptedAlgorithms", algorithm);
    return false;
  }
  if (!signature_algorithm_is(signature, algorithm) || !key.verify(signed_data, signature)) return false;
  if (user_->uid == 0 &&
      !root_login_allowed(*options_, "publickey", allowed->options.force_command.has_value(), connection_))
    return false;
  accepted_key_ = *allowed;
  return true;
}

auth::PasswordOutcome LocalAuthPolicy::password(std::string_view user, const sshcore::SecretBytes& password) {
  // The check runs for invalid users too (against a fake hash or PAM's bad password).
  const UserRecord* pw = is_current(user) ? &*user_ : nullptr;
  const config::SshdOptions& o = options_ ? *options_ : config_.global();
  PasswordCheck check{pw, std::string(user), o, connection_, os_, local_.pam_service};
  auth::PasswordOutcome outcome = check_password(check, password);
  if (outcome == auth::PasswordOutcome::kChangeRequired) change_required_ = true;
  return outcome;
}

auth::KbdintStep LocalAuthPolicy::kbdint_finish(auth::PasswordOutcome outcome) {
  kbdint_.reset();
  auth::KbdintStep step;
  step.submethod = std::string(kPamDevice);
  if (outcome == auth::PasswordOutcome::kChangeRequired) change_required_ = true;
  step.kind = outcome == auth::PasswordOutcome::kRejected ? auth::KbdintStep::Kind::kFailure
                                                           : auth::KbdintStep::Kind::kSuccess;
  return step;
}

auth::KbdintStep LocalAuthPolicy::kbdint_start(std::string_view user, std::string_view submethods) {
  kbdint_.reset();
  const config::SshdOptions& o = options_ ? *options_ : config_.global();
  // kbdint_alloc(): a device is offered when the client named none or its list holds
  // the device's name (OpenSSH's strstr test).
  if (!o.flag("UsePAM") || (!submethods.empty() && submethods.find(kPamDevice) == std::string_view::npos))
    return auth::KbdintStep{};
  bool valid = is_current(user);
  // A root login that PermitRootLogin does not allow for passwords still converses, then fails.
  if (valid && user_->uid == 0 && o.value("PermitRootLogin") != "yes") valid = false;
  KbdintSpec spec{local_.pam_service, std::string(user), connection_.host_or_ip(), valid};
  kbdint_ = std::make_unique<KbdintConversation>(spec);
  auth::KbdintStep step = kbdint_->start();
  if (step.kind != auth::KbdintStep::Kind::kPrompts) return kbdint_finish(kbdint_->outcome());
  step.submethod = std::string(kPamDevice);
  return step;
}

auth::KbdintStep LocalAuthPolicy::kbdint_respond(std::string_view /*user*/,
                                                 const std::vector<sshcore::SecretBytes>& r) {
  if (!kbdint_) return auth::KbdintStep{};
  auth::KbdintStep step;
  step = kbdint_->respond(r);
  if (step.kind != auth::KbdintStep::Kind::kPrompts) return kbdint_finish(kbdint_->outcome());
  step.submethod = std::string(kPamDevice);
  return step;
}

bool LocalAuthPolicy::hostbased_allowed(std::string_view, std::string_view, std::string_view,
                                        const sshcore::keys::PublicKey&) {
  return false;  // HostbasedAuthentication (shosts.equiv, ssh_known_hosts) is not implemented yet
}

bool LocalAuthPolicy::hostbased_verify(std::string_view, const sshcore::keys::PublicKey&, std::string_view,
                                       sshcore::ByteView, sshcore::ByteView) {
  return false;
}

void LocalAuthPolicy::record_attempt(const AttemptRecord& r) {
  ++attempts_;
  int max_tries = 6;
  if (options_)
    if (auto n = options_->number("MaxAuthTries")) max_tries = static_cast<int>(*n);
  bool authenticated = r.success && !r.partial;
  // auth_log(): successes, invalid users, password tries and the second half of the
  // allowed failures are INFO; other failures VERBOSE.
  bool loud = authenticated || !r.valid_user || failures_ >= max_tries / 2 || r.method == "password";
  std::string_view verdict = r.partial ? "Partial" : authenticated ? "Accepted" : "Failed";
  std::string extra;
  if (r.key != nullptr) extra = fmt::format(": {} {}", r.key->info().short_name, sshcore::keys::fingerprint(*r.key));
  std::string line = fmt::format("{} {}{}{} for {}{:.100} from {:.200} port {} ssh2{}", verdict, r.method,
                                 r.submethod.empty() ? "" : "/", r.submethod, r.valid_user ? "" : "invalid user ",
                                 r.user, connection_.remote_ip, connection_.remote_port, extra);
  // sshd 9.2 logs from the monitor only what the monitor decided: a failed "none"
  // probe never reaches it, and a key offered for an invalid user is refused before
  // mm_answer_keyallowed names a method, so neither leaves a line (checked against
  // Debian's sshd).
  bool key_method = r.method == "publickey" || r.method == "hostbased";
  bool silent = !r.success && !r.partial && (r.method == "none" || (key_method && !r.valid_user));
  if (!silent) log::emit(loud ? log::Level::kInfo : log::Level::kVerbose, line);
  if (r.success || r.partial) return;
  // The first "none" probe is free (userauth_finish).
  if (attempts_ > 1 || r.method != "none") ++failures_;
  if (failures_ >= max_tries && !max_tries_logged_) {
    max_tries_logged_ = true;
    // The pre-auth child prints this line in OpenSSH, hence its "[preauth]" suffix.
    log::error("maximum authentication attempts exceeded for {}{:.100} from {:.200} port {} ssh2 [preauth]",
               r.valid_user ? "" : "invalid user ", r.user, connection_.remote_ip, connection_.remote_port);
  }
}

}  // namespace sshd

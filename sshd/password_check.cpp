#include "password_check.hpp"

#include <crypt.h>
#include <security/pam_appl.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "pam_handle.hpp"
#include "sshcore/base/log.hpp"

namespace sshd {
namespace {

namespace log = sshcore::log;
using sshcore::SecretBytes;
using sshcore::auth::PasswordOutcome;

constexpr long kSecondsPerDay = 24 * 60 * 60;
// What OpenSSH hands PAM instead of the real password for an account that must fail.
constexpr std::string_view kBadPassword = "\b\n\r\177INCORRECT";
// A yescrypt setting so that an unknown user costs one real hash, like a known one.
constexpr std::string_view kFakeHash = "$y$j9T$cGgJd8ddXPvrFzVh3JpYx/$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

struct PamPassword {
  const SecretBytes* password;
};

// sshpam_passwd_conv(): the password for hidden prompts; a visible prompt fails the
// conversation (nobody is there to answer it); messages are dropped.
int password_conversation(int n, const struct pam_message** msg, struct pam_response** resp, void* data) {
  auto* ctx = static_cast<PamPassword*>(data);
  if (n <= 0 || n > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
  auto* replies = static_cast<pam_response*>(std::calloc(static_cast<std::size_t>(n), sizeof(pam_response)));
  if (replies == nullptr) return PAM_BUF_ERR;
  for (int i = 0; i < n; ++i) {
    switch (msg[i]->msg_style) {
      case PAM_PROMPT_ECHO_OFF: {
        auto* copy = static_cast<char*>(std::malloc(ctx->password->size() + 1));
        if (copy == nullptr) goto fail;
        std::memcpy(copy, ctx->password->data(), ctx->password->size());
        copy[ctx->password->size()] = '\0';
        replies[i].resp = copy;
        break;
      }
      case PAM_ERROR_MSG:
      case PAM_TEXT_INFO:
        break;
      default:
        goto fail;
    }
  }
  *resp = replies;
  return PAM_SUCCESS;
fail:
  free_pam_responses(replies, n);
  return PAM_CONV_ERR;
}

PasswordOutcome check_with_pam(const PasswordCheck& c, const SecretBytes& password, bool ok) {
  SecretBytes bad = SecretBytes::from_string(kBadPassword);
  PamPassword ctx{ok ? &password : &bad};
  pam_conv conv{&password_conversation, &ctx};
  auto pam = PamHandle::start(c.pam_service, c.user_name, conv, c.connection.host_or_ip());
  if (!pam) {
    log::error("PAM: initialisation failed");
    return PasswordOutcome::kRejected;
  }
  int rc = pam->note(pam_authenticate(pam->get(), 0));
  PasswordOutcome outcome = PasswordOutcome::kRejected;
  if (rc == PAM_SUCCESS && ok) {
    log::debug1("PAM: password authentication accepted for {:.100}", c.user_name);
    int acct = pam_acct_mgmt(pam->get(), 0);
    if (acct == PAM_SUCCESS) {
      outcome = PasswordOutcome::kAccepted;
    } else if (acct == PAM_NEW_AUTHTOK_REQD) {
      outcome = PasswordOutcome::kChangeRequired;
    } else {
      log::error("PAM: {} for {:.100} from {:.100}", pam->error_text(acct), c.user_name, c.connection.remote_ip);
    }
  } else {
    log::debug1("PAM: password authentication failed for {:.100}: {}", c.user_name,
                pam->error_text(rc == PAM_SUCCESS ? PAM_AUTH_ERR : rc));
  }
  return outcome;  // pam_end with the status of pam_authenticate, as before
}

// auth_shadow_pwexpired(): a forced or aged password must be changed before the session.
bool shadow_expired(const ShadowRecord& sp, const std::string& user, std::int64_t now) {
  long today = static_cast<long>(now / kSecondsPerDay);
  if (sp.last_change == 0) {
    log::info("User {:.100} password has expired (root forced)", user);
    return true;
  }
  if (sp.max_days >= 0 && sp.last_change > 0 && sp.last_change + sp.max_days - today < 0) {
    log::info("User {:.100} password has expired (password aged)", user);
    return true;
  }
  return false;
}

PasswordOutcome check_with_shadow(const PasswordCheck& c, const SecretBytes& password, bool ok) {
  std::optional<ShadowRecord> sp;
  if (c.user != nullptr && c.os.shadow) sp = c.os.shadow(c.user->name);
  std::string hash = c.user == nullptr ? std::string(kFakeHash) : sp ? sp->hash : c.user->passwd;
  bool matches = crypt_matches(password, hash);
  if (!(matches && ok)) return PasswordOutcome::kRejected;
  if (sp && shadow_expired(*sp, c.user->name, c.os.now ? c.os.now() : 0)) return PasswordOutcome::kChangeRequired;
  return PasswordOutcome::kAccepted;
}

}  // namespace

bool crypt_matches(const SecretBytes& password, const std::string& hash) {
  if (hash.empty()) return password.empty();
  std::string setting = hash.size() >= 2 ? hash : std::string("xx");
  SecretBytes candidate = password;
  candidate.append(sshcore::as_bytes(std::string_view("\0", 1)));  // NUL-terminated for crypt
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(reinterpret_cast<const char*>(candidate.data()), setting.c_str(), data.get());
  bool equal = out != nullptr && out[0] != '*' &&
               sshcore::constant_time_equal(sshcore::as_bytes(std::string_view(out)), sshcore::as_bytes(hash));
  sshcore::secure_wipe(data.get(), sizeof(crypt_data));
  return equal;
}

sshcore::auth::PasswordOutcome check_password(const PasswordCheck& c, const SecretBytes& password) {
  bool ok = c.user != nullptr;
  if (ok && c.user->uid == 0 && c.options.value("PermitRootLogin") != "yes") ok = false;
  if (password.empty() && !c.options.flag("PermitEmptyPasswords")) ok = false;
  if (c.options.flag("UsePAM")) return check_with_pam(c, password, ok);
  return check_with_shadow(c, password, ok);
}

}  // namespace sshd

#include "pam_session.hpp"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "sshcore/base/log.hpp"

namespace sshd {
namespace {

namespace log = sshcore::log;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

int store_conversation(int n, const struct pam_message** msg, struct pam_response** resp, void* data);

}  // namespace

struct PamSession::Conversation {
  std::string messages;
  pam_conv conv{&store_conversation, this};
};

namespace {

// sshpam_store_conv(): messages are kept for the login message; a prompt fails the
// whole conversation, since no client answers during the session stacks.
int store_conversation(int n, const struct pam_message** msg, struct pam_response** resp, void* data) {
  auto* self = static_cast<PamSession::Conversation*>(data);
  if (n <= 0 || n > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
  auto* replies = static_cast<pam_response*>(std::calloc(static_cast<std::size_t>(n), sizeof(pam_response)));
  if (replies == nullptr) return PAM_BUF_ERR;
  for (int i = 0; i < n; ++i) {
    switch (msg[i]->msg_style) {
      case PAM_ERROR_MSG:
      case PAM_TEXT_INFO:
        self->messages += msg[i]->msg != nullptr ? msg[i]->msg : "";
        self->messages += '\n';
        break;
      default:
        free_pam_responses(replies, n);
        return PAM_CONV_ERR;
    }
  }
  *resp = replies;
  return PAM_SUCCESS;
}

}  // namespace

PamSession::PamSession() : conversation_(std::make_unique<Conversation>()) {}

PamSession::~PamSession() { close(); }

PamSession::PamSession(PamSession&& other) noexcept
    : conversation_(std::move(other.conversation_)),
      handle_(std::move(other.handle_)),
      session_open_(std::exchange(other.session_open_, false)),
      credentials_established_(std::exchange(other.credentials_established_, false)) {}

PamSession& PamSession::operator=(PamSession&& other) noexcept {
  if (this != &other) {
    close();
    conversation_ = std::move(other.conversation_);
    handle_ = std::move(other.handle_);
    session_open_ = std::exchange(other.session_open_, false);
    credentials_established_ = std::exchange(other.credentials_established_, false);
  }
  return *this;
}

Result<void> PamSession::start(const std::string& service, const std::string& user, const std::string& rhost) {
  if (handle_) return fail(Errc::kInvalidArgument, "session already started");
  if (!conversation_) conversation_ = std::make_unique<Conversation>();
  log::debug1("PAM: initializing for \"{}\"", user);
  SSH_TRY(handle, PamHandle::start(service, user, conversation_->conv, rhost));
  handle_ = std::move(handle);
  return {};
}

Result<sshcore::auth::PasswordOutcome> PamSession::account() {
  if (!handle_) return fail(Errc::kInvalidArgument, "pam_acct_mgmt(): no PAM transaction");
  int rc = handle_.note(pam_acct_mgmt(handle_.get(), 0));
  log::debug3("PAM: do_pam_account pam_acct_mgmt = {} ({})", rc, handle_.error_text(rc));
  if (rc == PAM_SUCCESS) return sshcore::auth::PasswordOutcome::kAccepted;
  if (rc == PAM_NEW_AUTHTOK_REQD) return sshcore::auth::PasswordOutcome::kChangeRequired;
  return fail(Errc::kSystem, "pam_acct_mgmt(): " + handle_.error_text(rc));
}

Result<void> PamSession::set_tty(const std::string& tty) {
  if (!handle_) return fail(Errc::kInvalidArgument, "pam_set_item(): no PAM transaction");
  log::debug1("PAM: setting PAM_TTY to \"{}\"", tty);
  int rc = handle_.note(pam_set_item(handle_.get(), PAM_TTY, tty.c_str()));
  if (rc != PAM_SUCCESS) return fail(Errc::kSystem, "failed to set PAM_TTY: " + handle_.error_text(rc));
  return {};
}

Result<void> PamSession::establish_credentials() {
  if (!handle_) return fail(Errc::kInvalidArgument, "pam_setcred(): no PAM transaction");
  log::debug1("PAM: establishing credentials");
  int rc = handle_.note(pam_setcred(handle_.get(), PAM_ESTABLISH_CRED));
  if (rc != PAM_SUCCESS) return fail(Errc::kSystem, "pam_setcred(): " + handle_.error_text(rc));
  credentials_established_ = true;
  return {};
}

Result<void> PamSession::open_session() {
  if (!handle_) return fail(Errc::kInvalidArgument, "pam_open_session(): no PAM transaction");
  int rc = handle_.note(pam_open_session(handle_.get(), 0));
  if (rc != PAM_SUCCESS) return fail(Errc::kSystem, "pam_open_session(): " + handle_.error_text(rc));
  session_open_ = true;
  return {};
}

std::vector<std::string> PamSession::environment() const {
  std::vector<std::string> out;
  if (!handle_) return out;
  char** list = pam_getenvlist(handle_.get());
  if (list == nullptr) return out;
  for (char** p = list; *p != nullptr; ++p) {
    out.emplace_back(*p);
    std::free(*p);
  }
  std::free(list);
  return out;
}

std::string PamSession::take_messages() {
  if (!conversation_) return {};
  return std::exchange(conversation_->messages, std::string());
}

// sshpam_cleanup(): the session first, then the credentials; no module may talk
// to anyone any more.
void PamSession::close() {
  if (!handle_) return;
  if (session_open_) {
    log::debug1("PAM: closing session");
    handle_.note(pam_close_session(handle_.get(), PAM_SILENT));
    session_open_ = false;
  }
  if (credentials_established_) {
    log::debug1("PAM: deleting credentials");
    handle_.note(pam_setcred(handle_.get(), PAM_DELETE_CRED));
    credentials_established_ = false;
  }
  handle_.end();
}

void PamSession::abandon() {
  handle_.forget();
  session_open_ = false;
  credentials_established_ = false;
}

}  // namespace sshd

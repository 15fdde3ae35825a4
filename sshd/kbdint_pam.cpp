#include "kbdint_pam.hpp"

#include <security/pam_appl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "pam_handle.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshd {
namespace {

namespace log = sshcore::log;
namespace auth = sshcore::auth;
using sshcore::SecretBytes;

// Helper -> monitor: kMessage (u32 PAM style, string text) or kDone (u8 outcome,
// string pam_strerror of the step that failed, empty when PAM did not fail).
// Monitor -> helper: string response to the last prompt.
enum class Frame : std::uint8_t { kMessage = 1, kDone = 2 };
constexpr std::size_t kMaxFrame = 64 * 1024;

bool send_frame(int fd, sshcore::ByteView data) {
  for (;;) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(data.size())) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

bool recv_frame(int fd, SecretBytes& into) {
  into.resize(kMaxFrame);
  for (;;) {
    ssize_t n = recv(fd, into.data(), into.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    into.resize(static_cast<std::size_t>(n));
    return true;
  }
}

// ---- the helper process ----------------------------------------------------------

struct HelperContext {
  int fd;
};

int relay_conversation(int n, const struct pam_message** msg, struct pam_response** resp, void* data) {
  int fd = static_cast<HelperContext*>(data)->fd;
  if (n <= 0 || n > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
  auto* replies = static_cast<pam_response*>(std::calloc(static_cast<std::size_t>(n), sizeof(pam_response)));
  if (replies == nullptr) return PAM_BUF_ERR;
  for (int i = 0; i < n; ++i) {
    sshcore::wire::Writer w(kMaxFrame);
    w.u8(static_cast<std::uint8_t>(Frame::kMessage));
    w.u32(static_cast<std::uint32_t>(msg[i]->msg_style));
    w.string(std::string_view(msg[i]->msg ? msg[i]->msg : ""));
    auto frame = std::move(w).finish();
    bool prompt = msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON;
    if (!frame || !send_frame(fd, *frame)) goto fail;
    if (!prompt) continue;
    SecretBytes answer;
    if (!recv_frame(fd, answer)) goto fail;
    sshcore::wire::Reader r(answer.view());
    auto text = r.string();
    if (!text || !r.finish("kbdint response")) goto fail;
    auto* copy = static_cast<char*>(std::malloc(text->size() + 1));
    if (copy == nullptr) goto fail;
    std::memcpy(copy, text->data(), text->size());
    copy[text->size()] = '\0';
    replies[i].resp = copy;
  }
  *resp = replies;
  return PAM_SUCCESS;
fail:
  free_pam_responses(replies, n);
  return PAM_CONV_ERR;
}

[[noreturn]] void run_helper(const KbdintSpec& spec, int fd) {
  HelperContext ctx{fd};
  pam_conv conv{&relay_conversation, &ctx};
  auth::PasswordOutcome outcome = auth::PasswordOutcome::kRejected;
  std::string failure;
  if (auto pam = PamHandle::start(spec.pam_service, spec.user, conv, spec.rhost)) {
    int rc = pam->note(pam_authenticate(pam->get(), 0));
    if (rc != PAM_SUCCESS) {
      failure = pam->error_text(rc);
    } else if (spec.valid) {
      int acct = pam_acct_mgmt(pam->get(), 0);
      if (acct == PAM_SUCCESS)
        outcome = auth::PasswordOutcome::kAccepted;
      else if (acct == PAM_NEW_AUTHTOK_REQD)
        outcome = auth::PasswordOutcome::kChangeRequired;
      else
        failure = pam->error_text(acct);
    }
  }  // pam_end before the result goes out
  sshcore::wire::Writer w(kMaxFrame);
  w.u8(static_cast<std::uint8_t>(Frame::kDone));
  w.u8(static_cast<std::uint8_t>(outcome));
  w.string(std::string_view(failure));
  if (auto done = std::move(w).finish()) send_frame(fd, *done);
  _exit(0);
}

}  // namespace

KbdintConversation::KbdintConversation(KbdintSpec spec) : spec_(std::move(spec)) {}

KbdintConversation::~KbdintConversation() { stop_helper(); }

void KbdintConversation::stop_helper() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (helper_ > 0) {
    kill(helper_, SIGKILL);
    while (waitpid(helper_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  helper_ = -1;
}

auth::KbdintStep KbdintConversation::fail() {
  stop_helper();
  outcome_ = auth::PasswordOutcome::kRejected;
  return auth::KbdintStep{};
}

auth::KbdintStep KbdintConversation::start() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return fail();
  helper_ = fork();
  if (helper_ < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return fail();
  }
  if (helper_ == 0) {
    ::close(sv[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a conversation nobody can answer any more
    run_helper(spec_, sv[1]);
  }
  ::close(sv[1]);
  fd_ = sv[0];
  return next_step();
}

// sshpam_query(): informational messages are gathered into the text of the next
// prompt; each prompt is one round.
auth::KbdintStep KbdintConversation::next_step() {
  std::string info;
  for (;;) {
    SecretBytes frame;
    if (fd_ < 0 || !recv_frame(fd_, frame)) return fail();
    sshcore::wire::Reader r(frame.view());
    auto kind = r.u8();
    if (!kind) return fail();
    if (*kind == static_cast<std::uint8_t>(Frame::kDone)) {
      auto result = r.u8();
      auto failure = r.string();
      if (!result || *result > static_cast<std::uint8_t>(auth::PasswordOutcome::kChangeRequired) || !failure ||
          !r.finish("kbdint result"))
        return fail();
      // sshpam_query(): PAM's own refusal is an error line, worded as OpenSSH's.
      if (!failure->empty())
        log::error("PAM: {} for {}{:.100} from {:.100}", std::string(sshcore::as_chars(*failure)),
                   spec_.valid ? "" : "illegal user ", spec_.user, spec_.rhost);
      stop_helper();
      outcome_ = spec_.valid ? static_cast<auth::PasswordOutcome>(*result) : auth::PasswordOutcome::kRejected;
      if (!info.empty()) log::debug1("PAM: {}", info);
      auth::KbdintStep step;
      step.kind = outcome_ == auth::PasswordOutcome::kRejected ? auth::KbdintStep::Kind::kFailure
                                                                : auth::KbdintStep::Kind::kSuccess;
      return step;
    }
    auto style = r.u32();
    auto text = r.string();
    if (!style || !text || !r.finish("kbdint message")) return fail();
    switch (static_cast<int>(*style)) {
      case PAM_PROMPT_ECHO_OFF:
      case PAM_PROMPT_ECHO_ON: {
        auth::KbdintStep step;
        step.kind = auth::KbdintStep::Kind::kPrompts;
        step.request.prompts.push_back({info + std::string(sshcore::as_chars(*text)),
                                        static_cast<int>(*style) == PAM_PROMPT_ECHO_ON});
        return step;
      }
      case PAM_ERROR_MSG:
      case PAM_TEXT_INFO:
        info += std::string(sshcore::as_chars(*text)) + "\n";
        break;
      default:
        return fail();
    }
  }
}

auth::KbdintStep KbdintConversation::respond(const std::vector<SecretBytes>& responses) {
  if (fd_ < 0 || responses.size() != 1) return fail();
  sshcore::wire::Writer w(kMaxFrame, sshcore::wire::Wipe::kYes);
  w.string(responses.front().view());
  auto frame = std::move(w).finish_secret();
  if (!frame || !send_frame(fd_, frame->view())) return fail();
  return next_step();
}

}  // namespace sshd

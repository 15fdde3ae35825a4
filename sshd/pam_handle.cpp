#include "pam_handle.hpp"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "sshcore/base/secret.hpp"

namespace sshd {

PamHandle::PamHandle(PamHandle&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), status_(other.status_) {}

PamHandle& PamHandle::operator=(PamHandle&& other) noexcept {
  if (this != &other) {
    end();
    handle_ = std::exchange(other.handle_, nullptr);
    status_ = other.status_;
  }
  return *this;
}

sshcore::Result<PamHandle> PamHandle::start(const std::string& service, const std::string& user,
                                            const pam_conv& conv, const std::string& rhost) {
  PamHandle h;
  int rc = pam_start(service.c_str(), user.c_str(), &conv, &h.handle_);
  if (rc != PAM_SUCCESS) {
    // pam_start may leave a handle behind on failure; pam_strerror accepts NULL.
    std::string text = pam_strerror(h.handle_, rc);
    h.note(rc);
    return sshcore::fail(sshcore::Errc::kSystem, "pam_start: " + text);
  }
  rc = h.note(pam_set_item(h.handle_, PAM_RHOST, rhost.c_str()));
  if (rc == PAM_SUCCESS) rc = h.note(pam_set_item(h.handle_, PAM_TTY, kPamTtyKludge));
  if (rc != PAM_SUCCESS) return sshcore::fail(sshcore::Errc::kSystem, "pam_set_item: " + h.error_text(rc));
  return h;
}

std::string PamHandle::error_text(int rc) const { return pam_strerror(handle_, rc); }

void PamHandle::end() {
  if (handle_ != nullptr) pam_end(handle_, status_);
  handle_ = nullptr;
}

void free_pam_responses(pam_response* replies, int n) {
  if (replies == nullptr) return;
  for (int i = 0; i < n; ++i)
    if (replies[i].resp != nullptr) {
      sshcore::secure_wipe(replies[i].resp, std::strlen(replies[i].resp));
      std::free(replies[i].resp);
    }
  std::free(replies);
}

}  // namespace sshd

// One PAM transaction as sshd opens it (OpenSSH 9.2 auth-pam.c sshpam_init): pam_start
// for the service and user, PAM_RHOST set to the client, and PAM_TTY set to "ssh"
// until a real tty is known (PAM_TTY_KLUDGE: modules such as pam_time want one).
// The handle ends with pam_end and the status of the last PAM call, as pam_end(3)
// asks, so that modules' cleanup functions see how the transaction went.
//
// Shared by the password check, the keyboard-interactive helper and the session.
#pragma once

#include <security/pam_appl.h>

#include <string>

#include "sshcore/base/result.hpp"

namespace sshd {

// Where PAM_TTY points before a pty exists.
inline constexpr const char* kPamTtyKludge = "ssh";

class PamHandle {
 public:
  PamHandle() = default;
  ~PamHandle() { end(); }
  PamHandle(PamHandle&& other) noexcept;
  PamHandle& operator=(PamHandle&& other) noexcept;
  PamHandle(const PamHandle&) = delete;
  PamHandle& operator=(const PamHandle&) = delete;

  // PAM copies `conv`, but its appdata_ptr must outlive the handle. The error's
  // detail names the call and pam_strerror's text.
  static sshcore::Result<PamHandle> start(const std::string& service, const std::string& user,
                                          const pam_conv& conv, const std::string& rhost);

  pam_handle_t* get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  // Records `rc` as the last status (for pam_end) and returns it.
  int note(int rc) { return status_ = rc; }
  // pam_strerror of `rc` for this handle.
  std::string error_text(int rc) const;
  // pam_end; idempotent.
  void end();
  // Drops the handle without pam_end: for a forked child, whose copy must not run
  // the modules' cleanup for the parent's transaction.
  void forget() { handle_ = nullptr; }

 private:
  pam_handle_t* handle_ = nullptr;
  int status_ = PAM_SUCCESS;
};

// Frees a pam_response array of `n` entries after wiping each answer: used by every
// conversation function on its failure path.
void free_pam_responses(pam_response* replies, int n);

}  // namespace sshd

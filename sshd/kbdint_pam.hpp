// keyboard-interactive through PAM. PAM drives its conversation by calling back into
// the application, while the userauth engine wants one round of prompts per message;
// as OpenSSH's sshpam_thread does, pam_authenticate runs in a forked helper that
// relays each prompt over a socketpair and waits for the client's answer.
//
// PAM is the only device: without UsePAM keyboard-interactive always fails, as in
// Debian's sshd (no bsdauth/skey), so PasswordAuthentication no cannot be bypassed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/base/secret.hpp"

namespace sshd {

struct KbdintSpec {
  std::string pam_service;
  std::string user;         // as the client sent it
  std::string rhost;        // PAM_RHOST
  bool valid = false;       // false: the conversation runs but can only fail
};

class KbdintConversation {
 public:
  explicit KbdintConversation(KbdintSpec spec);
  ~KbdintConversation();
  KbdintConversation(const KbdintConversation&) = delete;
  KbdintConversation& operator=(const KbdintConversation&) = delete;

  // The first round of prompts, or the end when PAM needs nothing from the user.
  sshcore::auth::KbdintStep start();
  // One response per prompt of the last round.
  sshcore::auth::KbdintStep respond(const std::vector<sshcore::SecretBytes>& responses);
  // After a kSuccess/kFailure step: accepted, rejected, or accepted with an expired password.
  sshcore::auth::PasswordOutcome outcome() const { return outcome_; }

 private:
  sshcore::auth::KbdintStep next_step();
  sshcore::auth::KbdintStep fail();
  void stop_helper();

  KbdintSpec spec_;
  pid_t helper_ = -1;
  int fd_ = -1;
  sshcore::auth::PasswordOutcome outcome_ = sshcore::auth::PasswordOutcome::kRejected;
};

}  // namespace sshd

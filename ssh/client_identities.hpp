// What ssh authenticates with and how it asks the user (sshconnect2.c and ssh.c
// load_public_identity_files): IdentityFile list with their .pub halves, private keys loaded
// on demand with "Enter passphrase for key '...': ", passwords and keyboard-interactive
// answers read on /dev/tty or through SSH_ASKPASS, and the server's banner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sshcore/auth/userauth_client.hpp"
#include "sshcore/config/ssh_config.hpp"

namespace ssh {

// The identities in IdentityFile order, each path expanded (~, %d %u %h ...). Logs
// "identity file PATH type N" and the "-cert" line as ssh -v does.
std::vector<sshcore::auth::ClientIdentity> load_identities(const sshcore::config::SshOptions& options,
                                                          const sshcore::config::SshConfigEnvironment& env,
                                                          const sshcore::config::SshTarget& target);

class TerminalAuthUi final : public sshcore::auth::UserauthClientUi {
 public:
  TerminalAuthUi(bool batch_mode, int password_prompts, bool show_banner)
      : batch_mode_(batch_mode), password_prompts_(password_prompts), show_banner_(show_banner) {}
  void banner(std::string_view text) override;
  std::optional<sshcore::SecretBytes> read_secret(std::string_view prompt, bool echo) override;
  std::shared_ptr<sshcore::keys::Signer> load_signer(const sshcore::auth::ClientIdentity& identity) override;
  std::shared_ptr<sshcore::keys::Signer> signer_without_prompt(const sshcore::auth::ClientIdentity& identity) override;

 private:
  bool batch_mode_;
  int password_prompts_;
  bool show_banner_;
};

}  // namespace ssh

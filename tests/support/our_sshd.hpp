// Our sshd (build/bin/sshd) on a free port of 127.0.0.1, logged into by Debian's
// OpenSSH client, and a throw-away system user whose home passes StrictModes: the
// interop tests' way to prove sshd features through the real binaries.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {

// A user made with useradd, home under /var/lib/sshpp-test-NAME (root-owned 0755
// parents, so StrictModes yes accepts it), removed with its home on destruction.
// NAME is `prefix` + this process's pid: CTest runs each test in its own process,
// possibly in parallel, and one process's TearDown must not delete another's user.
// Users a killed run left behind (prefix + a pid no longer alive) are removed first.
class TestUser {
 public:
  explicit TestUser(const std::string& prefix, const std::string& shell = "/bin/bash");
  ~TestUser();
  TestUser(const TestUser&) = delete;
  TestUser& operator=(const TestUser&) = delete;

  bool created() const { return uid_ != static_cast<uid_t>(-1); }
  const std::string& name() const { return name_; }
  const std::string& home() const { return home_; }
  uid_t uid() const { return uid_; }
  gid_t gid() const { return gid_; }
  // chpasswd: the password PAM's pam_unix and the shadow check see.
  bool set_password(const std::string& password) const;
  // ~/.ssh/authorized_keys (0600) in ~/.ssh (0700), both owned by the user.
  void write_authorized_keys(const std::string& text) const;

 private:
  std::string name_, base_, home_;
  uid_t uid_ = static_cast<uid_t>(-1);
  gid_t gid_ = static_cast<gid_t>(-1);
};

// build/bin/sshd -D -e -f DIR/sshd_config with a fresh Ed25519 host key in DIR; the
// config starts with ListenAddress/Port/HostKey/PidFile/LogLevel VERBOSE, then `extra`
// (later lines cannot override those: sshd keeps the first value, as OpenSSH does).
class OurSshd {
 public:
  OurSshd(const std::string& dir, const std::string& extra_config);
  // True once the log said "Server listening on 127.0.0.1 port N".
  bool listening() const { return listening_; }
  int port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  std::string log() const { return process_ ? process_->log() : std::string(); }
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;

  // argv for Debian's ssh to USER@127.0.0.1 on our port: -F none, the host key
  // pinned in DIR/known_hosts (StrictHostKeyChecking yes), LogLevel ERROR,
  // IdentitiesOnly; `options` go before the destination, `command` (if any) after.
  std::vector<std::string> ssh(const std::vector<std::string>& options, const std::string& user,
                               const std::string& command = "") const;

 private:
  std::string dir_;
  int port_ = 0;
  bool listening_ = false;
  std::unique_ptr<BackgroundProcess> process_;
};

// Environment that makes Debian's ssh read passwords and keyboard-interactive answers
// from a script answering `answer` (SSH_ASKPASS_REQUIRE=force, no tty needed).
RunOptions askpass_options(const std::string& dir, const std::string& answer);

// "SHA256:..." as ssh-keygen -lf prints it for a public key file.
std::string key_fingerprint(const std::string& public_key_path);

}  // namespace sshpp::test

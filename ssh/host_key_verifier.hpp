// ssh's decision on the server's host key (sshconnect.c check_host_key, OpenSSH 9.2):
// known_hosts lookup through the core's KnownHostsDatabase, StrictHostKeyChecking
// (yes / accept-new / no / ask), the confirmation prompt, adding new keys (HashKnownHosts,
// CheckHostIP), and OpenSSH's warnings, all with its exact wording.
//
// Messages go to the log (stderr) at OpenSSH's levels; the prompt and the files go through
// injected functions so that tests can drive every branch.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/auth/host_key_check.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/ssh_options.hpp"
#include "sshcore/keys/public_key.hpp"

namespace ssh {

struct HostKeyIo {
  // Whole file; kNotFound when it does not exist (any other error is logged and skipped).
  std::function<sshcore::Result<std::string>(const std::string& path)> read_file;
  // Appends one line (plus '\n'), creating the file (and ~/.ssh) as add_host_to_hostfile does.
  std::function<sshcore::Result<void>(const std::string& path, const std::string& line)> append_line;
  // Shows `prompt` and reads an answer with echo (read_passphrase RP_ECHO); nullopt on EOF.
  std::function<std::optional<std::string>(const std::string& prompt)> ask;
};

// Reads and appends real files; asks on /dev/tty (io::read_passphrase).
HostKeyIo machine_host_key_io(const std::string& home);

struct HostKeyTarget {
  std::string host;                      // the host name ssh connects to (lowercase)
  std::uint16_t port = 22;
  std::optional<std::string> address;    // numeric peer address (nullopt: ProxyCommand)
  bool loopback = false;                 // the peer address is a loopback address
};

// What the rest of the session must change when the key was accepted unsafely
// (StrictHostKeyChecking=no with a changed or revoked key): OpenSSH's continue_unsafe.
struct HostKeyConsequences {
  bool disable_password = false;
  bool disable_kbd_interactive = false;
  bool disable_agent_forwarding = false;
  bool disable_x11 = false;
  bool disable_port_forwarding = false;
};

class HostKeyVerifier {
 public:
  HostKeyVerifier(const sshcore::config::SshOptions& options, std::string home, HostKeyIo io);

  // True when the connection may go on ("Host key verification failed." is the caller's line).
  bool verify(const HostKeyTarget& target, const sshcore::keys::PublicKey& key);

  const HostKeyConsequences& consequences() const { return consequences_; }

  // sshconnect2.c order_hostkeyalgs(): the algorithms of `list` whose key types known_hosts
  // holds for this host first (so a known key is the one negotiated), the rest after.
  std::string order_host_key_algorithms(const HostKeyTarget& target, const std::string& list);

 private:
  enum class Mode { kReadWrite, kQuiet };
  bool check(const HostKeyTarget& target, std::uint16_t port, const sshcore::keys::PublicKey& key, Mode mode);
  bool confirm(const std::string& prompt, const std::string& fingerprint);
  bool add_entry(const std::string& names_for_line, const sshcore::keys::PublicKey& key, bool hash);
  void continue_unsafe();
  std::string lookup_name(const HostKeyTarget& target, std::uint16_t port) const;
  void load(sshcore::auth::KnownHostsDatabase& db, bool quiet);

  const sshcore::config::SshOptions& options_;
  std::string home_;
  HostKeyIo io_;
  std::vector<std::string> user_files_;
  std::vector<std::string> system_files_;
  HostKeyConsequences consequences_;
};

}  // namespace ssh

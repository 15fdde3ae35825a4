// SSH implementations other than OpenSSH for the interop tests, from Debian's
// packages (scripts/deps.sh test): dropbear (server, dbclient, dropbearkey,
// dropbearconvert), python3-paramiko (scripts under tests/data/peers/) and
// putty-tools (plink, puttygen). Servers listen on 127.0.0.1 on a free port and
// are stopped by pid; keys are converted from files made by Debian's ssh-keygen.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sshcore/keys/public_key.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {

// Debian's interpreter, where python3-paramiko lives (not a pyenv shim on PATH).
inline constexpr const char* kSystemPython = "/usr/bin/python3";

// A local account with its home under a test's temp dir, for a server that logs
// users in itself (dropbear reads ~/.ssh/authorized_keys and nothing else).
// Removed (userdel) when destroyed; the home goes with the TempDir.
class ThrowawayUser {
 public:
  ThrowawayUser(std::string name, std::string home);
  ~ThrowawayUser();
  ThrowawayUser(const ThrowawayUser&) = delete;
  ThrowawayUser& operator=(const ThrowawayUser&) = delete;
  const std::string& name() const { return name_; }
  const std::string& home() const { return home_; }
  void set_password(const std::string& password);
  // ~/.ssh/authorized_keys owned by the user, mode 0600 (dropbear checks the modes).
  void authorize(const std::string& authorized_keys);

 private:
  std::string name_, home_;
};

// Debian's dropbear on 127.0.0.1:port() in the foreground (-F -E), with ed25519,
// ecdsa and rsa host keys made by dropbearkey in `dir`.
class DropbearServer {
 public:
  explicit DropbearServer(const std::string& dir, const std::vector<std::string>& extra_args = {});
  int port() const { return port_; }
  std::string log() const { return process_->log(); }
  // The public halves as `dropbearkey -y` prints them, in the order ed25519, ecdsa, rsa.
  const std::vector<sshcore::keys::PublicKey>& host_keys() const { return host_keys_; }

 private:
  int port_ = 0;
  std::vector<sshcore::keys::PublicKey> host_keys_;
  std::unique_ptr<BackgroundProcess> process_;
};

// tests/data/peers/paramiko_server.py on a kernel-chosen port, one connection.
class ParamikoServer {
 public:
  ParamikoServer(const std::string& dir, const std::vector<std::string>& args);
  int port() const { return port_; }
  std::string log() const { return process_->log(); }
  // Waits for the script to end (it does after its one connection).
  int wait() { return process_->wait(std::chrono::seconds(20)); }

 private:
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
};

// Path of a script under tests/data/peers/.
std::string peer_script(const std::string& name);
// ssh-keygen -t TYPE -N "" -f PATH; returns the public key it wrote to PATH.pub.
sshcore::keys::PublicKey make_openssh_key(const std::string& path, const std::string& type);
// dropbearconvert openssh dropbear SRC DST: an OpenSSH private key for dbclient -i.
void convert_key_for_dropbear(const std::string& openssh_key, const std::string& dropbear_key);
// puttygen SRC -O private -o DST: an OpenSSH private key as PuTTY's .ppk.
void convert_key_for_putty(const std::string& openssh_key, const std::string& ppk);

}  // namespace sshpp::test

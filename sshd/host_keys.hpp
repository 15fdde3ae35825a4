// The server's host keys (HostKey lines, defaults /etc/ssh/ssh_host_*_key), loaded as
// sshd.c does at start-up: a key that cannot be read is logged and skipped, and
// none at all ends the daemon.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sshcore/config/sshd_config.hpp"
#include "sshcore/keys/signer.hpp"

namespace sshd {

struct LoadedHostKey {
  std::string path;
  std::shared_ptr<sshcore::keys::Signer> signer;
};

// Logs "Unable to load host key: PATH" for each unreadable file; empty when none
// could be loaded (the caller prints "sshd: no hostkeys available -- exiting.").
std::vector<LoadedHostKey> load_host_keys(const sshcore::config::SshdOptions& options);

inline constexpr const char* kNoHostKeysMessage = "sshd: no hostkeys available -- exiting.";

}  // namespace sshd

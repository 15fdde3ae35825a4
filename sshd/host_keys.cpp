#include "host_keys.hpp"

#include "sshcore/base/log.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshd {

namespace log = sshcore::log;

std::vector<LoadedHostKey> load_host_keys(const sshcore::config::SshdOptions& options) {
  std::vector<LoadedHostKey> keys;
  for (const auto& path : options.values("HostKey")) {
    auto file = sshcore::io::read_secret_file(path);
    if (!file) {
      log::error("Unable to load host key: {}", path);
      continue;
    }
    auto parsed = sshcore::keys::parse_private_key(sshcore::ByteView(file->data(), file->size()));
    if (!parsed) {
      log::error("Unable to load host key: {}", path);
      continue;
    }
    log::debug1("private host key #{}: {}", keys.size(), parsed->key.public_key().info().ssh_name);
    keys.push_back({path, std::make_shared<sshcore::keys::PrivateKeySigner>(std::move(parsed->key))});
  }
  return keys;
}

}  // namespace sshd

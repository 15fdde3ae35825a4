// ssh's host key lookup (auth/host_key_check) over hostile known_hosts text: the first line of
// the input is the host name to look up, the rest the file. Checks what must always hold for
// OpenSSH's check_key_in_hostkeys() semantics.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sshcore/auth/host_key_check.hpp"
#include "sshcore/keys/key_files.hpp"

using namespace sshcore;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

const keys::PublicKey& server_key() {
  static const keys::PublicKey key = [] {
    auto line = keys::parse_public_key_line(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJqnkyBYmq90Iq5dsbLGhXEeIhxDJY0utwZnvh0CeC/K");
    if (!line) std::abort();
    return line->key;
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string name(nl == std::string_view::npos ? in : in.substr(0, nl));
  const std::string_view text = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);

  auth::KnownHostsDatabase db;
  db.add_file("/u/known_hosts", "~/known_hosts", text);
  db.add_file("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts", text.substr(0, text.size() / 2));
  const auth::HostKeyCheck r = db.check(name, server_key());
  switch (r.status) {
    case auth::HostKeyStatus::kOk:
      check(r.found.has_value() && r.found->key == server_key() && r.found->line > 0);
      check(db.knows(name));
      break;
    case auth::HostKeyStatus::kChanged:
      check(r.found.has_value() && !(r.found->key == server_key()));
      check(db.knows(name));
      break;
    case auth::HostKeyStatus::kRevoked: check(!r.found.has_value()); break;
    case auth::HostKeyStatus::kNew: check(!r.found.has_value()); break;
  }
  const auto types = db.known_key_types(name);
  for (std::size_t i = 0; i < types.size(); ++i)
    for (std::size_t j = i + 1; j < types.size(); ++j) check(types[i] != types[j]);
  // A plain entry of some type answers kOk or kChanged (unless a revocation wins).
  if (r.status == auth::HostKeyStatus::kNew) check(types.empty());
  if (r.status == auth::HostKeyStatus::kOk || r.status == auth::HostKeyStatus::kChanged) check(!types.empty());
  const auto names = db.other_names(server_key());
  const std::string message = auth::other_names_message(names);
  check(!message.empty());
  return 0;
}

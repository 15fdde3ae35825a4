// -A: creating every missing default host key under a prefix (OpenSSH's
// do_gen_all_hostkeys()). Each key is written under a temporary name and renamed
// into place public half first, so an existing private key file always has its
// .pub beside it and a half-made key is never mistaken for a finished one.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "key_type_choice.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshkeygen {

namespace io = sshcore::io;
namespace keys = sshcore::keys;

namespace {

struct HostKeyKind {
  std::string_view type_name;
  std::string_view display;
  std::string_view path;
};
// OpenSSH 9.2 no longer makes DSA host keys here.
constexpr HostKeyKind kHostKeyKinds[] = {
    {"rsa", "RSA", "/etc/ssh/ssh_host_rsa_key"},
    {"ecdsa", "ECDSA", "/etc/ssh/ssh_host_ecdsa_key"},
    {"ed25519", "ED25519", "/etc/ssh/ssh_host_ed25519_key"},
};

// Makes one host key; false (after printing why) when it could not.
bool generate_host_key(const Invocation& inv, const HostKeyKind& kind, const std::string& prv_file) {
  const Options& o = inv.options;
  std::string pub_file = prv_file + ".pub";
  auto prv_stage = io::StagedFile::create(prv_file, io::WriteOptions{0600, false});
  if (!prv_stage) {
    error("Could not save your private key in {}.XXXXXXXXXX: {}", prv_file, ssh_err(prv_stage.error()));
    return false;
  }
  KeyTypeChoice choice = choose_key_type(kind.type_name, 0);
  auto key = keys::PrivateKey::generate(choice.type, choice.bits);
  if (!key) {
    error("sshkey_generate failed: {}", ssh_err(key.error()));
    return false;
  }
  std::string comment = inv.user_name + "@" + inv.hostname;
  keys::PrivateKeyWriteOptions write;
  write.format = o.private_key_format;
  if (o.cipher) write.cipher = *o.cipher;
  if (o.rounds != 0) write.kdf_rounds = o.rounds;
  auto text = keys::format_private_key(*key, comment, "", write);
  sshcore::Result<void> written = text ? prv_stage->write(text->view()) : sshcore::fail(text.error());
  if (!written) {
    error("Saving key \"{}\" failed: {}", prv_stage->temp_path(), ssh_err(written.error()));
    return false;
  }
  auto pub_stage = io::StagedFile::create(pub_file, io::WriteOptions{0644, false});
  if (!pub_stage) {
    error("Could not save your public key in {}.XXXXXXXXXX: {}", pub_file, ssh_err(pub_stage.error()));
    return false;
  }
  std::string line = public_key_text(key->public_key()) + " " + comment + "\n";
  if (auto w = pub_stage->write(sshcore::as_bytes(line)); !w) {
    error("Unable to save public key to {}: {}", o.identity_file, ssh_err(w.error()));
    return false;
  }
  if (auto c = pub_stage->commit(); !c) {
    error("Unable to move {} into position: {}", pub_file, ssh_err(c.error()));
    return false;
  }
  if (auto c = prv_stage->commit(); !c) {
    error("Unable to move {} into position: {}", kind.path, ssh_err(c.error()));
    return false;
  }
  return true;
}

}  // namespace

int do_gen_all_hostkeys(Invocation& inv) {
  const Options& o = inv.options;
  bool first = false;
  for (const HostKeyKind& kind : kHostKeyKinds) {
    std::string prv_file = o.identity_file + std::string(kind.path);
    io::PathStatus st = io::stat_path(prv_file);
    if (st.ok()) {
      if (st.status.size != 0) continue;  // an empty file counts as missing
    } else if (!st.missing()) {
      error("Could not stat {}: {}", kind.path, std::strerror(st.error));
      first = false;
      continue;
    }
    if (!first) {
      first = true;
      fmt::print(stdout, "ssh-keygen: generating new host keys: ");
    }
    fmt::print(stdout, "{} ", kind.display);
    std::fflush(stdout);
    if (!generate_host_key(inv, kind, prv_file)) first = false;
  }
  if (first) fmt::print(stdout, "\n");
  return 0;
}

}  // namespace sshkeygen

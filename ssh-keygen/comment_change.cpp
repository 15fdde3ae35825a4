// -c: changing the comment stored in a private key and its .pub file (OpenSSH's
// do_change_comment()); the passphrase stays as it was.
#include <cstdio>
#include <cstring>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "passphrase_entry.hpp"
#include "sshcore/io/file_io.hpp"

namespace sshkeygen {

namespace io = sshcore::io;
namespace keys = sshcore::keys;

namespace {
// OpenSSH keeps the new comment in a 1024-byte buffer.
constexpr std::size_t kMaxComment = 1023;
}  // namespace

int do_change_comment(Invocation& inv) {
  Options& o = inv.options;
  if (!o.have_identity) ask_filename(inv, "Enter file in which the key is");
  const std::string& path = o.identity_file;
  if (io::PathStatus st = io::stat_path(path); !st.ok()) fatal("{}: {}", path, std::strerror(st.error));

  sshcore::SecretBytes passphrase;
  auto loaded = load_private(path, "");
  if (!loaded) {
    if (!is_wrong_passphrase(loaded.error()))
      fatal("Cannot load private key \"{}\": {}", path, ssh_err(loaded.error()));
    if (o.identity_passphrase) {
      passphrase = sshcore::SecretBytes::from_string(*o.identity_passphrase);
    } else if (o.identity_new_passphrase) {
      passphrase = sshcore::SecretBytes::from_string(*o.identity_new_passphrase);
    } else {
      passphrase = ask_passphrase("Enter passphrase: ");
    }
    loaded = load_private(path, passphrase.chars());
    if (!loaded) fatal("Cannot load private key \"{}\": {}", path, ssh_err(loaded.error()));
  }

  if (loaded->key.type() != keys::KeyType::kEd25519 && o.private_key_format != keys::PrivateKeyFormat::kOpenSSH) {
    error("Comments are only supported for keys stored in the new format (-o).");
    return 1;
  }
  if (loaded->comment) fmt::print(stdout, "Old comment: {}\n", *loaded->comment);
  else fmt::print(stdout, "No existing comment\n");

  std::string new_comment;
  if (o.identity_comment) {
    new_comment = o.identity_comment->substr(0, kMaxComment);
  } else {
    fmt::print(stdout, "New comment: ");
    std::fflush(stdout);
    char buf[kMaxComment + 1];
    if (std::fgets(buf, sizeof buf, stdin) == nullptr) return 1;
    buf[std::strcspn(buf, "\n")] = '\0';
    new_comment = buf;
  }
  if (loaded->comment && *loaded->comment == new_comment) {
    fmt::print(stdout, "No change to comment\n");
    return 0;
  }

  if (auto saved = save_private(inv, loaded->key, path, passphrase.chars(), new_comment); !saved) {
    error("Saving key \"{}\" failed: {}", path, ssh_err(saved.error()));
    return 1;
  }
  passphrase.clear();
  std::string pub_path = path + ".pub";
  if (auto saved = save_public(loaded->key.public_key(), pub_path, new_comment); !saved)
    fatal("Unable to save public key to {}: {}", pub_path, ssh_err(saved.error()));

  if (!new_comment.empty()) fmt::print(stdout, "Comment '{}' applied\n", new_comment);
  else fmt::print(stdout, "Comment removed\n");
  return 0;
}

}  // namespace sshkeygen

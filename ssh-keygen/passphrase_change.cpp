// -p: re-encrypting a private key under a new passphrase (OpenSSH's
// do_change_passphrase()); the key is rewritten atomically in the -m format.
#include <cstdio>
#include <cstring>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "passphrase_entry.hpp"
#include "sshcore/io/file_io.hpp"

namespace sshkeygen {

namespace io = sshcore::io;

int do_change_passphrase(Invocation& inv) {
  Options& o = inv.options;
  if (!o.have_identity) ask_filename(inv, "Enter file in which the key is");
  const std::string& path = o.identity_file;
  if (io::PathStatus st = io::stat_path(path); !st.ok()) fatal("{}: {}", path, std::strerror(st.error));

  auto loaded = load_private(path, "");
  if (!loaded && is_wrong_passphrase(loaded.error())) {
    sshcore::SecretBytes old = o.identity_passphrase ? sshcore::SecretBytes::from_string(*o.identity_passphrase)
                                                     : ask_passphrase("Enter old passphrase: ");
    loaded = load_private(path, old.chars());
  }
  if (!loaded) fatal("Failed to load key {}: {}", path, ssh_err(loaded.error()));
  if (loaded->comment) fmt::print(stdout, "{}", printable(fmt::format("Key has comment '{}'\n", *loaded->comment)));

  sshcore::SecretBytes passphrase;
  if (o.identity_new_passphrase) {
    passphrase = sshcore::SecretBytes::from_string(*o.identity_new_passphrase);
  } else {
    passphrase = ask_passphrase("Enter new passphrase (empty for no passphrase): ");
    sshcore::SecretBytes again = ask_passphrase("Enter same passphrase again: ");
    if (!sshcore::constant_time_equal(passphrase.view(), again.view())) {
      fmt::print(stdout, "Pass phrases do not match.  Try again.\n");
      return 1;
    }
  }

  if (auto saved = save_private(inv, loaded->key, path, passphrase.chars(), loaded->comment.value_or(""));
      !saved) {
    error("Saving key \"{}\" failed: {}", path, ssh_err(saved.error()));
    return 1;
  }
  fmt::print(stdout, "Your identification has been saved with the new passphrase.\n");
  return 0;
}

}  // namespace sshkeygen

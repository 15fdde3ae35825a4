// Making a new key pair (ssh-keygen without a mode option), with OpenSSH's
// dialogue: file name, overwrite question, passphrase twice.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "key_type_choice.hpp"
#include "passphrase_entry.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/keys/fingerprint.hpp"

namespace sshkeygen {

namespace io = sshcore::io;
namespace keys = sshcore::keys;

namespace {

// hostfile_create_user_ssh_dir(): a key saved straight into ~/.ssh creates that
// directory (0700) when it is missing.
void create_user_ssh_dir(const Invocation& inv, const std::string& filename, bool notify) {
  std::size_t slash = filename.rfind('/');
  if (slash == std::string::npos) return;
  std::string dotssh = inv.home_dir + "/.ssh";
  if (filename.compare(0, slash, dotssh) != 0 || slash != dotssh.size()) return;
  io::PathStatus st = io::stat_path(dotssh);
  if (st.ok()) return;
  if (!st.missing()) {
    error("Could not stat {}: {}", dotssh, std::strerror(st.error));
    return;
  }
  if (auto made = io::make_directory(dotssh, 0700); !made) {
    error("Could not create directory '{:.200}' ({}).", dotssh, made.error().detail);
  } else if (notify) {
    logit("Created directory '{}'.", dotssh);
  }
}

// confirm_overwrite(): asks before replacing an existing file; anything but an
// answer starting with 'y' or 'Y' (or EOF) means no.
bool confirm_overwrite(const std::string& filename) {
  if (!io::path_exists(filename)) return true;
  fmt::print(stdout, "{} already exists.\n", filename);
  fmt::print(stdout, "Overwrite (y/n)? ");
  std::fflush(stdout);
  char yesno[3];
  if (std::fgets(yesno, sizeof yesno, stdin) == nullptr) return false;
  return yesno[0] == 'y' || yesno[0] == 'Y';
}

}  // namespace

int do_generate(Invocation& inv) {
  Options& o = inv.options;
  std::string type_name = o.key_type_name.value_or(std::string(kDefaultKeyTypeName));
  KeyTypeChoice choice = choose_key_type(type_name, o.bits);

  if (!o.quiet) {
    fmt::print(stdout, "Generating public/private {} key pair.\n", type_name);
    std::fflush(stdout);
  }
  auto generated = keys::PrivateKey::generate(choice.type, choice.bits);
  if (!generated) fatal("sshkey_generate failed");
  const keys::PrivateKey& key = *generated;
  const keys::PublicKey& pub = key.public_key();

  if (!o.have_identity) ask_filename(inv, "Enter file in which to save the key");
  create_user_ssh_dir(inv, o.identity_file, !o.quiet);
  if (!confirm_overwrite(o.identity_file)) return 1;

  sshcore::SecretBytes passphrase = new_private_key_passphrase(inv);
  std::string comment = o.identity_comment ? *o.identity_comment : inv.user_name + "@" + inv.hostname;

  if (auto saved = save_private(inv, key, o.identity_file, passphrase.chars(), comment); !saved) {
    error("Saving key \"{}\" failed: {}", o.identity_file, ssh_err(saved.error()));
    return 1;
  }
  passphrase.clear();
  if (!o.quiet) fmt::print(stdout, "Your identification has been saved in {}\n", o.identity_file);

  std::string pub_file = o.identity_file + ".pub";
  if (auto saved = save_public(pub, pub_file, comment); !saved)
    fatal("Unable to save public key to {}: {}", pub_file, ssh_err(saved.error()));

  if (!o.quiet) {
    std::string out;
    out += fmt::format("Your public key has been saved in {}\n", pub_file);
    out += "The key fingerprint is:\n";
    out += fmt::format("{} {}\n", keys::fingerprint(pub, o.fingerprint_hash), comment);
    out += "The key's randomart image is:\n";
    out += keys::randomart(pub, o.fingerprint_hash);
    out += '\n';
    fmt::print(stdout, "{}", out);
  }
  return 0;
}

}  // namespace sshkeygen

// -y: the public key line of a private key file (OpenSSH's do_print_public()),
// asking for the passphrase when the key is encrypted.
#include <cstdio>
#include <cstring>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "sshcore/io/file_io.hpp"

namespace sshkeygen {

int do_print_public(Invocation& inv) {
  Options& o = inv.options;
  if (!o.have_identity) ask_filename(inv, "Enter file in which the key is");
  if (sshcore::io::PathStatus st = sshcore::io::stat_path(o.identity_file); !st.ok())
    fatal("{}: {}", o.identity_file, std::strerror(st.error));
  PrivateWithComment loaded = load_identity(inv, o.identity_file);
  std::string line = public_key_text(loaded.key.public_key());
  if (loaded.comment && !loaded.comment->empty()) {
    line += ' ';
    line += *loaded.comment;
  }
  line += '\n';
  fmt::print(stdout, "{}", line);
  return 0;
}

}  // namespace sshkeygen

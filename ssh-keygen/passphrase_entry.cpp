#include "passphrase_entry.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "sshcore/io/passphrase_prompt.hpp"

namespace sshkeygen {

namespace io = sshcore::io;

sshcore::SecretBytes ask_passphrase(std::string_view prompt) {
  auto answer = io::read_passphrase(prompt, io::kPromptAllowStdin);
  return answer ? std::move(*answer) : sshcore::SecretBytes{};
}

sshcore::SecretBytes new_private_key_passphrase(const Invocation& inv) {
  const Options& o = inv.options;
  if (o.identity_passphrase) return sshcore::SecretBytes::from_string(*o.identity_passphrase);
  if (o.identity_new_passphrase) return sshcore::SecretBytes::from_string(*o.identity_new_passphrase);
  for (;;) {
    sshcore::SecretBytes first = ask_passphrase("Enter passphrase (empty for no passphrase): ");
    sshcore::SecretBytes second = ask_passphrase("Enter same passphrase again: ");
    if (first.view().size() == second.view().size() && sshcore::constant_time_equal(first.view(), second.view()))
      return first;
    fmt::print(stdout, "Passphrases do not match.  Try again.\n");
    std::fflush(stdout);
  }
}

}  // namespace sshkeygen

#include "client_identities.hpp"

#include <cstdio>

#include "sshcore/base/log.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/io/passphrase_prompt.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/signer.hpp"

namespace ssh {
namespace {

namespace log = sshcore::log;
using O = sshcore::config::SshOpt;

// OpenSSH's enum sshkey_types numbers, as "identity file %s type %d" prints them.
int openssh_key_type_number(sshcore::keys::KeyType t) {
  switch (t) {
    case sshcore::keys::KeyType::kRsa: return 0;
    case sshcore::keys::KeyType::kEd25519: return 3;
    default: return 2;  // KEY_ECDSA
  }
}

std::optional<sshcore::keys::PublicKey> load_public_half(const std::string& path) {
  if (auto text = sshcore::io::read_file(path + ".pub")) {
    std::string s(reinterpret_cast<const char*>(text->data()), text->size());
    if (auto line = sshcore::keys::parse_public_key_line(s)) return line->key;
  }
  if (auto priv = sshcore::io::read_file(path)) {
    if (auto pub = sshcore::keys::private_key_public_half(*priv)) return *pub;
  }
  return std::nullopt;
}

}  // namespace

std::vector<sshcore::auth::ClientIdentity> load_identities(const sshcore::config::SshOptions& options,
                                                          const sshcore::config::SshConfigEnvironment& env,
                                                          const sshcore::config::SshTarget& target) {
  std::vector<sshcore::auth::ClientIdentity> out;
  const sshcore::config::SshExpansion how{.tokens = sshcore::config::SshTokenSet::kConnection, .tilde = true,
                                          .dollars = true};
  // IdentityFile lines from the configuration come after -i files; the defaults are marked
  // in the finalized list by their "~/.ssh/" spelling.
  for (const std::string& file : options.list(O::kIdentityFile)) {
    auto expanded = sshcore::config::expand_ssh_value(file, how, options, env, target);
    const std::string path = expanded ? *expanded : file;
    sshcore::auth::ClientIdentity id;
    id.label = path;
    id.public_key = load_public_half(path);
    id.user_provided = !file.starts_with("~/.ssh/id_");
    log::debug1("identity file {} type {}", path, id.public_key ? openssh_key_type_number(id.public_key->type()) : -1);
    log::debug1("identity file {}-cert type -1", path);
    out.push_back(std::move(id));
  }
  return out;
}

void TerminalAuthUi::banner(std::string_view text) {
  if (!show_banner_) return;
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

std::optional<sshcore::SecretBytes> TerminalAuthUi::read_secret(std::string_view prompt, bool echo) {
  if (batch_mode_) return std::nullopt;
  return sshcore::io::read_passphrase(prompt, (echo ? sshcore::io::kPromptEcho : 0u) | sshcore::io::kPromptAllowEof);
}

std::shared_ptr<sshcore::keys::Signer> TerminalAuthUi::load_signer(const sshcore::auth::ClientIdentity& identity) {
  auto file = sshcore::io::read_secret_file(identity.label);
  if (!file) {
    log::debug3("no such identity: {}: {}", identity.label, file.error().detail);
    return nullptr;
  }
  auto loaded = sshcore::keys::parse_private_key(file->view());
  const std::string prompt = "Enter passphrase for key '" + identity.label + "': ";
  for (int attempt = 0; !loaded && attempt < password_prompts_; ++attempt) {
    const auto code = loaded.error().code;
    if (code != sshcore::Errc::kPassphraseRequired && code != sshcore::Errc::kWrongPassphrase) break;
    if (batch_mode_) break;
    if (code == sshcore::Errc::kWrongPassphrase) log::debug2("bad passphrase given, try again...");
    auto pass = sshcore::io::read_passphrase(prompt, sshcore::io::kPromptAllowEof);
    if (!pass || pass->empty()) return nullptr;
    loaded = sshcore::keys::parse_private_key(file->view(), pass->chars());
  }
  if (!loaded) {
    log::debug1("Load key \"{}\": {}", identity.label, loaded.error().detail);
    return nullptr;
  }
  return std::make_shared<sshcore::keys::PrivateKeySigner>(std::move(loaded->key));
}

std::shared_ptr<sshcore::keys::Signer> TerminalAuthUi::signer_without_prompt(
    const sshcore::auth::ClientIdentity& identity) {
  auto file = sshcore::io::read_secret_file(identity.label);
  if (!file) return nullptr;
  auto loaded = sshcore::keys::parse_private_key(file->view());
  if (!loaded) return nullptr;  // encrypted (or not a key): the query goes first, the prompt after PK_OK
  return std::make_shared<sshcore::keys::PrivateKeySigner>(std::move(loaded->key));
}

}  // namespace ssh

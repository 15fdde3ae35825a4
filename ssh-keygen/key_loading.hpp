// Reading and saving key files the way OpenSSH's authfile.c does for ssh-keygen:
// public keys from a text file, its ".pub" sibling or the private file's clear
// public half; private keys after the "UNPROTECTED PRIVATE KEY FILE" permission
// check; saves written atomically (private 0600, public 0644 less the umask).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "invocation.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshkeygen {

// "ssh-ed25519 AAAA...": a key as sshkey_write() prints it, without comment.
std::string public_key_text(const sshcore::keys::PublicKey& key);

// OpenSSH's sshkey_read(): at `text` (leading blanks skipped) a key type name, blanks and
// a base64 blob that decodes to a key of that type. On success `text` is advanced past the
// blob (not past the blanks after it). nullopt leaves `text` unchanged.
std::optional<sshcore::keys::PublicKey> read_key_text(std::string_view& text);

struct PublicWithComment {
  sshcore::keys::PublicKey key;
  std::optional<std::string> comment;  // nullopt: OpenSSH's NULL comment
};

// sshkey_try_load_public(): the first key line of a public key text file; its comment is
// the rest of the line, or the file name when the line has none.
sshcore::Result<PublicWithComment> try_load_public_file(const std::string& path);
// sshkey_load_public(): `path` as public text, then `path`.pub, then the public half of an
// OpenSSH-format private key (no comment). Fails with ENOENT's text when none works.
sshcore::Result<PublicWithComment> load_public(const std::string& path);

struct PrivateWithComment {
  sshcore::keys::PrivateKey key;
  std::optional<std::string> comment;  // nullopt for PEM/PKCS#8 files, which have none
  sshcore::keys::PrivateKeyFormat format;
};

// The "bad permissions" error of load_private.
bool is_bad_permissions(const sshcore::Error& e);
// The errors for which OpenSSH asks for (another) passphrase.
bool is_wrong_passphrase(const sshcore::Error& e);

// sshkey_load_private(): refuses (with OpenSSH's warning box on stderr) a file owned by us
// that group or others may access, then parses it with `passphrase`.
sshcore::Result<PrivateWithComment> load_private(const std::string& path,
                                                 std::string_view passphrase);

// ssh-keygen's load_identity(): load_private with an empty passphrase, then with -P or
// the answer to "Enter passphrase: "; any failure is fatal ("Load key \"%s\": %s").
PrivateWithComment load_identity(const Invocation& inv, const std::string& path);

// sshkey_save_private(): in the -m format with the -Z cipher and -a rounds; written
// atomically with mode 0600. Ed25519 keys are always written in OpenSSH's format, PEM
// and PKCS#8 need passphrases of five characters or more (OpenSSL's rule), as in OpenSSH.
sshcore::Result<void> save_private(const Invocation& inv, const sshcore::keys::PrivateKey& key,
                                   const std::string& path, std::string_view passphrase,
                                   std::string_view comment);
// sshkey_save_public(): "type base64 comment\n" (the space even for an empty comment).
sshcore::Result<void> save_public(const sshcore::keys::PublicKey& key, const std::string& path,
                                  std::string_view comment);

// ask_filename(): prints "PROMPT (DEFAULT): " and reads a line from stdin; an empty line
// keeps the default (~/.ssh/id_TYPE); EOF exits with status 1.
void ask_filename(Invocation& inv, std::string_view prompt);

// OpenSSH's mprintf() for text that came from files: control characters other than
// tab, newline and carriage return are shown as \ooo, so a comment cannot drive the terminal.
std::string printable(std::string_view text);

}  // namespace sshkeygen

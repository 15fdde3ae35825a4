// Finding a user's public key: AuthorizedKeysFile (read as the user, StrictModes) and
// AuthorizedKeysCommand, as OpenSSH 9.2's auth2-pubkey.c user_key_allowed2() does, with
// the core's authorized_keys parser and option checks deciding each line.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "auth_context.hpp"
#include "sshcore/auth/key_options.hpp"
#include "sshcore/config/sshd_config.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshd {

struct KeyLookup {
  const UserRecord& user;
  const sshcore::config::SshdOptions& options;
  const ConnectionAddresses& connection;
  const AuthOs& os;
  std::chrono::milliseconds command_timeout{30000};
};

struct AllowedKey {
  sshcore::auth::KeyOptions options;
  std::string options_text;
  std::string source;  // "PATH:LINE" or "AuthorizedKeysCommand CMD:LINE"
};

// The first source (files in order, then the command) that allows `key`; nothing for a key
// that key_is_revoked() refuses.
std::optional<AllowedKey> find_allowed_key(const KeyLookup& lookup, const sshcore::keys::PublicKey& key);

// auth_key_is_revoked(): RevokedKeys ("none" or unset: nothing is revoked), read as root
// as the monitor does. true when the key must be refused, because the file lists it or
// because it cannot be read or understood (failing closed, with OpenSSH's ERROR lines).
bool key_is_revoked(const sshcore::config::SshdOptions& options, const sshcore::keys::PublicKey& key);

// AuthorizedKeysFile entries with %% %h %u %U expanded, relative ones under the home
// directory; "none" gives nothing.
std::vector<std::string> authorized_keys_paths(const sshcore::config::SshdOptions& options, const UserRecord& user);

// auth_secure_path(): nullopt when `path` (already fstat'ed as `st`) and every directory
// above it up to `home` (or "/") is owned by `uid` or root and not group/world writable;
// else OpenSSH's reason ("bad ownership or modes for directory /home/u/.ssh").
std::optional<std::string> insecure_path_reason(const std::string& path, const struct stat& st,
                                                const std::string& home, uid_t uid);

// OpenSSH's argv_split(): blanks separate words; '...' and "..." quote; backslash escapes
// a quote, a blank or a backslash. nullopt for an unterminated quote.
std::optional<std::vector<std::string>> split_command_line(std::string_view text);

// Runs with the effective uid and groups of `user` while in scope, when the process is
// root (temporarily_use_uid / restore_uid); does nothing otherwise.
class TemporaryUid {
 public:
  TemporaryUid(const UserRecord& user, const AuthOs& os);
  ~TemporaryUid();
  TemporaryUid(const TemporaryUid&) = delete;
  TemporaryUid& operator=(const TemporaryUid&) = delete;

 private:
  bool switched_ = false;
  gid_t saved_gid_ = 0;
  std::vector<gid_t> saved_groups_;
};

}  // namespace sshd

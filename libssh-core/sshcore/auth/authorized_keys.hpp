// authorized_keys files (sshd(8) "AUTHORIZED_KEYS FILE FORMAT") as pure functions over text,
// following OpenSSH 9.2's auth2-pubkeyfile.c (auth_check_authkeys_file,
// auth_check_authkey_line) and auth-options.c. Reading the file (as the user, StrictModes)
// is sshd's job. Typical use by sshd's monitor:
//
//   auto file = auth::parse_authorized_keys(text, TimeZone::system());
//   auth::KeyCheckContext ctx{user, ip, host_or_ip, time(nullptr)};
//   auto d = auth::authorize_key(file, path, offered_key, ctx);
//   for (const auto& l : d.log) log::emit(l.level, l.text);
//   if (d.match) { /* key allowed: apply d.match->options to the session */ }
//
// Each line is either skipped (blank, or '#' after leading blanks) or becomes an entry. A bad
// line never stops the parse; it is an entry with a status and OpenSSH's reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/auth/expiry_time.hpp"
#include "sshcore/auth/key_options.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::auth {

enum class AuthorizedKeyStatus : std::uint8_t {
  kValid,           // key and options parsed: `key` and `options` are set
  kBadOptions,      // the key parsed but the options did not: `key` set, `error` is
                    // OpenSSH's reason ("unknown key option", "missing end quote", ...);
                    // sshd logs "%s: bad key options: %s" and ignores the line
  kBadQuote,        // the options field has an unterminated quote: sshd logs
                    // "invalid key option string" (error) for every key it checks
  kUnsupportedKey,  // a key type OpenSSH knows that we do not support: ssh-dss, sk-* and
                    // certificate types (certificates belong in TrustedUserCAKeys anyway)
  kNoKey,           // no key could be read (garbage, SSH-1 "bits e n" lines, bad base64,
                    // unknown type): OpenSSH skips the line silently (debug2)
};

struct AuthorizedKeysEntry {
  std::size_t line_number = 0;   // 1-based
  AuthorizedKeyStatus status = AuthorizedKeyStatus::kNoKey;
  std::string error;             // why the status is not kValid
  std::string options_text;      // the options field as written; "" when the line starts with the key
  KeyOptions options;            // kValid only (defaults otherwise)
  std::optional<keys::PublicKey> key;  // kValid and kBadOptions
  std::string key_type;          // the key type word as written ("ssh-ed25519", "rsa-sha2-256", ...)
  std::string comment;           // after the key blob and its blanks; no trailing CR
};

struct AuthorizedKeysFile {
  std::vector<AuthorizedKeysEntry> entries;  // non-blank, non-comment lines in file order
  std::size_t line_count = 0;                // all lines, as OpenSSH counts them
};

// Lines end at '\n' (a last line without one counts) and are read up to a NUL, as sshd's
// C string handling does. No line length limit (sshd 9.2 reads with getline()).
AuthorizedKeysFile parse_authorized_keys(std::string_view text, const TimeZone& zone);

// The first kValid entry holding exactly `key` and not marked cert-authority, without any
// connection check (ssh-keygen-like uses, tests). nullptr when none.
const AuthorizedKeysEntry* find_authorized_key(const AuthorizedKeysFile& file, const keys::PublicKey& key);

struct AuthorizedKeyMatch {
  const AuthorizedKeysEntry* entry = nullptr;  // points into the file passed in
  std::size_t line_number = 0;
  KeyOptions options;
};

struct AuthorizedKeysDecision {
  std::optional<AuthorizedKeyMatch> match;  // set when the key is allowed
  std::vector<AuthLogLine> log;             // what sshd logs while scanning, in order
};

// auth_check_authkeys_file() for a plain (non-certificate) key: scans entries in order; an
// entry holding the key (not cert-authority) whose options pass check_key_options() wins;
// one that fails them is logged ("Refused by key options") and the scan goes on, so a later
// line for the same key may still allow it. `path` is used in "file:line" locations (cut to
// 200 bytes as OpenSSH does). Logged, as Debian's sshd 9.2 words it (checked against it):
//   error   "invalid key option string"                 (no location, as sshd 9.2)
//   debug1  "PATH:N: bad key options: REASON"          (only for lines with the offered key's type)
//   debug1  "PATH:N: matching key found: ED25519 SHA256:..."
//   ...     check_key_options() lines; on refusal error "Refused by key options"
//   verbose "Accepted key ED25519 SHA256:... found at PATH:N"
//   debug2  "auth_check_authkeys_file: PATH: processed K/N lines"
// Not reproduced: sshd's debug2 "check options: '...'" / "advance: '...'" lines.
AuthorizedKeysDecision authorize_key(const AuthorizedKeysFile& file, std::string_view path,
                                     const keys::PublicKey& key, const KeyCheckContext& context);

}  // namespace sshcore::auth

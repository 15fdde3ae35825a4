// known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") as pure functions over text.
//
// Reading and writing the file is the caller's job (ssh-keygen -F/-R/-H, ssh, ssh-keyscan).
// Everything here follows OpenSSH 9.2's hostfile.c (hostkeys_foreach) and ssh-keygen.c
// (do_known_hosts, known_hosts_hash, known_hosts_find_delete), so that a program built on it
// prints what OpenSSH prints. Typical use by ssh-keygen:
//
//   auto entries = auth::parse_known_hosts(text);
//
//   // ssh-keygen -F name [-l] [-v] [-H]      (exit status 1 when `found` is empty)
//   auto found = auth::find_known_host(entries, name, /*require_key=*/print_fingerprint);
//   for (const auth::KnownHostsEntry* e : found) {
//     if (!quiet)   // note the space before the label, present even when the label is empty
//       printf("# Host %s found: line %zu %s\n", name, e->line_number,
//              auth::found_marker_label(e->marker));
//     if (hash_hosts)            for (auto& l : auth::hash_known_hosts_entry(*e).lines) puts(l);
//     else if (print_fingerprint) printf("%s %s %s%s%s\n", name, e->key->info().short_name,
//                                        fp, e->comment.empty() ? "" : " ", e->comment);
//                                 // and, with -v, the randomart on the next lines
//     else                       puts(e->line);
//   }
//
//   // ssh-keygen -R name          auto edit = auth::remove_known_host(entries, name);
//   // ssh-keygen -H               auto edit = auth::hash_known_hosts(entries);
//   for (const auto& n : edit.notes) ...    // in file order, see KnownHostsNote for the wording
//   if (edit.invalid)         -> error("%s is not a valid known_hosts file.", path);
//                                error("Not replacing existing known_hosts file because of errors");
//                                (only when editing in place); exit 1
//   else if (-R && !edit.found) -> logit("Host %s not found in %s", name, path); exit 0, file untouched
//   else                      -> write edit.text to a temp file, keep the old file as PATH.old,
//                                print "%s updated.\n" and "Original contents retained as %s\n";
//                                if edit.had_unhashed: logit("WARNING: %s contains unhashed entries",
//                                old) and logit("Delete this file to ensure privacy of hostnames")
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/error.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::auth {

// ---- host names ------------------------------------------------------------------

// The name under which a host is recorded: "host" for port 22 (or 0), else "[host]:port".
std::string known_host_name(std::string_view host, std::uint16_t port);

// A hashed host name is "|1|" base64(salt) "|" base64(HMAC-SHA1(key=salt, name)), salt 20 bytes.
inline constexpr std::size_t kKnownHostSaltSize = 20;
// The name is hashed as given: OpenSSH lowercases it first (see known_hosts_line), do the same.
std::string hash_known_host_name(std::string_view name);  // fresh random salt
// With a chosen salt (tests, reproducible output); kInvalidArgument unless salt is 20 bytes.
Result<std::string> hash_known_host_name(std::string_view name, ByteView salt);

enum class HostMatch : std::uint8_t {
  kNo,
  kYes,
  kBadHash,  // a hashed field whose salt does not decode: OpenSSH counts the line invalid
};
// OpenSSH's match_maybe_hashed(): a field starting with '|' is a hashed name, compared whole
// (in constant time) with the name hashed under its salt; the name is used as given.
// Otherwise the field is a comma-separated pattern list (wildcards '*' '?', '!' negation,
// case-insensitive, the name lowercased): kYes only for a positive match with no negated match.
HostMatch match_known_host(std::string_view hosts_field, std::string_view name);

// ---- parsed files ----------------------------------------------------------------

enum class HostMarker : std::uint8_t { kNone, kCertAuthority, kRevoked };  // @cert-authority, @revoked

enum class KnownHostsLineKind : std::uint8_t {
  kBlank,    // empty or only spaces and tabs
  kComment,  // first non-blank character is '#'
  kEntry,    // anything else: a host entry, valid or not (see `invalid`)
};

struct KnownHostsEntry {
  std::size_t line_number = 0;  // 1-based
  // The line as OpenSSH handles it: without its '\n', cut at the first NUL. Lines kept by an
  // edit are written back exactly as this plus '\n' (a '\r' of a CRLF file stays in `line`).
  std::string line;
  KnownHostsLineKind kind = KnownHostsLineKind::kBlank;

  // Only for kEntry:
  HostMarker marker = HostMarker::kNone;
  std::string hosts;      // "a,b,[c]:2222", "*.example.com,!x.example.com" or "|1|salt|hmac"
  bool hashed = false;    // hosts starts with '|'
  std::string key_text;   // from the key type to the end of the line (OpenSSH's "rawkey"):
                          // what ssh-keygen -H writes after each hashed name
  // Set when OpenSSH's hostkeys_foreach() calls the line invalid without parsing its key: a bad
  // marker, nothing after the hosts field, a key type name OpenSSH 9.2 does not know (full
  // names like "ssh-ed25519", "ssh-dss", certificate and security-key names, or a plain type's
  // short name like "ED25519" in any case), or nothing after the key type. This is what
  // ssh-keygen -R and -H report as "invalid line".
  std::optional<Error> invalid;
  // The public key, when the key type and base64 blob parse as a key we support (never when
  // `invalid`). Lines with a valid type we do not support (DSA, certificates) have no key but
  // are not `invalid`, as for OpenSSH when it does not parse keys.
  std::optional<keys::PublicKey> key;
  std::optional<Error> key_error;  // why `key` is empty (for an entry)
  std::string comment;             // after the key blob and its following blanks; "" if none
};

// Every line of the file becomes one entry; garbage never aborts the parse. Lines end at '\n';
// a last line without '\n' counts; an empty text has no lines.
// kSkip leaves `key`, `key_error` and `comment` empty: what -F, -R and -H need
// is the hosts field and the line's validity, and decoding every key (RSA
// through libcrypto) is most of the cost on a large file, as OpenSSH knows
// (hostkeys_foreach parses keys only when asked, HKF_WANT_PARSE_KEY).
enum class KnownHostsKeys : std::uint8_t { kParse, kSkip };
std::vector<KnownHostsEntry> parse_known_hosts(std::string_view text, KnownHostsKeys keys = KnownHostsKeys::kParse);

// ---- ssh-keygen -F (and ssh's host key lookup) -----------------------------------

// The entries that OpenSSH's hostkeys_foreach(HKF_WANT_MATCH) reports as matching `name`, in
// file order: valid entries (not `invalid`, not kBadHash) whose hosts field matches, markers
// included. With require_key (ssh-keygen -F -l, and ssh loading host keys) entries whose key
// did not parse are skipped too. Pointers point into `entries`.
std::vector<const KnownHostsEntry*> find_known_host(std::span<const KnownHostsEntry> entries,
                                                    std::string_view name,
                                                    bool require_key = false);

// "CA" for @cert-authority, "REVOKED" for @revoked, "" otherwise: the last word of
// "# Host %s found: line %lu %s".
std::string_view found_marker_label(HostMarker marker);

// ---- ssh-keygen -H (and -HF) -----------------------------------------------------

struct HashedEntry {
  // The output lines (no '\n'). An unhashed entry without wildcard or marker becomes one line
  // per comma-separated name: hash(lowercase(name)) + " " + key_text. As in OpenSSH the split
  // stops at the first empty name, so "a,,b" hashes only "a" and ",a" yields no line at all.
  // Anything else (comments, invalid lines, hashed or wildcard/negated fields, markers) is
  // kept as `line`.
  std::vector<std::string> lines;
  bool hashed_now = false;      // at least one line was hashed: the old file had clear names
  bool wildcard_kept = false;   // kept because the hosts field holds '*', '?' or '!'
};
HashedEntry hash_known_hosts_entry(const KnownHostsEntry& entry);

// ---- ssh-keygen -R / -H edits ----------------------------------------------------

enum class KnownHostsNoteKind : std::uint8_t {
  kRemoved,        // -R, stdout unless -q:  "# Host %s found: line %lu\n"  (name, line_number)
  kInvalidLine,    // -R and -H, logit:      "%s:%lu: invalid line"         (path, line_number)
  kWildcardKept,   // -H only, logit:        "%s:%lu: ignoring host name with wildcard: %.64s"
                   //                        (path, line_number, hosts)
};
struct KnownHostsNote {
  KnownHostsNoteKind kind;
  std::size_t line_number;
  std::string hosts;  // the entry's hosts field (used by kWildcardKept)
};

struct KnownHostsEdit {
  std::string text;                  // the new file: every output line followed by '\n'
  std::vector<KnownHostsNote> notes; // in file order, as OpenSSH prints them while it reads
  bool invalid = false;              // some line was invalid: OpenSSH keeps the old file, exits 1
  bool found = false;                // -R: some line was removed
  bool had_unhashed = false;         // -H: some line was hashed (the .old file has clear names)
};

// -R: drops entries without marker that match `name` (as find_known_host without require_key);
// keeps everything else in order, including @cert-authority/@revoked lines that match. An
// entry that is `invalid`, or hashed with a bad salt, is kept and noted kInvalidLine.
KnownHostsEdit remove_known_host(std::span<const KnownHostsEntry> entries, std::string_view name);

// -H: every entry through hash_known_hosts_entry; `invalid` entries are kept and noted.
KnownHostsEdit hash_known_hosts(std::span<const KnownHostsEntry> entries);

// ---- writing entries (ssh's add_host_to_hostfile, ssh-keyscan -H) -----------------

// One known_hosts line without '\n': the host lowercased (then hashed when `hash`), a space,
// the key's type name and base64 blob. Like OpenSSH's write_host_entry(); no comment.
std::string known_hosts_line(std::string_view host, const keys::PublicKey& key, bool hash);

}  // namespace sshcore::auth

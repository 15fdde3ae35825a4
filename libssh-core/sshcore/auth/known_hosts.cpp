// known_hosts parsing and the ssh-keygen -F/-R/-H operations (OpenSSH 9.2 hostfile.c
// hostkeys_foreach and ssh-keygen.c known_hosts_hash / known_hosts_find_delete).
#include "sshcore/auth/known_hosts.hpp"

#include <array>

#include "sshcore/auth/known_hosts_hash.hpp"
#include "sshcore/base/pattern.hpp"

namespace sshcore::auth {
namespace {

using keys::KeyType;

// Every key type name OpenSSH 9.2 (as Debian builds it: no XMSS) knows, because a line is
// valid for ssh-keygen -R/-H/-F when its type name is known, whether or not we support the
// type. Short names count too (case-insensitively) for plain types, as in
// sshkey_type_from_name(); only full names count when the key itself is parsed.
struct OpenSshKeyName {
  std::string_view name;
  std::string_view short_name;  // empty for certificates: never matched by short name
  std::optional<KeyType> ours;  // the plain type we parse, when we support it
};
constexpr std::array kOpenSshKeyNames{
    OpenSshKeyName{"ssh-ed25519", "ED25519", KeyType::kEd25519},
    OpenSshKeyName{"ssh-ed25519-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"sk-ssh-ed25519@openssh.com", "ED25519-SK", std::nullopt},
    OpenSshKeyName{"sk-ssh-ed25519-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"ecdsa-sha2-nistp256", "ECDSA", KeyType::kEcdsaP256},
    OpenSshKeyName{"ecdsa-sha2-nistp256-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"ecdsa-sha2-nistp384", "ECDSA", KeyType::kEcdsaP384},
    OpenSshKeyName{"ecdsa-sha2-nistp384-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"ecdsa-sha2-nistp521", "ECDSA", KeyType::kEcdsaP521},
    OpenSshKeyName{"ecdsa-sha2-nistp521-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK", std::nullopt},
    OpenSshKeyName{"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK", std::nullopt},
    OpenSshKeyName{"ssh-dss", "DSA", std::nullopt},
    OpenSshKeyName{"ssh-dss-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"ssh-rsa", "RSA", KeyType::kRsa},
    OpenSshKeyName{"ssh-rsa-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"rsa-sha2-256", "RSA", KeyType::kRsa},
    OpenSshKeyName{"rsa-sha2-256-cert-v01@openssh.com", "", std::nullopt},
    OpenSshKeyName{"rsa-sha2-512", "RSA", KeyType::kRsa},
    OpenSshKeyName{"rsa-sha2-512-cert-v01@openssh.com", "", std::nullopt},
};

// sshkey_read() keeps type names in a 128-byte buffer; hostkeys_foreach() refuses longer ones.
constexpr std::size_t kMaxKeyTypeName = 127;
// check_markers() copies a marker into a 32-byte buffer.
constexpr std::size_t kMaxMarker = 31;
constexpr std::string_view kCertAuthorityMarker = "@cert-authority";
constexpr std::string_view kRevokedMarker = "@revoked";

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && blank(s[i])) ++i;
  return s.substr(i);
}

std::size_t word_length(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && !blank(s[i])) ++i;
  return i;
}

bool known_key_type_name(std::string_view word) {
  for (const OpenSshKeyName& k : kOpenSshKeyNames) {
    if (k.name == word) return true;
    if (!k.short_name.empty() && ascii_lowercase(k.short_name) == ascii_lowercase(word)) return true;
  }
  return false;
}

const OpenSshKeyName* find_full_key_type_name(std::string_view word) {
  for (const OpenSshKeyName& k : kOpenSshKeyNames)
    if (k.name == word) return &k;
  return nullptr;
}

enum class MarkerResult : std::uint8_t { kOk, kError };

// check_markers(): zero or one marker, each ended by whitespace. OpenSSH looks for the first
// space anywhere in the rest of the line and only without one for a tab; kept as is, since
// it decides which lines are valid.
MarkerResult take_marker(std::string_view& rest, HostMarker& marker) {
  marker = HostMarker::kNone;
  while (!rest.empty() && rest.front() == '@') {
    if (marker != HostMarker::kNone) return MarkerResult::kError;
    std::size_t end = rest.find(' ');
    if (end == std::string_view::npos) end = rest.find('\t');
    if (end == std::string_view::npos || end <= 1 || end > kMaxMarker) return MarkerResult::kError;
    std::string_view word = rest.substr(0, end);
    if (word == kCertAuthorityMarker)
      marker = HostMarker::kCertAuthority;
    else if (word == kRevokedMarker)
      marker = HostMarker::kRevoked;
    else
      return MarkerResult::kError;
    rest = skip_blanks(rest.substr(end));
  }
  return MarkerResult::kOk;
}

// OpenSSH's check of an entry without parsing the key: the type name must be known and be
// followed by something other than blanks or a comment.
std::optional<Error> check_key_type(std::string_view key_text) {
  std::size_t len = word_length(key_text);
  if (len <= 1 || len > kMaxKeyTypeName || len == key_text.size())
    return Error{Errc::kInvalidFormat, "truncated or unknown key type"};
  std::string_view after = skip_blanks(key_text.substr(len));
  if (after.empty() || after.front() == '#')
    return Error{Errc::kInvalidFormat, "truncated after key type"};
  if (!known_key_type_name(key_text.substr(0, len)))
    return Error{Errc::kKeyTypeUnknown, "unknown key type"};
  return std::nullopt;
}

// sshkey_read(): full type name, blank, base64 blob of a key of that type; the comment is
// what follows the blob and its blanks.
void parse_key(KnownHostsEntry& e) {
  std::string_view text = e.key_text;
  std::size_t type_len = word_length(text);
  const OpenSshKeyName* name = find_full_key_type_name(text.substr(0, type_len));
  if (name == nullptr) {
    e.key_error = Error{Errc::kKeyTypeUnknown, "unknown key type"};
    return;
  }
  if (!name->ours) {
    e.key_error = Error{Errc::kKeyTypeUnsupported, std::string(name->name)};
    return;
  }
  std::string_view rest = skip_blanks(text.substr(type_len));
  std::size_t blob_len = word_length(rest);
  auto blob = decode_base64_like_openssh(rest.substr(0, blob_len));
  if (!blob) {
    e.key_error = Error{Errc::kInvalidFormat, "invalid base64 key blob"};
    return;
  }
  auto key = keys::PublicKey::from_blob(*blob);
  if (!key) {
    e.key_error = key.error();
    return;
  }
  if (key->type() != *name->ours) {
    e.key_error = Error{Errc::kKeyInvalid, "key blob does not match its type name"};
    return;
  }
  e.key = std::move(*key);
  e.comment = std::string(skip_blanks(rest.substr(blob_len)));
}

KnownHostsEntry parse_line(std::size_t number, std::string_view line, KnownHostsKeys keys) {
  KnownHostsEntry e;
  e.line_number = number;
  e.line = std::string(line);
  std::string_view rest = skip_blanks(line);
  if (rest.empty()) return e;
  if (rest.front() == '#') {
    e.kind = KnownHostsLineKind::kComment;
    return e;
  }
  e.kind = KnownHostsLineKind::kEntry;
  if (take_marker(rest, e.marker) == MarkerResult::kError) {
    e.marker = HostMarker::kNone;
    e.invalid = Error{Errc::kInvalidFormat, "invalid marker"};
    e.key_error = e.invalid;
    return e;
  }
  std::size_t hosts_len = word_length(rest);
  e.hosts = std::string(rest.substr(0, hosts_len));
  e.hashed = !e.hosts.empty() && e.hosts.front() == '|';
  rest = skip_blanks(rest.substr(hosts_len));
  if (rest.empty() || rest.front() == '#') {
    e.invalid = Error{Errc::kInvalidFormat, "truncated before key type"};
    e.key_error = e.invalid;
    return e;
  }
  e.key_text = std::string(rest);
  e.invalid = check_key_type(rest);
  if (e.invalid) {
    e.key_error = e.invalid;
    return e;
  }
  if (keys == KnownHostsKeys::kParse) parse_key(e);
  return e;
}

}  // namespace

std::vector<KnownHostsEntry> parse_known_hosts(std::string_view text, KnownHostsKeys keys) {
  std::vector<KnownHostsEntry> entries;
  std::size_t number = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    // OpenSSH handles lines as C strings: nothing after a NUL exists for it.
    line = line.substr(0, line.find('\0'));
    entries.push_back(parse_line(++number, line, keys));
  }
  return entries;
}

std::vector<const KnownHostsEntry*> find_known_host(std::span<const KnownHostsEntry> entries,
                                                    std::string_view name, bool require_key) {
  std::vector<const KnownHostsEntry*> found;
  for (const KnownHostsEntry& e : entries) {
    if (e.kind != KnownHostsLineKind::kEntry || e.invalid) continue;
    if (match_known_host(e.hosts, name) != HostMatch::kYes) continue;
    if (require_key && !e.key) continue;
    found.push_back(&e);
  }
  return found;
}

std::string_view found_marker_label(HostMarker marker) {
  switch (marker) {
    case HostMarker::kCertAuthority: return "CA";
    case HostMarker::kRevoked: return "REVOKED";
    case HostMarker::kNone: break;
  }
  return "";
}

HashedEntry hash_known_hosts_entry(const KnownHostsEntry& e) {
  HashedEntry out;
  if (e.kind != KnownHostsLineKind::kEntry || e.invalid) {
    out.lines.push_back(e.line);
    return out;
  }
  out.wildcard_kept = e.hosts.find_first_of("*?!") != std::string::npos;
  if (e.hashed || out.wildcard_kept || e.marker != HostMarker::kNone) {
    out.lines.push_back(e.line);
    return out;
  }
  std::string_view hosts = e.hosts;
  for (;;) {
    std::size_t comma = hosts.find(',');
    std::string_view name = hosts.substr(0, comma);
    if (name.empty()) break;  // OpenSSH's strsep() loop stops at an empty name
    out.lines.push_back(hash_known_host_name(ascii_lowercase(name)) + " " + e.key_text);
    out.hashed_now = true;
    if (comma == std::string_view::npos) break;
    hosts.remove_prefix(comma + 1);
  }
  return out;
}

namespace {
void keep(KnownHostsEdit& edit, const KnownHostsEntry& e) {
  edit.text += e.line;
  edit.text += '\n';
}
void keep_invalid(KnownHostsEdit& edit, const KnownHostsEntry& e) {
  edit.invalid = true;
  edit.notes.push_back({KnownHostsNoteKind::kInvalidLine, e.line_number, e.hosts});
  keep(edit, e);
}
}  // namespace

KnownHostsEdit remove_known_host(std::span<const KnownHostsEntry> entries, std::string_view name) {
  KnownHostsEdit edit;
  for (const KnownHostsEntry& e : entries) {
    if (e.kind != KnownHostsLineKind::kEntry) {
      keep(edit, e);
      continue;
    }
    if (e.invalid) {
      keep_invalid(edit, e);
      continue;
    }
    HostMatch m = match_known_host(e.hosts, name);
    if (m == HostMatch::kBadHash) {
      keep_invalid(edit, e);
    } else if (m == HostMatch::kYes && e.marker == HostMarker::kNone) {
      edit.found = true;
      edit.notes.push_back({KnownHostsNoteKind::kRemoved, e.line_number, e.hosts});
    } else {
      keep(edit, e);  // no match, or a CA / revocation line, which -R never removes
    }
  }
  return edit;
}

KnownHostsEdit hash_known_hosts(std::span<const KnownHostsEntry> entries) {
  KnownHostsEdit edit;
  for (const KnownHostsEntry& e : entries) {
    if (e.kind == KnownHostsLineKind::kEntry && e.invalid) {
      keep_invalid(edit, e);
      continue;
    }
    HashedEntry h = hash_known_hosts_entry(e);
    if (h.wildcard_kept)
      edit.notes.push_back({KnownHostsNoteKind::kWildcardKept, e.line_number, e.hosts});
    edit.had_unhashed = edit.had_unhashed || h.hashed_now;
    for (const std::string& l : h.lines) {
      edit.text += l;
      edit.text += '\n';
    }
  }
  return edit;
}

}  // namespace sshcore::auth

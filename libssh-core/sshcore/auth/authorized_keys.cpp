// authorized_keys lines and lookups, following OpenSSH 9.2's auth2-pubkeyfile.c and
// sshkey_read() / sshkey_advance_past_options() from sshkey.c.
#include "sshcore/auth/authorized_keys.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_type.hpp"

namespace sshcore::auth {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

// How OpenSSH 9.2's sshkey_read() takes the first word of a key: full type names only (its
// short names such as "ED25519" are refused there, as Debian's ssh-keygen -l shows), and the
// RSA signature names, which sit in the same table as key types.
enum class TypeWord : std::uint8_t {
  kSupported,    // one of ours, `type` says which
  kUnsupported,  // a type OpenSSH knows and we do not
  kUnknown,
};
struct TypeInfo {
  TypeWord word = TypeWord::kUnknown;
  keys::KeyType type = keys::KeyType::kEd25519;
};

constexpr std::array<std::string_view, 13> kUnsupportedNames = {
    "ssh-dss",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ssh-ed25519@openssh.com",
    "ssh-rsa-cert-v01@openssh.com",
    "ssh-dss-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
    "ssh-ed25519-cert-v01@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "sk-ssh-ed25519-cert-v01@openssh.com",
    "rsa-sha2-256-cert-v01@openssh.com",
    "rsa-sha2-512-cert-v01@openssh.com",
};

TypeInfo classify_type_word(std::string_view word) {
  TypeInfo t;
  if (const keys::KeyTypeInfo* info = keys::find_key_type(word)) {
    t.word = TypeWord::kSupported;
    t.type = info->type;
  } else if (word == "rsa-sha2-256" || word == "rsa-sha2-512") {
    t.word = TypeWord::kSupported;
    t.type = keys::KeyType::kRsa;
  } else {
    for (std::string_view n : kUnsupportedNames)
      if (word == n) t.word = TypeWord::kUnsupported;
  }
  return t;
}

bool is_ecdsa(keys::KeyType t) {
  return t == keys::KeyType::kEcdsaP256 || t == keys::KeyType::kEcdsaP384 || t == keys::KeyType::kEcdsaP521;
}
// OpenSSH's plain key types: every ECDSA curve is KEY_ECDSA.
bool same_family(keys::KeyType a, keys::KeyType b) { return a == b || (is_ecdsa(a) && is_ecdsa(b)); }

struct KeyRead {
  enum class Kind : std::uint8_t { kOk, kUnsupported, kFail } kind = Kind::kFail;
  std::optional<keys::PublicKey> key;
  std::string type_word;
  std::string comment;
  std::string error;
};

// sshkey_read() at the start of `s`.
KeyRead read_key(std::string_view s) {
  KeyRead out;
  std::size_t space = 0;
  while (space < s.size() && !is_blank(s[space])) ++space;
  out.type_word = std::string(s.substr(0, std::min<std::size_t>(space, 64)));
  if (space == s.size()) {
    out.error = "no key after the key type";
    return out;
  }
  TypeInfo type = classify_type_word(s.substr(0, space));
  if (type.word == TypeWord::kUnknown) {
    out.error = "unknown key type";
    return out;
  }
  std::string_view rest = skip_blanks(s.substr(space));
  if (rest.empty()) {
    out.error = "no key after the key type";
    return out;
  }
  std::size_t blob_end = 0;
  while (blob_end < rest.size() && !is_blank(rest[blob_end])) ++blob_end;
  // b64_pton() skips white space inside the blob (a CR of a CRLF file, for one).
  std::string b64;
  for (char c : rest.substr(0, blob_end))
    if (!(c == '\r' || c == '\n' || c == '\v' || c == '\f')) b64 += c;
  auto blob = base64_decode(b64);
  if (!blob) {
    out.error = "invalid base64 key data";
    return out;
  }
  std::string_view comment = skip_blanks(rest.substr(blob_end));
  while (!comment.empty() && (comment.back() == '\r' || comment.back() == '\n')) comment.remove_suffix(1);
  out.comment = std::string(comment);
  if (type.word == TypeWord::kUnsupported) {
    out.kind = KeyRead::Kind::kUnsupported;
    out.error = fmt::format("key type {} is not supported", out.type_word);
    return out;
  }
  auto key = keys::PublicKey::from_blob(*blob);
  if (!key) {
    out.error = key.error().message();
    return out;
  }
  if (key->type() != type.type) {
    out.error = "key type mismatch";
    return out;
  }
  out.kind = KeyRead::Kind::kOk;
  out.key = std::move(*key);
  return out;
}

// sshkey_advance_past_options(): to the first blank outside double quotes (\" does not
// toggle). nullopt for an unterminated quote.
std::optional<std::size_t> advance_past_options(std::string_view s) {
  bool quoted = false;
  std::size_t i = 0;
  for (; i < s.size() && (quoted || !is_blank(s[i])); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"')
      ++i;
    else if (s[i] == '"')
      quoted = !quoted;
  }
  if (i >= s.size() && quoted) return std::nullopt;
  return std::min(i, s.size());
}

AuthorizedKeysEntry parse_entry(std::string_view cp, std::size_t line_number, const TimeZone& zone) {
  AuthorizedKeysEntry e;
  e.line_number = line_number;
  KeyRead first = read_key(cp);
  if (first.kind == KeyRead::Kind::kOk || first.kind == KeyRead::Kind::kUnsupported) {
    e.key_type = first.type_word;
    e.status = first.kind == KeyRead::Kind::kOk ? AuthorizedKeyStatus::kValid : AuthorizedKeyStatus::kUnsupportedKey;
    e.error = first.error;
    e.key = std::move(first.key);
    e.comment = std::move(first.comment);
    return e;
  }
  auto end = advance_past_options(cp);
  if (!end) {
    e.status = AuthorizedKeyStatus::kBadQuote;
    e.error = "invalid key option string";
    e.options_text = std::string(cp);
    return e;
  }
  e.options_text = std::string(cp.substr(0, *end));
  KeyRead second = read_key(skip_blanks(cp.substr(*end)));
  e.key_type = second.type_word;
  e.error = second.error;
  if (second.kind == KeyRead::Kind::kUnsupported) {
    e.status = AuthorizedKeyStatus::kUnsupportedKey;
    e.comment = std::move(second.comment);
    return e;
  }
  if (second.kind == KeyRead::Kind::kFail) {
    e.status = AuthorizedKeyStatus::kNoKey;
    return e;
  }
  e.key = std::move(second.key);
  e.comment = std::move(second.comment);
  auto opts = parse_key_options(cp, zone);
  if (!opts) {
    e.status = AuthorizedKeyStatus::kBadOptions;
    e.error = opts.error().detail;
    return e;
  }
  e.status = AuthorizedKeyStatus::kValid;
  e.error.clear();
  e.options = std::move(*opts);
  return e;
}

}  // namespace

AuthorizedKeysFile parse_authorized_keys(std::string_view text, const TimeZone& zone) {
  AuthorizedKeysFile file;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++file.line_count;
    line = line.substr(0, line.find('\0'));
    std::string_view cp = skip_blanks(line);
    if (cp.empty() || cp.front() == '#') continue;
    file.entries.push_back(parse_entry(cp, file.line_count, zone));
  }
  return file;
}

const AuthorizedKeysEntry* find_authorized_key(const AuthorizedKeysFile& file, const keys::PublicKey& key) {
  for (const AuthorizedKeysEntry& e : file.entries)
    if (e.status == AuthorizedKeyStatus::kValid && e.key && *e.key == key && !e.options.cert_authority) return &e;
  return nullptr;
}

AuthorizedKeysDecision authorize_key(const AuthorizedKeysFile& file, std::string_view path,
                                     const keys::PublicKey& key, const KeyCheckContext& context) {
  AuthorizedKeysDecision d;
  std::string short_path(path.substr(0, 200));
  std::size_t processed = 0;
  for (const AuthorizedKeysEntry& e : file.entries) {
    ++processed;
    std::string loc = fmt::format("{}:{}", short_path, e.line_number);
    switch (e.status) {
      case AuthorizedKeyStatus::kBadQuote:
        // sshd 9.2 logs the reason alone here, without the location.
        d.log.push_back({log::Level::kError, "invalid key option string"});
        continue;
      case AuthorizedKeyStatus::kBadOptions:
        if (e.key && same_family(e.key->type(), key.type()))
          d.log.push_back({log::Level::kDebug1, fmt::format("{}: bad key options: {}", loc, e.error)});
        continue;
      case AuthorizedKeyStatus::kUnsupportedKey:
      case AuthorizedKeyStatus::kNoKey:
        continue;
      case AuthorizedKeyStatus::kValid:
        break;
    }
    if (!e.key || !(*e.key == key) || e.options.cert_authority) continue;
    std::string fp = keys::fingerprint(*e.key);
    std::string_view short_name = e.key->info().short_name;
    d.log.push_back({log::Level::kDebug1, fmt::format("{}: matching key found: {} {}", loc, short_name, fp)});
    KeyOptionsCheck check = check_key_options(e.options, context, loc, /*allow_cert_authority=*/false);
    d.log.insert(d.log.end(), check.log.begin(), check.log.end());
    if (!check.allowed) {
      d.log.push_back({log::Level::kError, "Refused by key options"});
      continue;
    }
    d.log.push_back({log::Level::kVerbose, fmt::format("Accepted key {} {} found at {}", short_name, fp, loc)});
    d.match = AuthorizedKeyMatch{&e, e.line_number, e.options};
    break;
  }
  d.log.push_back({log::Level::kDebug2, fmt::format("auth_check_authkeys_file: {}: processed {}/{} lines", path,
                                                    processed, file.line_count)});
  return d;
}

}  // namespace sshcore::auth

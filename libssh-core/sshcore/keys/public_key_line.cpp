// One-line public keys ("ssh-ed25519 AAAA... comment"), as in .pub files and
// authorized_keys without options (sshkey_read / sshkey_write).
#include <string>

#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshcore::keys {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view take_token(std::string_view& s) {
  std::size_t end = 0;
  while (end < s.size() && !is_space(s[end])) ++end;
  std::string_view token = s.substr(0, end);
  s.remove_prefix(end);
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return token;
}

}  // namespace

Result<PublicKeyLine> parse_public_key_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
  if (line.empty()) return fail(Errc::kInvalidFormat, "empty public key line");
  if (line.front() == '#') return fail(Errc::kInvalidFormat, "public key line is a comment");
  std::string_view type_name = take_token(line);
  const KeyTypeInfo* info = find_key_type(type_name);
  if (info == nullptr) {
    if (type_name == "ssh-dss") return fail(Errc::kKeyTypeUnsupported, "DSA keys are not supported");
    return fail(Errc::kKeyTypeUnknown, "unknown key type \"" + std::string(type_name.substr(0, 64)) + "\"");
  }
  std::string_view b64 = take_token(line);
  if (b64.empty()) return fail(Errc::kInvalidFormat, "public key line has no key data after the type");
  auto blob = base64_decode(b64);
  if (!blob) return fail(Errc::kInvalidFormat, "public key data is not valid base64");
  auto key = PublicKey::from_blob(*blob);
  if (!key) {
    Error e = std::move(key).error();
    e.detail = "public key data: " + e.detail;
    return fail(std::move(e));
  }
  if (key->type() != info->type)
    return fail(Errc::kInvalidFormat, "key type " + std::string(type_name) + " does not match the key data (" +
                                          std::string(key->info().ssh_name) + ")");
  return PublicKeyLine{std::move(*key), std::string(line)};
}

std::string format_public_key_line(const PublicKey& key, std::string_view comment) {
  std::string out(key.info().ssh_name);
  out += ' ';
  out += base64_encode(key.blob());
  if (!comment.empty()) {
    out += ' ';
    out += comment;
  }
  return out;
}

}  // namespace sshcore::keys

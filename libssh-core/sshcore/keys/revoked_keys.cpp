#include "sshcore/keys/revoked_keys.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/krl.hpp"

namespace sshcore::keys {
namespace {

constexpr std::string_view kKrlMagic{"SSHKRL\n\0", 8};

// Key types OpenSSH 9.2 reads in a key list that sshpp does not implement: such a line
// is a well-formed entry that cannot match any key offered to us, so it is not an error.
constexpr std::array<std::string_view, 3> kForeignKeyTypes{
    "ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"};
constexpr std::string_view kCertSuffix = "-cert-v01@openssh.com";

bool foreign_type(std::string_view line) {
  std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return false;
  std::string_view type = line.substr(start, line.find_first_of(" \t", start) - start);
  return type.ends_with(kCertSuffix) || std::ranges::find(kForeignKeyTypes, type) != kForeignKeyTypes.end();
}

bool skippable(std::string_view line) {
  std::size_t start = line.find_first_not_of(" \t");
  return start == std::string_view::npos || line[start] == '#' || line[start] == '\r';
}

}  // namespace

bool is_krl(ByteView file) {
  return file.size() >= kKrlMagic.size() && std::memcmp(file.data(), kKrlMagic.data(), kKrlMagic.size()) == 0;
}

Result<bool> key_in_list(std::string_view text, const PublicKey& key) {
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (skippable(line)) continue;
    auto parsed = parse_public_key_line(line);
    if (!parsed) {
      Errc code = parsed.error().code;
      if (code == Errc::kKeySizeInvalid || code == Errc::kKeyTypeUnsupported || foreign_type(line)) continue;
      return fail(Errc::kInvalidFormat, "invalid format");
    }
    if (parsed->key == key) return true;
  }
  return false;
}

Result<bool> key_is_revoked(ByteView file, const PublicKey& key) {
  if (is_krl(file)) {
    auto krl = parse_krl(file);
    // sshd logs ssh_err()'s words for a KRL it cannot read, not the parser's detail.
    if (!krl)
      return fail(Errc::kInvalidFormat, krl.error().code == Errc::kTruncated ? "incomplete message" : "invalid format");
    return krl_revokes(*krl, key);
  }
  return key_in_list(as_chars(file), key);
}

}  // namespace sshcore::keys

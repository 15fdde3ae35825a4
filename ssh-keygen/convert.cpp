// -e / -i: public keys to and from RFC 4716 ("SSH2 PUBLIC KEY"), PKCS#8
// SubjectPublicKeyInfo and PEM (PKCS#1) text, as OpenSSH's do_convert_to() and
// do_convert_from() print them.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "sshcore/auth/known_hosts_hash.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshkeygen {

namespace io = sshcore::io;
namespace keys = sshcore::keys;

namespace {

constexpr std::string_view kSshComPrivateBegin = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----";
// OpenSSH's buffers: 1024-byte lines, 8096 bytes of base64.
constexpr std::size_t kMaxSshComLine = 1023;
constexpr std::size_t kMaxSshComBase64 = 8096;

void require_file(const std::string& path) {
  if (io::PathStatus st = io::stat_path(path); !st.ok())
    fatal("ssh-keygen: {}: {}", path, std::strerror(st.error));
}

// OpenSSH reads "SSH2 PUBLIC KEY" text loosely (do_convert_from_ssh2): lines
// starting with "----" or holding ": " are headers, a header ending in '\'
// swallows the next line, everything else is base64, up to a line with " END ".
struct SshComText {
  std::string base64;
  bool private_key = false;
};

SshComText read_ssh_com_text(std::string_view text) {
  SshComText out;
  unsigned escaped = 0;
  while (!text.empty()) {
    // get_line(): a line ends at "\n", "\r\n" or a lone "\r"; a last line
    // without an end is not read.
    std::size_t end = text.find_first_of("\r\n");
    if (end == std::string_view::npos) break;
    std::string_view line = text.substr(0, end);
    std::size_t skip = end + 1;
    if (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++skip;
    text.remove_prefix(skip);
    line = line.substr(0, line.find('\0'));
    if (line.size() >= kMaxSshComLine) fatal("input line too long.");
    if (!line.empty() && line.back() == '\\') ++escaped;
    if (line.starts_with("----") || line.find(": ") != std::string_view::npos) {
      if (line.find(kSshComPrivateBegin) != std::string_view::npos) out.private_key = true;
      if (line.find(" END ") != std::string_view::npos) break;
      continue;
    }
    if (escaped > 0) {
      --escaped;
      continue;
    }
    // strlcat() into OpenSSH's buffer: what does not fit is cut off.
    std::size_t room = kMaxSshComBase64 - 1 - std::min(out.base64.size(), kMaxSshComBase64 - 1);
    out.base64 += line.substr(0, room);
  }
  // A lone "===" tail is padding some writers add to a full group.
  std::size_t len = out.base64.size();
  if (len % 4 == 3 && out.base64.ends_with("===")) out.base64.resize(len - 3);
  return out;
}

std::string rfc4716_comment(const Invocation& inv, const keys::PublicKey& key) {
  return fmt::format("{}-bit {}, converted by {}@{} from OpenSSH", key.bits(), key.info().short_name,
                     inv.user_name, inv.hostname);
}

}  // namespace

int do_convert_to(Invocation& inv) {
  Options& o = inv.options;
  if (!o.have_identity) ask_filename(inv, "Enter file in which the key is");
  require_file(o.identity_file);
  std::optional<keys::PublicKey> key;
  if (auto pub = load_public(o.identity_file)) key = std::move(pub->key);
  else key = load_identity(inv, o.identity_file).key.public_key();

  sshcore::Result<std::string> text = sshcore::fail(sshcore::Errc::kInternal);
  switch (o.convert_format) {
    case ConvertFormat::kRfc4716:
      text = keys::export_public_key(*key, keys::PublicKeyFormat::kRfc4716, rfc4716_comment(inv, *key));
      break;
    case ConvertFormat::kPkcs8:
      if (key->type() == keys::KeyType::kEd25519)
        fatal("do_convert_to_pkcs8: unsupported key type {}", key->info().short_name);
      text = keys::export_public_key(*key, keys::PublicKeyFormat::kPkcs8, "");
      break;
    case ConvertFormat::kPem:
      if (key->type() == keys::KeyType::kEd25519)
        fatal("do_convert_to_pem: unsupported key type {}", key->info().short_name);
      // OpenSSH writes an ECDSA key's "PEM" as SubjectPublicKeyInfo (PEM_write_EC_PUBKEY).
      text = keys::export_public_key(
          *key, key->type() == keys::KeyType::kRsa ? keys::PublicKeyFormat::kPem : keys::PublicKeyFormat::kPkcs8, "");
      break;
  }
  if (!text) fatal("key conversion failed: {}", ssh_err(text.error()));
  fmt::print(stdout, "{}", *text);
  return 0;
}

int do_convert_from(Invocation& inv) {
  Options& o = inv.options;
  if (!o.have_identity) ask_filename(inv, "Enter file in which the key is");
  const std::string& path = o.identity_file;
  require_file(path);
  auto data = io::read_file(path);
  if (!data) fatal("ssh-keygen: {}: {}", path, ssh_err(data.error()));
  std::string_view text = sshcore::as_chars(*data);

  sshcore::Result<keys::PublicKey> key = sshcore::fail(sshcore::Errc::kInternal);
  switch (o.convert_format) {
    case ConvertFormat::kRfc4716: {
      SshComText parsed = read_ssh_com_text(text);
      if (parsed.private_key) {
        std::fflush(stdout);
        error("ssh-keygen: importing SSH2 (ssh.com) private keys is not supported yet");
        return 1;
      }
      auto blob = sshcore::auth::decode_base64_like_openssh(parsed.base64);
      if (!blob) fatal("do_convert_from_ssh2: base64 decode: invalid format");
      key = keys::PublicKey::from_blob(*blob);
      if (!key) fatal("do_convert_from_ssh2: parse key: {}", ssh_err(key.error()));
      break;
    }
    case ConvertFormat::kPkcs8:
      key = keys::import_public_key(text, keys::PublicKeyFormat::kPkcs8);
      if (!key) fatal("do_convert_from_pkcs8: {} is not a recognised public key format", path);
      break;
    case ConvertFormat::kPem:
      key = keys::import_public_key(text, keys::PublicKeyFormat::kPem);
      if (!key) fatal("do_convert_from_pem: unrecognised raw private key format");
      break;
  }
  fmt::print(stdout, "{}\n", public_key_text(*key));
  return 0;
}

}  // namespace sshkeygen

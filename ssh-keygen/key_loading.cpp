#include "key_loading.hpp"

#include <langinfo.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <cwchar>
#include <cwctype>

#include "diagnostics.hpp"
#include "key_type_choice.hpp"
#include "passphrase_entry.hpp"
#include "sshcore/auth/known_hosts_hash.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/io/file_io.hpp"

namespace sshkeygen {

using sshcore::Errc;
using sshcore::Error;
using sshcore::Result;
using sshcore::fail;
namespace keys = sshcore::keys;
namespace io = sshcore::io;

namespace {

constexpr std::string_view kBadPermissions = "bad permissions";
// sshkey_save_private() on PEM/PKCS#8: OpenSSL refuses shorter passphrases.
constexpr std::size_t kMinPemPassphrase = 5;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view as_text(sshcore::ByteView b) { return sshcore::as_chars(b); }

// Splits off one line (without its '\n') from `text`.
std::string_view next_line(std::string_view& text) {
  std::size_t nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  return line;
}

void warn_unprotected(const std::string& path, mode_t mode) {
  error("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
  error("@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @");
  error("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
  error("Permissions 0{:03o} for '{}' are too open.", static_cast<unsigned>(mode & 0777), path);
  error("It is required that your private key files are NOT accessible by others.");
  error("This private key will be ignored.");
}

bool utf8_locale() {
  const char* codeset = nl_langinfo(CODESET);
  return codeset != nullptr && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

void append_octal(std::string& out, unsigned char c) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned>(c));
  out += buf;
}

}  // namespace

std::string public_key_text(const keys::PublicKey& key) {
  std::string out(key.info().ssh_name);
  out += ' ';
  out += sshcore::base64_encode(key.blob());
  return out;
}

std::optional<keys::PublicKey> read_key_text(std::string_view& text) {
  std::string_view cp = text;
  while (!cp.empty() && is_blank(cp.front())) cp.remove_prefix(1);
  std::size_t type_end = 0;
  while (type_end < cp.size() && !is_blank(cp[type_end])) ++type_end;
  if (type_end == 0 || type_end == cp.size()) return std::nullopt;
  std::string_view type_name = cp.substr(0, type_end);
  const keys::KeyTypeInfo* info = keys::find_key_type(type_name);
  if (info == nullptr) return std::nullopt;
  cp.remove_prefix(type_end);
  while (!cp.empty() && is_blank(cp.front())) cp.remove_prefix(1);
  std::size_t blob_end = 0;
  while (blob_end < cp.size() && !is_blank(cp[blob_end])) ++blob_end;
  // Key blobs are read as OpenSSH reads them (b64_pton): padding required.
  auto blob = sshcore::auth::decode_base64_like_openssh(cp.substr(0, blob_end));
  if (!blob) return std::nullopt;
  auto key = keys::PublicKey::from_blob(*blob);
  if (!key || key->type() != info->type) return std::nullopt;
  cp.remove_prefix(blob_end);
  text = cp;
  return std::move(*key);
}

Result<PublicWithComment> try_load_public_file(const std::string& path) {
  SSH_TRY(data, io::read_file(path));
  std::string_view rest = as_text(data);
  while (!rest.empty()) {
    std::string_view line = next_line(rest);
    if (line.empty() || line.front() == '#' || line.front() == '\0') continue;
    // A private key is not a public key file, even if a key line follows.
    if (line.starts_with("-----BEGIN") || line == "SSH PRIVATE KEY FILE") break;
    std::string_view cp = line;
    while (!cp.empty() && is_blank(cp.front())) cp.remove_prefix(1);
    if (cp.empty()) continue;
    auto key = read_key_text(cp);
    if (!key) continue;
    while (!cp.empty() && is_blank(cp.front())) cp.remove_prefix(1);
    cp = cp.substr(0, cp.find_first_of("\r\n"));
    cp = cp.substr(0, cp.find('\0'));
    std::string comment = cp.empty() ? path : std::string(cp);
    return PublicWithComment{std::move(*key), std::move(comment)};
  }
  return fail(Errc::kInvalidFormat, "no public key in " + path);
}

Result<PublicWithComment> load_public(const std::string& path) {
  if (auto r = try_load_public_file(path)) return r;
  if (auto r = try_load_public_file(path + ".pub")) return r;
  if (auto file = io::read_secret_file(path)) {
    if (auto pub = keys::private_key_public_half(file->view()))
      return PublicWithComment{std::move(*pub), std::nullopt};
  }
  return fail(io::system_error(ENOENT));
}

bool is_bad_permissions(const Error& e) { return e.code == Errc::kSystem && e.detail == kBadPermissions; }

bool is_wrong_passphrase(const Error& e) {
  return e.code == Errc::kWrongPassphrase || e.code == Errc::kPassphraseRequired;
}

Result<PrivateWithComment> load_private(const std::string& path, std::string_view passphrase) {
  io::PathStatus st = io::stat_path(path);
  if (!st.ok()) return fail(io::system_error(st.error));
  if (st.status.uid == ::getuid() && (st.status.mode & 077) != 0) {
    warn_unprotected(path, st.status.mode);
    return fail(Errc::kSystem, std::string(kBadPermissions));
  }
  SSH_TRY(file, io::read_secret_file(path));
  SSH_TRY(loaded, keys::parse_private_key(file.view(), passphrase));
  std::optional<std::string> comment;
  if (loaded.format == keys::PrivateKeyFormat::kOpenSSH) comment = std::move(loaded.comment);
  return PrivateWithComment{std::move(loaded.key), std::move(comment), loaded.format};
}

PrivateWithComment load_identity(const Invocation& inv, const std::string& path) {
  auto first = load_private(path, "");
  if (first) return std::move(*first);
  if (!is_wrong_passphrase(first.error())) fatal("Load key \"{}\": {}", path, ssh_err(first.error()));
  sshcore::SecretBytes pass;
  if (inv.options.identity_passphrase) {
    pass = sshcore::SecretBytes::from_string(*inv.options.identity_passphrase);
  } else {
    pass = ask_passphrase("Enter passphrase: ");
  }
  auto second = load_private(path, pass.chars());
  if (!second) fatal("Load key \"{}\": {}", path, ssh_err(second.error()));
  return std::move(*second);
}

Result<void> save_private(const Invocation& inv, const keys::PrivateKey& key, const std::string& path,
                          std::string_view passphrase, std::string_view comment) {
  keys::PrivateKeyWriteOptions write;
  write.format = inv.options.private_key_format;
  if (inv.options.cipher) write.cipher = *inv.options.cipher;
  if (inv.options.rounds != 0) write.kdf_rounds = inv.options.rounds;
  bool pem_like = write.format != keys::PrivateKeyFormat::kOpenSSH && key.type() != keys::KeyType::kEd25519;
  if (pem_like && !passphrase.empty() && passphrase.size() < kMinPemPassphrase)
    return fail(Errc::kInvalidArgument, "passphrase is too short (minimum five characters)");
  SSH_TRY(text, keys::format_private_key(key, comment, passphrase, write));
  return io::write_file_atomic(path, text.view(), io::WriteOptions{0600, false});
}

Result<void> save_public(const keys::PublicKey& key, const std::string& path, std::string_view comment) {
  std::string line = public_key_text(key);
  line += ' ';
  line += comment;
  line += '\n';
  return io::write_file_atomic(path, sshcore::as_bytes(line), io::WriteOptions{0644, true});
}

void ask_filename(Invocation& inv, std::string_view prompt) {
  std::string name = default_identity_file_name(inv.options.key_type_name);
  inv.options.identity_file = inv.home_dir + "/" + name;
  fmt::print(stdout, "{} ({}): ", prompt, inv.options.identity_file);
  std::fflush(stdout);
  char buf[1024];
  if (std::fgets(buf, sizeof buf, stdin) == nullptr) std::exit(1);
  buf[std::strcspn(buf, "\n")] = '\0';
  if (buf[0] != '\0') inv.options.identity_file = buf;
  inv.options.have_identity = true;
}

std::string printable(std::string_view text) {
  static const bool utf8 = utf8_locale();
  std::string out;
  out.reserve(text.size());
  std::mbstate_t state{};
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n') out += static_cast<char>(c);
      else append_octal(out, c);
      ++i;
      continue;
    }
    if (utf8) {
      wchar_t wc = 0;
      std::size_t n = std::mbrtowc(&wc, text.data() + i, text.size() - i, &state);
      if (n != static_cast<std::size_t>(-1) && n != static_cast<std::size_t>(-2) && n != 0 &&
          std::iswprint(static_cast<wint_t>(wc))) {
        out.append(text.substr(i, n));
        i += n;
        continue;
      }
      state = std::mbstate_t{};
    }
    append_octal(out, c);
    ++i;
  }
  return out;
}

}  // namespace sshkeygen

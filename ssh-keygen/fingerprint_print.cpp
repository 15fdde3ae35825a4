#include "fingerprint_print.hpp"

#include <cstdlib>
#include <cstring>

#include "diagnostics.hpp"
#include "key_loading.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/keys/fingerprint.hpp"

namespace sshkeygen {

namespace io = sshcore::io;
namespace keys = sshcore::keys;

std::string display_fingerprint(const Options& o, const keys::PublicKey& key) {
  return o.print_bubblebabble ? keys::bubblebabble(key) : keys::fingerprint(key, o.fingerprint_hash);
}

bool wants_randomart(const Options& o) { return o.verbose > 0; }

void print_fingerprint_line(const Options& o, const keys::PublicKey& key,
                            const std::optional<std::string>& comment) {
  std::string line = fmt::format("{} {} {} ({})\n", key.bits(), display_fingerprint(o, key),
                                 comment ? *comment : std::string("no comment"), key.info().short_name);
  fmt::print(stdout, "{}", printable(line));
  if (wants_randomart(o)) fmt::print(stdout, "{}\n", keys::randomart(key, o.fingerprint_hash));
}

namespace {

// fingerprint_private(): a private key file, preferring its public key (and the
// comment of the .pub file) and reading the private key only for a comment.
void fingerprint_private(const Options& o, const std::string& path) {
  io::PathStatus st = io::stat_path(path);
  if (!st.ok()) fatal("{}: {}", path, std::strerror(st.error));
  std::optional<keys::PublicKey> pub;
  std::optional<std::string> comment;
  if (auto loaded = load_public(path)) {
    pub = std::move(loaded->key);
    comment = std::move(loaded->comment);
  } else {
    sshcore::log::debug1("load public \"{}\": {}", path, ssh_err(loaded.error()));
  }
  std::optional<keys::PrivateKey> priv;
  if (!pub || !comment || comment->empty()) {
    comment.reset();
    if (auto loaded = load_private(path, "")) {
      priv = std::move(loaded->key);
      comment = std::move(loaded->comment);
    } else {
      sshcore::log::debug1("load private \"{}\": {}", path, ssh_err(loaded.error()));
    }
  }
  if (!pub && !priv) fatal("{} is not a key file.", path);
  print_fingerprint_line(o, pub ? *pub : priv->public_key(), comment);
}

// OpenSSH's sshkey_read() at a C-string position: advances *cp past the blob.
std::optional<keys::PublicKey> try_read_key(char*& cp) {
  std::string_view rest(cp);
  auto key = read_key_text(rest);
  if (key) cp += rest.data() - cp;
  return key;
}

}  // namespace

int do_fingerprint(Invocation& inv) {
  Options& o = inv.options;
  if (!o.have_identity) ask_filename(inv, "Enter file in which the key is");
  const bool from_stdin = o.identity_file == "-";
  const std::string path = from_stdin ? std::string("(stdin)") : o.identity_file;

  sshcore::Bytes data;
  if (from_stdin) {
    auto in = io::read_stdin();
    if (!in) fatal("ssh-keygen: {}: {}", path, ssh_err(in.error()));
    data = std::move(*in);
  } else {
    io::PathStatus st = io::stat_path(path);
    // fopen() opens a directory and getline() then reads nothing: no key found.
    if (!(st.ok() && st.status.directory())) {
      auto in = io::read_file(path);
      if (!in) fatal("ssh-keygen: {}: {}", path, ssh_err(in.error()));
      data = std::move(*in);
    }
  }

  // Lines go through one buffer reused as getline() reuses it, and the comment is
  // remembered as an offset into it: OpenSSH keeps its comment pointer from line to
  // line, so a key line without a comment shows whatever that offset now holds.
  // Matching that keeps our output identical to OpenSSH's.
  std::string buf;
  std::optional<std::size_t> comment_at;
  bool invalid = true;
  unsigned long lnum = 0;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t nl = std::string_view(sshcore::as_chars(data)).find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
    std::size_t len = end - pos;
    if (buf.size() < len + 1) buf.resize(len + 1);
    std::memcpy(buf.data(), data.data() + pos, len);
    buf[len] = '\0';
    pos = end;
    ++lnum;

    char* line = buf.data();
    line[std::strcspn(line, "\n")] = '\0';
    char* cp = line + std::strspn(line, " \t");
    if (*cp == '#' || *cp == '\0') continue;

    if (lnum == 1 && !from_stdin && std::strstr(cp, "PRIVATE KEY") != nullptr) {
      fingerprint_private(o, path);
      return 0;
    }

    // Not a bare key: skip a leading host list or option string (quotes protect
    // blanks in options), unless it is an SSH-1 key's bit count.
    std::optional<keys::PublicKey> key = try_read_key(cp);
    if (!key) {
      char* ep = nullptr;
      long bits = std::strtol(cp, &ep, 10);
      if (bits == 0 || ep == nullptr || (*ep != ' ' && *ep != '\t')) {
        bool quoted = false;
        comment_at = static_cast<std::size_t>(cp - line);
        for (; *cp && (quoted || (*cp != ' ' && *cp != '\t')); cp++) {
          if (*cp == '\\' && cp[1] == '"') cp++;
          else if (*cp == '"') quoted = !quoted;
        }
        if (!*cp) continue;
        *cp++ = '\0';
      }
      key = try_read_key(cp);
      if (!key) {
        sshcore::log::debug1("{}:{}: not a public key", path, lnum);
        continue;
      }
    }
    for (; *cp == ' ' || *cp == '\t'; cp++) {
    }
    if (*cp != '\0' && *cp != '#') comment_at = static_cast<std::size_t>(cp - line);

    std::optional<std::string> comment;
    if (comment_at) comment = std::string(buf.data() + *comment_at);
    print_fingerprint_line(o, *key, comment);
    invalid = false;
  }
  if (invalid) fatal("{} is not a public key file.", path);
  return 0;
}

}  // namespace sshkeygen

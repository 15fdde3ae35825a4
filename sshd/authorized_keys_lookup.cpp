#include "authorized_keys_lookup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "auth_subprocess.hpp"
#include "sshcore/auth/authorized_keys.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/config/percent_expand.hpp"
#include "sshcore/crypto/digest.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/revoked_keys.hpp"

namespace sshd {
namespace {

namespace log = sshcore::log;
namespace auth = sshcore::auth;
using sshcore::config::SshdOptions;

constexpr std::size_t kMaxKeysFile = 4 << 20;  // larger files are not authorized_keys files
constexpr std::string_view kStdPath = "/usr/bin:/bin:/usr/sbin:/sbin";  // _PATH_STDPATH

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

std::string parent_of(const std::string& p) {
  std::size_t slash = p.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

auth::KeyCheckContext check_context(const KeyLookup& l) {
  auth::KeyCheckContext ctx;
  ctx.user = l.user.name;
  ctx.remote_ip = l.connection.remote_ip;
  ctx.remote_host = l.connection.host_or_ip();
  ctx.now = l.os.now ? l.os.now() : 0;
  ctx.permit_user_environment = l.options.value("PermitUserEnvironment") != "no";
  std::string_view fwd = l.options.value("AllowTcpForwarding");
  ctx.allow_tcp_forwarding_local = fwd == "yes" || fwd == "local";
  ctx.allow_tcp_forwarding_remote = fwd == "yes" || fwd == "remote";
  return ctx;
}

std::optional<AllowedKey> decide(const KeyLookup& l, std::string_view text, std::string_view where,
                                 const sshcore::keys::PublicKey& key) {
  auth::AuthorizedKeysFile file = auth::parse_authorized_keys(text, auth::TimeZone::system());
  auth::AuthorizedKeysDecision d = auth::authorize_key(file, where, key, check_context(l));
  for (const auth::AuthLogLine& line : d.log) log::emit(line.level, line.text);
  if (!d.match) return std::nullopt;
  return AllowedKey{d.match->options, d.match->entry->options_text,
                    std::string(where) + ":" + std::to_string(d.match->line_number)};
}

// auth_openkeyfile() as the user: a regular file, then StrictModes. Lines are logged
// only after root is back: a -E log file is not the user's to open.
std::optional<std::string> read_keys_file_as_user(const KeyLookup& l, const std::string& path,
                                                  std::vector<auth::AuthLogLine>& log_lines) {
  auto note = [&log_lines](log::Level level, std::string text) { log_lines.push_back({level, std::move(text)}); };
  TemporaryUid as_user(l.user, l.os);
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    note(e != ENOENT ? log::Level::kInfo : log::Level::kDebug1,
         fmt::format("Could not open user '{}' authorized keys '{}': {}", l.user.name, path, std::strerror(e)));
    return std::nullopt;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    note(log::Level::kInfo, fmt::format("User '{}' authorized keys '{}' is not a regular file", l.user.name, path));
    ::close(fd);
    return std::nullopt;
  }
  if (l.options.flag("StrictModes")) {
    if (auto why = insecure_path_reason(path, st, l.user.home, l.user.uid)) {
      ::close(fd);
      note(log::Level::kInfo, "Authentication refused: " + *why);
      return std::nullopt;
    }
  }
  fcntl(fd, F_SETFL, 0);
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxKeysFile) break;
  }
  ::close(fd);
  return text;
}

std::optional<std::string> read_keys_file(const KeyLookup& l, const std::string& path) {
  std::vector<auth::AuthLogLine> lines;
  auto text = read_keys_file_as_user(l, path, lines);
  for (const auth::AuthLogLine& line : lines) log::emit(line.level, line.text);
  return text;
}

std::optional<AllowedKey> from_files(const KeyLookup& l, const sshcore::keys::PublicKey& key) {
  for (const std::string& path : authorized_keys_paths(l.options, l.user)) {
    log::debug1("trying public key file {}", path);
    auto text = read_keys_file(l, path);
    if (!text) continue;
    if (auto allowed = decide(l, *text, path, key)) return allowed;
  }
  return std::nullopt;
}

// user_key_command_allowed2(): the command's output is read as authorized_keys lines, and
// only a clean exit lets a matching line count.
std::optional<AllowedKey> from_command(const KeyLookup& l, const sshcore::keys::PublicKey& key) {
  std::string_view command = l.options.value("AuthorizedKeysCommand");
  if (command.empty() || command == "none") return std::nullopt;
  std::string_view run_as = l.options.value("AuthorizedKeysCommandUser");
  if (run_as.empty() || run_as == "none") {
    log::error("No user for AuthorizedKeysCommand specified, skipping");
    return std::nullopt;
  }
  auto runner = l.os.find_user(std::string(run_as));
  if (!runner) {
    log::error("AuthorizedKeysCommandUser \"{}\" not found: {}", run_as, "No such user");
    return std::nullopt;
  }
  auto av = split_command_line(command);
  if (!av) {
    log::error("AuthorizedKeysCommand \"{}\" contains invalid quotes", command);
    return std::nullopt;
  }
  if (av->empty()) {
    log::error("AuthorizedKeysCommand \"{}\" yielded no arguments", command);
    return std::nullopt;
  }
  std::map<char, std::string> tokens{{'U', std::to_string(l.user.uid)},
                                     {'u', l.user.name},
                                     {'h', l.user.home},
                                     {'t', std::string(key.info().ssh_name)},
                                     {'f', sshcore::keys::fingerprint(key)},
                                     {'k', sshcore::base64_encode(key.blob())}};
  for (std::size_t i = 1; i < av->size(); ++i) {
    auto expanded = sshcore::config::expand_tokens((*av)[i], tokens);
    if (!expanded) {
      log::error("AuthorizedKeysCommand \"{}\": {}", command, expanded.error().detail);
      return std::nullopt;
    }
    (*av)[i] = *expanded;
  }
  if (av->size() == 1) av->push_back(l.user.name);  // the old single-argument behaviour
  std::string printable;
  for (const std::string& a : *av) printable += (printable.empty() ? "" : " ") + a;

  const std::string& program = av->front();
  if (program.empty() || program[0] != '/') {
    log::error("AuthorizedKeysCommand path is not absolute");
    return std::nullopt;
  }
  struct stat st {};
  if (stat(program.c_str(), &st) != 0) {
    log::error("Could not stat AuthorizedKeysCommand \"{}\": {}", program, std::strerror(errno));
    return std::nullopt;
  }
  if (auto why = insecure_path_reason(program, st, "", 0)) {
    log::error("Unsafe AuthorizedKeysCommand \"{}\": {}", program, *why);
    return std::nullopt;
  }
  log::debug1("Running AuthorizedKeysCommand {}", printable);
  SubprocessSpec spec;
  spec.argv = *av;
  spec.path = program;
  spec.env = {"PATH=" + std::string(kStdPath), "USER=" + runner->name, "LOGNAME=" + runner->name,
              "HOME=" + runner->home};
  if (const char* lang = std::getenv("LANG")) spec.env.push_back(std::string("LANG=") + lang);
  spec.uid = runner->uid;
  spec.gid = runner->gid;
  spec.groups = l.os.group_ids ? l.os.group_ids(*runner) : std::vector<gid_t>{runner->gid};
  spec.capture_stderr = false;
  spec.timeout = l.command_timeout;
  SubprocessOutcome outcome = run_subprocess(spec);
  using End = SubprocessOutcome::End;
  switch (outcome.end) {
    case End::kExited:
      if (outcome.status != 0) {
        log::info("AuthorizedKeysCommand {} failed, status {}", printable, outcome.status);
        return std::nullopt;
      }
      break;
    case End::kSignalled:
      log::error("AuthorizedKeysCommand {} exited on signal {}", printable, outcome.status);
      return std::nullopt;
    default:
      log::error("AuthorizedKeysCommand {}: {}", printable, describe_outcome(outcome));
      return std::nullopt;
  }
  return decide(l, outcome.out, printable, key);
}

// sshkey_check_revoked() on the file's bytes; an unreadable file is an error like a bad one.
sshcore::Result<bool> revoked_by_file(const std::string& path, const sshcore::keys::PublicKey& key) {
  SSH_TRY(file, sshcore::io::read_file(path));
  return sshcore::keys::key_is_revoked(file, key);
}

}  // namespace

std::optional<AllowedKey> find_allowed_key(const KeyLookup& lookup, const sshcore::keys::PublicKey& key) {
  // user_key_allowed(): a revoked key is refused before any authorized_keys source runs.
  if (key_is_revoked(lookup.options, key)) return std::nullopt;
  if (auto allowed = from_files(lookup, key)) return allowed;
  return from_command(lookup, key);
}

bool key_is_revoked(const SshdOptions& options, const sshcore::keys::PublicKey& key) {
  std::string path(options.value("RevokedKeys"));
  if (path.empty() || path == "none") return false;
  auto hash = sshcore::crypto::digest_by_name(options.value("FingerprintHash"));
  std::string fp = sshcore::keys::fingerprint(key, hash.value_or(sshcore::crypto::DigestAlg::kSha256));
  std::string_view type = key.info().short_name;
  auto revoked = revoked_by_file(path, key);
  if (!revoked) {
    log::error("Error checking authentication key {} {} in revoked keys file {}: {}", type, fp, path,
               revoked.error().detail);
    return true;
  }
  if (*revoked) log::error("Authentication key {} {} revoked by file {}", type, fp, path);
  return *revoked;
}

std::vector<std::string> authorized_keys_paths(const SshdOptions& options, const UserRecord& user) {
  std::vector<std::string> out;
  std::map<char, std::string> tokens{{'h', user.home}, {'u', user.name}, {'U', std::to_string(user.uid)}};
  for (const std::string& pattern : options.values("AuthorizedKeysFile")) {
    if (pattern == "none") continue;
    auto expanded = sshcore::config::expand_tokens(pattern, tokens);
    if (!expanded) {
      log::error("AuthorizedKeysFile {}: {}", pattern, expanded.error().detail);
      continue;
    }
    out.push_back(expanded->starts_with('/') ? *expanded : user.home + "/" + *expanded);
  }
  return out;
}

std::optional<std::string> insecure_path_reason(const std::string& path, const struct stat& st,
                                                const std::string& home, uid_t uid) {
  std::string buf = real_path(path);
  if (buf.empty()) return "realpath " + path + " failed: " + std::strerror(errno);
  std::string home_real = home.empty() ? std::string() : real_path(home);
  if (!S_ISREG(st.st_mode)) return buf + " is not a regular file";
  if ((st.st_uid != 0 && st.st_uid != uid) || (st.st_mode & 022) != 0) return "bad ownership or modes for file " + buf;
  for (;;) {
    buf = parent_of(buf);
    struct stat dst {};
    if (stat(buf.c_str(), &dst) == -1 || (dst.st_uid != 0 && dst.st_uid != uid) || (dst.st_mode & 022) != 0)
      return "bad ownership or modes for directory " + buf;
    if (!home_real.empty() && home_real == buf) break;  // past the home directory: stop
    if (buf == "/" || buf == ".") break;
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> split_command_line(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    std::string word;
    char quote = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\\' && i + 1 < s.size() &&
          (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' || (quote == 0 && s[i + 1] == ' '))) {
        word += s[++i];
      } else if (quote == 0 && (c == ' ' || c == '\t')) {
        break;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    }
    if (quote != 0) return std::nullopt;
    out.push_back(std::move(word));
  }
  return out;
}

TemporaryUid::TemporaryUid(const UserRecord& user, const AuthOs& os) {
  if (geteuid() != 0 || user.uid == 0) return;
  saved_gid_ = getegid();
  int n = getgroups(0, nullptr);
  saved_groups_.resize(static_cast<std::size_t>(n > 0 ? n : 0));
  if (n > 0) getgroups(n, saved_groups_.data());
  std::vector<gid_t> groups = os.group_ids ? os.group_ids(user) : std::vector<gid_t>{user.gid};
  if (setgroups(groups.size(), groups.data()) != 0 || setegid(user.gid) != 0 || seteuid(user.uid) != 0) {
    log::fatal("temporarily_use_uid: failed to switch to uid {}", user.uid);
    std::abort();  // reading a user's files as root would bypass their permissions
  }
  switched_ = true;
}

TemporaryUid::~TemporaryUid() {
  if (!switched_) return;
  if (seteuid(0) != 0 || setegid(saved_gid_) != 0 || setgroups(saved_groups_.size(), saved_groups_.data()) != 0) {
    log::fatal("restore_uid: failed to restore root");
    std::abort();
  }
}

}  // namespace sshd

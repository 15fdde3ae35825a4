#include "host_key_verifier.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client_config.hpp"
#include "sshcore/auth/host_key_check.hpp"
#include "sshcore/auth/known_hosts.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/io/passphrase_prompt.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_type.hpp"

namespace ssh {
namespace {

namespace log = sshcore::log;
using sshcore::auth::HostKeyStatus;
using O = sshcore::config::SshOpt;

constexpr std::string_view kBanner = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";

struct DigestName {
  std::string_view name;
  sshcore::crypto::DigestAlg alg;
};
constexpr DigestName kDigests[] = {{"MD5", sshcore::crypto::DigestAlg::kMd5},
                                   {"SHA1", sshcore::crypto::DigestAlg::kSha1},
                                   {"SHA256", sshcore::crypto::DigestAlg::kSha256},
                                   {"SHA384", sshcore::crypto::DigestAlg::kSha384},
                                   {"SHA512", sshcore::crypto::DigestAlg::kSha512}};

sshcore::crypto::DigestAlg fingerprint_alg(const sshcore::config::SshOptions& o) {
  const std::string* name = o.text(O::kFingerprintHash);
  if (name != nullptr)
    for (const auto& d : kDigests)
      if (d.name == *name) return d.alg;
  return sshcore::crypto::DigestAlg::kSha256;
}

// OpenSSH's put_host_port().
std::string host_port(const std::string& host, std::uint16_t port) {
  return sshcore::auth::known_host_name(host, port);
}

std::string_view key_type(const sshcore::keys::PublicKey& key) { return key.info().short_name; }

// "~/.ssh" is made when a known_hosts file under it is first written.
void create_user_ssh_dir(const std::string& file, const std::string& home) {
  const std::string dir = home + "/.ssh";
  if (!file.starts_with(dir + "/")) return;
  auto st = sshcore::io::stat_path(dir);
  if (st.ok()) return;
  if (!st.missing()) {
    log::error("Could not stat {}: {}", dir, std::strerror(st.error));
    return;
  }
  if (auto r = sshcore::io::make_directory(dir, 0700); !r)
    log::error("Could not create directory '{}' ({}).", dir, r.error().detail);
}

}  // namespace

HostKeyIo machine_host_key_io(const std::string& home) {
  HostKeyIo io;
  io.read_file = [](const std::string& path) -> sshcore::Result<std::string> {
    auto st = sshcore::io::stat_path(path);
    if (st.missing()) return sshcore::fail(sshcore::Errc::kNotFound, path);
    auto bytes = sshcore::io::read_file(path, 256u * 1024 * 1024);
    if (!bytes) return sshcore::fail(bytes.error());
    return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  };
  io.append_line = [home](const std::string& path, const std::string& line) -> sshcore::Result<void> {
    create_user_ssh_dir(path, home);
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (f == nullptr) return sshcore::fail(sshcore::io::system_error(errno));
    const bool ok = std::fputs((line + "\n").c_str(), f) >= 0;
    if (std::fclose(f) != 0 || !ok) return sshcore::fail(sshcore::Errc::kSystem, "write failed");
    return {};
  };
  io.ask = [](const std::string& prompt) -> std::optional<std::string> {
    auto answer = sshcore::io::read_passphrase(prompt, sshcore::io::kPromptEcho | sshcore::io::kPromptAllowEof);
    if (!answer) return std::nullopt;
    auto view = answer->view();
    return std::string(reinterpret_cast<const char*>(view.data()), view.size());
  };
  return io;
}

HostKeyVerifier::HostKeyVerifier(const sshcore::config::SshOptions& options, std::string home, HostKeyIo io)
    : options_(options), home_(std::move(home)), io_(std::move(io)) {
  for (const std::string& f : options_.list(O::kUserKnownHostsFile))
    if (sshcore::ascii_lowercase(f) != "none") user_files_.push_back(expand_home(f, home_));
  for (const std::string& f : options_.list(O::kGlobalKnownHostsFile))
    if (sshcore::ascii_lowercase(f) != "none") system_files_.push_back(expand_home(f, home_));
}

std::string HostKeyVerifier::lookup_name(const HostKeyTarget& target, std::uint16_t port) const {
  if (const std::string* alias = options_.text(O::kHostKeyAlias)) return *alias;
  return host_port(target.host, port);
}

void HostKeyVerifier::load(sshcore::auth::KnownHostsDatabase& db, bool quiet) {
  auto one = [&](const std::string& path) {
    auto text = io_.read_file(path);
    if (!text) {
      if (quiet) return;
      if (text.error().code == sshcore::Errc::kNotFound) log::debug1("load_hostkeys: fopen {}: No such file or directory", path);
      else log::debug1("load_hostkeys: fopen {}: {}", path, text.error().detail);
      return;
    }
    db.add_file(path, tilde_unexpand(path, home_), *text);
  };
  for (const std::string& f : user_files_) one(f);
  for (const std::string& f : system_files_) one(f);
}

std::string HostKeyVerifier::order_host_key_algorithms(const HostKeyTarget& target, const std::string& list) {
  sshcore::auth::KnownHostsDatabase db;
  load(db, /*quiet=*/false);
  const auto types = db.known_key_types(lookup_name(target, target.port));
  std::string first, rest;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::string alg = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto* sig = sshcore::keys::find_signature_alg(alg);
    bool known = false;
    for (auto t : types) known = known || (sig != nullptr && sig->key_type == t);
    std::string& out = known ? first : rest;
    if (!alg.empty()) out += (out.empty() ? "" : ",") + alg;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (first.empty()) return rest;
  return rest.empty() ? first : first + "," + rest;
}

bool HostKeyVerifier::verify(const HostKeyTarget& target, const sshcore::keys::PublicKey& key) {
  return check(target, target.port, key, Mode::kReadWrite);
}

bool HostKeyVerifier::confirm(const std::string& prompt, const std::string& fingerprint) {
  if (options_.number(O::kBatchMode, 0) == 1) return false;
  std::string msg = prompt;
  for (;;) {
    auto answer = io_.ask(msg);
    if (!answer) return false;
    std::string_view p = *answer;
    while (!p.empty() && (p.front() == ' ' || p.front() == '\t')) p.remove_prefix(1);
    p = p.substr(0, p.find_first_of(" \t\n"));
    const std::string lower = sshcore::ascii_lowercase(p);
    if (p.empty() || lower == "no") return false;
    if (lower == "yes" || p == fingerprint) return true;
    msg = fingerprint.empty() ? "Please type 'yes' or 'no': " : "Please type 'yes', 'no' or the fingerprint: ";
  }
}

bool HostKeyVerifier::add_entry(const std::string& names, const sshcore::keys::PublicKey& key, bool hash) {
  if (user_files_.empty()) return false;
  return io_.append_line(user_files_.front(), sshcore::auth::known_hosts_line(names, key, hash)).has_value();
}

void HostKeyVerifier::continue_unsafe() {
  if (options_.number(O::kPasswordAuthentication, 1) == 1 && !consequences_.disable_password) {
    log::error("Password authentication is disabled to avoid man-in-the-middle attacks.");
    consequences_.disable_password = true;
  }
  if (options_.number(O::kKbdInteractiveAuthentication, 1) == 1 && !consequences_.disable_kbd_interactive) {
    log::error("Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.");
    consequences_.disable_kbd_interactive = true;
  }
  if ((options_.number(O::kForwardAgent, 0) == 1 || options_.text(O::kForwardAgent) != nullptr) &&
      !consequences_.disable_agent_forwarding) {
    log::error("Agent forwarding is disabled to avoid man-in-the-middle attacks.");
    consequences_.disable_agent_forwarding = true;
  }
  if (options_.number(O::kForwardX11, 0) == 1 && !consequences_.disable_x11) {
    log::error("X11 forwarding is disabled to avoid man-in-the-middle attacks.");
    consequences_.disable_x11 = true;
  }
  if ((!options_.list(O::kLocalForward).empty() || !options_.list(O::kRemoteForward).empty()) &&
      !consequences_.disable_port_forwarding) {
    log::error("Port forwarding is disabled to avoid man-in-the-middle attacks.");
    consequences_.disable_port_forwarding = true;
  }
}

bool HostKeyVerifier::check(const HostKeyTarget& target, std::uint16_t port, const sshcore::keys::PublicKey& key,
                            Mode mode) {
  const std::int64_t strict = options_.number(O::kStrictHostKeyChecking, sshcore::config::kStrictAsk);
  const bool hash = options_.number(O::kHashKnownHosts, 0) == 1;
  const auto alg = fingerprint_alg(options_);
  const std::string* alias = options_.text(O::kHostKeyAlias);

  if (options_.number(O::kNoHostAuthenticationForLocalhost, 0) == 1 && target.loopback && alias == nullptr) {
    log::debug1("Forcing accepting of host key for loopback/localhost.");
    return true;
  }

  const std::string ip = target.address ? host_port(*target.address, port) : "<no hostip for proxy command>";
  std::string host;
  if (alias != nullptr) {
    host = *alias;
    log::debug1("using hostkeyalias: {}", host);
  } else {
    host = host_port(target.host, port);
  }
  bool check_ip = options_.number(O::kCheckHostIp, 0) == 1;
  if (check_ip && (target.loopback || !target.address || target.host == *target.address ||
                   options_.is_set(O::kProxyCommand)))
    check_ip = false;

  sshcore::auth::KnownHostsDatabase db;
  load(db, mode == Mode::kQuiet);

  const bool readonly = user_files_.empty();
  const std::string type(key_type(key));
  auto host_result = db.check(host, key);
  auto ip_result = check_ip ? db.check(ip, key) : host_result;
  bool host_ip_differ = false;
  if (check_ip && host_result.status == HostKeyStatus::kChanged &&
      (ip_result.status != HostKeyStatus::kChanged ||
       (ip_result.found && host_result.found && !(ip_result.found->key == host_result.found->key))))
    host_ip_differ = true;

  switch (host_result.status) {
    case HostKeyStatus::kOk:
      log::debug1("Host '{}' is known and matches the {} host key.", host, type);
      log::debug1("Found key in {}:{}", host_result.found->path, host_result.found->line);
      if (check_ip && ip_result.status == HostKeyStatus::kNew) {
        if (readonly)
          log::info("{} host key for IP address '{}' not in list of known hosts.", type, ip);
        else if (!add_entry(ip, key, hash))
          log::info("Failed to add the {} host key for IP address '{}' to the list of known hosts ({}).", type, ip,
                    user_files_.front());
        else
          log::info("Warning: Permanently added the {} host key for IP address '{}' to the list of known hosts.",
                    type, ip);
      } else if (options_.number(O::kVisualHostKey, 0) == 1) {
        log::info("Host key fingerprint is {}\n{}", sshcore::keys::fingerprint(key, alg),
                  sshcore::keys::randomart(key, alg));
      }
      break;

    case HostKeyStatus::kNew: {
      if (alias == nullptr && port != 0 && port != 22) {
        log::debug1("checking without port identifier");
        if (check(target, 0, key, Mode::kQuiet)) {
          log::debug1("found matching key w/out port");
          break;
        }
      }
      if (readonly || mode == Mode::kQuiet) return false;
      if (strict == sshcore::config::kStrictYes) {
        log::error("No {} host key is known for {} and you have requested strict checking.", type, host);
        return false;
      }
      if (strict == sshcore::config::kStrictAsk) {
        const std::string fp = sshcore::keys::fingerprint(key, alg);
        std::string msg = "The authenticity of host '" + host + " (" + ip + ")' can't be established.";
        msg += "\n" + type + " key fingerprint is " + fp + ".";
        if (options_.number(O::kVisualHostKey, 0) == 1) msg += "\n" + sshcore::keys::randomart(key, alg);
        if (options_.number(O::kVerifyHostKeyDns, 0) != 0) msg += "\nNo matching host key fingerprint found in DNS.";
        msg += "\n" + sshcore::auth::other_names_message(db.other_names(key));
        msg += "\nAre you sure you want to continue connecting (yes/no/[fingerprint])? ";
        if (!confirm(msg, fp)) return false;
      }
      std::string hostp = host;
      bool added;
      if (check_ip && ip_result.status == HostKeyStatus::kNew) {
        hostp = host + "," + ip;
        added = hash ? add_entry(host, key, true) && add_entry(ip, key, true) : add_entry(hostp, key, false);
      } else {
        added = add_entry(host, key, hash);
      }
      if (!added)
        log::info("Failed to add the host to the list of known hosts ({}).", user_files_.front());
      else
        log::info("Warning: Permanently added '{}' ({}) to the list of known hosts.", hostp, type);
      break;
    }

    case HostKeyStatus::kRevoked:
      if (mode == Mode::kQuiet) return false;
      log::error("{}", kBanner);
      log::error("@       WARNING: REVOKED HOST KEY DETECTED!               @");
      log::error("{}", kBanner);
      log::error("The {} host key for {} is marked as revoked.", type, host);
      log::error("This could mean that a stolen key is being used to");
      log::error("impersonate this host.");
      if (strict != sshcore::config::kStrictOff) {
        log::error("{} host key for {} was revoked and you have requested strict checking.", type, host);
        return false;
      }
      continue_unsafe();
      break;

    case HostKeyStatus::kChanged: {
      if (mode == Mode::kQuiet) return false;
      if (check_ip && host_ip_differ) {
        const char* key_msg = ip_result.status == HostKeyStatus::kNew  ? "is unknown"
                              : ip_result.status == HostKeyStatus::kOk ? "is unchanged"
                                                                       : "has a different value";
        log::error("{}", kBanner);
        log::error("@       WARNING: POSSIBLE DNS SPOOFING DETECTED!          @");
        log::error("{}", kBanner);
        log::error("The {} host key for {} has changed,", type, host);
        log::error("and the key for the corresponding IP address {}", ip);
        log::error("{}. This could either mean that", key_msg);
        log::error("DNS SPOOFING is happening or the IP address for the host");
        log::error("and its host key have changed at the same time.");
        if (ip_result.status != HostKeyStatus::kNew && ip_result.found)
          log::error("Offending key for IP in {}:{}", ip_result.found->path, ip_result.found->line);
      }
      log::error("{}", kBanner);
      log::error("@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @");
      log::error("{}", kBanner);
      log::error("IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!");
      log::error("Someone could be eavesdropping on you right now (man-in-the-middle attack)!");
      log::error("It is also possible that a host key has just been changed.");
      log::error("The fingerprint for the {} key sent by the remote host is\n{}.", type,
                 sshcore::keys::fingerprint(key, alg));
      log::error("Please contact your system administrator.");
      if (!user_files_.empty() || !system_files_.empty())
        log::error("Add correct host key in {} to get rid of this message.",
                   user_files_.empty() ? system_files_.front() : user_files_.front());
      const auto& found = *host_result.found;
      log::error("Offending {} key in {}:{}", key_type(found.key), found.path, found.line);
      log::error("  remove with:");
      log::error("  ssh-keygen -f \"{}\" -R \"{}\"", found.path, host);
      if (strict != sshcore::config::kStrictOff) {
        log::error("Host key for {} has changed and you have requested strict checking.", host);
        return false;
      }
      continue_unsafe();
      break;
    }
  }

  if (check_ip && host_result.status != HostKeyStatus::kChanged && ip_result.status == HostKeyStatus::kChanged &&
      ip_result.found) {
    std::string msg = "Warning: the " + type + " host key for '" + host + "' differs from the key for the IP address '" +
                      ip + "'\nOffending key for IP in " + ip_result.found->path + ":" +
                      std::to_string(ip_result.found->line);
    if (host_result.status == HostKeyStatus::kOk)
      msg += "\nMatching host key in " + host_result.found->path + ":" + std::to_string(host_result.found->line);
    if (strict == sshcore::config::kStrictAsk) {
      msg += "\nAre you sure you want to continue connecting (yes/no)? ";
      if (!confirm(msg, "")) return false;
    } else if (strict != sshcore::config::kStrictOff) {
      log::info("{}", msg);
      log::error("Exiting, you have requested strict checking.");
      return false;
    } else {
      log::info("{}", msg);
    }
  }
  return true;
}

}  // namespace ssh

// ssh-keygen: command-line parsing and dispatch, in the order of OpenSSH 9.2's
// main(): the first mode that applies runs and exits; without one, a key is made.
#include <fcntl.h>
#include <pwd.h>
#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "diagnostics.hpp"
#include "invocation.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/crypto/symmetric_cipher.hpp"

namespace sshkeygen {
namespace {

namespace log = sshcore::log;

// Options OpenSSH 9.2 takes (its getopt string); a ':' marks an argument.
constexpr std::string_view kOptionString =
    "ABHKLQUXceghiklopquvy"
    "C:D:E:F:I:M:N:O:P:R:V:Y:Z:"
    "a:b:f:g:m:n:r:s:t:w:z:";

struct Unsupported {
  char option;
  std::string_view feature;
};
// Options of features this ssh-keygen does not have yet: refused with a clear message.
constexpr Unsupported kUnsupportedOptions[] = {
    {'s', "certificates"},        {'I', "certificates"},  {'n', "certificates"},
    {'V', "certificates"},        {'z', "certificates and KRLs"},
    {'O', "certificate, FIDO and moduli options"},
    {'h', "certificates"},        {'U', "certificates"},  {'L', "certificates"},
    {'k', "KRLs"},                {'Q', "KRLs"},          {'u', "KRLs"},
    {'Y', "signatures"},          {'K', "FIDO security keys"},
    {'w', "FIDO security keys"},  {'D', "PKCS#11"},       {'M', "moduli generation and screening"},
};

[[noreturn]] void usage() {
  std::fflush(stdout);
  std::fputs(
      "usage: ssh-keygen [-q] [-a rounds] [-b bits] [-C comment] [-f output_keyfile]\n"
      "                  [-m format] [-N new_passphrase] [-O option]\n"
      "                  [-t dsa | ecdsa | ecdsa-sk | ed25519 | ed25519-sk | rsa]\n"
      "                  [-w provider] [-Z cipher]\n"
      "       ssh-keygen -p [-a rounds] [-f keyfile] [-m format] [-N new_passphrase]\n"
      "                   [-P old_passphrase] [-Z cipher]\n"
      "       ssh-keygen -i [-f input_keyfile] [-m key_format]\n"
      "       ssh-keygen -e [-f input_keyfile] [-m key_format]\n"
      "       ssh-keygen -y [-f input_keyfile]\n"
      "       ssh-keygen -c [-a rounds] [-C comment] [-f keyfile] [-P passphrase]\n"
      "       ssh-keygen -l [-v] [-E fingerprint_hash] [-f input_keyfile]\n"
      "       ssh-keygen -B [-f input_keyfile]\n"
      "       ssh-keygen -D pkcs11\n"
      "       ssh-keygen -F hostname [-lv] [-f known_hosts_file]\n"
      "       ssh-keygen -H [-f known_hosts_file]\n"
      "       ssh-keygen -K [-a rounds] [-w provider]\n"
      "       ssh-keygen -R hostname [-f known_hosts_file]\n"
      "       ssh-keygen -r hostname [-g] [-f input_keyfile]\n"
      "       ssh-keygen -M generate [-O option] output_file\n"
      "       ssh-keygen -M screen [-f input_file] [-O option] output_file\n"
      "       ssh-keygen -I certificate_identity -s ca_key [-hU] [-D pkcs11_provider]\n"
      "                  [-n principals] [-O option] [-V validity_interval]\n"
      "                  [-z serial_number] file ...\n"
      "       ssh-keygen -L [-f input_keyfile]\n"
      "       ssh-keygen -A [-a rounds] [-f prefix_path]\n"
      "       ssh-keygen -k -f krl_file [-u] [-s ca_public] [-z version_number]\n"
      "                  file ...\n"
      "       ssh-keygen -Q [-l] -f krl_file [file ...]\n"
      "       ssh-keygen -Y find-principals -s signature_file -f allowed_signers_file\n"
      "       ssh-keygen -Y match-principals -I signer_identity -f allowed_signers_file\n"
      "       ssh-keygen -Y check-novalidate -n namespace -s signature_file\n"
      "       ssh-keygen -Y sign -f key_file -n namespace file [-O option] ...\n"
      "       ssh-keygen -Y verify -f allowed_signers_file -I signer_identity\n"
      "                  -n namespace -s signature_file [-r krl_file] [-O option]\n",
      stderr);
  std::exit(1);
}

// OpenBSD's strtonum(): base-10 value in [min, max], else "invalid", "too small" or
// "too large" as its error string.
std::optional<long long> strtonum(const char* text, long long min, long long max, const char** errstr) {
  *errstr = nullptr;
  if (min > max) {
    *errstr = "invalid";
    return std::nullopt;
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text, &end, 10);
  if (text == end || *end != '\0') {
    *errstr = "invalid";
    return std::nullopt;
  }
  if ((v == LLONG_MIN && errno == ERANGE) || v < min) {
    *errstr = "too small";
    return std::nullopt;
  }
  if ((v == LLONG_MAX && errno == ERANGE) || v > max) {
    *errstr = "too large";
    return std::nullopt;
  }
  return v;
}

[[noreturn]] void refuse_unsupported(char option, std::string_view feature) {
  std::fflush(stdout);
  error("ssh-keygen: option -{}: {} are not supported yet", option, feature);
  std::exit(1);
}

void apply_option(Options& o, char opt, const char* arg, log::Level& level) {
  const char* errstr = nullptr;
  switch (opt) {
    case 'A': o.gen_all_hostkeys = true; break;
    case 'b': {
      auto v = strtonum(arg, 1, UINT32_MAX, &errstr);
      if (!v) fatal("Bits has bad value {} ({})", arg, errstr);
      o.bits = static_cast<std::uint32_t>(*v);
      break;
    }
    case 'E': {
      auto alg = sshcore::crypto::digest_by_name(arg);
      if (!alg) fatal("Invalid hash algorithm \"{}\"", arg);
      o.fingerprint_hash = *alg;
      break;
    }
    case 'F': o.find_host = true; o.rr_hostname = arg; break;
    case 'H': o.hash_hosts = true; break;
    case 'R': o.delete_host = true; o.rr_hostname = arg; break;
    case 'l': o.print_fingerprint = true; break;
    case 'B': o.print_bubblebabble = true; break;
    case 'm':
      if (::strcasecmp(arg, "RFC4716") == 0 || ::strcasecmp(arg, "ssh2") == 0) {
        o.convert_format = ConvertFormat::kRfc4716;
      } else if (::strcasecmp(arg, "PKCS8") == 0) {
        o.convert_format = ConvertFormat::kPkcs8;
        o.private_key_format = sshcore::keys::PrivateKeyFormat::kPkcs8;
      } else if (::strcasecmp(arg, "PEM") == 0) {
        o.convert_format = ConvertFormat::kPem;
        o.private_key_format = sshcore::keys::PrivateKeyFormat::kPem;
      } else {
        fatal("Unsupported conversion format \"{}\"", arg);
      }
      break;
    case 'o': break;  // no-op: the OpenSSH format is already the default
    case 'p': o.change_passphrase = true; break;
    case 'c': o.change_comment = true; break;
    case 'f':
      if (std::strlen(arg) >= PATH_MAX) fatal("Identity filename too long");
      o.identity_file = arg;
      o.have_identity = true;
      break;
    case 'g': o.print_generic = true; break;
    case 'P': o.identity_passphrase = arg; break;
    case 'N': o.identity_new_passphrase = arg; break;
    case 'Z':
      if (sshcore::crypto::find_symmetric_cipher(arg) == nullptr)
        fatal("Invalid OpenSSH-format cipher '{}'", arg);
      o.cipher = arg;
      break;
    case 'C': o.identity_comment = arg; break;
    case 'q': o.quiet = true; break;
    case 'e': o.convert_to = true; break;
    case 'i':
    case 'X': o.convert_from = true; break;
    case 'y': o.print_public = true; break;
    case 't': o.key_type_name = arg; break;
    case 'v':
      ++o.verbose;
      if (level == log::Level::kInfo) level = log::Level::kDebug1;
      else if (level >= log::Level::kDebug1 && level < log::Level::kDebug3)
        level = static_cast<log::Level>(static_cast<int>(level) + 1);
      break;
    case 'r': o.rr_hostname = arg; break;
    case 'a': {
      auto v = strtonum(arg, 1, INT_MAX, &errstr);
      if (!v) fatal("Invalid number: {} ({})", arg, errstr);
      o.rounds = static_cast<std::uint32_t>(*v);
      break;
    }
    default:
      for (const auto& u : kUnsupportedOptions)
        if (u.option == opt) refuse_unsupported(opt, u.feature);
      usage();
  }
}

// BSD getopt(3), as OpenSSH links it: options stop at the first operand or "--";
// no permutation. Unknown options and missing arguments print getopt's message
// and the usage text.
Options parse_command_line(int argc, char** argv, log::Level& level) {
  Options o;
  int index = 1;
  while (index < argc) {
    const char* word = argv[index];
    if (word[0] != '-' || word[1] == '\0') break;
    if (std::strcmp(word, "--") == 0) {
      ++index;
      break;
    }
    ++index;
    for (const char* p = word + 1; *p != '\0'; ++p) {
      char opt = *p;
      std::size_t at = opt == ':' ? std::string_view::npos : kOptionString.find(opt);
      if (at == std::string_view::npos) {
        error("unknown option -- {}", opt);
        usage();
      }
      bool takes_argument = at + 1 < kOptionString.size() && kOptionString[at + 1] == ':';
      if (!takes_argument) {
        apply_option(o, opt, nullptr, level);
        continue;
      }
      const char* arg = nullptr;
      if (p[1] != '\0') {
        arg = p + 1;
      } else if (index < argc) {
        arg = argv[index++];
      } else {
        error("option requires an argument -- {}", opt);
        usage();
      }
      apply_option(o, opt, arg, level);
      break;
    }
  }
  for (; index < argc; ++index) o.arguments.emplace_back(argv[index]);
  return o;
}

// OpenSSH's sanitise_stdfd(): descriptors 0-2 always exist, so nothing we open
// later can be mistaken for them.
void sanitise_stdfd() {
  int null_fd = -1;
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFL) != -1 || errno != EBADF) continue;
    if (null_fd < 0) null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd < 0) std::_Exit(1);
    if (null_fd != fd) ::dup2(null_fd, fd);
  }
  if (null_fd > 2) ::close(null_fd);
}

// OpenSSH's msetlocale(): the user's character type only if it is UTF-8.
void set_locale() {
  for (const char* var : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(var);
    if (value == nullptr) continue;
    if (::strcasestr(value, "UTF-8") != nullptr || ::strcasestr(value, "UTF8") != nullptr) {
      std::setlocale(LC_CTYPE, "");
      return;
    }
  }
  std::setlocale(LC_CTYPE, "C");
}

void init_log(log::Level level) {
  log::Options lo;
  lo.program = "ssh-keygen";
  lo.level = level;
  lo.sink = log::Sink::kStderr;
  log::init(lo);
}

int run(int argc, char** argv) {
  sanitise_stdfd();
  init_log(log::Level::kInfo);
  set_locale();

  Invocation inv;
  inv.uid = ::getuid();
  const passwd* pw = ::getpwuid(inv.uid);
  if (pw == nullptr) fatal("No user exists for uid {}", static_cast<unsigned long>(inv.uid));
  inv.user_name = pw->pw_name;
  inv.home_dir = pw->pw_dir;
  char host[1025] = {};
  if (::gethostname(host, sizeof host - 1) == -1) fatal("gethostname: {}", std::strerror(errno));
  inv.hostname = host;

  log::Level level = log::Level::kInfo;
  inv.options = parse_command_line(argc, argv, level);
  init_log(level);
  Options& o = inv.options;

  if (!o.arguments.empty()) {
    error("Too many arguments.");
    usage();
  }
  if (o.change_passphrase && o.change_comment) {
    error("Can only have one of -p and -c.");
    usage();
  }
  if (o.print_fingerprint && (o.delete_host || o.hash_hosts)) {
    error("Cannot use -l with -H or -R.");
    usage();
  }
  if (o.delete_host || o.hash_hosts || o.find_host) return do_known_hosts(inv);
  if (o.print_fingerprint || o.print_bubblebabble) return do_fingerprint(inv);
  if (o.change_passphrase) return do_change_passphrase(inv);
  if (o.change_comment) return do_change_comment(inv);
  if (o.convert_to) return do_convert_to(inv);
  if (o.convert_from) return do_convert_from(inv);
  if (o.print_public) return do_print_public(inv);
  if (o.rr_hostname) return do_print_resource_records(inv);
  if (o.gen_all_hostkeys) return do_gen_all_hostkeys(inv);
  return do_generate(inv);
}

}  // namespace
}  // namespace sshkeygen

int main(int argc, char** argv) {
  int status = sshkeygen::run(argc, argv);
  std::fflush(stdout);
  return status;
}

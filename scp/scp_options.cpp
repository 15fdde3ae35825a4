#include "scp_options.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>

namespace scp {
namespace {

// OpenSSH's getopt string: flags without and with an argument. -M is accepted and
// ignored as OpenSSH's getopt string carries it.
constexpr std::string_view kFlags = "12346ABCTdfOpqRrstv";
constexpr std::string_view kWithArgument = "DFJMPSXcilo";

// strtonum(): decimal only, range-checked, with its error words.
std::optional<long long> strtonum(const std::string& s, long long lo, long long hi, const char*& err) {
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') {
    err = "invalid";
    return std::nullopt;
  }
  if (v < lo || (errno == ERANGE && v < 0)) {
    err = "too small";
    return std::nullopt;
  }
  if (v > hi || errno == ERANGE) {
    err = "too large";
    return std::nullopt;
  }
  err = nullptr;
  return v;
}

// scan_scaled(): a number with an optional K/M/G/T suffix (powers of 1024).
std::optional<long long> scan_scaled(const std::string& s) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str() || errno == ERANGE) return std::nullopt;
  std::string_view rest(end);
  static constexpr std::string_view kUnits = "BKMGTPE";
  if (rest.empty()) return v;
  if (rest.size() != 1) return std::nullopt;
  std::size_t unit = kUnits.find(static_cast<char>(std::toupper(static_cast<unsigned char>(rest[0]))));
  if (unit == std::string_view::npos) return std::nullopt;
  for (std::size_t i = 0; i < unit; ++i) {
    if (v > (1LL << 53)) return std::nullopt;
    v *= 1024;
  }
  return v;
}

UsageError fatal(std::string message) { return UsageError{std::move(message), 255, false}; }

// One flag; returns an error to stop parsing.
std::optional<UsageError> apply(ScpOptions& o, char ch, const std::string& arg) {
  auto pass_both = [&](std::string flag) {
    o.ssh_args.push_back(flag);
    o.remote_remote_args.push_back(std::move(flag));
  };
  switch (ch) {
    case '1': return fatal("SSH protocol v.1 is no longer supported");
    case '2': break;
    case 'A': case '4': case '6': case 'C': pass_both(std::string("-") + ch); break;
    case 'D': o.sftp_direct = arg; break;
    case '3': o.through_local = true; break;
    case 'R': o.through_local = false; break;
    case 'o': case 'c': case 'i': case 'F': case 'J':
      o.remote_remote_args.push_back(std::string("-") + ch);
      o.remote_remote_args.push_back(arg);
      o.ssh_args.push_back(std::string("-") + ch);
      o.ssh_args.push_back(arg);
      break;
    case 'O': o.mode = Mode::kScp; break;
    case 's': o.mode = Mode::kSftp; break;
    case 'P': {
      const char* err = nullptr;
      auto port = strtonum(arg, 1, 65535, err);
      if (!port) return fatal("bad port \"" + arg + "\"\n");
      o.port = static_cast<int>(*port);
      break;
    }
    case 'B': pass_both("-oBatchmode=yes"); break;
    case 'l': {
      const char* err = nullptr;
      auto limit = strtonum(arg, 1, 100LL * 1024 * 1024, err);
      if (!limit) return UsageError{};
      o.limit_kbps = static_cast<std::uint64_t>(*limit) * 1024;
      break;
    }
    case 'p': o.preserve = true; break;
    case 'r': o.recursive = true; break;
    case 'S': o.ssh_program = arg; break;
    case 'v':
      pass_both("-v");
      ++o.verbose;
      break;
    case 'q':
      pass_both("-q");
      o.quiet = true;
      break;
    case 'X':
      if (arg.starts_with("buffer=")) {
        std::string value = arg.substr(7);
        auto v = scan_scaled(value);
        if (!v || *v <= 0 || *v > 256 * 1024)
          return fatal("Invalid buffer size \"" + value + "\": " + std::strerror(EINVAL));
        o.sftp_buffer = static_cast<std::uint32_t>(*v);
      } else if (arg.starts_with("nrequests=")) {
        std::string value = arg.substr(10);
        const char* err = nullptr;
        auto v = strtonum(value, 1, 256 * 1024, err);
        if (!v) return fatal("Invalid number of requests \"" + value + "\": " + err);
        o.sftp_requests = static_cast<std::uint32_t>(*v);
      } else {
        return fatal("Invalid -X option");
      }
      break;
    case 'M': break;
    case 'd': o.target_should_be_directory = true; break;
    case 'f': o.source_mode = true; break;
    case 't': o.sink_mode = true; break;
    case 'T': o.no_strict_names = true; break;
    default: return UsageError{};
  }
  return std::nullopt;
}

}  // namespace

std::string_view usage_text() {
  return "usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]\n"
         "           [-i identity_file] [-J destination] [-l limit] [-o ssh_option]\n"
         "           [-P port] [-S program] [-X sftp_option] source ... target\n";
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& argv) {
  ParsedCommandLine out;
  ScpOptions& o = out.options;
  o.ssh_args = {"-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes", "-oRemoteCommand=none",
                "-oRequestTTY=no"};
  std::size_t i = 1;
  // BSD getopt, as OpenSSH's portable build uses: options end at the first operand.
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (std::size_t j = 1; j < a.size(); ++j) {
      char ch = a[j];
      bool takes_argument = kWithArgument.find(ch) != std::string_view::npos;
      if (!takes_argument && kFlags.find(ch) == std::string_view::npos) {
        out.error = UsageError{std::string("unknown option -- ") + ch};
        return out;
      }
      std::string arg;
      if (takes_argument) {
        if (j + 1 < a.size()) {
          arg = a.substr(j + 1);
        } else if (i + 1 < argv.size()) {
          arg = argv[++i];
        } else {
          out.error = UsageError{std::string("option requires an argument -- ") + ch};
          return out;
        }
      }
      if (auto err = apply(o, ch, arg)) {
        out.error = std::move(err);
        return out;
      }
      if (takes_argument) break;
    }
  }
  o.operands.assign(argv.begin() + static_cast<std::ptrdiff_t>(std::min(i, argv.size())), argv.end());
  // Last, so that a user's -o ForwardAgent=yes (first value wins in ssh) overrides it.
  o.ssh_args.push_back("-oForwardAgent=no");
  if (o.sink_mode || o.source_mode) o.mode = Mode::kScp;
  return out;
}

}  // namespace scp

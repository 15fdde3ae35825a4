// Flags as OpenSSH 9.2's sftp reads them: BSD getopt (no permutation) over
// "1246AafhNpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:X:", ssh's flags passed through in order.
#include "command_line.hpp"

#include "sshcore/config/config_lexer.hpp"
#include "sshcore/io/subprocess.hpp"

#include <cstdlib>
#include <string_view>

namespace sftp_program {
namespace {

constexpr std::string_view kOptions = "1246AafhNpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:X:";

bool takes_argument(char c) {
  auto at = kOptions.find(c);
  return at != std::string_view::npos && at + 1 < kOptions.size() && kOptions[at + 1] == ':';
}

// strtol(s, &end, 10) with the whole string consumed.
std::optional<long long> whole_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0') return std::nullopt;
  return v;
}

// OpenSSH's a2port: 1..65535, else -1.
int to_port(const std::string& s) {
  auto v = whole_number(s);
  if (!v || *v <= 0 || *v > 65535) return -1;
  return static_cast<int>(*v);
}

std::string clean_host_name(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = std::string(s.substr(i + 1, 2));
      char* end = nullptr;
      long v = std::strtol(hex.c_str(), &end, 16);
      if (*end == '\0' && hex.size() == 2) {
        out += static_cast<char>(v);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// misc.c parse_uri("sftp", ...): sftp://[user[;params]@]host[:port][/path].
std::optional<Destination> parse_sftp_uri(std::string_view uri) {
  Destination d;
  std::string_view rest = uri;
  auto at = rest.find('@');
  auto slash = rest.find('/');
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
    std::string_view user = rest.substr(0, at);
    if (auto semi = user.find(';'); semi != std::string_view::npos) user = user.substr(0, semi);
    if (user.empty()) return std::nullopt;
    d.user = url_decode(user);
    rest = rest.substr(at + 1);
  }
  std::string_view host;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
  } else {
    auto end = rest.find_first_of(":/");
    host = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  }
  if (host.empty()) return std::nullopt;
  d.host = std::string(host);
  if (!rest.empty() && rest.front() == ':') {
    rest = rest.substr(1);
    auto end = rest.find('/');
    d.port = to_port(std::string(rest.substr(0, end)));
    if (d.port <= 0) return std::nullopt;
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  }
  if (!rest.empty()) {
    if (rest.front() != '/') return std::nullopt;
    rest = rest.substr(1);
    if (!rest.empty()) d.path = url_decode(rest);
  }
  return d;
}

// misc.c colon(): the first ':' outside [..], not after a '/' (a local path).
std::optional<std::size_t> host_colon(const std::string& s) {
  bool in_brackets = false;
  if (s.empty() || s.front() == ':') return std::nullopt;
  for (std::size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '@' && i + 1 < s.size() && s[i + 1] == '[') in_brackets = true;
    if (c == '[' && i == 0) in_brackets = true;
    if (c == ']' && i + 1 < s.size() && s[i + 1] == ':' && in_brackets) return i + 1;
    if (c == ':' && !in_brackets) return i;
    if (c == '/') return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string_view usage_text() {
  return "usage: sftp [-46AaCfNpqrv] [-B buffer_size] [-b batchfile] [-c cipher]\n"
         "          [-D sftp_server_command] [-F ssh_config] [-i identity_file]\n"
         "          [-J destination] [-l limit] [-o ssh_option] [-P port]\n"
         "          [-R num_requests] [-S program] [-s subsystem | sftp_server]\n"
         "          [-X sftp_option] destination\n";
}

std::optional<Destination> parse_destination(const std::string& arg) {
  if (arg.rfind("sftp://", 0) == 0) return parse_sftp_uri(std::string_view(arg).substr(7));
  Destination d;
  std::string user_host = arg;
  if (auto colon = host_colon(arg)) {
    user_host = arg.substr(0, *colon);
    std::string path = arg.substr(*colon + 1);
    d.path = path.empty() ? std::string(".") : path;
  }
  if (auto at = user_host.rfind('@'); at != std::string::npos) {
    d.user = user_host.substr(0, at);
    user_host = user_host.substr(at + 1);
  }
  d.host = clean_host_name(user_host);
  return d;
}

std::optional<SftpCommandLine> parse_command_line(const std::vector<std::string>& args, CommandLineError& error) {
  SftpCommandLine cl;
  auto usage = [&]() -> std::optional<SftpCommandLine> {
    error = {CommandLineFailure::kUsage, ""};
    return std::nullopt;
  };
  auto fatal = [&](std::string text) -> std::optional<SftpCommandLine> {
    error = {CommandLineFailure::kFatal, std::move(text)};
    return std::nullopt;
  };
  std::string ssh_program = sshcore::io::program_beside_self("ssh");
  std::vector<std::string> passed;  // options for ssh, in order
  std::optional<std::string> subsystem;
  int port = -1;
  bool noisy = false;

  std::size_t index = 0;
  for (; index < args.size(); index++) {
    const std::string& arg = args[index];
    if (arg.size() < 2 || arg[0] != '-') break;
    if (arg == "--") {
      index++;
      break;
    }
    for (std::size_t ci = 1; ci < arg.size(); ci++) {
      char c = arg[ci];
      if (kOptions.find(c) == std::string_view::npos || c == ':') return usage();
      std::string value;
      if (takes_argument(c)) {
        if (ci + 1 < arg.size()) {
          value = arg.substr(ci + 1);
        } else if (index + 1 < args.size()) {
          value = args[++index];
        } else {
          return usage();
        }
        ci = arg.size();
      }
      switch (c) {
        case '4': case '6': case 'A': case 'C':
          passed.push_back(std::string("-") + c);
          break;
        case 'F': case 'J': case 'c': case 'i': case 'o':
          passed.push_back(std::string("-") + c);
          passed.push_back(value);
          break;
        case 'q':
          cl.quiet = true;
          cl.show_progress = false;
          passed.push_back("-q");
          break;
        case 'P':
          port = to_port(value);
          if (port <= 0) return fatal("Bad port \"" + value + "\"\n");
          break;
        case 'v':
          if (cl.verbosity < 3) passed.push_back("-v");
          cl.verbosity++;
          break;
        case '1':
          return fatal("SSH protocol v.1 is no longer supported");
        case '2':
          break;
        case 'a':
          cl.resume = true;
          break;
        case 'B': {
          auto v = whole_number(value);
          if (!v || *v <= 0 || *v > 0xffffffffLL) return fatal("Invalid buffer size \"" + value + "\"");
          cl.buffer_size = static_cast<std::uint32_t>(*v);
          break;
        }
        case 'b':
          if (cl.batch_file) return fatal("Batch file already specified.");
          cl.batch_file = value;
          cl.show_progress = false;
          cl.quiet = true;
          passed.push_back("-obatchmode yes");
          break;
        case 'f':
          cl.fsync = true;
          break;
        case 'p':
          cl.preserve = true;
          break;
        case 'D':
          cl.direct_server = value;
          break;
        case 'l': {
          auto v = whole_number(value);
          if (!v || *v < 1 || *v > 100LL * 1024 * 1024) return usage();
          cl.limit_kbps = static_cast<std::uint64_t>(*v);
          break;
        }
        case 'r':
          cl.recursive = true;
          break;
        case 'R': {
          auto v = whole_number(value);
          if (!v || *v <= 0 || *v > 0xffffffffLL) return fatal("Invalid number of requests \"" + value + "\"");
          cl.requests = static_cast<std::uint32_t>(*v);
          break;
        }
        case 's':
          subsystem = value;
          break;
        case 'S':
          ssh_program = value;
          break;
        case 'N':
          noisy = true;
          break;
        case 'X': {
          auto take = [&](std::string_view key) -> std::optional<long long> {
            if (value.rfind(key, 0) != 0) return std::nullopt;
            return whole_number(value.substr(key.size()));
          };
          if (value.rfind("buffer=", 0) == 0) {
            auto v = take("buffer=");
            if (!v || *v <= 0) return fatal("Invalid buffer size \"" + value.substr(7) + "\"");
            cl.buffer_size = static_cast<std::uint32_t>(*v);
          } else if (value.rfind("nrequests=", 0) == 0) {
            auto v = take("nrequests=");
            if (!v || *v <= 0) return fatal("Invalid number of requests \"" + value.substr(10) + "\"");
            cl.requests = static_cast<std::uint32_t>(*v);
          } else {
            return fatal("Invalid -X option");
          }
          break;
        }
        default:  // 'h'
          return usage();
      }
    }
  }
  if (noisy) cl.quiet = false;

  std::vector<std::string> operands(args.begin() + static_cast<std::ptrdiff_t>(index), args.end());
  if (cl.direct_server) {
    // -D "path args": split as OpenSSH's argv_split(s, 1) does (quotes, escapes, a
    // '#' word ends it). Operands are ignored with -D, as OpenSSH ignores them.
    auto words = sshcore::config::split_arguments(*cl.direct_server, true);
    if (!words) return fatal("Parse -D arguments: invalid format");
    if (words->empty()) return fatal("No sftp server specified via -D");
    cl.server_argv = std::move(*words);
    return cl;
  }
  if (operands.empty() || operands.size() > 2) return usage();

  auto destination = parse_destination(operands[0]);
  if (!destination) return usage();
  if (destination->host.empty()) return fatal("Missing hostname");
  if (destination->port != -1) port = destination->port;
  cl.host = destination->host;
  cl.remote_path = destination->path;
  if (operands.size() > 1) cl.local_path = operands[1];

  cl.server_argv = {ssh_program, "-oForwardX11 no", "-oPermitLocalCommand no", "-oClearAllForwardings yes"};
  cl.server_argv.insert(cl.server_argv.end(), passed.begin(), passed.end());
  cl.server_argv.push_back("-oForwardAgent no");
  if (port != -1) cl.server_argv.push_back("-oPort " + std::to_string(port));
  if (destination->user) {
    cl.server_argv.push_back("-l");
    cl.server_argv.push_back(*destination->user);
  }
  // A server given as a path runs as a command, not as a subsystem.
  if (!subsystem || subsystem->find('/') == std::string::npos) cl.server_argv.push_back("-s");
  cl.server_argv.push_back("--");
  cl.server_argv.push_back(cl.host);
  cl.server_argv.push_back(subsystem.value_or("sftp"));
  return cl;
}

}  // namespace sftp_program

#include "command_line.hpp"

#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <fmt/format.h>

#include "sshcore/transport/version_exchange.hpp"

namespace sshd {

namespace {

// OpenSSH 9.2's getopt string "C:E:b:c:f:g:h:k:o:p:u:46DQRTdeiqrtV"; -b -k -Q -u are
// accepted and ignored there too.
struct FlagRow {
  char flag;
  bool takes_argument;
  void (*apply)(CommandLine&, const std::string&);
};

void add_early(CommandLine& c, std::string line) { c.early_lines.push_back(std::move(line)); }

constexpr std::array kFlags{
    FlagRow{'4', false, [](CommandLine& c, const std::string&) { add_early(c, "AddressFamily inet"); }},
    FlagRow{'6', false, [](CommandLine& c, const std::string&) { add_early(c, "AddressFamily inet6"); }},
    FlagRow{'C', true, [](CommandLine& c, const std::string& a) { c.connection_spec = a; }},
    FlagRow{'D', false, [](CommandLine& c, const std::string&) { c.no_daemon = true; }},
    FlagRow{'E', true,
            [](CommandLine& c, const std::string& a) {
              c.log_file = a;
              c.log_stderr = true;
            }},
    FlagRow{'Q', false, [](CommandLine&, const std::string&) {}},
    FlagRow{'R', false, [](CommandLine& c, const std::string&) { c.rexeced = true; }},
    FlagRow{'T', false, [](CommandLine& c, const std::string&) { c.test = 2; }},
    FlagRow{'V', false, [](CommandLine& c, const std::string&) { c.print_version = true; }},
    FlagRow{'b', true, [](CommandLine&, const std::string&) {}},
    FlagRow{'c', true, [](CommandLine& c, const std::string& a) { c.host_certs.push_back(a); }},
    FlagRow{'d', false, [](CommandLine& c, const std::string&) { c.debug = std::min(c.debug + 1, 3); }},
    FlagRow{'e', false, [](CommandLine& c, const std::string&) { c.log_stderr = true; }},
    FlagRow{'f', true, [](CommandLine& c, const std::string& a) { c.config_file = a; }},
    FlagRow{'g', true, [](CommandLine& c, const std::string& a) {
              c.grace_time = a;
              add_early(c, "LoginGraceTime " + a);
            }},
    FlagRow{'h', true, [](CommandLine& c, const std::string& a) { add_early(c, "HostKey " + a); }},
    FlagRow{'i', false, [](CommandLine& c, const std::string&) { c.inetd = true; }},
    FlagRow{'k', true, [](CommandLine&, const std::string&) {}},
    FlagRow{'o', true,
            [](CommandLine& c, const std::string& a) {
              c.option_lines.push_back(a);
              add_early(c, a);
            }},
    FlagRow{'p', true, [](CommandLine&, const std::string&) {}},  // checked in parse_command_line
    FlagRow{'q', false, [](CommandLine& c, const std::string&) { c.quiet = true; }},
    FlagRow{'r', false, [](CommandLine& c, const std::string&) { c.no_rexec = true; }},
    FlagRow{'t', false, [](CommandLine& c, const std::string&) { c.test = 1; }},
    FlagRow{'u', true, [](CommandLine&, const std::string&) {}},
};

const FlagRow* find_flag(char f) {
  for (const auto& row : kFlags)
    if (row.flag == f) return &row;
  return nullptr;
}

CommandLineExit usage_exit(std::string first_line) {
  return CommandLineExit{1, first_line + usage_text()};
}

// a2port(): 1..65535, digits only.
std::optional<int> parse_port(const std::string& text) {
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port <= 0 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::string version_line() {
  return fmt::format("{}, {}", sshcore::transport::kSoftwareVersion, OpenSSL_version(OPENSSL_VERSION));
}

std::string usage_text() {
  return version_line() +
         "\n"
         "usage: sshd [-46DdeiqTtV] [-C connection_spec] [-c host_cert_file]\n"
         "            [-E log_file] [-f config_file] [-g login_grace_time]\n"
         "            [-h host_key_file] [-o option] [-p port] [-u len]\n";
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& argv) {
  CommandLine c;
  c.argv = argv;
  std::size_t i = 1;
  for (; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word == "--") {
      ++i;
      break;
    }
    if (word.size() < 2 || word[0] != '-') break;
    for (std::size_t k = 1; k < word.size(); ++k) {
      const FlagRow* row = find_flag(word[k]);
      if (row == nullptr) return {std::nullopt, usage_exit(fmt::format("unknown option -- {}\n", word[k]))};
      std::string argument;
      if (row->takes_argument) {
        if (k + 1 < word.size()) {
          argument = word.substr(k + 1);
        } else if (i + 1 < argv.size()) {
          argument = argv[++i];
        } else {
          return {std::nullopt, usage_exit(fmt::format("option requires an argument -- {}\n", word[k]))};
        }
        k = word.size();
      }
      if (row->flag == 'p') {
        auto port = parse_port(argument);
        if (!port) return {std::nullopt, CommandLineExit{1, "Bad port number.\n"}};
        c.ports.push_back(*port);
      }
      row->apply(c, argument);
    }
  }
  if (i < argv.size()) return {std::nullopt, CommandLineExit{1, fmt::format("Extra argument {}.\n", argv[i])}};
  if (c.print_version) return {std::nullopt, CommandLineExit{0, version_line() + "\n"}};
  // -d and -q set options.log_level directly; the last of them wins among the flags.
  std::string level;
  if (c.quiet) level = "QUIET";
  if (c.debug > 0) level = fmt::format("DEBUG{}", c.debug);
  if (!level.empty()) c.early_lines.insert(c.early_lines.begin(), "LogLevel " + level);
  if (c.debug > 0) c.log_stderr = true;
  return {std::move(c), std::nullopt};
}

}  // namespace sshd

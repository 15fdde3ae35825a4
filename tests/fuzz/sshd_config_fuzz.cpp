// Parses the input as an sshd_config file (with an in-memory Include tree), then evaluates
// it for a connection taken from the input's first line, dumps both views, and checks what
// must always hold: a failed parse explains itself, a dump is one "keyword value" per line.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "sshcore/base/pattern.hpp"
#include "sshcore/base/address_match.hpp"
#include "sshcore/config/config_lexer.hpp"
#include "sshcore/config/sshd_config.hpp"

using namespace sshcore;
using namespace sshcore::config;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_dump(const std::string& dump) {
  check(!dump.empty() && dump.back() == '\n');
  std::size_t start = 0;
  while (start < dump.size()) {
    std::size_t nl = dump.find('\n', start);
    std::string_view line(dump.data() + start, nl - start);
    check(line.find(' ') != std::string_view::npos && line.front() != ' ');
    start = nl + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> files{
      {"/etc/ssh/inc.conf", text},
      {"/etc/ssh/d/a.conf", "Match User fuzz\n  PasswordAuthentication no\n"},
  };
  FileSource source{[&](const std::string& path) -> Result<std::string> {
                      auto it = files.find(path);
                      if (it == files.end()) return fail(Errc::kSystem, "No such file or directory");
                      return it->second;
                    },
                    [&](const std::string& pattern) -> Result<std::vector<std::string>> {
                      std::vector<std::string> out;
                      for (const auto& [path, body] : files)
                        if (match_pattern(path, pattern)) out.push_back(path);
                      return out;
                    }};
  auto parsed = SshdConfig::parse(text, "fuzz.conf", source);
  std::string_view first(text);
  first = first.substr(0, first.find('\n'));
  if (!parsed) {
    check(!parsed.error().detail.empty());
  } else {
    check_dump(parsed->global().dump());
    ConnectionSpec ci;
    ci.user = std::string(first.substr(0, 32));
    ci.host = "host.example";
    ci.address = "192.0.2.1";
    ci.laddress = "::1";
    ci.lport = 22;
    ci.rdomain = "0";
    ci.groups = [](const std::string& user) -> std::optional<std::vector<std::string>> {
      return std::vector<std::string>{user, "wheel"};
    };
    auto effective = parsed->for_connection(ci);
    if (effective) check_dump(effective->dump());
  }
  // The helpers on their own: no crash and answers in range.
  int r = static_cast<int>(match_address_list(std::string_view("2001:db8::1"), first));
  check(r >= -2 && r <= 1);
  r = static_cast<int>(match_cidr_list(std::nullopt, first));
  check(r >= -2 && r <= 1);
  (void)lex_config_line(first);
  return 0;
}

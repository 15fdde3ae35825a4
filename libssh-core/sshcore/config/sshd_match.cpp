#include "sshcore/config/sshd_match.hpp"

#include <fmt/format.h>

#include "sshcore/base/pattern.hpp"
#include "sshcore/base/address_match.hpp"
#include "sshcore/config/config_lexer.hpp"

namespace sshcore::config {
namespace {

int match_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v > 65535 ? -1 : v;
}

bool groups_match(const ConnectionSpec& ci, std::string_view patterns) {
  if (!ci.groups || !ci.user) return false;
  auto groups = ci.groups(*ci.user);
  if (!groups) return false;
  bool found = false;
  for (const auto& g : *groups) {
    int r = match_pattern_list(g, patterns, false);
    if (r < 0) return false;  // a negated group vetoes the whole list
    if (r > 0) found = true;
  }
  return found;
}

}  // namespace

MatchOutcome evaluate_match(std::string_view condition, int line, const ConnectionSpec* ci) {
  MatchOutcome out;
  out.result = 1;
  int attributes = 0;
  std::string_view cp = condition;
  auto bad = [&](std::string text) {
    out.errors.push_back(std::move(text));
    out.result = -1;
    return out;
  };
  while (true) {
    auto attrib = next_word(cp);
    if (!attrib || attrib->empty()) break;
    if (attrib->front() == '#') break;
    ++attributes;
    if (ascii_lowercase(*attrib) == "all") {
      auto extra = next_word(cp);
      if (attributes > 1 || (extra && !extra->empty() && extra->front() != '#'))
        return bad("'all' cannot be combined with other Match attributes");
      out.result = 1;
      return out;
    }
    auto arg = next_word(cp);
    if (!arg || arg->empty() || arg->front() == '#')
      return bad(fmt::format("Missing Match criteria for {}", *attrib));
    std::string kind = ascii_lowercase(*attrib);
    if (kind == "user") {
      if (!ci || !ci->user || match_pattern_list(*ci->user, *arg, false) != 1) out.result = 0;
    } else if (kind == "group") {
      if (!ci || !groups_match(*ci, *arg)) out.result = 0;
    } else if (kind == "host") {
      if (!ci || !ci->host || match_hostname(*ci->host, *arg) != 1) out.result = 0;
    } else if (kind == "address" || kind == "localaddress") {
      const std::optional<std::string>* addr = nullptr;
      if (ci) addr = kind == "address" ? &ci->address : &ci->laddress;
      if (!addr || !addr->has_value()) {
        if (match_address_list(std::nullopt, *arg) != AddressListMatch::kNoMatch) {
          out.fatal = true;
          return bad(fmt::format("Invalid Match {} argument '{}' at line {}",
                                 kind == "address" ? "address" : "localaddress", *arg, line));
        }
        out.result = 0;
        continue;
      }
      switch (static_cast<int>(match_address_list(std::string_view(**addr), *arg))) {
        case 1:
          break;
        case -2:
          out.result = -1;
          return out;
        default:
          out.result = 0;
      }
    } else if (kind == "localport") {
      int port = match_port(*arg);
      if (port == -1) return bad(fmt::format("Invalid LocalPort '{}' on Match line", *arg));
      if (!ci || ci->lport < 0 || ci->lport != port) out.result = 0;
    } else if (kind == "rdomain") {
      if (!ci || !ci->rdomain || match_pattern_list(*ci->rdomain, *arg, false) != 1) out.result = 0;
    } else {
      return bad(fmt::format("Unsupported Match attribute {}", *attrib));
    }
  }
  if (attributes == 0) return bad("One or more attributes required for Match");
  return out;
}

Result<ConnectionSpec> parse_connection_spec(std::string_view spec) {
  ConnectionSpec ci;
  // strsep(",") stops at the first empty element, as OpenSSH's loop does.
  while (!spec.empty()) {
    auto comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) break;
    auto value = [&](std::string_view prefix) { return std::string(item.substr(prefix.size())); };
    if (item.starts_with("addr=")) {
      ci.address = value("addr=");
    } else if (item.starts_with("host=")) {
      ci.host = value("host=");
    } else if (item.starts_with("user=")) {
      ci.user = value("user=");
    } else if (item.starts_with("laddr=")) {
      ci.laddress = value("laddr=");
    } else if (item.starts_with("rdomain=")) {
      ci.rdomain = value("rdomain=");
    } else if (item.starts_with("lport=")) {
      std::string port = value("lport=");
      ci.lport = match_port(port);
      if (ci.lport == -1)
        return fail(Errc::kInvalidArgument,
                    fmt::format("Invalid port '{}' in test mode specification {}", port, item));
    } else {
      return fail(Errc::kInvalidArgument, fmt::format("Invalid test mode specification {}", item));
    }
  }
  return ci;
}

}  // namespace sshcore::config

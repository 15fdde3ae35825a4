#include "operands.hpp"

#include <cctype>

namespace scp {
namespace {

std::string clean_host(std::string_view h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') return std::string(h.substr(1, h.size() - 2));
  return std::string(h);
}

// misc.c valid_domain() without lowering: letters, digits, '-', '_', single dots.
bool valid_domain(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '.' && i + 1 < name.size() && name[i + 1] == '.') return false;
    if (c != '.' && c != '-' && c != '_' && !std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// misc.c urldecode(): %XX escapes and '+' for a space; %00 and bad escapes fail.
std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

int port_number(std::string_view s) {
  if (s.empty() || s.size() > 5) return -1;
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    v = v * 10 + (c - '0');
  }
  return v >= 1 && v <= 65535 ? v : -1;
}

}  // namespace

std::size_t find_host_colon(std::string_view s) {
  if (s.empty() || s.front() == ':') return std::string_view::npos;
  bool bracket = s.front() == '[';
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '@' && i + 1 < s.size() && s[i + 1] == '[') bracket = true;
    if (s[i] == ']' && i + 1 < s.size() && s[i + 1] == ':' && bracket) return i + 1;
    if (s[i] == ':' && !bracket) return i;
    if (s[i] == '/') return std::string_view::npos;
  }
  return std::string_view::npos;
}

UriParse parse_scp_uri(std::string_view s, Operand& out) {
  constexpr std::string_view kScheme = "scp://";
  if (!s.starts_with(kScheme)) return UriParse::kNotUri;
  std::string_view rest = s.substr(kScheme.size());
  Operand o;
  o.remote = true;
  if (std::size_t at = rest.find('@'); at != std::string_view::npos) {
    std::string_view user = rest.substr(0, at);
    if (std::size_t semi = user.find(';'); semi != std::string_view::npos) user = user.substr(0, semi);
    if (user.empty()) return UriParse::kInvalid;
    auto decoded = url_decode(user);
    if (!decoded) return UriParse::kInvalid;
    o.user = *decoded;
    rest = rest.substr(at + 1);
  }
  // hpdelim2(): "[v6]" or up to ':' or '/'.
  std::string_view host;
  char delim = '\0';
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return UriParse::kInvalid;
    host = rest.substr(0, close + 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':' && rest.front() != '/') return UriParse::kInvalid;
  } else {
    std::size_t end = rest.find_first_of(":/");
    host = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  }
  if (!rest.empty()) {
    delim = rest.front();
    rest.remove_prefix(1);
  }
  if (host.empty()) return UriParse::kInvalid;
  o.host = clean_host(host);
  // As OpenSSH 9.2: a bracketed IPv6 address fails valid_domain() here.
  if (!valid_domain(o.host)) return UriParse::kInvalid;
  bool have_rest = delim != '\0';
  if (have_rest && !rest.empty() && delim == ':') {
    std::size_t slash = rest.find('/');
    o.port = port_number(rest.substr(0, slash));
    if (o.port <= 0) return UriParse::kInvalid;
    if (slash == std::string_view::npos) have_rest = false;
    else rest = rest.substr(slash + 1);
  }
  if (have_rest && !rest.empty()) {
    auto decoded = url_decode(rest);
    if (!decoded) return UriParse::kInvalid;
    o.path = *decoded;
  }
  if (o.path.empty()) o.path = ".";
  out = std::move(o);
  return UriParse::kParsed;
}

bool parse_user_host_path(std::string_view s, Operand& out) {
  std::size_t colon = find_host_colon(s);
  if (colon == std::string_view::npos) return false;
  Operand o;
  o.remote = true;
  o.path = std::string(s.substr(colon + 1));
  if (o.path.empty()) o.path = ".";
  std::string_view user_host = s.substr(0, colon);
  if (std::size_t at = user_host.rfind('@'); at != std::string_view::npos) {
    if (at > 0) o.user = std::string(user_host.substr(0, at));
    user_host = user_host.substr(at + 1);
  }
  o.host = clean_host(user_host);
  out = std::move(o);
  return true;
}

bool parse_operand(std::string_view s, Operand& out) {
  switch (parse_scp_uri(s, out)) {
    case UriParse::kParsed: return true;
    case UriParse::kInvalid: return false;
    case UriParse::kNotUri: break;
  }
  if (parse_user_host_path(s, out)) return true;
  out = Operand{};
  out.path = std::string(s);
  return true;
}

bool user_name_ok(std::string_view user) {
  for (char c : user) {
    if (static_cast<unsigned char>(c) & 0200) return false;
    if (c == '\'' || c == '"' || c == '`' || c == ' ' || c == '#') return false;
  }
  return true;
}

}  // namespace scp

// Value syntaxes shared by the config formats (OpenSSH misc.c): times, ports, integers,
// scaled sizes, IP QoS names.
#include "sshcore/config/value_syntax.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

namespace sshcore::config {

bool ascii_iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// OpenSSH's convtime(): digits with optional s/m/h/d/w units, summed; -1 when invalid.
long long convtime(std::string_view s) {
  if (s.empty()) return -1;
  long long total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    long long value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      value = value * 10 + (s[i] - '0');
      if (value > INT_MAX) return -1;
      ++i;
    }
    if (i == start) return -1;
    long long multiplier = 1;
    if (i < s.size()) {
      switch (s[i]) {
        case 's':
        case 'S':
          multiplier = 1;
          break;
        case 'm':
        case 'M':
          multiplier = 60;
          break;
        case 'h':
        case 'H':
          multiplier = 3600;
          break;
        case 'd':
        case 'D':
          multiplier = 86400;
          break;
        case 'w':
        case 'W':
          multiplier = 604800;
          break;
        default:
          return -1;
      }
      ++i;
    }
    if (value > INT_MAX / multiplier) return -1;
    total += value * multiplier;
    if (total > INT_MAX) return -1;
  }
  return total;
}

// atoi_err(): a non-negative int, or the strtonum() complaint.
std::optional<std::string_view> atoi_error(const std::string* arg, int& out) {
  if (arg == nullptr || arg->empty()) return "missing";
  std::string_view s = *arg;
  bool negative = false;
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (i >= s.size()) return "invalid";
  long long v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return "invalid";
    v = v * 10 + (s[i] - '0');
    if (v > (1LL << 40)) break;
  }
  if (i < s.size()) {
    for (; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return "invalid";
  }
  if (negative && v != 0) return "too small";
  if (v > INT_MAX) return "too large";
  out = static_cast<int>(v);
  return std::nullopt;
}

// a2port(): 1..65535 in decimal (OpenSSH also looks up service names; we do not).
int a2port(std::string_view s) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  int v = std::atoi(std::string(s).c_str());
  return v > 65535 ? -1 : v;
}

namespace {

struct IpqosName {
  std::string_view name;
  int value;
};
constexpr IpqosName kIpqosNames[] = {
    {"af11", 0x28}, {"af12", 0x30}, {"af13", 0x38},     {"af21", 0x48},       {"af22", 0x50},
    {"af23", 0x58}, {"af31", 0x68}, {"af32", 0x70},     {"af33", 0x78},       {"af41", 0x88},
    {"af42", 0x90}, {"af43", 0x98}, {"cs0", 0x00},      {"cs1", 0x20},        {"cs2", 0x40},
    {"cs3", 0x60},  {"cs4", 0x80},  {"cs5", 0xa0},      {"cs6", 0xc0},        {"cs7", 0xe0},
    {"ef", 0xb8},   {"le", 0x04},   {"lowdelay", 0x10}, {"throughput", 0x08}, {"reliability", 0x04}};

}  // namespace

// parse_ipqos() then iptos2str(): the canonical text, or nullopt when invalid.
std::optional<std::string> canonical_ipqos(std::string_view s) {
  if (ascii_iequals(s, "none")) return "none";
  int value = -1;
  for (const auto& n : kIpqosNames)
    if (ascii_iequals(s, n.name)) value = n.value;
  if (value < 0) {
    std::string str(s);
    char* end = nullptr;
    long v = std::strtol(str.c_str(), &end, 0);
    if (str.empty() || *end != '\0' || v < 0 || v > 255) return std::nullopt;
    value = static_cast<int>(v);
  }
  for (const auto& n : kIpqosNames)
    if (n.value == value) return std::string(n.name);
  return fmt::format("0x{:02x}", value);
}

// scan_scaled(): a number with an optional K/M/G/T/P/E suffix (powers of 1024).
namespace {

std::optional<long long> scan_unsigned_scaled(std::string_view s) {
  std::size_t i = 0;
  long long v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (s[i] - '0');
    if (v > (1LL << 53)) return std::nullopt;
    ++i;
  }
  if (i == 0) return std::nullopt;
  if (i == s.size()) return v;
  if (i + 1 != s.size()) return std::nullopt;
  int shift = 0;
  switch (s[i]) {
    case 'k':
    case 'K':
      shift = 10;
      break;
    case 'm':
    case 'M':
      shift = 20;
      break;
    case 'g':
    case 'G':
      shift = 30;
      break;
    case 't':
    case 'T':
      shift = 40;
      break;
    case 'b':
    case 'B':
      shift = 0;
      break;
    default:
      return std::nullopt;
  }
  if (shift > 0 && v > (LLONG_MAX >> shift)) return std::nullopt;
  return v << shift;
}

}  // namespace

std::optional<long long> scan_scaled(std::string_view s) {
  bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  auto scaled = scan_unsigned_scaled(s);
  if (!scaled) return std::nullopt;
  return negative ? -*scaled : *scaled;
}

}  // namespace sshcore::config

#include "diagnostics.hpp"

#include <cstdio>
#include <string>
#include <utility>

#include "legacy_channel.hpp"

namespace scp {

namespace {
std::string g_program_name = "scp";
}

void set_program_name(std::string name) {
  if (!name.empty()) g_program_name = std::move(name);
}

void print_error(const std::string& message) {
  std::fprintf(stderr, "%s: %s\r\n", g_program_name.c_str(), printable(message).c_str());
}

void print_plain(const std::string& message) { std::fprintf(stderr, "%s\n", printable(message).c_str()); }

}  // namespace scp

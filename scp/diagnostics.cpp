#include "diagnostics.hpp"

#include <cstdio>

#include "legacy_channel.hpp"

namespace scp {

void print_error(const std::string& message) { std::fprintf(stderr, "scp: %s\r\n", printable(message).c_str()); }

void print_plain(const std::string& message) { std::fprintf(stderr, "%s\n", printable(message).c_str()); }

}  // namespace scp

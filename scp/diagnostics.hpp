// What scp prints on stderr, as OpenSSH's error()/fatal() and fmprintf() do.
#pragma once

#include <string>

namespace scp {

// "scp: <message>\r\n" (control characters made visible), as OpenSSH's log on stderr.
void print_error(const std::string& message);
// "<message>" without the program name (OpenSSH's fmprintf(stderr, ...)).
void print_plain(const std::string& message);

}  // namespace scp

// What scp prints on stderr, as OpenSSH's error()/fatal() and fmprintf() do.
#pragma once

#include <string>

namespace scp {

// "scp: <message>\r\n" (control characters made visible), as OpenSSH's log on stderr.
// The name is argv[0] as scp was started ("/usr/bin/scp: ..."), as OpenSSH's log_init().
void print_error(const std::string& message);
void set_program_name(std::string name);
// "<message>" without the program name (OpenSSH's fmprintf(stderr, ...)).
void print_plain(const std::string& message);

}  // namespace scp

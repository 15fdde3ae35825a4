// What sftp prints about files goes through OpenSSH's mprintf() rules: a file name is
// untrusted server data, so every character the terminal would act on (escape
// sequences, carriage returns) is shown as a \ooo octal escape; newlines, tabs and
// printable characters of the locale pass.
#pragma once

#include <string>
#include <string_view>

namespace sftp_program {

// Escapes after formatting, as vasnmprintf() does (padding is counted in bytes first).
std::string sanitize_for_terminal(std::string_view text);

// mprintf(): the sanitised text on stdout.
void print_out(std::string_view text);

}  // namespace sftp_program

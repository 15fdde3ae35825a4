#include "terminal_text.hpp"

#include <cstdio>
#include <cwchar>
#include <cwctype>

namespace sftp_program {

namespace {

void append_octal(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\%03o", c);
  out += buf;
}

}  // namespace

std::string sanitize_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::mbstate_t state{};
  std::size_t i = 0;
  while (i < text.size()) {
    wchar_t wc = 0;
    std::size_t len = std::mbrtowc(&wc, text.data() + i, text.size() - i, &state);
    if (len == static_cast<std::size_t>(-1) || len == static_cast<std::size_t>(-2) || len == 0) {
      // Not a character of the locale (or a NUL): escape the byte and start afresh.
      state = std::mbstate_t{};
      append_octal(out, static_cast<unsigned char>(text[i]));
      i++;
      continue;
    }
    if (wc == L'\n' || wc == L'\t' || std::iswprint(static_cast<wint_t>(wc)) != 0) {
      out.append(text.substr(i, len));
    } else {
      for (std::size_t k = 0; k < len; k++) append_octal(out, static_cast<unsigned char>(text[i + k]));
    }
    i += len;
  }
  return out;
}

void print_out(std::string_view text) {
  std::string clean = sanitize_for_terminal(text);
  std::fwrite(clean.data(), 1, clean.size(), stdout);
}

}  // namespace sftp_program

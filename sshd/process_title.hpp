// The process title `ps` shows ("sshd: alice [priv]", "sshd: alice@pts/3"), set as
// OpenSSH's openbsd-compat/setproctitle.c does on Linux: the title overwrites the
// argv strings and the environ strings that follow them in one contiguous block,
// after environ has been copied elsewhere, and the rest is padded with NULs.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace sshd {

// Call first in main, before anything reads argv or environ by pointer: it moves
// environ to fresh copies and remembers the area it may overwrite. The argv strings
// themselves are overwritten by the first set_process_title: copy what is still
// needed after that (OpenSSH keeps saved_argv for the same reason).
void init_process_title(int argc, char** argv);

// "PROGNAME: TITLE", PROGNAME being argv[0]'s last component at init (setproctitle's
// __progname prefix). Truncated to the available area; no-op before init.
void set_process_title_text(std::string_view title);

template <class... A>
void set_process_title(fmt::format_string<A...> f, A&&... a) {
  set_process_title_text(fmt::format(f, std::forward<A>(a)...));
}

}  // namespace sshd

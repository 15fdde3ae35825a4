// How ssh-keygen reports trouble: OpenSSH's fatal() (message on stderr, exit
// status 255), and OpenSSH's ssh_err() wording for core errors.
#pragma once

#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "sshcore/base/error.hpp"
#include "sshcore/base/log.hpp"

namespace sshkeygen {

// Exit status of OpenSSH's fatal().
inline constexpr int kFatalExit = 255;

[[noreturn]] void die(std::string_view message);

// fatal("Load key \"{}\": {}", path, ssh_err(e)): logs and exits with 255, as
// OpenSSH's fatal() does; the executable, not the core, decides to exit.
template <class... A>
[[noreturn]] void fatal(fmt::format_string<A...> f, A&&... a) {
  die(fmt::format(f, std::forward<A>(a)...));
}

// OpenSSH's logit()/error(): one line on stderr, "\r\n" ended.
template <class... A>
void error(fmt::format_string<A...> f, A&&... a) {
  sshcore::log::error(f, std::forward<A>(a)...);
}
template <class... A>
void logit(fmt::format_string<A...> f, A&&... a) {
  sshcore::log::info(f, std::forward<A>(a)...);
}

// The text OpenSSH's ssh_err() gives for the same condition
// ("incorrect passphrase supplied to decrypt private key", "invalid format", ...).
std::string ssh_err(const sshcore::Error& e);

}  // namespace sshkeygen

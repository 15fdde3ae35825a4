// ssh -Q: the algorithms we implement, from the transport and key tables, one name a line
// as OpenSSH prints them (ssh.c main, case 'Q').
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ssh {

// The answer to "-Q what" without the final newline; nullopt for a query OpenSSH 9.2 does not
// know ("Unsupported query").
std::optional<std::string> query_answer(std::string_view what);

}  // namespace ssh

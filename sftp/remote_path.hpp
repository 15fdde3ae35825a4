// Path arithmetic of OpenSSH's sftp: relative remote paths are joined to the remote
// working directory (make_absolute), listings strip that directory again (path_strip).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sftp_program {

// path_append(): "a" + "/" + "b", without doubling a trailing '/'.
std::string path_append(std::string_view dir, std::string_view name);
// make_absolute(): `path` as is when it starts with '/', else joined to `pwd`.
std::string make_absolute(std::string_view path, std::string_view pwd);
// path_strip(): `path` without the leading `strip` directory (and its '/').
std::string path_strip(std::string_view path, std::optional<std::string_view> strip);
// basename(3) semantics: "/a/b/" -> "b", "/" -> "/".
std::string path_base_name(std::string_view path);
// ~ and ~/x expansion for lcd (tilde_expand_filename for the current user).
std::string expand_local_tilde(std::string_view path);

}  // namespace sftp_program

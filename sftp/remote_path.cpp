#include "remote_path.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace sftp_program {

std::string path_append(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string make_absolute(std::string_view path, std::string_view pwd) {
  if (!path.empty() && path.front() == '/') return std::string(path);
  return path_append(pwd, path);
}

std::string path_strip(std::string_view path, std::optional<std::string_view> strip) {
  if (!strip || strip->empty()) return std::string(path);
  std::size_t len = strip->size();
  if (path.substr(0, len) == *strip) {
    if (strip->back() != '/' && len < path.size() && path[len] == '/') len++;
    return std::string(path.substr(len));
  }
  return std::string(path);
}

std::string path_base_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return ".";
  if (path == "/") return "/";
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string expand_local_tilde(std::string_view path) {
  if (path.empty() || path.front() != '~') return std::string(path);
  auto slash = path.find('/');
  std::string_view user = path.substr(1, slash == std::string_view::npos ? std::string_view::npos : slash - 1);
  std::string home;
  if (user.empty()) {
    if (const char* env = std::getenv("HOME"); env != nullptr && *env != '\0') {
      home = env;
    } else if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr) {
      home = pw->pw_dir;
    }
  } else if (const passwd* pw = ::getpwnam(std::string(user).c_str()); pw != nullptr) {
    home = pw->pw_dir;
  } else {
    return std::string(path);
  }
  return slash == std::string_view::npos ? home : home + std::string(path.substr(slash));
}

}  // namespace sftp_program

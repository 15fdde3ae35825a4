// remote_glob: glob(3) against an SFTP server, as OpenSSH's remote_glob() does with
// GLOB_ALTDIRFUNC. Each path component with metacharacters is matched (fnmatch,
// FNM_PERIOD so "*" skips dot files) against a READDIR of the directories matched
// so far; plain components are appended unescaped and checked at the end. A match
// that is a symlink carries its target's attributes when the target exists.
#include <fnmatch.h>

#include <algorithm>

#include "sshcore/io/sftp_client_session.hpp"

namespace sshcore::io {

namespace {

struct Candidate {
  std::string path;
  std::optional<sftp::FileAttributes> attrs;  // set when the last step was a READDIR match
};

std::vector<std::string> split_components(const std::string& pattern) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : pattern) {
    if (c == '/') {
      if (!current.empty()) parts.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) parts.push_back(std::move(current));
  return parts;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// A pattern ending in '/' only matches directories (and links to them), and the match
// keeps the '/': glob2() looks the path up with it, so the server resolves it as a
// directory. "rm file/" then fails as OpenSSH's does instead of removing "file".
bool wants_directory(const std::string& pattern) { return pattern.size() > 1 && pattern.back() == '/'; }

}  // namespace

bool has_glob_metacharacters(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // an escaped character is literal
      continue;
    }
    if (s[i] == '*' || s[i] == '?' || s[i] == '[') return true;
  }
  return false;
}

std::optional<std::string> remote_glob_literal(const std::string& pattern) {
  if (pattern.empty() || has_glob_metacharacters(pattern)) return std::nullopt;
  std::string path = pattern[0] == '/' ? "/" : "";
  for (const std::string& component : split_components(pattern)) path = join(path, unescape(component));
  if (path.empty()) return std::nullopt;
  if (wants_directory(pattern) && path != "/") path += '/';
  return path;
}

Result<std::vector<RemoteGlobMatch>> remote_glob(SftpClientSession& session, const std::string& pattern) {
  std::vector<RemoteGlobMatch> matches;
  if (pattern.empty()) return matches;
  std::vector<Candidate> current{{pattern[0] == '/' ? "/" : "", std::nullopt}};
  for (const std::string& component : split_components(pattern)) {
    std::vector<Candidate> next;
    if (!has_glob_metacharacters(component)) {
      std::string literal = unescape(component);
      for (Candidate& c : current) next.push_back({join(c.path, literal), std::nullopt});
    } else {
      for (Candidate& c : current) {
        // An unreadable or non-directory candidate simply matches nothing, as glob(3).
        auto entries = session.read_directory(c.path.empty() ? "." : c.path);
        if (!entries) {
          if (!session.connected()) return fail(std::move(entries).error());
          continue;
        }
        for (SftpDirEntry& e : *entries) {
          if (::fnmatch(component.c_str(), e.name.c_str(), FNM_PERIOD) != 0) continue;
          next.push_back({join(c.path, e.name), std::move(e.attrs)});
        }
      }
    }
    current = std::move(next);
    if (current.empty()) return matches;
  }
  for (Candidate& c : current) {
    if (c.path.empty()) continue;
    if (wants_directory(pattern) && c.path != "/") {
      c.path += '/';
      c.attrs.reset();  // READDIR's attributes are the name's, not "name/"'s
    }
    if (!c.attrs) {
      auto attrs = session.lstat(c.path);
      if (!attrs) {
        if (!session.connected()) return fail(std::move(attrs).error());
        continue;
      }
      c.attrs = std::move(*attrs);
    }
    // OpenSSH's glob2() with GLOB_MARK stats a symlink to see whether it leads to a
    // directory, and keeps that stat as the match's attributes: a link that resolves
    // lists, downloads and marks ('/') as its target; a dangling one stays a link.
    if (c.attrs->is_symlink()) {
      auto followed = session.stat(c.path);
      if (followed)
        c.attrs = std::move(*followed);
      else if (!session.connected())
        return fail(std::move(followed).error());
    }
    matches.push_back({std::move(c.path), std::move(*c.attrs)});
  }
  std::sort(matches.begin(), matches.end(),
            [](const RemoteGlobMatch& a, const RemoteGlobMatch& b) { return a.path < b.path; });
  return matches;
}

}  // namespace sshcore::io

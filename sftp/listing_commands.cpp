// ls and df: OpenSSH's do_ls_dir(), do_globbed_ls() and do_df().
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "interpreter.hpp"
#include "remote_path.hpp"
#include "terminal_text.hpp"
#include "sshcore/apps/sftp/long_name.hpp"

namespace sftp_program {

namespace sftp = sshcore::apps::sftp;

namespace {

// Remote user and group names for a listing, asked once per listing when the server
// offers users-groups-by-id@openssh.com (as OpenSSH 9.2 does for ls -l).
struct NameCache {
  std::map<std::uint32_t, std::string> users, groups;
};

NameCache lookup_names(sshcore::io::SftpClientSession& session, const std::vector<ListingEntry>& entries) {
  NameCache cache;
  if (!session.has_extension(sftp::kExtUsersGroupsById)) return cache;
  std::set<std::uint32_t> uids, gids;
  for (const auto& e : entries) {
    if (e.attrs.uid) uids.insert(*e.attrs.uid);
    if (e.attrs.gid) gids.insert(*e.attrs.gid);
  }
  std::vector<std::uint32_t> u(uids.begin(), uids.end()), g(gids.begin(), gids.end());
  auto names = session.users_groups_by_id(u, g);
  if (!names) return cache;
  for (std::size_t i = 0; i < u.size() && i < names->first.size(); i++) cache.users[u[i]] = names->first[i];
  for (std::size_t i = 0; i < g.size() && i < names->second.size(); i++) cache.groups[g[i]] = names->second[i];
  return cache;
}

std::string long_listing_line(const ListingEntry& e, unsigned flags, const NameCache& names, bool use_long_name) {
  if (use_long_name && (flags & (kLsNumericView | kLsSiUnits)) == 0 && !e.long_name.empty()) return e.long_name;
  std::string user, group;
  if (e.attrs.uid) {
    auto it = names.users.find(*e.attrs.uid);
    if (it != names.users.end()) user = it->second;
  }
  if (e.attrs.gid) {
    auto it = names.groups.find(*e.attrs.gid);
    if (it != names.groups.end()) group = it->second;
  }
  return sftp::format_long_name(e.name, e.attrs, user, group, (flags & kLsSiUnits) != 0);
}

}  // namespace

int SftpInterpreter::list_directory(const std::string& path, const std::optional<std::string>& strip,
                                    unsigned flags) {
  auto dir = session_.read_directory(path);
  if (!dir) {
    print_error("remote readdir(\"" + path + "\"): " + dir.error().detail);
    return -1;
  }
  std::optional<std::string_view> strip_view;
  if (strip) strip_view = *strip;
  std::vector<ListingEntry> entries;
  std::size_t longest = 0;
  for (auto& d : *dir) {
    if (!d.name.empty() && d.name.front() == '.' && (flags & kLsShowAll) == 0) continue;
    longest = std::max(longest, d.name.size());
    entries.push_back({path_strip(path_append(path, d.name), strip_view), d.long_name, d.name, d.attrs});
  }
  sort_listing(entries, flags);
  if (flags & kLsLongView) {
    bool have_names = session_.has_extension(sftp::kExtUsersGroupsById);
    NameCache names = lookup_names(session_, entries);
    for (const auto& e : entries) print_out(long_listing_line(e, flags, names, !have_names) + "\n");
    return 0;
  }
  std::vector<std::string> names;
  for (auto& e : entries) names.push_back(e.name);
  if (flags & kLsShortView) {
    for (auto& n : names) print_out(n + "\n");
    return 0;
  }
  // OpenSSH measures the longest bare name plus the listed directory's relative prefix.
  print_out(format_columns(names, listing_width(), longest + path_strip(path, strip_view).size()));
  return 0;
}

int SftpInterpreter::do_ls(const ParsedCommand& cmd) {
  unsigned flags = cmd.ls_flags;
  if (!cmd.path1) return list_directory(pwd(), pwd(), flags);
  std::optional<std::string> strip;
  if (cmd.path1->empty() || cmd.path1->front() != '/') strip = pwd();
  std::string path = absolute(*cmd.path1);
  auto matches = sshcore::io::remote_glob(session_, path);
  if (!matches || matches->empty()) {
    print_error("Can't ls: \"" + undo_glob_escape(path) + "\" not found");
    return -1;
  }
  if (matches->size() == 1 && (*matches)[0].attrs.permissions && (*matches)[0].attrs.is_directory()) {
    // OpenSSH's glob marks the directory with a '/', which then counts in the width.
    std::string marked = (*matches)[0].path;
    if (marked.back() != '/') marked += '/';
    return list_directory(marked, strip, flags);
  }

  std::vector<ListingEntry> entries;
  std::size_t longest = 0;
  std::optional<std::string_view> strip_view;
  if (strip) strip_view = *strip;
  for (auto& m : *matches) {
    std::string marked = m.path;
    if (m.attrs.permissions && m.attrs.is_directory() && marked.back() != '/') marked += '/';
    longest = std::max(longest, marked.size());
    std::string shown = path_strip(marked, strip_view);
    entries.push_back({shown, "", marked, m.attrs});
  }
  sort_listing(entries, flags);
  if (flags & kLsLongView) {
    NameCache names = lookup_names(session_, entries);
    for (const auto& e : entries) print_out(long_listing_line(e, flags, names, false) + "\n");
    return 0;
  }
  std::vector<std::string> names;
  for (auto& e : entries) names.push_back(e.name);
  if (flags & kLsShortView) {
    for (auto& n : names) print_out(n + "\n");
    return 0;
  }
  // Columns are as wide as the longest full path, not the stripped names.
  print_out(format_columns(names, listing_width(), longest));
  return 0;
}

int SftpInterpreter::do_df(const ParsedCommand& cmd) {
  std::string path = absolute(cmd.path1 ? *cmd.path1 : pwd());
  if (!session_.has_extension(sftp::kExtStatVfs)) {
    print_error("Server does not support statvfs@openssh.com extension");
    return -1;
  }
  auto st = session_.statvfs(path);
  if (!st) return -1;  // OpenSSH asks quietly
  char icap[16] = "ERR", dcap[16] = "ERR";
  if (st->files != 0)
    std::snprintf(icap, sizeof icap, "%3llu%%",
                  static_cast<unsigned long long>(100 * (st->files - st->ffree) / st->files));
  if (st->blocks != 0)
    std::snprintf(dcap, sizeof dcap, "%3llu%%",
                  static_cast<unsigned long long>(100 * (st->blocks - st->bfree) / st->blocks));
  char line[256];
  if (cmd.iflag) {
    print_out("     Inodes        Used       Avail      (root)    %Capacity\n");
    std::snprintf(line, sizeof line, "%11llu %11llu %11llu %11llu         %s\n",
                  static_cast<unsigned long long>(st->files),
                  static_cast<unsigned long long>(st->files - st->ffree),
                  static_cast<unsigned long long>(st->favail), static_cast<unsigned long long>(st->ffree), icap);
  } else if (cmd.hflag) {
    auto scaled = [](std::uint64_t v) { return sftp::format_scaled(static_cast<long long>(v)); };
    print_out("    Size     Used    Avail   (root)    %Capacity\n");
    std::snprintf(line, sizeof line, "%7sB %7sB %7sB %7sB         %s\n",
                  scaled(st->blocks * st->frsize).c_str(), scaled((st->blocks - st->bfree) * st->frsize).c_str(),
                  scaled(st->bavail * st->frsize).c_str(), scaled(st->bfree * st->frsize).c_str(), dcap);
  } else {
    print_out("        Size         Used        Avail       (root)    %Capacity\n");
    std::snprintf(line, sizeof line, "%12llu %12llu %12llu %12llu         %s\n",
                  static_cast<unsigned long long>(st->frsize * st->blocks / 1024),
                  static_cast<unsigned long long>(st->frsize * (st->blocks - st->bfree) / 1024),
                  static_cast<unsigned long long>(st->frsize * st->bavail / 1024),
                  static_cast<unsigned long long>(st->frsize * st->bfree / 1024), dcap);
  }
  print_out(line);
  return 0;
}

}  // namespace sftp_program

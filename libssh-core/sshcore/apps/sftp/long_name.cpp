#include "sshcore/apps/sftp/long_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace sshcore::apps::sftp {
namespace {

struct TypeChar {
  std::uint32_t type;
  char c;
};
constexpr std::array<TypeChar, 7> kTypeChars{{{0040000, 'd'},
                                              {0020000, 'c'},
                                              {0060000, 'b'},
                                              {0100000, '-'},
                                              {0120000, 'l'},
                                              {0140000, 's'},
                                              {0010000, 'p'}}};

// One rwx triple; `special` is setuid/setgid/sticky, shown in the x column.
void permission_triple(std::string& out, std::uint32_t mode, int shift, bool special, char special_set,
                       char special_unset) {
  out += (mode & (04u << shift)) ? 'r' : '-';
  out += (mode & (02u << shift)) ? 'w' : '-';
  bool exec = mode & (01u << shift);
  if (special)
    out += exec ? special_set : special_unset;
  else
    out += exec ? 'x' : '-';
}

}  // namespace

std::string mode_string(std::uint32_t mode) {
  std::string out;
  char type = '?';
  for (const TypeChar& t : kTypeChars)
    if ((mode & 0170000) == t.type) type = t.c;
  out += type;
  permission_triple(out, mode, 6, mode & 04000, 's', 'S');
  permission_triple(out, mode, 3, mode & 02000, 's', 'S');
  permission_triple(out, mode, 0, mode & 01000, 't', 'T');
  return out;
}

std::string format_scaled(long long number) {
  static constexpr char kUnits[] = "BKMGTPE";
  long long abval = std::llabs(number);
  long long fract = 0;
  int unit = 0;
  long long factor = 1;
  for (int i = 0; i < 7; ++i) {
    if (abval / 1024 < factor || i == 6) {
      unit = i;
      if (i > 0) {
        fract = (abval % factor) / (factor / 1024);
        number /= factor;
      }
      break;
    }
    factor *= 1024;
  }
  fract = (10 * fract + 512) / 1024;
  if (fract >= 10) {
    number += number >= 0 ? 1 : -1;
    fract = 0;
  }
  if (number == 0) return "0B";
  if (unit == 0 || number >= 100 || number <= -100) {
    if (fract >= 5) number += number >= 0 ? 1 : -1;
    return fmt::format("{}{}", number, kUnits[unit]);
  }
  return fmt::format("{}.{}{}", number, fract, kUnits[unit]);
}

std::string format_long_name(std::string_view name, const FileAttributes& attrs, std::string_view user_name,
                             std::string_view group_name, bool si_units, std::optional<std::uint64_t> link_count,
                             std::time_t now) {
  std::string mode = mode_string(attrs.permissions.value_or(0));
  std::string user = user_name.empty() ? std::to_string(attrs.uid.value_or(0)) : std::string(user_name);
  std::string group = group_name.empty() ? std::to_string(attrs.gid.value_or(0)) : std::string(group_name);
  std::string links = link_count ? std::to_string(*link_count) : std::string("?");

  std::time_t mtime = attrs.mtime.value_or(0);
  char tbuf[32] = "";
  std::tm tm{};
  if (localtime_r(&mtime, &tm) != nullptr) {
    // Files from the last six months show the time of day, older (or future) ones the year.
    bool recent = now - (365 * 24 * 60 * 60) / 2 < mtime && now >= mtime;
    if (std::strftime(tbuf, sizeof tbuf, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm) == 0) tbuf[0] = '\0';
  }
  std::size_t ulen = std::max<std::size_t>(user.size(), 8);
  std::size_t glen = std::max<std::size_t>(group.size(), 8);
  std::uint64_t size = attrs.size.value_or(0);
  std::string size_text = si_units ? fmt::format("{:>8}", format_scaled(static_cast<long long>(size)))
                                   : fmt::format("{:>8}", size);
  // strmode() leaves a space after the ten mode characters, hence the two spaces.
  return fmt::format("{}  {:>3} {:<{}} {:<{}} {} {} {}", mode, links, user, ulen, group, glen, size_text, tbuf,
                     name);
}

}  // namespace sshcore::apps::sftp

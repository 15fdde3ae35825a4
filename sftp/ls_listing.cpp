#include "ls_listing.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "command_parser.hpp"

namespace sftp_program {

void sort_listing(std::vector<ListingEntry>& entries, unsigned ls_flags) {
  if ((ls_flags & kLsSortFlags) == 0) return;
  bool reverse = (ls_flags & kLsReverseSort) != 0;
  // OpenSSH's NCMP sorts larger values first for time and size.
  auto less = [&](const ListingEntry& a, const ListingEntry& b) {
    int c = 0;
    if (ls_flags & kLsNameSort) {
      c = a.sort_key.compare(b.sort_key);
    } else if (ls_flags & kLsTimeSort) {
      auto am = a.attrs.mtime.value_or(0), bm = b.attrs.mtime.value_or(0);
      c = am == bm ? 0 : (am < bm ? 1 : -1);
    } else {
      auto as = a.attrs.size.value_or(0), bs = b.attrs.size.value_or(0);
      c = as == bs ? 0 : (as < bs ? 1 : -1);
    }
    return reverse ? c > 0 : c < 0;
  };
  std::stable_sort(entries.begin(), entries.end(), less);
}

std::string format_columns(const std::vector<std::string>& names, unsigned width, std::size_t name_width) {
  std::size_t longest = name_width;
  unsigned columns = std::max(1u, static_cast<unsigned>(width / (longest + 2)));
  unsigned colspace = std::min(width / columns, width);
  std::string out;
  unsigned c = 1;
  for (const auto& n : names) {
    out += n;
    if (n.size() < colspace) out.append(colspace - n.size(), ' ');
    if (c >= columns) {
      out += '\n';
      c = 1;
    } else {
      c++;
    }
  }
  if (c != 1) out += '\n';
  return out;
}

unsigned listing_width() {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != -1) return ws.ws_col;
  return 80;
}

}  // namespace sftp_program

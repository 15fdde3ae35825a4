// The listings of sftp's `ls`: names in columns as wide as the terminal (80 when
// stdin is no terminal), or one per line; entries sorted by name, mtime (newest
// first) or size (largest first) as OpenSSH's sdirent_comp().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sshcore/apps/sftp/sftp_protocol.hpp"

namespace sftp_program {

struct ListingEntry {
  std::string name;       // as printed (pwd stripped)
  std::string long_name;  // the server's longname, used for plain `ls -l`
  std::string sort_key;   // what name sorting compares
  sshcore::apps::sftp::FileAttributes attrs;
};

// Sorts by the kLsSortFlags/kLsReverseSort bits of `ls_flags` (none: keep order),
// names compared with `sort_key` (the bare file name for a directory listing).
void sort_listing(std::vector<ListingEntry>& entries, unsigned ls_flags);

// The default view: names padded to width/columns where columns = width/(name_width+2)
// (OpenSSH measures name_width its own way per caller). Ends with a newline unless
// nothing was printed.
std::string format_columns(const std::vector<std::string>& names, unsigned width, std::size_t name_width);

// The terminal width OpenSSH's ls uses: TIOCGWINSZ on stdin, else 80.
unsigned listing_width();

}  // namespace sftp_program

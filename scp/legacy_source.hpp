// The sending side of the legacy protocol (OpenSSH's source() and rsource()): used by
// `scp -O` for uploads and by the remote `scp -f` that serves downloads.
#pragma once

#include <string>
#include <vector>

#include "legacy_channel.hpp"

namespace scp {

struct SourceOptions {
  bool recursive = false;
  bool preserve = false;
  bool verbose = false;
  bool progress = false;  // draw the progress meter
};

// Sends each path; errors are reported to the peer and counted on `channel`.
// Returns kAbort when the peer gave up or went away.
Flow send_paths(LegacyChannel& channel, const std::vector<std::string>& paths, const SourceOptions& options);

// OpenSSH's strnvis(VIS_NL) of a name holding a newline, as sent in C records.
std::string visible_name(const std::string& name);

}  // namespace scp

// The receiving side of the legacy protocol (OpenSSH's sink()): used by `scp -O` for
// downloads and by the remote `scp -t` that takes uploads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "legacy_channel.hpp"

namespace scp {

struct SinkOptions {
  bool recursive = false;
  bool preserve = false;
  bool verbose = false;
  bool progress = false;
  bool target_should_be_directory = false;  // -d
  bool strict_names = true;                 // off with -T
};

// Receives into `targets` (exactly one; more is "ambiguous target"). `requested` is
// the remote path asked for (client side): received names must match its last
// component unless -r or -T. Returns kAbort where OpenSSH exits (protocol error,
// fatal message from the peer, lost connection); errors are counted on `channel`.
Flow receive_into(LegacyChannel& channel, const std::vector<std::string>& targets,
                  const std::optional<std::string>& requested, const SinkOptions& options);

}  // namespace scp

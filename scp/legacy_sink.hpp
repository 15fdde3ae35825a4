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

// The names a download of `requested` may receive (client side): OpenSSH's
// brace_expand() of it, empty (any name) with -r or -T. nullopt when the braces do not
// expand, which OpenSSH's sink() treats as fatal.
std::optional<std::vector<std::string>> accepted_names(const std::string& requested, const SinkOptions& options);

// Receives into `targets` (exactly one; more is "ambiguous target"); each received
// name must match one of `accepted` unless it is empty. Returns kAbort where OpenSSH
// exits (protocol error, fatal message from the peer, lost connection); errors are
// counted on `channel`.
Flow receive_into(LegacyChannel& channel, const std::vector<std::string>& targets,
                  std::vector<std::string> accepted, const SinkOptions& options);

}  // namespace scp

// OpenSSH's compat.c: the peer's software version matched against a table of
// known implementations, each row a pattern list and a set of bug flags. sshpp
// needs none of the work-arounds (it never talks to SSH-1 era peers the way
// OpenSSH 2-5 did), but the match is part of what `ssh -v` and `sshd -d` print,
// and the flags say which quirks a peer has, should a work-around ever be needed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sshcore::transport {

// compat.h's bit values, so the debug line reads like OpenSSH's.
enum CompatFlag : std::uint32_t {
  kBugUtf8TtyMode = 0x00000001,
  kBugSigType = 0x00000002,
  kBugSigType74 = 0x00000004,
  kOldSessionId = 0x00000010,
  kBugDebug = 0x00000040,
  kBugScanner = 0x00000800,
  kOldDhGex = 0x00004000,
  kBugNoRekey = 0x00008000,
  kBugExtEof = 0x00200000,
  kBugProbe = 0x00400000,
  kOldForwardAddr = 0x01000000,
  kNewOpenSsh = 0x04000000,
  kBugDynamicRport = 0x08000000,
  kBugCurve25519Pad = 0x10000000,
  kBugHostKeys = 0x20000000,
  kBugDhGexLarge = 0x40000000,
};

struct CompatMatch {
  std::string_view pattern;  // the table row's pattern list that matched
  std::uint32_t flags = 0;
};

// The first row whose pattern list matches `software_version` (everything after
// "SSH-2.0-", comment included), or nullopt. Logs compat_banner()'s debug1 line,
// "compat_banner: match: V pat P compat 0x%08x" or "compat_banner: no match: V".
std::optional<CompatMatch> compat_banner(std::string_view software_version);

}  // namespace sshcore::transport

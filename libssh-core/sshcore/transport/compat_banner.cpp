#include "sshcore/transport/compat_banner.hpp"

#include <fmt/format.h>

#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"

namespace sshcore::transport {
namespace {

// OpenSSH 9.2 compat.c's table, in its order: the first match wins.
constexpr CompatMatch kCompatTable[] = {
    {"OpenSSH_2.*,OpenSSH_3.0*,OpenSSH_3.1*", kBugExtEof | kOldForwardAddr | kBugSigType},
    {"OpenSSH_3.*", kOldForwardAddr | kBugSigType},
    {"Sun_SSH_1.0*", kBugNoRekey | kBugExtEof | kBugSigType},
    {"OpenSSH_2*,OpenSSH_3*,OpenSSH_4*", kBugSigType},
    {"OpenSSH_5*", kNewOpenSsh | kBugDynamicRport | kBugSigType},
    {"OpenSSH_6.6.1*", kNewOpenSsh | kBugSigType},
    {"OpenSSH_6.5*,OpenSSH_6.6*", kNewOpenSsh | kBugCurve25519Pad | kBugSigType},
    {"OpenSSH_7.4*", kNewOpenSsh | kBugSigType | kBugSigType74},
    {"OpenSSH_7.0*,OpenSSH_7.1*,OpenSSH_7.2*,OpenSSH_7.3*,OpenSSH_7.5*,OpenSSH_7.6*,OpenSSH_7.7*",
     kNewOpenSsh | kBugSigType},
    {"OpenSSH*", kNewOpenSsh},
    {"*MindTerm*", 0},
    {"3.0.*", kBugDebug},
    {"3.0 SecureCRT*", kOldSessionId},
    {"1.7 SecureFX*", kOldSessionId},
    {"Cisco-1.*", kBugDhGexLarge | kBugHostKeys},
    {"*SSH_Version_Mapper*", kBugScanner},
    {"PuTTY_Local:*,PuTTY-Release-0.5*,PuTTY_Release_0.5*,PuTTY_Release_0.60*,PuTTY_Release_0.61*,"
     "PuTTY_Release_0.62*,PuTTY_Release_0.63*,PuTTY_Release_0.64*",
     kOldDhGex},
    {"FuTTY*", kOldDhGex},
    {"Probe-*", kBugProbe},
    {"TeraTerm SSH*,TTSSH/1.5.*,TTSSH/2.1*,TTSSH/2.2*,TTSSH/2.3*,TTSSH/2.4*,TTSSH/2.5*,TTSSH/2.6*,"
     "TTSSH/2.70*,TTSSH/2.71*,TTSSH/2.72*",
     kBugHostKeys},
    {"WinSCP_release_4*,WinSCP_release_5.0*,WinSCP_release_5.1,WinSCP_release_5.1.*,WinSCP_release_5.5,"
     "WinSCP_release_5.5.*,WinSCP_release_5.6,WinSCP_release_5.6.*,WinSCP_release_5.7,"
     "WinSCP_release_5.7.1,WinSCP_release_5.7.2,WinSCP_release_5.7.3,WinSCP_release_5.7.4",
     kOldDhGex},
    {"ConfD-*", kBugUtf8TtyMode},
    {"Twisted_*", 0},
    {"Twisted*", kBugDebug},
};

}  // namespace

std::optional<CompatMatch> compat_banner(std::string_view software_version) {
  for (const CompatMatch& row : kCompatTable) {
    if (match_pattern_list(software_version, row.pattern, false) == 1) {
      log::debug1("compat_banner: match: {} pat {} compat 0x{:08x}", software_version, row.pattern, row.flags);
      return row;
    }
  }
  log::debug1("compat_banner: no match: {}", software_version);
  return std::nullopt;
}

}  // namespace sshcore::transport

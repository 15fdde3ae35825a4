// The pre-auth child's confinement (DESIGN.md section 6, OpenSSH's
// sandbox-seccomp-filter.c and privsep_preauth_child()): it parses everything an
// unauthenticated peer sends, so it runs as the unprivileged privsep user in an
// empty chroot, cannot gain privileges back, cannot be ptraced or dump core, and
// may make only the system calls the transport and the monitor round trips need.
#pragma once

#include <string_view>

#include "sshcore/base/result.hpp"

namespace sshd {

inline constexpr std::string_view kPrivsepUser = "sshd";
inline constexpr std::string_view kPrivsepChrootDir = "/run/sshd";

// chroot(dir), chdir("/"), setgroups({gid}), setgid, setuid to `user`, then
// checks that setuid(0) and setgid(0) fail. Only meaningful as root; errors name
// the step that failed, in OpenSSH's words where it has them.
sshcore::Result<void> drop_to_privsep_user(std::string_view user = kPrivsepUser,
                                           std::string_view chroot_dir = kPrivsepChrootDir);

// PR_SET_NO_NEW_PRIVS, PR_SET_DUMPABLE 0, then a libseccomp allow-list; any
// other system call kills the process (SIGSYS).
sshcore::Result<void> install_preauth_seccomp_filter();

}  // namespace sshd

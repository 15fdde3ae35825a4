#include "preauth_sandbox.hpp"

#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace sshd {
namespace {

using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

sshcore::unexpected<sshcore::Error> system_error(std::string what) {
  return fail(Errc::kSystem, what + ": " + std::strerror(errno));
}

// What the pre-auth child does between its sandbox and its exit: reads and
// writes on the socket and the monitor's socketpair, poll, clocks, randomness
// for padding, malloc, signal masks, and the final exit. Nothing opens a file,
// a socket or a process.
constexpr int kAllowedSyscalls[] = {
    SCMP_SYS(read),         SCMP_SYS(write),        SCMP_SYS(readv),         SCMP_SYS(writev),
    SCMP_SYS(sendmsg),      SCMP_SYS(recvmsg),      SCMP_SYS(poll),          SCMP_SYS(ppoll),
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
    SCMP_SYS(getrandom),    SCMP_SYS(exit),         SCMP_SYS(exit_group),    SCMP_SYS(brk),
    SCMP_SYS(mmap),         SCMP_SYS(munmap),       SCMP_SYS(mremap),        SCMP_SYS(madvise),
    SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(futex),       SCMP_SYS(close),
    SCMP_SYS(shutdown),     SCMP_SYS(getpid),       SCMP_SYS(recvfrom),  // recv(2) in monitor_channel.cpp
    // Sanitizer runtimes query the alternate signal stack when a process ends; it
    // changes nothing outside the process.
    SCMP_SYS(sigaltstack),
};

struct SeccompRelease {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};

}  // namespace

Result<void> drop_to_privsep_user(std::string_view user, std::string_view chroot_dir) {
  std::string name(user);
  errno = 0;
  const passwd* pw = getpwnam(name.c_str());
  if (pw == nullptr) return fail(Errc::kNotFound, "Privilege separation user " + name + " does not exist");
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  std::string dir(chroot_dir);
  if (chroot(dir.c_str()) != 0) return system_error("chroot(\"" + dir + "\")");
  if (chdir("/") != 0) return system_error("chdir(\"/\")");
  if (setgroups(1, &gid) != 0) return system_error("setgroups");
  if (setresgid(gid, gid, gid) != 0) return system_error("setgid " + std::to_string(gid));
  if (setresuid(uid, uid, uid) != 0) return system_error("setuid " + std::to_string(uid));
  // OpenSSH's permanently_set_uid(): a drop that could be undone is no drop.
  if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
    return fail(Errc::kInternal, "was able to restore old [e]uid");
  if (gid != 0 && (setgid(0) == 0 || setegid(0) == 0))
    return fail(Errc::kInternal, "was able to restore old [e]gid");
  return {};
}

Result<void> install_preauth_seccomp_filter() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return system_error("prctl(PR_SET_NO_NEW_PRIVS)");
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return system_error("prctl(PR_SET_DUMPABLE)");
  std::unique_ptr<void, SeccompRelease> ctx(seccomp_init(SCMP_ACT_KILL_PROCESS));
  if (!ctx) return fail(Errc::kSystem, "seccomp_init failed");
  for (int syscall : kAllowedSyscalls) {
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, syscall, 0); rc != 0)
      return fail(Errc::kSystem, "seccomp_rule_add: " + std::string(std::strerror(-rc)));
  }
  if (int rc = seccomp_load(ctx.get()); rc != 0)
    return fail(Errc::kSystem, "seccomp_load: " + std::string(std::strerror(-rc)));
  return {};
}

}  // namespace sshd

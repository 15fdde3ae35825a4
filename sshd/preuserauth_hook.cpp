#include "preuserauth_hook.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "auth_subprocess.hpp"
#include "sshcore/base/log.hpp"

namespace sshd {
namespace {

namespace log = sshcore::log;

// The hook runs as root before anyone is authenticated: only an exact 0500 regular file
// of sshd's own user, in a directory nobody else can write, is trusted (seed 002 4.1 and
// 4.11; HOOK-08 adds the directory rule).
bool trusted_file(const struct stat& st, uid_t owner) {
  return S_ISREG(st.st_mode) && st.st_uid == owner && (st.st_mode & 07777) == 0500;
}

bool trusted_directory(const std::string& path, uid_t owner) {
  std::string dir = path.substr(0, path.find_last_of('/'));
  if (dir.empty()) dir = "/";
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) return false;
  return (st.st_uid == owner || st.st_uid == 0) && (st.st_mode & 022) == 0;
}

void log_lines(std::string_view stream, std::string_view text) {
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    log::debug1("PreUserauthHook {}: {}", stream, line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

bool refuse(const PreUserauthHookContext& c, std::string_view method, std::string_view user) {
  log::info("PreUserauthHook refused {} for {:.100} from {:.200} port {}", method, user, c.remote_ip,
            c.remote_port);
  return false;
}

}  // namespace

bool run_preuserauth_hook(const PreUserauthHookContext& c, std::string_view method, std::string_view user) {
  // O_NOFOLLOW + fexecve of the very descriptor that was checked: no symlink, and no
  // window in which the path can be swapped between the check and the exec.
  int fd = open(c.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    log::error("PreUserauthHook {}: {}", c.path,
               errno == ELOOP ? "bad ownership or modes" : std::strerror(errno));
    return refuse(c, method, user);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !trusted_file(st, c.owner) || !trusted_directory(c.path, c.owner)) {
    ::close(fd);
    log::error("PreUserauthHook {}: bad ownership or modes", c.path);
    return refuse(c, method, user);
  }
  SubprocessSpec spec;
  spec.argv = {c.path, std::string(method), std::string(user)};
  spec.env = {"PATH=" + std::string(kHookPath), "SSH_CONNECTION=" + c.ssh_connection};
  spec.exec_fd = fd;
  spec.timeout = c.timeout;
  SubprocessOutcome outcome = run_subprocess(spec);
  ::close(fd);
  log_lines("stdout", outcome.out);
  log_lines("stderr", outcome.err);
  std::string what = describe_outcome(outcome);
  // Exit 0 and 1 are the two outcomes the seed defines; anything else is an error of
  // the hook (HOOK-07) and refuses the method all the same.
  bool defined = outcome.end == SubprocessOutcome::End::kExited && (outcome.status == 0 || outcome.status == 1);
  if (defined)
    log::verbose("PreUserauthHook {} {} {:.100}: {}", c.path, method, user, what);
  else
    log::error("PreUserauthHook {} {} {:.100}: {}", c.path, method, user, what);
  if (outcome.success()) return true;
  return refuse(c, method, user);
}

}  // namespace sshd

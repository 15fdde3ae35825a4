#include "session_launch.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "pty_allocation.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/config/percent_expand.hpp"

extern char** environ;

namespace sshd {

constexpr int kSessionPipeSize = 1024 * 1024;


namespace log = sshcore::log;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

namespace {

// fatal() in OpenSSH's child exits 255; its log line goes wherever sshd logs.
[[noreturn]] void child_fatal(const std::string& message) {
  log::fatal("{}", message);
  std::fflush(nullptr);
  _exit(255);
}

void reset_signals() {
  // The driver's event loop may block signals or catch SIGCHLD/SIGPIPE; the user's
  // program must start with defaults.
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

void copy_file_to(const std::string& path, FILE* out) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return;
  char buf[256];
  while (std::fgets(buf, sizeof buf, f) != nullptr) std::fputs(buf, out);
  std::fclose(f);
}

// check_quietlogin: a command, or ~/.hushlogin, silences the login banner.
bool quiet_login(const SessionSpec& spec) {
  return spec.command.command.has_value() || exists(spec.user.home + "/.hushlogin");
}

// do_login's output part (the records were written by the monitor at pty-req).
void print_login_banner(const SessionSpec& spec) {
  if (quiet_login(spec)) return;
  std::fputs(spec.login_message.c_str(), stdout);
  if (spec.print_motd) copy_file_to(spec.motd_path, stdout);
  std::fflush(stdout);
}

void refuse_if_nologin(const SessionSpec& spec) {
  if (spec.use_pam || spec.user.uid == 0) return;
  FILE* f = std::fopen(spec.nologin_path.c_str(), "r");
  if (f == nullptr) return;
  log::info("User {} not allowed because {} exists", spec.user.name, spec.nologin_path);
  char buf[1024];
  while (std::fgets(buf, sizeof buf, f) != nullptr) std::fputs(buf, stderr);
  std::fclose(f);
  std::fflush(nullptr);
  _exit(254);
}

bool chroot_wanted(const std::string& dir) {
  return !dir.empty() && strcasecmp(dir.c_str(), "none") != 0;
}

void safely_chroot(const std::string& path) {
  if (auto checked = check_chroot_path(path); !checked) child_fatal(checked.error().detail);
  if (chdir(path.c_str()) == -1)
    child_fatal(
        fmt::format("Unable to chdir to chroot path \"{}\": {}", path, std::strerror(errno)));
  if (chroot(path.c_str()) == -1)
    child_fatal(fmt::format("chroot(\"{}\"): {}", path, std::strerror(errno)));
  if (chdir("/") == -1)
    child_fatal(fmt::format("safely_chroot: chdir(/) after chroot: {}", std::strerror(errno)));
  log::verbose("Changed root directory to \"{}\"", path);
}

// do_setusercontext + permanently_set_uid. Without root only the same user works.
void become_user(const SessionSpec& spec) {
  const UserIdentity& u = spec.user;
  if (getuid() == 0 || geteuid() == 0) {
    if (setgid(u.gid) < 0) {
      std::perror("setgid");
      _exit(1);
    }
    if (initgroups(u.name.c_str(), u.gid) < 0) {
      std::perror("initgroups");
      _exit(1);
    }
    endgrent();
    if (chroot_wanted(spec.chroot_directory)) safely_chroot(spec.chroot_directory);
    if (setresgid(u.gid, u.gid, u.gid) == -1)
      child_fatal(fmt::format("setresgid {}: {}", u.gid, std::strerror(errno)));
    if (setresuid(u.uid, u.uid, u.uid) == -1)
      child_fatal(fmt::format("setresuid {}: {}", u.uid, std::strerror(errno)));
  }
  if (getuid() != u.uid || geteuid() != u.uid)
    child_fatal(fmt::format("Failed to set uids to {}.", u.uid));
}

// do_rc_files: ~/.ssh/rc through the user's shell, else /etc/ssh/sshrc through /bin/sh.
// X11 is not supported, so nothing is written to their standard input.
void run_rc_files(const SessionSpec& spec, const std::string& shell) {
  const std::string user_rc = spec.user.home + "/.ssh/rc";
  const SessionCommand& c = spec.command;
  std::string command;
  if (!c.is_subsystem && !c.forced_by_config && spec.permit_user_rc && exists(user_rc)) {
    command = fmt::format("{} -c '{} {}'", shell, "/bin/sh", user_rc);
  } else if (exists(spec.system_rc_path)) {
    command = "/bin/sh " + spec.system_rc_path;
  } else {
    return;
  }
  log::debug1("Running {}", command);
  if (FILE* f = popen(command.c_str(), "w"); f != nullptr)
    pclose(f);
  else
    std::fprintf(stderr, "Could not run %s\n", command.c_str());
}

[[noreturn]] void exec_program(const SessionSpec& spec, const std::string& shell,
                               std::vector<char*>& envp) {
  const auto slash = shell.rfind('/');
  const std::string shell0 = slash == std::string::npos ? shell : shell.substr(slash + 1);
  if (!spec.command.command) {
    // A login shell: argv[0] is "-bash".
    std::string argv0 = "-" + shell0;
    if (argv0.size() >= 256) {
      errno = EINVAL;
      std::perror(shell.c_str());
      _exit(1);
    }
    char* argv[] = {argv0.data(), nullptr};
    execve(shell.c_str(), argv, envp.data());
  } else {
    std::string name = shell0, dash_c = "-c", command = *spec.command.command;
    char* argv[] = {name.data(), dash_c.data(), command.data(), nullptr};
    execve(shell.c_str(), argv, envp.data());
  }
  std::perror(shell.c_str());
  _exit(1);
}

[[noreturn]] void run_child(const SessionSpec& spec, int stdin_fd, int stdout_fd, int stderr_fd) {
  reset_signals();
  // internal-sftp logs through sshd's own stderr (the -E file or the daemon's stderr),
  // which must survive the session's descriptors landing on 0, 1 and 2.
  const bool internal = spec.command.internal_sftp != InternalSftpMode::kNone;
  const int log_fd = internal ? fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3) : -1;
  if (spec.pty) {
    close(spec.pty->master_fd);
    if (!make_controlling_tty(spec.pty->slave_fd, spec.pty->slave_path)) _exit(1);
    print_login_banner(spec);
  } else {
    if (setsid() == -1) log::error("setsid failed: {}", std::strerror(errno));
    if (dup2(stdin_fd, 0) == -1 || dup2(stdout_fd, 1) == -1 || dup2(stderr_fd, 2) == -1) {
      std::perror("dup2");
      _exit(1);
    }
  }
  if (log_fd >= 0) {
    dup2(log_fd, STDERR_FILENO);
    close(log_fd);
  }

  refuse_if_nologin(spec);
  become_user(spec);

  const std::string shell = spec.user.shell.empty() ? "/bin/sh" : spec.user.shell;
  SessionEnvironmentInput input = spec.environment;
  input.user = spec.user.name;
  input.uid = spec.user.uid;
  input.home = spec.user.home;
  input.shell = shell;
  input.tty = spec.pty ? spec.pty->slave_path : "";
  if (!spec.pty) input.term.clear();
  input.original_command = spec.command.original_command;
  auto env = build_session_environment(input);
  if (!env) child_fatal(env.error().detail);

  if (internal)
    close_descriptors_keeping_syslog();
  else
    closefrom(STDERR_FILENO + 1);
  std::vector<char*> envp = env->envp();
  environ = envp.data();  // so ~/.ssh/rc runs in the session's environment

  if (chdir(spec.user.home.c_str()) == -1) {
    // Inside a chroot a missing home is normal, so OpenSSH stays quiet there.
    if (!chroot_wanted(spec.chroot_directory) && !spec.inside_chroot)
      std::fprintf(stderr, "Could not chdir to home directory %s: %s\n", spec.user.home.c_str(),
                   std::strerror(errno));
    // A daemon's cwd is "/"; make that true however the driver was started.
    if (chdir("/") == -1) _exit(1);
  }

  run_rc_files(spec, shell);
  std::fflush(nullptr);
  if (internal) {
    const InternalSftpUser user{spec.user.name, spec.user.uid, spec.user.home,
                                spec.environment.remote_address, spec.environment.remote_port};
    if (spec.command.internal_sftp == InternalSftpMode::kRefuse) refuse_non_sftp_session(user);
    serve_internal_sftp(*spec.command.command, user);
  }
  exec_program(spec, shell, envp);
}

Result<void> prepare_parent_end(const sshcore::io::Fd& fd) {
  SSH_TRY_VOID(sshcore::io::set_cloexec(fd.get()));
  return sshcore::io::set_nonblocking(fd.get());
}

}  // namespace

SessionCommand resolve_session_command(const std::optional<std::string>& requested,
                                       bool is_subsystem,
                                       const std::optional<std::string>& force_command,
                                       const std::optional<std::string>& key_force_command) {
  SessionCommand out;
  out.command = requested;
  out.is_subsystem = is_subsystem;
  if (force_command) {
    out.original_command = requested;
    out.command = force_command;
    out.forced = out.forced_by_config = true;
  } else if (key_force_command) {
    out.original_command = requested;
    out.command = key_force_command;
    out.forced = true;
  }
  // A forced internal-sftp serves only subsystem requests; a configured subsystem is
  // internal when its program word is internal-sftp.
  if (out.command && is_internal_sftp(*out.command) && (out.forced || is_subsystem))
    out.internal_sftp = is_subsystem ? InternalSftpMode::kServe : InternalSftpMode::kRefuse;
  return out;
}

std::string session_type_text(const SessionCommand& command, const std::string& subsystem_name,
                              const std::string& tty) {
  std::string text;
  if (command.forced)
    text = fmt::format("forced-command {} '{:.900}'",
                       command.forced_by_config ? "(config)" : "(key-option)",
                       command.command.value_or(""));
  else if (command.is_subsystem)
    text = fmt::format("subsystem '{:.900}'", subsystem_name);
  else if (!command.command)
    text = "shell";
  else
    text = "command";  // OpenSSH keeps unforced commands out of the log
  if (!tty.empty()) {
    std::string_view line = tty;
    if (line.starts_with("/dev/")) line.remove_prefix(5);
    text += fmt::format(" on {}", line);
  }
  return text;
}

Result<std::string> expand_chroot_directory(std::string_view configured,
                                            const UserIdentity& user) {
  if (strcasecmp(std::string(configured).c_str(), "none") == 0) return std::string(configured);
  std::string path(configured);
  if (path.starts_with("~")) {
    const auto slash = path.find('/');
    const std::string name = path.substr(1, slash == std::string::npos ? slash : slash - 1);
    std::string home = user.home;
    if (!name.empty()) {
      const passwd* pw = getpwnam(name.c_str());
      if (pw == nullptr) return fail(Errc::kNotFound, "tilde_expand_filename: No such user " + name);
      home = pw->pw_dir;
    }
    path = home + (slash == std::string::npos ? "" : path.substr(slash));
  }
  return sshcore::config::expand_tokens(
      path, {{'h', user.home}, {'u', user.name}, {'U', std::to_string(user.uid)}});
}

Result<void> check_chroot_path(const std::string& path) {
  if (path.empty() || path.front() != '/')
    return fail(Errc::kInvalidArgument, "chroot path does not begin at root");
  if (path.size() >= PATH_MAX) return fail(Errc::kInvalidArgument, "chroot path too long");
  // Every prefix ending in '/' ("/", "/srv/", ...) and then the whole path.
  for (std::size_t from = 0;;) {
    const auto slash = path.find('/', from);
    const bool last = slash == std::string::npos;
    const std::string component = last ? path : path.substr(0, slash + 1);
    struct stat st {};
    if (stat(component.c_str(), &st) != 0)
      return fail(Errc::kSystem,
                  fmt::format("safely_chroot: stat(\"{}\"): {}", component, std::strerror(errno)));
    if (st.st_uid != 0 || (st.st_mode & 022) != 0)
      return fail(Errc::kInvalidArgument,
                  fmt::format("bad ownership or modes for chroot directory {}\"{}\"",
                              last ? "" : "component ", component));
    if (!S_ISDIR(st.st_mode))
      return fail(Errc::kInvalidArgument, fmt::format("chroot path {}\"{}\" is not a directory",
                                                      last ? "" : "component ", component));
    if (last) return {};
    from = slash + 1;
  }
}

Result<RunningSession> launch_session(const SessionSpec& spec) {
  RunningSession session;
  sshcore::io::Fd child_in, child_out, child_err;
  if (spec.pty) {
    session.pty_master = sshcore::io::Fd(fcntl(spec.pty->master_fd, F_DUPFD_CLOEXEC, 3));
    if (!session.pty_master)
      return fail(Errc::kSystem, "dup ptymaster: " + std::string(std::strerror(errno)));
  } else {
    // Plain pipe(2) here: the child's ends must not be non-blocking.
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) == -1)
      return fail(Errc::kSystem, "pipe: " + std::string(std::strerror(errno)));
    child_in.reset(in[0]);
    session.stdin_writer.reset(in[1]);
    if (pipe2(out, O_CLOEXEC) == -1)
      return fail(Errc::kSystem, "pipe: " + std::string(std::strerror(errno)));
    session.stdout_reader.reset(out[0]);
    child_out.reset(out[1]);
    if (pipe2(err, O_CLOEXEC) == -1)
      return fail(Errc::kSystem, "pipe: " + std::string(std::strerror(errno)));
    session.stderr_reader.reset(err[0]);
    child_err.reset(err[1]);
    // Large pipes (best effort, like sftp's own): a bulk session (cat, sftp-server,
    // scp -t) then moves 1 MiB per wake-up instead of 64 KiB.
    for (int fd : {in[1], out[0], err[0]}) (void)fcntl(fd, F_SETPIPE_SZ, kSessionPipeSize);
    SSH_TRY_VOID(prepare_parent_end(session.stdin_writer));
    SSH_TRY_VOID(prepare_parent_end(session.stdout_reader));
    SSH_TRY_VOID(prepare_parent_end(session.stderr_reader));
  }

  std::fflush(nullptr);  // no buffered output may be written twice
  const pid_t pid = fork();
  if (pid == -1) return fail(Errc::kSystem, "fork: " + std::string(std::strerror(errno)));
  if (pid == 0) run_child(spec, child_in.get(), child_out.get(), child_err.get());
  session.pid = pid;
  return session;
}

}  // namespace sshd

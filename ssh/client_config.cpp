#include "client_config.hpp"

#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/io/file_io.hpp"

namespace ssh {
namespace {

using sshcore::Result;
using sshcore::config::ConfigOrigin;
using sshcore::config::SshConfigEnvironment;
using sshcore::config::SshConfigParser;
using sshcore::config::SshOptions;
using sshcore::config::SshTarget;

void log_messages(const SshConfigParser& parser) {
  for (const auto& m : parser.messages()) sshcore::log::emit(m.level, m.text);
}

// Runs a Match exec command as readconf.c execute_in_shell() does: the user's shell, "-c".
Result<int> run_in_shell(const std::string& command) {
  const char* shell = std::getenv("SHELL");
  std::string sh = shell != nullptr && *shell != '\0' ? shell : "/bin/sh";
  pid_t pid = ::fork();
  if (pid == -1) return sshcore::fail(sshcore::io::system_error(errno));
  if (pid == 0) {
    // Match exec must not read ssh's stdin or write its stdout.
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, STDIN_FILENO);
      ::dup2(devnull, STDOUT_FILENO);
    }
    ::execl(sh.c_str(), sh.c_str(), "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1) {
    if (errno != EINTR) return sshcore::fail(sshcore::io::system_error(errno));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

// readconf.c read_config_file(SSHCONF_CHECKPERM): a user file others may write is refused.
Result<void> check_user_file_permissions(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return {};
  if ((st.st_uid != 0 && st.st_uid != ::getuid()) || (st.st_mode & 022) != 0) {
    sshcore::log::fatal("Bad owner or permissions on {}", path);
    return sshcore::fail(sshcore::Errc::kInvalidArgument, "Bad owner or permissions on " + path);
  }
  return {};
}

Result<void> read_files(const CommandLine& cl, const ConfigPaths& paths,
                        SshConfigParser& parser) {
  if (cl.config_file) {
    if (sshcore::ascii_lowercase(*cl.config_file) == "none") return {};
    auto r = parser.read_file(*cl.config_file, ConfigOrigin::kUser);
    if (r && !*r) {
      log_messages(parser);
      sshcore::log::fatal("Can't open user config file {}: {}", *cl.config_file, std::strerror(ENOENT));
      return sshcore::fail(sshcore::Errc::kNotFound, *cl.config_file);
    }
    if (!r) {
      log_messages(parser);
      if (r.error().code == sshcore::Errc::kSystem)
        sshcore::log::fatal("Can't open user config file {}: {}", *cl.config_file, r.error().detail);
      return sshcore::fail(r.error());
    }
    return {};
  }
  SSH_TRY_VOID(check_user_file_permissions(paths.user_config));
  auto user = parser.read_file(paths.user_config, ConfigOrigin::kUser);
  if (!user) {
    log_messages(parser);
    return sshcore::fail(user.error());
  }
  auto system = parser.read_file(paths.system_config, ConfigOrigin::kSystem);
  if (!system) {
    log_messages(parser);
    return sshcore::fail(system.error());
  }
  return {};
}

// One pass: command line, then the files, into fresh options.
Result<bool> one_pass(const CommandLine& cl, const SshConfigEnvironment& env, const ConfigPaths& paths,
                      const SshTarget& target, SshOptions& options) {
  // -o lines are read before the destination is known to the parser (OpenSSH passes "").
  SshTarget no_host{};
  SshConfigParser command_parser(env, no_host, options);
  auto applied = apply_command_line(cl, command_parser, options);
  if (!applied) {
    for (const auto& m : command_parser.messages()) sshcore::log::emit(m.level, m.text);
    if (command_parser.messages().empty()) sshcore::log::fatal("{}", applied.error().detail);
    return sshcore::fail(applied.error());
  }
  SshConfigParser parser(env, target, options);
  SSH_TRY_VOID(read_files(cl, paths, parser));
  log_messages(parser);
  return parser.want_final_pass();
}

}  // namespace

std::string expand_home(const std::string& path, const std::string& home) {
  if (path == "~") return home;
  if (path.starts_with("~/")) return home + path.substr(1);
  return path;
}

std::string tilde_unexpand(const std::string& path, const std::string& home) {
  if (home.empty() || home == "/") return path;
  if (path.starts_with(home + "/")) return "~" + path.substr(home.size());
  return path;
}

SshConfigEnvironment machine_config_environment() {
  SshConfigEnvironment env;
  env.read_file = [](const std::string& path) -> Result<std::string> {
    auto st = sshcore::io::stat_path(path);
    if (st.missing()) return sshcore::fail(sshcore::Errc::kNotFound, path);
    auto bytes = sshcore::io::read_file(path);
    if (!bytes) return sshcore::fail(bytes.error());
    return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  };
  env.glob = [](const std::string& pattern) {
    std::vector<std::string> out;
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    return out;
  };
  env.exec = run_in_shell;
  env.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  // Like OpenSSH, the home directory comes from the password database, not $HOME.
  if (const passwd* pw = ::getpwuid(::getuid())) {
    env.home_dir = pw->pw_dir;
    env.local_user = pw->pw_name;
  }
  env.uid = std::to_string(::getuid());
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) env.local_hostname = host;
  return env;
}

Result<ClientConfig> load_client_config(const CommandLine& cl, const SshConfigEnvironment& env,
                                        const ConfigPaths& paths) {
  ClientConfig out;
  out.host_arg = cl.destination;
  out.target = SshTarget{cl.destination, cl.destination, false, false};
  SSH_TRY(want_final, one_pass(cl, env, paths, out.target, out.options));
  if (want_final) {
    sshcore::log::debug1("configuration requests final Match pass");
    out.target.final_pass = true;
    out.options = SshOptions{};
    SSH_TRY(again, one_pass(cl, env, paths, out.target, out.options));
    (void)again;
  }
  auto finalized = sshcore::config::finalize_ssh_options(out.options, env, out.target);
  if (!finalized) {
    sshcore::log::fatal("{}", finalized.error().detail);
    return sshcore::fail(finalized.error());
  }
  return out;
}

}  // namespace ssh

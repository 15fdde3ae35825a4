#include "session_environment.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "sshcore/base/pattern.hpp"

namespace sshd {

using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

namespace {

constexpr std::size_t kMaxClientVariables = 128;     // session_env_req: "num_env > 128"
constexpr unsigned kMaxEnvironmentFileLines = 1000;  // read_environment_file's limit
// PAM modules must not be able to fake what sshd itself reports.
constexpr std::string_view kPamEnvironmentDenylist = "SSH_AUTH_INFO*,SSH_CONNECTION*";

// Splits "NAME=value"; nullopt without '='.
std::optional<std::pair<std::string_view, std::string_view>> split_assignment(std::string_view s) {
  const auto eq = s.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  return std::pair{s.substr(0, eq), s.substr(eq + 1)};
}

bool allowed_by(const std::optional<std::string>& allowlist, std::string_view name) {
  return !allowlist || sshcore::match_pattern_list(name, *allowlist, false) == 1;
}

}  // namespace

void Environment::set(std::string_view name, std::string_view value) {
  std::string entry = fmt::format("{}={}", name, value);
  for (std::string& existing : entries_) {
    if (existing.size() > name.size() && existing.compare(0, name.size(), name) == 0 &&
        existing[name.size()] == '=') {
      existing = std::move(entry);
      return;
    }
  }
  entries_.push_back(std::move(entry));
}

std::optional<std::string_view> Environment::get(std::string_view name) const {
  for (const std::string& existing : entries_)
    if (existing.size() > name.size() && existing.compare(0, name.size(), name) == 0 &&
        existing[name.size()] == '=')
      return std::string_view(existing).substr(name.size() + 1);
  return std::nullopt;
}

std::vector<char*> Environment::envp() {
  std::vector<char*> out;
  out.reserve(entries_.size() + 1);
  for (std::string& e : entries_) out.push_back(e.data());
  out.push_back(nullptr);
  return out;
}

bool ClientEnvironment::accept(std::string_view name, std::string_view value,
                               const std::vector<std::string>& accept_env) {
  if (vars_.size() > kMaxClientVariables) return false;
  // OpenSSH does not check this, but a '=' in a name would let the client forge the
  // value of another variable in the child's environ.
  if (name.empty() || name.find('=') != std::string_view::npos) return false;
  for (const std::string& pattern : accept_env) {
    if (sshcore::match_pattern(name, pattern)) {
      vars_.emplace_back(name, value);
      return true;
    }
  }
  return false;
}

Result<void> read_environment_file(Environment& env, const std::string& path,
                                   const std::optional<std::string>& allowlist) {
  std::ifstream in(path);
  if (!in) return {};
  std::string line;
  unsigned lineno = 0;
  while (std::getline(in, line)) {
    if (++lineno > kMaxEnvironmentFileLines)
      return fail(Errc::kTooLarge, "Too many lines in environment file " + path);
    std::string_view rest = line;
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest.empty() || rest.front() == '#') continue;
    const auto assignment = split_assignment(rest);
    if (!assignment) {
      std::fprintf(stderr, "Bad line %u in %.100s\n", lineno, path.c_str());
      continue;
    }
    if (!allowed_by(allowlist, assignment->first)) continue;
    env.set(assignment->first, assignment->second);
  }
  return {};
}

Result<Environment> build_session_environment(const SessionEnvironmentInput& in) {
  Environment env;
  for (const auto& [name, value] : in.client_variables) env.set(name, value);

  const std::string shell = in.shell.empty() ? "/bin/sh" : in.shell;
  env.set("USER", in.user);
  env.set("LOGNAME", in.user);
  env.set("HOME", in.home);
  env.set("PATH", in.uid == 0 ? kSuperUserPath : kUserPath);
  if (!in.use_pam) env.set("MAIL", fmt::format("{}/{}", kMailDir, in.user));
  env.set("SHELL", shell);
  if (in.tz) env.set("TZ", *in.tz);
  if (!in.term.empty()) env.set("TERM", in.term);
  if (!in.display.empty()) env.set("DISPLAY", in.display);
  if (!in.auth_socket.empty()) env.set("SSH_AUTH_SOCK", in.auth_socket);

  if (in.permit_user_environment) {
    for (const std::string& option : in.key_environment) {
      const auto assignment = split_assignment(option);
      if (assignment && allowed_by(in.permit_user_environment_allowlist, assignment->first))
        env.set(assignment->first, assignment->second);
    }
    const std::string file =
        in.user_environment_file.empty() ? in.home + "/.ssh/environment" : in.user_environment_file;
    SSH_TRY_VOID(read_environment_file(env, file, in.permit_user_environment_allowlist));
  }

  if (in.use_pam) {
    for (const std::string& entry : in.pam_environment) {
      const auto assignment = split_assignment(entry);
      if (assignment &&
          sshcore::match_pattern_list(assignment->first, kPamEnvironmentDenylist, false) != 1)
        env.set(assignment->first, assignment->second);
    }
  }

  for (const std::string& entry : in.set_env) {
    const auto assignment = split_assignment(entry);
    if (!assignment) return fail(Errc::kInvalidArgument, "Invalid config SetEnv: " + entry);
    env.set(assignment->first, assignment->second);
  }

  env.set("SSH_CLIENT", fmt::format("{} {} {}", in.remote_address, in.remote_port, in.local_port));
  env.set("SSH_CONNECTION", fmt::format("{} {} {} {}", in.remote_address, in.remote_port,
                                        in.local_address, in.local_port));
  if (!in.user_auth_file.empty()) env.set("SSH_USER_AUTH", in.user_auth_file);
  if (!in.tty.empty()) env.set("SSH_TTY", in.tty);
  if (in.original_command) env.set("SSH_ORIGINAL_COMMAND", *in.original_command);
  return env;
}

}  // namespace sshd

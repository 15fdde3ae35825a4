// In-memory files, glob and Match exec for ssh_config tests: the core reads nothing itself.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/ssh_config.hpp"

namespace sshpp::test {

struct SshConfigWorld {
  std::map<std::string, std::string> files;
  std::map<std::string, int> exec_status;     // command -> exit status
  std::vector<std::string> executed;          // commands run, in order
  std::map<std::string, std::string> environ_vars{{"HOME", "/home/alice"}};

  sshcore::config::SshConfigEnvironment env() {
    sshcore::config::SshConfigEnvironment e;
    e.read_file = [this](const std::string& path) -> sshcore::Result<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return sshcore::fail(sshcore::Errc::kNotFound, path);
      return it->second;
    };
    e.glob = [this](const std::string& pattern) {
      std::vector<std::string> out;
      for (const auto& [path, text] : files) {
        if (sshcore::match_pattern(path, pattern)) out.push_back(path);
      }
      return out;
    };
    e.exec = [this](const std::string& cmd) -> sshcore::Result<int> {
      executed.push_back(cmd);
      auto it = exec_status.find(cmd);
      return it == exec_status.end() ? 1 : it->second;
    };
    e.getenv = [this](std::string_view name) -> std::optional<std::string> {
      auto it = environ_vars.find(std::string(name));
      if (it == environ_vars.end()) return std::nullopt;
      return it->second;
    };
    e.home_dir = "/home/alice";
    e.local_user = "alice";
    e.uid = "1000";
    e.local_hostname = "box.example.org";
    return e;
  }
};

struct Loaded {
  sshcore::config::SshOptions options;
  std::vector<std::string> errors;     // error/fatal messages only
  bool ok = true;
  bool want_final_pass = false;
};

// Reads ~/.ssh/config (= user_text) then /etc/ssh/ssh_config (= system_text) for `host`.
inline Loaded load_for(SshConfigWorld& w, const std::string& host, const std::string& user_text,
                       const std::string& system_text = "", bool final_pass = false,
                       bool finalize = false) {
  w.files["/home/alice/.ssh/config"] = user_text;
  w.files["/etc/ssh/ssh_config"] = system_text;
  Loaded l;
  const auto env = w.env();
  sshcore::config::SshTarget target{host, host, false, final_pass};
  sshcore::config::SshConfigParser parser(env, target, l.options);
  auto r1 = parser.read_file("/home/alice/.ssh/config", sshcore::config::ConfigOrigin::kUser);
  if (r1) {
    auto r2 = parser.read_file("/etc/ssh/ssh_config", sshcore::config::ConfigOrigin::kSystem);
    l.ok = r2.has_value();
  } else {
    l.ok = false;
  }
  for (const auto& m : parser.messages()) {
    if (m.level <= sshcore::log::Level::kError) l.errors.push_back(m.text);
  }
  l.want_final_pass = parser.want_final_pass();
  if (finalize && l.ok) l.ok = sshcore::config::finalize_ssh_options(l.options, env, target).has_value();
  return l;
}

}  // namespace sshpp::test

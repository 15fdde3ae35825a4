#include "support/our_sshd.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

namespace sshpp::test {

namespace {

void remove_user(const std::string& name) {
  // -f: a process of the user's last session may still be ending.
  if (::getpwnam(name.c_str()) != nullptr) run_account_tool({"/usr/sbin/userdel", "-r", "-f", name});
  std::error_code ec;
  std::filesystem::remove_all("/var/lib/sshpp-test-" + name, ec);
}

void remove_stale_users(const std::string& prefix) {
  std::vector<std::string> stale;
  ::setpwent();
  while (passwd* pw = ::getpwent()) {
    std::string name = pw->pw_name;
    if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
    std::string pid = name.substr(prefix.size());
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH) stale.push_back(name);
  }
  ::endpwent();
  for (const auto& name : stale) remove_user(name);
}

}  // namespace

TestUser::TestUser(const std::string& prefix, const std::string& shell)
    : name_(prefix + std::to_string(::getpid())), base_("/var/lib/sshpp-test-" + name_), home_(base_ + "/home") {
  remove_stale_users(prefix);
  remove_user(name_);
  ::mkdir(base_.c_str(), 0755);
  ::chmod(base_.c_str(), 0755);  // umask must not decide what StrictModes sees
  auto add = run_account_tool({"/usr/sbin/useradd", "-m", "-d", home_, "-s", shell, name_});
  if (add.exit_code != 0) {
    ADD_FAILURE() << "useradd " << name_ << ": " << add.err;
    return;
  }
  ::chmod(home_.c_str(), 0755);
  passwd* pw = ::getpwnam(name_.c_str());
  if (pw == nullptr) {
    ADD_FAILURE() << "getpwnam " << name_;
    return;
  }
  uid_ = pw->pw_uid;
  gid_ = pw->pw_gid;
}

TestUser::~TestUser() { remove_user(name_); }

bool TestUser::set_password(const std::string& password) const {
  RunOptions in;
  in.stdin_data = name_ + ":" + password + "\n";
  return run_account_tool({"/usr/sbin/chpasswd"}, in).exit_code == 0;
}

void TestUser::write_authorized_keys(const std::string& text) const {
  std::string ssh_dir = home_ + "/.ssh";
  ::mkdir(ssh_dir.c_str(), 0700);
  std::string file = ssh_dir + "/authorized_keys";
  write_text(file, text, 0600);
  EXPECT_EQ(::chown(ssh_dir.c_str(), uid_, gid_), 0);
  EXPECT_EQ(::chown(file.c_str(), uid_, gid_), 0);
}

OurSshd::OurSshd(const std::string& dir, const std::string& extra_config) : dir_(dir) {
  std::string host_key = dir + "/ssh_host_ed25519_key";
  if (::access(host_key.c_str(), F_OK) != 0) {
    auto gen = run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", host_key});
    if (gen.exit_code != 0) {
      ADD_FAILURE() << "ssh-keygen: " << gen.err;
      return;
    }
  }
  port_ = free_port();
  std::string config = "ListenAddress 127.0.0.1\nPort " + std::to_string(port_) + "\nHostKey " + host_key +
                       "\nPidFile none\nLogLevel VERBOSE\n" + extra_config;
  std::string config_path = dir + "/sshd_config";
  write_text(config_path, config, 0644);
  // Pin the host key so every login also proves the key our sshd signs with.
  std::string pub = read_text(host_key + ".pub");
  write_text(dir + "/known_hosts", "[127.0.0.1]:" + std::to_string(port_) + " " + pub, 0644);
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{our_bin("sshd"), "-D", "-e", "-f", config_path}, dir + "/sshd.log");
  listening_ = process_->wait_for_log("Server listening on 127.0.0.1 port " + std::to_string(port_),
                                      std::chrono::seconds(10));
  if (!listening_) ADD_FAILURE() << "our sshd did not start:\n" << process_->log();
}

bool OurSshd::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const {
  return process_ && process_->wait_for_log(text, timeout);
}

std::vector<std::string> OurSshd::ssh(const std::vector<std::string>& options, const std::string& user,
                                      const std::string& command) const {
  std::vector<std::string> argv{"/usr/bin/ssh",
                                "-F", "none",
                                "-p", std::to_string(port_),
                                "-o", "UserKnownHostsFile=" + dir_ + "/known_hosts",
                                "-o", "GlobalKnownHostsFile=/dev/null",
                                "-o", "StrictHostKeyChecking=yes",
                                "-o", "IdentitiesOnly=yes",
                                "-o", "ConnectTimeout=10",
                                "-o", "LogLevel=ERROR"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back(user + "@127.0.0.1");
  if (!command.empty()) argv.push_back(command);
  return argv;
}

RunOptions askpass_options(const std::string& dir, const std::string& answer) {
  std::string script = dir + "/askpass";
  // printf, not echo: the answer is data, never options or escapes.
  std::string quoted = "'";
  for (char c : answer) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  write_text(script, "#!/bin/sh\nprintf '%s\\n' " + quoted + "\n", 0700);
  RunOptions options;
  options.env = {{"SSH_ASKPASS", script}, {"SSH_ASKPASS_REQUIRE", "force"}, {"DISPLAY", ":0"}};
  options.new_session = true;
  return options;
}

std::string key_fingerprint(const std::string& public_key_path) {
  auto r = run({"/usr/bin/ssh-keygen", "-lf", public_key_path});
  std::istringstream fields(r.out);
  std::string bits, fingerprint;
  fields >> bits >> fingerprint;
  return fingerprint;
}

}  // namespace sshpp::test

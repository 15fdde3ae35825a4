// Shared by the LocalAuthPolicy tests: a scratch tree under /var/lib (root-owned 0755,
// so StrictModes and AuthorizedKeysCommand's safe-path walk accept it, which /tmp's
// 1777 would not), throw-away users, and log lines captured through base/log's file sink.
#pragma once

#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "local_auth_policy.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/config/sshd_config.hpp"
#include "support/process.hpp"

namespace sshd::test {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "these tests create users and need root";
    std::string tmpl = "/var/lib/sshpp-authtest-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    chmod(root_.c_str(), 0755);
    log_file_ = root_ + "/log";
    sshcore::log::Options o;
    o.level = sshcore::log::Level::kDebug3;
    o.sink = sshcore::log::Sink::kFile;
    o.file = log_file_;
    sshcore::log::init(o);
  }
  void TearDown() override {
    sshcore::log::init(sshcore::log::Options{});
    for (const std::string& u : users_) admin({"userdel", u});
    for (const std::string& g : groups_) admin({"groupdel", g});
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static sshpp::test::RunResult admin(const std::vector<std::string>& argv,
                                      const sshpp::test::RunOptions& options = {}) {
    return sshpp::test::run_account_tool(argv, options);
  }

  // A user with its home under the scratch tree and `password` set through chpasswd.
  std::string add_user(const std::string& tag, const std::string& password = "",
                       const std::string& shell = "/bin/sh", const std::string& extra_group = "") {
    std::string name = "sshpp" + tag + std::to_string(getpid() % 100000);
    std::string home = root_ + "/home/" + name;
    std::filesystem::create_directories(root_ + "/home");
    std::vector<std::string> cmd = {"useradd", "-m", "-d", home, "-s", shell};
    if (!extra_group.empty()) {
      cmd.push_back("-G");
      cmd.push_back(extra_group);
    }
    cmd.push_back(name);
    if (getpwnam(name.c_str()) != nullptr) admin({"userdel", name});  // left by a crashed run
    auto r = admin(cmd);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    users_.push_back(name);
    chmod(home.c_str(), 0755);
    if (password.empty()) {
      // useradd leaves "!" (locked, as OpenSSH reads it); "*" is "no password, not locked".
      EXPECT_EQ(admin({"usermod", "-p", "*", name}).exit_code, 0);
    } else {
      sshpp::test::RunOptions ro;
      ro.stdin_data = name + ":" + password + "\n";
      auto p = admin({"chpasswd"}, ro);
      EXPECT_EQ(p.exit_code, 0) << p.err;
    }
    return name;
  }
  std::string add_group(const std::string& tag) {
    std::string name = "sshppg" + tag + std::to_string(getpid() % 100000);
    if (getgrnam(name.c_str()) != nullptr) admin({"groupdel", name});
    EXPECT_EQ(admin({"groupadd", name}).exit_code, 0);
    groups_.push_back(name);
    return name;
  }
  std::string home_of(const std::string& user) const { return root_ + "/home/" + user; }

  sshcore::config::SshdConfig config(const std::string& text) {
    sshcore::config::FileSource files;
    files.read = [](const std::string&) -> sshcore::Result<std::string> {
      return sshcore::fail(sshcore::Errc::kNotFound, "No such file or directory");
    };
    files.glob = [](const std::string&) -> sshcore::Result<std::vector<std::string>> {
      return std::vector<std::string>{};
    };
    auto c = sshcore::config::SshdConfig::parse(text, "sshd_config", files);
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().detail);
    return c ? *c : sshcore::config::SshdConfig{};
  }

  static ConnectionAddresses addresses() { return {"192.0.2.7", 50022, "192.0.2.1", 22, ""}; }

  std::string log_text() const {
    std::ifstream in(log_file_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool logged(const std::string& line) const { return log_text().find(line) != std::string::npos; }
  void clear_log() const { std::ofstream(log_file_, std::ios::trunc); }

  void write_file(const std::string& path, const std::string& text, mode_t mode) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
  }

  std::string root_;
  std::string log_file_;
  std::vector<std::string> users_;
  std::vector<std::string> groups_;
};

}  // namespace sshd::test

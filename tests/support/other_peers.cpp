#include "support/other_peers.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "sshcore/keys/key_files.hpp"
#include "support/process.hpp"

namespace sshpp::test {

using namespace sshcore;

ThrowawayUser::ThrowawayUser(std::string name, std::string home) : name_(std::move(name)), home_(std::move(home)) {
  run_account_tool({"/usr/sbin/userdel", name_});   // a leftover of a killed run
  auto add = run_account_tool({"/usr/sbin/useradd", "-m", "-d", home_, "-s", "/bin/sh", name_});
  EXPECT_EQ(add.exit_code, 0) << add.err;
}

ThrowawayUser::~ThrowawayUser() { run_account_tool({"/usr/sbin/userdel", name_}); }

void ThrowawayUser::set_password(const std::string& password) {
  RunOptions o;
  o.stdin_data = name_ + ":" + password + "\n";
  auto r = run_account_tool({"/usr/sbin/chpasswd"}, o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

void ThrowawayUser::authorize(const std::string& authorized_keys) {
  passwd* pw = getpwnam(name_.c_str());
  ASSERT_NE(pw, nullptr) << name_;
  std::string ssh_dir = home_ + "/.ssh";
  mkdir(ssh_dir.c_str(), 0700);
  write_text(ssh_dir + "/authorized_keys", authorized_keys, 0600);
  ASSERT_EQ(chown(ssh_dir.c_str(), pw->pw_uid, pw->pw_gid), 0);
  ASSERT_EQ(chown((ssh_dir + "/authorized_keys").c_str(), pw->pw_uid, pw->pw_gid), 0);
}

DropbearServer::DropbearServer(const std::string& dir, const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {"/usr/sbin/dropbear", "-F", "-E", "-P", dir + "/dropbear.pid"};
  for (std::string type : {"ed25519", "ecdsa", "rsa"}) {
    std::string key = dir + "/dropbear_" + type + "_host_key";
    std::vector<std::string> gen = {"/usr/bin/dropbearkey", "-t", type, "-f", key};
    if (type == "ecdsa") gen.insert(gen.end(), {"-s", "256"});
    if (type == "rsa") gen.insert(gen.end(), {"-s", "2048"});
    auto made = run(gen);
    EXPECT_EQ(made.exit_code, 0) << made.err;
    // `dropbearkey -y` prints "Public key portion is:", the key line, then "Fingerprint: ...".
    auto shown = run({"/usr/bin/dropbearkey", "-y", "-f", key});
    auto at = shown.out.find(type == "ecdsa" ? "ecdsa-" : "ssh-");
    EXPECT_NE(at, std::string::npos) << shown.out;
    if (at != std::string::npos) {
      auto line = keys::parse_public_key_line(shown.out.substr(at, shown.out.find('\n', at) - at));
      EXPECT_TRUE(line) << shown.out;
      if (line) host_keys_.push_back(line->key);
    }
    argv.insert(argv.end(), {"-r", key});
  }
  port_ = free_port();
  argv.insert(argv.end(), {"-p", "127.0.0.1:" + std::to_string(port_)});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<BackgroundProcess>(argv, dir + "/dropbear.log");
  // -F logs "Not backgrounding" once its listening sockets are open.
  EXPECT_TRUE(process_->wait_for_log("Not backgrounding", std::chrono::seconds(10))) << process_->log();
}

ParamikoServer::ParamikoServer(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kSystemPython, "-u", peer_script("paramiko_server.py")};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<BackgroundProcess>(argv, dir + "/paramiko_server.log");
  EXPECT_TRUE(process_->wait_for_log("listening ", std::chrono::seconds(20))) << process_->log();
  std::string log = process_->log();
  auto at = log.find("listening ");
  if (at != std::string::npos) port_ = std::atoi(log.c_str() + at + 10);
}

std::string peer_script(const std::string& name) { return test_data("peers/" + name); }

keys::PublicKey make_openssh_key(const std::string& path, const std::string& type) {
  auto r = run({"/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-C", "interop", "-f", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto line = keys::parse_public_key_line(read_text(path + ".pub"));
  if (!line) throw std::runtime_error("no public key in " + path + ".pub");   // every caller needs it
  return line->key;
}

void convert_key_for_dropbear(const std::string& openssh_key, const std::string& dropbear_key) {
  auto r = run({"/usr/bin/dropbearconvert", "openssh", "dropbear", openssh_key, dropbear_key});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

void convert_key_for_putty(const std::string& openssh_key, const std::string& ppk) {
  auto r = run({"/usr/bin/puttygen", openssh_key, "-O", "private", "-o", ppk});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace sshpp::test

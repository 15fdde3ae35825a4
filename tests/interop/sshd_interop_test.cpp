// Debian's ssh (OpenSSH 9.2) against our sshd, run as root with privilege
// separation, for a throw-away user: Ed25519/ECDSA/RSA logins running commands
// (exit codes, stdout/stderr kept apart), 50 MiB through stdin, stdout and stderr,
// a pty session, the process titles and uids of the monitor, the pre-auth child and
// the user child, and the pre-auth sandbox killing a child that breaks its rules.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {
namespace {

using namespace std::chrono_literals;

// One user per test process: ctest runs tests of this suite in parallel processes,
// each with its own SetUpTestSuite.
const std::string kUser = "sshpph5_" + std::to_string(getpid());


constexpr std::size_t kBulk = 50u * 1024 * 1024;

struct ProcInfo {
  pid_t pid;
  uid_t uid;
  std::string cmdline;  // argv joined by spaces (the title overwrites argv)
};

std::vector<ProcInfo> processes() {
  std::vector<ProcInfo> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmd(entry.path() / "cmdline");
    std::string raw((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    while (!raw.empty() && raw.back() == '\0') raw.pop_back();
    for (char& c : raw)
      if (c == '\0') c = ' ';
    std::ifstream status(entry.path() / "status");
    std::string line;
    uid_t uid = static_cast<uid_t>(-1);
    while (std::getline(status, line))
      if (line.starts_with("Uid:")) uid = static_cast<uid_t>(std::stoul(line.substr(4)));
    out.push_back({static_cast<pid_t>(std::stoi(name)), uid, raw});
  }
  return out;
}

std::optional<ProcInfo> find_title(const std::string& title) {
  for (const auto& p : processes())
    if (p.cmdline == title) return p;
  return std::nullopt;
}

std::optional<ProcInfo> wait_title(const std::string& title, std::chrono::milliseconds timeout = 10s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (auto p = find_title(title)) return p;
    std::this_thread::sleep_for(50ms);
  }
  return std::nullopt;
}

class SshdInteropTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    run({"/usr/sbin/userdel", "-r", kUser});
    auto add = run_account_tool({"/usr/sbin/useradd", "-m", "-s", "/bin/sh", kUser});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    // useradd leaves the password "!" (locked), which UsePAM no refuses as OpenSSH does;
    // "*" means no password but an open account.
    ASSERT_EQ(run_account_tool({"/usr/sbin/usermod", "-p", "*", kUser}).exit_code, 0);
  }
  static void TearDownTestSuite() { run_account_tool({"/usr/sbin/userdel", "-r", "-f", kUser}); }

  void SetUp() override {
    passwd* pw = getpwnam(kUser.c_str());
    ASSERT_NE(pw, nullptr);
    uid_ = pw->pw_uid;
    home_ = pw->pw_dir;
    host_key_ = dir_ / "host_ed25519";
    ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key_}).exit_code, 0);
    std::string authorized;
    for (const auto& [type, bits] : std::map<std::string, std::string>{{"ed25519", ""}, {"ecdsa", "256"},
                                                                       {"rsa", "3072"}}) {
      std::vector<std::string> argv{"/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-f", dir_ / ("id_" + type)};
      if (!bits.empty()) argv.insert(argv.end(), {"-b", bits});
      ASSERT_EQ(run(argv).exit_code, 0);
      authorized += read_text(dir_ / ("id_" + type + ".pub"));
    }
    std::string ssh_dir = home_ + "/.ssh";
    ::mkdir(ssh_dir.c_str(), 0700);
    write_text(ssh_dir + "/authorized_keys", authorized, 0600);
    ASSERT_EQ(::chown(ssh_dir.c_str(), uid_, pw->pw_gid), 0);
    ASSERT_EQ(::chown((ssh_dir + "/authorized_keys").c_str(), uid_, pw->pw_gid), 0);
  }

  void start(const std::string& extra = "") {
    port_ = free_port();
    std::string cfg = dir_ / "sshd_config";
    write_text(cfg,
               "HostKey " + host_key_ + "\nPidFile none\nListenAddress 127.0.0.1\nUsePAM no\nLogLevel VERBOSE\n" +
                   extra,
               0644);
    sshd_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{our_bin("sshd"), "-D", "-e", "-f", cfg, "-p", std::to_string(port_)}, dir_ / "log");
    ASSERT_TRUE(sshd_->wait_for_log("Server listening on 127.0.0.1 port", 10s)) << sshd_->log();
  }

  std::vector<std::string> ssh(const std::string& key, const std::vector<std::string>& tail) {
    std::vector<std::string> argv{"/usr/bin/ssh", "-i", dir_ / ("id_" + key), "-p", std::to_string(port_),
                                  "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                                  "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                                  "-o", "IdentitiesOnly=yes"};
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  }
  std::string target() const { return std::string(kUser) + "@127.0.0.1"; }

  TempDir dir_;
  uid_t uid_ = 0;
  std::string home_, host_key_;
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> sshd_;
};

TEST_F(SshdInteropTest, EveryKeyTypeLogsInAndKeepsStreamsApart) {
  start();
  for (const char* key : {"ed25519", "ecdsa", "rsa"}) {
    auto r = run(ssh(key, {target(), "echo out; echo err >&2; id -u; exit 7"}));
    EXPECT_EQ(r.exit_code, 7) << key << ": " << r.err << sshd_->log();
    EXPECT_EQ(r.out, "out\n" + std::to_string(uid_) + "\n") << key;
    EXPECT_EQ(r.err, "err\n") << key;
  }
  std::string log = sshd_->log();
  EXPECT_NE(log.find(std::string("Accepted publickey for ") + kUser + " from 127.0.0.1 port "), std::string::npos)
      << log;
  EXPECT_NE(log.find("ssh2: ECDSA SHA256:"), std::string::npos) << log;
  EXPECT_NE(log.find("ssh2: RSA SHA256:"), std::string::npos) << log;
  EXPECT_NE(log.find(":11: disconnected by user"), std::string::npos) << log;
  EXPECT_NE(log.find(std::string("Disconnected from user ") + kUser + " 127.0.0.1 port "), std::string::npos) << log;
}

TEST_F(SshdInteropTest, FiftyMebibytesThroughEachStream) {
  start();
  std::string data(kBulk, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::string up = home_ + "/bulk";
  RunOptions in;
  in.stdin_data = data;
  auto put = run(ssh("ed25519", {target(), "cat > " + up}), in);
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_TRUE(read_text(up) == data) << "upload differs";
  auto get = run(ssh("ed25519", {target(), "cat " + up}));
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(get.out == data) << "download differs, " << get.out.size() << " bytes";
  auto err = run(ssh("ed25519", {target(), "cat " + up + " >&2"}));
  ASSERT_EQ(err.exit_code, 0);
  EXPECT_EQ(err.out, "");
  EXPECT_TRUE(err.err == data) << "stderr differs, " << err.err.size() << " bytes";
}

TEST_F(SshdInteropTest, RekeyAndCompressionWorkAfterTheHandoff) {
  // Re-exchanges after authentication run in the user child, whose host key signatures
  // come from the monitor (post-auth Sign); zlib@openssh.com starts after the handoff.
  start();
  std::string data(20u * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 40503u) >> 7);
  std::string file = home_ + "/rekey";
  RunOptions in;
  in.stdin_data = data;
  auto put = run(ssh("ecdsa", {"-o", "RekeyLimit=2M", target(), "cat > " + file}), in);
  ASSERT_EQ(put.exit_code, 0) << put.err << sshd_->log();
  EXPECT_TRUE(read_text(file) == data);
  auto get = run(ssh("rsa", {"-o", "RekeyLimit=2M", "-o", "Compression=yes", target(), "cat " + file}));
  ASSERT_EQ(get.exit_code, 0) << get.err << sshd_->log();
  EXPECT_TRUE(get.out == data) << get.out.size();
}

TEST_F(SshdInteropTest, DirectTcpipForwardsAndPermitOpenRefuses) {
  start("PermitOpen 127.0.0.1:" + std::string("*") + "\n");
  // ssh -W: stdio through a direct-tcpip channel to our own listener.
  auto w = run(ssh("ed25519", {"-W", "127.0.0.1:" + std::to_string(port_), target()}));
  EXPECT_EQ(w.out.substr(0, 8), "SSH-2.0-") << w.err << sshd_->log();
  // A refused connect is an open failure, not a dead connection.
  auto refused = run(ssh("ed25519", {"-W", "127.0.0.1:1", target()}));
  EXPECT_EQ(refused.exit_code, 255);
  EXPECT_NE(refused.err.find("stdio forwarding failed"), std::string::npos) << refused.err;
  // PermitOpen only allows 127.0.0.1.
  auto denied = run(ssh("ed25519", {"-W", "localhost:" + std::to_string(port_), target()}));
  EXPECT_EQ(denied.exit_code, 255);
  EXPECT_TRUE(sshd_->wait_for_log("to connect to host localhost port " + std::to_string(port_) +
                                      ", but the request was denied.",
                                  5s))
      << sshd_->log();
}

TEST_F(SshdInteropTest, RemoteForwardingListensAndForwards) {
  start();
  int forwarded = free_port();
  BackgroundProcess client(ssh("ed25519", {"-N", "-o", "ExitOnForwardFailure=yes", "-R",
                                           std::to_string(forwarded) + ":127.0.0.1:" + std::to_string(port_),
                                           target()}),
                           dir_ / "client.log");
  std::string banner;
  for (int i = 0; i < 100 && banner.substr(0, 8) != "SSH-2.0-"; ++i) {
    std::this_thread::sleep_for(100ms);
    int fd = connect_loopback(forwarded);
    if (fd < 0) continue;
    char buf[64];
    timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) banner.assign(buf, static_cast<std::size_t>(n));
    ::close(fd);
  }
  EXPECT_EQ(banner.substr(0, 8), "SSH-2.0-") << client.log() << sshd_->log();
  // Port 0: the server picks one and says which (the client prints it).
  auto zero = run(ssh("ed25519", {"-v", "-R", "0:127.0.0.1:" + std::to_string(port_), target(),
                                  "true"}));
  EXPECT_EQ(zero.exit_code, 0) << zero.err;
  EXPECT_NE(zero.err.find("Allocated port "), std::string::npos) << zero.err;
}

TEST_F(SshdInteropTest, AgentForwardingGivesTheSessionTheClientsAgent) {
  start();
  std::string agent_sock = dir_ / "agent.sock";
  BackgroundProcess agent({"/usr/bin/ssh-agent", "-D", "-a", agent_sock}, dir_ / "agent.log");
  for (int i = 0; i < 100 && ::access(agent_sock.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(50ms);
  RunOptions with_agent;
  with_agent.env["SSH_AUTH_SOCK"] = agent_sock;
  ASSERT_EQ(run({"/usr/bin/ssh-add", "-q", dir_ / "id_ecdsa"}, with_agent).exit_code, 0);
  auto r = run(ssh("ed25519", {"-A", target(), "echo $SSH_AUTH_SOCK; ssh-add -l"}), with_agent);
  EXPECT_EQ(r.exit_code, 0) << r.err << sshd_->log();
  EXPECT_TRUE(r.out.starts_with("/tmp/ssh-")) << r.out;
  EXPECT_NE(r.out.find("(ECDSA)"), std::string::npos) << r.out;
  std::string socket_dir = r.out.substr(0, r.out.find("/agent."));
  for (int i = 0; i < 50 && ::access(socket_dir.c_str(), F_OK) == 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_NE(::access(socket_dir.c_str(), F_OK), 0) << "left behind: " << socket_dir;
  // Without -A the session has no agent.
  auto plain = run(ssh("ed25519", {target(), "echo \"[$SSH_AUTH_SOCK]\""}), with_agent);
  EXPECT_EQ(plain.out, "[]\n");
}

TEST_F(SshdInteropTest, SftpSubsystemMovesAFile) {
  start("Subsystem sftp /usr/lib/openssh/sftp-server\n");
  std::string src = dir_ / "payload";
  std::string data(3u * 1024 * 1024 + 17, 'x');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  write_text(src, data, 0644);
  std::string batch = dir_ / "batch";
  write_text(batch, "put " + src + " " + home_ + "/payload\nbye\n", 0644);
  auto r = run({"/usr/bin/sftp", "-b", batch, "-i", dir_ / "id_ed25519", "-P", std::to_string(port_), "-o",
                "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                target()});
  EXPECT_EQ(r.exit_code, 0) << r.err << sshd_->log();
  EXPECT_TRUE(read_text(home_ + "/payload") == data);
  EXPECT_NE(sshd_->log().find(std::string("subsystem request for sftp by user ") + kUser), std::string::npos);
}

// A subsystem sshd_config does not name: refused (Debian's ssh says so and exits 255)
// and logged as OpenSSH's sshd logs it.
TEST_F(SshdInteropTest, UnknownSubsystemIsRefusedAndLogged) {
  start("Subsystem sftp /usr/lib/openssh/sftp-server\n");
  auto r = run({"/usr/bin/ssh", "-s", "-i", dir_ / "id_ed25519", "-p", std::to_string(port_), "-o",
                "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", target(),
                "nosuch"});
  EXPECT_EQ(r.exit_code, 255) << r.err << sshd_->log();
  EXPECT_NE(r.err.find("subsystem request failed on channel 0"), std::string::npos) << r.err;
  EXPECT_NE(sshd_->log().find(std::string("subsystem request for nosuch by user ") + kUser +
                              " failed, subsystem not found"),
            std::string::npos)
      << sshd_->log();
}

TEST_F(SshdInteropTest, PtySessionGetsATerminal) {
  start();
  auto r = run(ssh("ed25519", {"-tt", target(), "tty; test -t 0 && echo interactive; exit 3"}));
  EXPECT_EQ(r.exit_code, 3) << r.err << sshd_->log();
  EXPECT_EQ(r.out.substr(0, 9), "/dev/pts/") << r.out;
  EXPECT_NE(r.out.find("interactive"), std::string::npos) << r.out;
  EXPECT_NE(sshd_->log().find("Starting session: command on pts/"), std::string::npos) << sshd_->log();
}

TEST_F(SshdInteropTest, ProcessTitlesAndUidsFollowPrivilegeSeparation) {
  start("LoginGraceTime 30\n");
  passwd* privsep = getpwnam("sshd");
  ASSERT_NE(privsep, nullptr);
  // Pre-auth: a connection that has not authenticated yet.
  int raw = connect_loopback(port_);
  ASSERT_GE(raw, 0);
  auto net = wait_title("sshd: [net]");
  ASSERT_TRUE(net.has_value());
  EXPECT_EQ(net->uid, privsep->pw_uid);
  // Waited for, not just looked up: under ctest -j2 the "[net]" found above may be
  // another test's sshd, whose "[accepted]" monitor can come and go at its own pace.
  auto accepted = wait_title("sshd: [accepted]");
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->uid, 0u);
  ::close(raw);

  // Post-auth: the monitor stays root, the user child runs as the user.
  BackgroundProcess client(ssh("ed25519", {target(), "sleep 3"}), dir_ / "client.log");
  auto priv = wait_title(std::string("sshd: ") + kUser + " [priv]");
  ASSERT_TRUE(priv.has_value()) << sshd_->log();
  EXPECT_EQ(priv->uid, 0u);
  auto user = wait_title(std::string("sshd: ") + kUser + "@notty");
  ASSERT_TRUE(user.has_value()) << sshd_->log();
  EXPECT_EQ(user->uid, uid_);
  EXPECT_EQ(client.wait(20s), 0) << client.log();
}

TEST_F(SshdInteropTest, SignalledCommandEndsWithExitSignal) {
  start();
  // OpenSSH's client exits 255 on exit-signal and names nothing on stderr at LogLevel ERROR.
  auto r = run(ssh("ed25519", {"-v", target(), "echo before; kill -TERM $$"}));
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "before\n");
  EXPECT_NE(r.err.find("client_input_channel_req: channel 0 rtype exit-signal reply 0"), std::string::npos)
      << r.err;
}

TEST_F(SshdInteropTest, UnresponsiveClientTimesOut) {
  start("ClientAliveInterval 1\nClientAliveCountMax 2\n");
  BackgroundProcess client(ssh("ed25519", {target(), "sleep 30"}), dir_ / "client.log");
  ASSERT_TRUE(wait_title(std::string("sshd: ") + kUser + "@notty").has_value()) << sshd_->log();
  ASSERT_EQ(::kill(client.pid(), SIGSTOP), 0);  // it stops answering keepalives
  EXPECT_TRUE(sshd_->wait_for_log(std::string("Timeout, client not responding from user ") + kUser +
                                      " 127.0.0.1 port ",
                                  15s))
      << sshd_->log();
  ::kill(client.pid(), SIGCONT);
}

TEST_F(SshdInteropTest, PreauthDisconnectIsLoggedAsOpenSsh) {
  start();
  int fd = connect_loopback(port_);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "SSH-2.0-probe\r\n", 15), 15);
  std::this_thread::sleep_for(300ms);
  char buf[4096];
  while (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
  }
  ::shutdown(fd, SHUT_WR);  // a clean EOF (unread data would make it a reset)
  EXPECT_TRUE(sshd_->wait_for_log(" [preauth]", 10s)) << sshd_->log();
  ::close(fd);
  EXPECT_NE(sshd_->log().find("Connection closed by 127.0.0.1 port "), std::string::npos) << sshd_->log();
}

TEST_F(SshdInteropTest, SandboxKillsAPreauthChildThatBreaksItsRules) {
  ::setenv("SSHD_TEST_PREAUTH_FORBIDDEN_SYSCALL", "1", 1);
  start();
  ::unsetenv("SSHD_TEST_PREAUTH_FORBIDDEN_SYSCALL");
  auto r = run(ssh("ed25519", {target(), "true"}));
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_TRUE(sshd_->wait_for_log("preauth child terminated by signal 31", 10s)) << sshd_->log();
}

}  // namespace
}  // namespace sshpp::test

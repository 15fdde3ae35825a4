// Our ssh against Debian's OpenSSH 9.2: sshd as the server (public keys of every type, exit
// codes, 50 MiB each way, stdin EOF, scp/sftp/rsync over it, forwarding, known_hosts flows,
// password through SSH_ASKPASS, a pty session with a resize and ~.), and Debian's own ssh
// as the reference for what is printed on stderr in the same situations (its "-G" output
// is compared in ssh_client_dump_interop_test.cpp).
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>

#include "support/process.hpp"
#include "support/pty_session.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace {

using sshpp::test::read_text;
using sshpp::test::run;
using sshpp::test::run_account_tool;
using sshpp::test::RunOptions;
using sshpp::test::RunResult;
using sshpp::test::write_text;

constexpr const char* kDebianSsh = "/usr/bin/ssh";
constexpr const char* kKeygen = "/usr/bin/ssh-keygen";

// Debian's sshd runs with LogLevel DEBUG1 and -e: its session child logs a few lines to the
// channel's stderr before it runs the command (Debian's ssh shows them too).
std::string without_server_debug(std::string err) {
  while (err.starts_with("debug1: ")) {
    std::size_t end = err.find("\r\n");
    if (end == std::string::npos) break;
    err.erase(0, end + 2);
  }
  return err;
}

std::string first_two_words(const std::string& line) {
  std::istringstream in(line);
  std::string a, b;
  in >> a >> b;
  return a + " " + b;
}

// A throw-away account for password authentication (sshd: UsePAM no, PasswordAuthentication yes).
class TemporaryUser {
 public:
  TemporaryUser(std::string name, const std::string& password) : name_(std::move(name)) {
    run_account_tool({"/usr/sbin/userdel", "-r", name_});
    created_ = run_account_tool({"/usr/sbin/useradd", "-m", "-s", "/bin/sh", name_}).exit_code == 0;
    RunOptions in;
    in.stdin_data = name_ + ":" + password + "\n";
    created_ = created_ && run_account_tool({"/usr/sbin/chpasswd"}, in).exit_code == 0;
  }
  ~TemporaryUser() { run_account_tool({"/usr/sbin/userdel", "-r", "-f", name_}); }
  bool created() const { return created_; }

 private:
  std::string name_;
  bool created_ = false;
};

// One Debian sshd with client keys of every type authorised for root.
class SshClientInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::string type : {"ed25519", "ecdsa", "rsa"}) {
      const std::string key = dir_ / ("id_" + type);
      ASSERT_EQ(run({kKeygen, "-q", "-t", type, "-N", "", "-f", key}).exit_code, 0);
      authorized_ += read_text(key + ".pub");
    }
    write_text(dir_ / "authorized_keys", authorized_);
    sshd_ = std::make_unique<sshpp::test::DebianSshd>(
        dir_.path(), "AuthorizedKeysFile " + (dir_ / "authorized_keys") + "\nAcceptEnv SSHPP_*\nSubsystem sftp /usr/lib/openssh/sftp-server\n");
    port_ = std::to_string(sshd_->port());
    host_name_ = "[127.0.0.1]:" + port_;
    write_text(known_hosts(), host_name_ + " " + first_two_words(read_text(dir_ / "ssh_host_ed25519_key.pub")) + "\n");
  }

  std::string known_hosts() const { return dir_ / "known_hosts"; }

  // Common options, identical for our ssh and Debian's: no configuration files, our own
  // known_hosts, no prompts.
  std::vector<std::string> args(const std::string& program, const std::vector<std::string>& extra,
                                const std::string& key = "id_ed25519", bool batch = true) const {
    std::vector<std::string> a{program, "-F", "none", "-p", port_, "-i", dir_ / key, "-o", "IdentitiesOnly=yes",
                               "-o", "UserKnownHostsFile=" + known_hosts(), "-o", "GlobalKnownHostsFile=/dev/null",
                               "-o", batch ? "BatchMode=yes" : "BatchMode=no"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  RunResult ours(const std::vector<std::string>& extra, const RunOptions& o = {}, const std::string& key = "id_ed25519") {
    return run(args(sshpp::test::our_bin("ssh"), extra, key), o);
  }
  RunResult debian(const std::vector<std::string>& extra, const RunOptions& o = {}) {
    return run(args(kDebianSsh, extra), o);
  }

  sshpp::test::TempDir dir_;
  std::string authorized_;
  std::unique_ptr<sshpp::test::DebianSshd> sshd_;
  std::string port_;
  std::string host_name_;
};

TEST_F(SshClientInterop, PublickeyOfEveryType) {
  for (std::string key : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
    auto r = ours({"127.0.0.1", "echo", "ok"}, {}, key);
    EXPECT_EQ(r.exit_code, 0) << key << ": " << r.err << sshd_->log();
    EXPECT_EQ(r.out, "ok\n") << key;
  }
}

TEST_F(SshClientInterop, ExitStatusAndSignals) {
  EXPECT_EQ(ours({"127.0.0.1", "exit 3"}).exit_code, 3);
  EXPECT_EQ(ours({"127.0.0.1", "true"}).exit_code, 0);
  // exit-signal carries no status: ssh exits 255, as Debian's does.
  auto ours_killed = ours({"127.0.0.1", "kill -9 $$"});
  auto debian_killed = debian({"127.0.0.1", "kill -9 $$"});
  EXPECT_EQ(ours_killed.exit_code, 255);
  EXPECT_EQ(debian_killed.exit_code, 255);
  EXPECT_EQ(ours_killed.err, debian_killed.err);
}

TEST_F(SshClientInterop, ClosedStdoutEndsTheCommandLikeDebian) {
  for (std::string program : {sshpp::test::our_bin("ssh"), std::string(kDebianSsh)}) {
    std::string line;
    for (const std::string& a : args(program, {"127.0.0.1", "yes"})) line += "'" + a + "' ";
    RunOptions o;
    o.timeout_seconds = 20;
    auto r = run({"/bin/bash", "-c", line + "| head -1; echo status=${PIPESTATUS[0]}"}, o);
    EXPECT_EQ(r.out, "y\nstatus=255\n") << program << r.err;
  }
}

TEST_F(SshClientInterop, CommandWordsAreJoinedWithSpaces) {
  auto r = ours({"127.0.0.1", "printf", "'%s|'", "a", "b c"});
  EXPECT_EQ(r.out, "a|b|c|");
}

TEST_F(SshClientInterop, FiftyMebibytesEachWayKeepStreamsApart) {
  constexpr std::size_t kSize = 50u * 1024 * 1024;
  auto r = ours({"127.0.0.1", "head -c 52428800 /dev/zero; head -c 52428800 /dev/zero | tr '\\0' e >&2"});
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 200);
  const std::string err = without_server_debug(r.err);
  EXPECT_EQ(r.out.size(), kSize);
  EXPECT_EQ(err.size(), kSize);
  EXPECT_EQ(r.out.find_first_not_of('\0'), std::string::npos);
  EXPECT_EQ(err.find_first_not_of('e'), std::string::npos);

  RunOptions in;
  in.stdin_data.resize(kSize);
  for (std::size_t i = 0; i < kSize; ++i) in.stdin_data[i] = static_cast<char>((i * 7919u) >> 3);
  auto echo = ours({"127.0.0.1", "cat"}, in);
  ASSERT_EQ(echo.exit_code, 0) << echo.err;
  EXPECT_TRUE(echo.out == in.stdin_data) << "echoed " << echo.out.size() << " bytes";
}

TEST_F(SshClientInterop, StdinEofReachesTheCommand) {
  RunOptions in;
  in.stdin_data = "abc";
  auto r = ours({"127.0.0.1", "cat; echo END"}, in);
  EXPECT_EQ(r.out, "abcEND\n");
  // -n: the command sees EOF at once.
  auto n = ours({"-n", "127.0.0.1", "cat; echo END"}, in);
  EXPECT_EQ(n.out, "END\n");
}

// Debian's scp (SFTP and legacy protocol) and sftp run our ssh as their transport (-S).
TEST_F(SshClientInterop, DebianScpAndSftpOverOurSsh) {
  const std::string wrapper = dir_ / "ssh-wrapper.sh";
  std::string fixed;
  for (const std::string& a : args(sshpp::test::our_bin("ssh"), {})) fixed += "'" + a + "' ";
  write_text(wrapper, "#!/bin/sh\nexec " + fixed + "\"$@\"\n", 0755);
  std::string payload(3u * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131u >> 5);
  write_text(dir_ / "payload", payload);
  for (std::string mode : {"-s", "-O"}) {
    const std::string copy = dir_ / ("copy" + mode);
    auto r = run({"/usr/bin/scp", mode, "-S", wrapper, "-P", port_, dir_ / "payload", "127.0.0.1:" + copy});
    EXPECT_EQ(r.exit_code, 0) << mode << r.err;
    EXPECT_TRUE(read_text(copy) == payload) << mode;
  }
  RunOptions batch;
  batch.stdin_data = "get " + (dir_ / "payload") + " " + (dir_ / "fetched") + "\n";
  auto s = run({"/usr/bin/sftp", "-S", wrapper, "-P", port_, "-b", "-", "127.0.0.1"}, batch);
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_TRUE(read_text(dir_ / "fetched") == payload);
}

// rsync -e with our ssh, as backups use it: a tree with awkward names, a link, a
// binary file and a mode, there and back, identical; -v shows the one command string
// rsync asked for, as OpenSSH's "Sending command:" line.
TEST_F(SshClientInterop, RsyncOverOurSsh) {
  const std::string wrapper = dir_ / "ssh-wrapper.sh";
  std::string fixed;
  for (const std::string& a : args(sshpp::test::our_bin("ssh"), {})) fixed += "'" + a + "' ";
  write_text(wrapper, "#!/bin/sh\nexec " + fixed + "\"$@\"\n", 0755);
  const std::string src = dir_ / "src";
  std::filesystem::create_directories(src + "/sub/deep");
  std::string binary(1024 * 1024 + 5, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 2654435761u >> 13);
  write_text(src + "/sub/deep/bin", binary, 0640);
  write_text(src + "/sp ace", "spaced\n", 0644);
  write_text(src + "/quo'te", "quoted\n", 0600);
  ::symlink("sp ace", (src + "/link").c_str());
  auto there = run({"/usr/bin/rsync", "-a", "-e", wrapper, src + "/", "127.0.0.1:" + (dir_ / "dest") + "/"});
  ASSERT_EQ(there.exit_code, 0) << there.err;
  auto back = run({"/usr/bin/rsync", "-a", "-e", wrapper, "127.0.0.1:" + (dir_ / "dest") + "/", dir_ / "back"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  for (const std::string& copy : {dir_ / "dest", dir_ / "back"}) {
    auto diff = run({"/usr/bin/diff", "-r", "--no-dereference", src, copy});
    EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
    struct stat st {};
    ASSERT_EQ(::stat((copy + "/sub/deep/bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u) << copy;
  }
  auto verbose = run({"/usr/bin/rsync", "-a", "-e", wrapper + " -v", src + "/", "127.0.0.1:" + (dir_ / "dest2")});
  EXPECT_EQ(verbose.exit_code, 0) << verbose.err;
  EXPECT_NE(verbose.err.find("debug1: Sending command: rsync --server "), std::string::npos) << verbose.err;
}

TEST_F(SshClientInterop, StdioForwardProxyCommandAndProxyJump) {
  // -W: the server's banner comes back through the forwarded channel.
  RunOptions banner;
  banner.stdin_data = "SSH-2.0-probe\r\n";
  auto w = ours({"-W", "127.0.0.1:" + port_, "127.0.0.1"}, banner);
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(w.out.starts_with("SSH-2.0-OpenSSH_9.2")) << w.out.substr(0, 40);
  auto refused = ours({"-W", "127.0.0.1:" + std::to_string(sshpp::test::free_port()), "127.0.0.1"});
  auto refused_debian = debian({"-W", "127.0.0.1:" + std::to_string(sshpp::test::free_port()), "127.0.0.1"});
  EXPECT_EQ(refused.exit_code, 255);
  EXPECT_EQ(without_server_debug(refused.err), without_server_debug(refused_debian.err));

  // A configuration both hops read (ProxyJump passes -F on).
  const std::string cfg = dir_ / "jump.cfg";
  write_text(cfg, "Host *\n  Port " + port_ + "\n  IdentityFile " + (dir_ / "id_ed25519") + "\n  UserKnownHostsFile " +
                      known_hosts() + "\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking accept-new\n"
                      "  BatchMode yes\n");
  const std::string ssh = sshpp::test::our_bin("ssh");
  auto proxied = run({ssh, "-F", cfg, "-o", "ProxyCommand=" + ssh + " -F " + cfg + " -W %h:%p 127.0.0.1", "127.0.0.1",
                      "echo", "via-proxy"});
  EXPECT_EQ(proxied.exit_code, 0) << proxied.err;
  EXPECT_EQ(proxied.out, "via-proxy\n");
  auto jumped = run({ssh, "-v", "-F", cfg, "-J", "localhost", "127.0.0.1", "echo", "via-jump"});
  EXPECT_EQ(jumped.exit_code, 0) << jumped.err;
  EXPECT_EQ(jumped.out, "via-jump\n");
  EXPECT_NE(jumped.err.find("debug1: Setting implicit ProxyCommand from ProxyJump: " + ssh + " -F " + cfg +
                            " -v -W '[%h]:%p' localhost\r\n"),
            std::string::npos)
      << jumped.err;
  EXPECT_NE(jumped.err.find("Authenticated to 127.0.0.1 ([UNKNOWN]:65535) using \"publickey\"."), std::string::npos);
  // Debian's ssh hops through ours.
  auto mixed = run({kDebianSsh, "-F", cfg, "-o", "ProxyCommand=" + ssh + " -F " + cfg + " -W %h:%p 127.0.0.1",
                    "127.0.0.1", "echo", "debian-through-ours"});
  EXPECT_EQ(mixed.out, "debian-through-ours\n") << mixed.err;
}

// Reads the SSH banner of whatever listens on `port` (retries while a forwarder starts).
std::string banner_at(int port) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int fd = sshpp::test::connect_loopback(port);
    if (fd >= 0) {
      std::string got;
      char buf[256];
      pollfd p{fd, POLLIN, 0};
      while (got.find('\n') == std::string::npos && ::poll(&p, 1, 5000) > 0) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
      }
      ::close(fd);
      if (!got.empty()) return got;
    }
    usleep(100 * 1000);
  }
  return "";
}

TEST_F(SshClientInterop, LocalAndRemoteForwarding) {
  const int local = sshpp::test::free_port();
  const int remote = sshpp::test::free_port();
  sshpp::test::BackgroundProcess forwarder(
      args(sshpp::test::our_bin("ssh"), {"-N", "-L", "127.0.0.1:" + std::to_string(local) + ":127.0.0.1:" + port_,
                                          "-R", std::to_string(remote) + ":127.0.0.1:" + port_, "127.0.0.1"}),
      dir_ / "forwarder.log");
  EXPECT_TRUE(banner_at(local).starts_with("SSH-2.0-OpenSSH_9.2")) << forwarder.log();
  EXPECT_TRUE(banner_at(remote).starts_with("SSH-2.0-OpenSSH_9.2")) << forwarder.log();
  // A whole ssh session (5 MiB each way) through the local forward.
  RunOptions in;
  in.stdin_data.assign(5u * 1024 * 1024, 'f');
  auto through = run({sshpp::test::our_bin("ssh"), "-F", "none", "-p", std::to_string(local), "-i", dir_ / "id_ed25519",
                      "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                      "127.0.0.1", "cat"},
                     in);
  EXPECT_EQ(through.exit_code, 0) << through.err;
  EXPECT_TRUE(through.out == in.stdin_data) << through.out.size();
}

TEST_F(SshClientInterop, DynamicForwardingSocks5) {
  const int socks = sshpp::test::free_port();
  sshpp::test::BackgroundProcess forwarder(
      args(sshpp::test::our_bin("ssh"), {"-N", "-D", "127.0.0.1:" + std::to_string(socks), "127.0.0.1"}),
      dir_ / "socks.log");
  int fd = -1;
  for (int attempt = 0; attempt < 50 && fd < 0; ++attempt) {
    fd = sshpp::test::connect_loopback(socks);
    if (fd < 0) usleep(100 * 1000);
  }
  ASSERT_GE(fd, 0) << forwarder.log();
  const int port = sshd_->port();
  const unsigned char req[] = {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, static_cast<unsigned char>(port >> 8),
                               static_cast<unsigned char>(port & 0xff)};
  ASSERT_EQ(::write(fd, req, sizeof req), static_cast<ssize_t>(sizeof req));
  std::string got;
  char buf[256];
  pollfd p{fd, POLLIN, 0};
  while (got.find("SSH-2.0-") == std::string::npos && ::poll(&p, 1, 10000) > 0) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_EQ(got.substr(0, 12), std::string("\x05\x00\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12));
  EXPECT_NE(got.find("SSH-2.0-OpenSSH_9.2"), std::string::npos) << forwarder.log();
}

TEST_F(SshClientInterop, LocalCommandLikeDebian) {
  const std::vector<std::string> extra{"-o", "PermitLocalCommand=yes", "-o", "LocalCommand=echo local %h %p %r %T",
                                       "127.0.0.1", "echo", "remote"};
  auto o = ours(extra), d = debian(extra);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, d.out);
  EXPECT_EQ(o.out, "local 127.0.0.1 " + port_ + " root NONE\nremote\n");
}

TEST_F(SshClientInterop, SendEnvAndSetEnv) {
  RunOptions o;
  o.env = {{"SSHPP_A", "one"}, {"SSHPP_UNSENT", "x"}};
  auto r = ours({"-o", "SendEnv=SSHPP_A", "-o", "SetEnv=SSHPP_B=two", "127.0.0.1", "echo $SSHPP_A-$SSHPP_B-$SSHPP_UNSENT"},
                o);
  EXPECT_EQ(r.out, "one-two-\n") << r.err;
}

TEST_F(SshClientInterop, ShellOnPipesLikeDebian) {
  RunOptions o;
  o.stdin_data = "echo from-shell\nexit 6\n";
  auto r = ours({"127.0.0.1"}, o);
  auto d = debian({"127.0.0.1"}, o);
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_EQ(r.out, "from-shell\n");
  EXPECT_EQ(r.err, d.err);
  EXPECT_TRUE(r.err.starts_with("Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n"));
}

TEST_F(SshClientInterop, RekeysDuringATransfer) {
  RunOptions in;
  in.stdin_data.resize(20u * 1024 * 1024);
  for (std::size_t i = 0; i < in.stdin_data.size(); ++i) in.stdin_data[i] = static_cast<char>(i * 31u >> 4);
  auto r = ours({"-o", "RekeyLimit=256K", "127.0.0.1", "cat"}, in);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out == in.stdin_data) << r.out.size();
}

TEST_F(SshClientInterop, LogFileTakesTheDebugLines) {
  const std::string log = dir_ / "ssh.log";
  auto r = ours({"-v", "-E", log, "127.0.0.1", "true"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.find("debug1: Connecting to"), std::string::npos);
  EXPECT_NE(read_text(log).find("debug1: Connecting to 127.0.0.1 [127.0.0.1] port " + port_ + ".\n"),
            std::string::npos);
}

TEST_F(SshClientInterop, AcceptNewAddsTheHostLine) {
  write_text(known_hosts(), "");
  auto r = ours({"-o", "StrictHostKeyChecking=accept-new", "-o", "HostKeyAlgorithms=ssh-ed25519", "127.0.0.1", "true"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.substr(0, r.err.find("debug1: ")),
            "Warning: Permanently added '" + host_name_ + "' (ED25519) to the list of known hosts.\r\n");
  EXPECT_EQ(read_text(known_hosts()),
            host_name_ + " " + first_two_words(read_text(dir_ / "ssh_host_ed25519_key.pub")) + "\n");
  // Debian's ssh accepts the line we wrote.
  auto d = debian({"-o", "StrictHostKeyChecking=yes", "127.0.0.1", "true"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
}

TEST_F(SshClientInterop, HashedLineIsReadByDebian) {
  write_text(known_hosts(), "");
  auto r = ours({"-o", "StrictHostKeyChecking=no", "-o", "HashKnownHosts=yes", "127.0.0.1", "true"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(read_text(known_hosts()).starts_with("|1|"));
  auto d = debian({"-o", "StrictHostKeyChecking=yes", "127.0.0.1", "true"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
}

TEST_F(SshClientInterop, UnknownHostWithStrictCheckingIsRefusedLikeDebian) {
  write_text(known_hosts(), "");
  auto o = ours({"-o", "StrictHostKeyChecking=yes", "127.0.0.1", "true"});
  auto d = debian({"-o", "StrictHostKeyChecking=yes", "127.0.0.1", "true"});
  EXPECT_EQ(o.exit_code, 255);
  EXPECT_EQ(d.exit_code, 255);
  EXPECT_EQ(o.err, d.err);
  EXPECT_NE(o.err.find("Host key verification failed."), std::string::npos);
}

TEST_F(SshClientInterop, ChangedKeyIsRefusedWithDebiansWarning) {
  const std::string other = dir_ / "other_ecdsa";
  ASSERT_EQ(run({kKeygen, "-q", "-t", "ecdsa", "-N", "", "-f", other}).exit_code, 0);
  write_text(known_hosts(), "# c\n" + host_name_ + " " + first_two_words(read_text(other + ".pub")) + "\n");
  for (std::string strict : {"yes", "accept-new", "ask"}) {
    auto o = ours({"-o", "StrictHostKeyChecking=" + strict, "127.0.0.1", "true"});
    auto d = debian({"-o", "StrictHostKeyChecking=" + strict, "127.0.0.1", "true"});
    EXPECT_EQ(o.exit_code, 255);
    EXPECT_EQ(o.err, d.err) << strict;
    EXPECT_NE(o.err.find("@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @"), std::string::npos);
    EXPECT_NE(o.err.find("Offending ECDSA key in " + known_hosts() + ":2"), std::string::npos);
  }
  // StrictHostKeyChecking=no goes on with public keys only.
  auto o = ours({"-o", "StrictHostKeyChecking=no", "127.0.0.1", "echo", "in"});
  auto d = debian({"-o", "StrictHostKeyChecking=no", "127.0.0.1", "echo", "in"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "in\n");
  EXPECT_EQ(o.err, d.err);
}

TEST_F(SshClientInterop, RevokedKeyLikeDebian) {
  write_text(known_hosts(), "@revoked * " + first_two_words(read_text(dir_ / "ssh_host_ed25519_key.pub")) + "\n");
  auto o = ours({"-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlgorithms=ssh-ed25519", "127.0.0.1", "true"});
  auto d = debian({"-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlgorithms=ssh-ed25519", "127.0.0.1", "true"});
  EXPECT_EQ(o.exit_code, 255);
  EXPECT_EQ(o.err, d.err);
}

TEST_F(SshClientInterop, VisualHostKeyAndMd5LikeDebian) {
  for (std::vector<std::string> extra : std::vector<std::vector<std::string>>{
           {"-o", "VisualHostKey=yes"}, {"-o", "VisualHostKey=yes", "-o", "FingerprintHash=md5"}}) {
    extra.insert(extra.end(), {"-o", "HostKeyAlgorithms=ssh-ed25519", "127.0.0.1", "true"});
    auto o = ours(extra), d = debian(extra);
    EXPECT_EQ(o.exit_code, 0);
    EXPECT_EQ(without_server_debug(o.err), without_server_debug(d.err));
    EXPECT_NE(o.err.find("Host key fingerprint is "), std::string::npos);
  }
}

TEST_F(SshClientInterop, DeniedLikeDebian) {
  auto o = ours({"-l", "nobody", "127.0.0.1", "true"});
  auto d = debian({"-l", "nobody", "127.0.0.1", "true"});
  EXPECT_EQ(o.exit_code, 255);
  EXPECT_EQ(o.err, d.err);
  EXPECT_NE(o.err.find("nobody@127.0.0.1: Permission denied ("), std::string::npos) << o.err;
}

TEST_F(SshClientInterop, VerboseLinesReadLikeOpenSsh) {
  auto r = ours({"-v", "127.0.0.1", "exit 4"});
  EXPECT_EQ(r.exit_code, 4);
  for (std::string line : {"debug1: Connecting to 127.0.0.1 [127.0.0.1] port " + port_ + ".\r\n",
                           std::string("debug1: Connection established.\r\n"),
                           "debug1: Authenticating to 127.0.0.1:" + port_ + " as 'root'\r\n",
                           "debug1: Host '" + host_name_ + "' is known and matches the ED25519 host key.\r\n",
                           "Authenticated to 127.0.0.1 ([127.0.0.1]:" + port_ + ") using \"publickey\".\r\n",
                           std::string("debug1: Sending command: exit 4\r\n"),
                           std::string("debug1: Exit status 4\r\n")})
    EXPECT_NE(r.err.find(line), std::string::npos) << line << "in:\n" << r.err;
  const std::vector<std::string> quiet{"-q", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                                      "127.0.0.1", "true"};
  auto q = ours(quiet);
  EXPECT_EQ(q.err, debian(quiet).err);
  EXPECT_EQ(q.err.find("Warning"), std::string::npos);
}

TEST_F(SshClientInterop, ServerAliveTimeoutLikeDebian) {
  // The command stops its own sshd session process: the server goes silent.
  const std::string pid_file = dir_ / "session_pid";
  for (std::string program : {sshpp::test::our_bin("ssh"), std::string(kDebianSsh)}) {
    RunOptions o;
    o.timeout_seconds = 30;
    auto r = run(args(program, {"-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2", "127.0.0.1",
                                "echo $PPID > " + pid_file + "; kill -STOP $PPID; sleep 20"}),
                 o);
    EXPECT_EQ(r.exit_code, 255) << program;
    EXPECT_EQ(without_server_debug(r.err), "Timeout, server 127.0.0.1 not responding.\r\n") << program;
    const std::string pid = read_text(pid_file);
    ASSERT_FALSE(pid.empty());
    const pid_t session = static_cast<pid_t>(std::stol(pid));
    ::kill(session, SIGCONT);
    ::kill(session, SIGTERM);
  }
}

TEST_F(SshClientInterop, PasswordThroughAskpass) {
  TemporaryUser user("sshpph4pw", "Corr3ct-h0rse");
  ASSERT_TRUE(user.created());
  const std::string askpass = dir_ / "askpass.sh";
  write_text(askpass, "#!/bin/sh\necho \"$1\" >> " + (dir_ / "prompts") + "\necho Corr3ct-h0rse\n", 0755);
  RunOptions o;
  o.env = {{"SSH_ASKPASS", askpass}, {"SSH_ASKPASS_REQUIRE", "force"}};
  o.unset_env = {"DISPLAY"};
  o.new_session = true;
  auto r = run({sshpp::test::our_bin("ssh"), "-F", "none", "-p", port_, "-o", "UserKnownHostsFile=" + known_hosts(),
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "PreferredAuthentications=password",
                "-o", "PubkeyAuthentication=no", "sshpph4pw@127.0.0.1", "id -un"},
               o);
  EXPECT_EQ(r.exit_code, 0) << r.err << sshd_->log();
  EXPECT_EQ(r.out, "sshpph4pw\n");
  EXPECT_EQ(read_text(dir_ / "prompts"), "sshpph4pw@127.0.0.1's password: \n");
}

TEST_F(SshClientInterop, EncryptedKeyPassphraseThroughAskpass) {
  const std::string key = dir_ / "id_locked";
  ASSERT_EQ(run({kKeygen, "-q", "-t", "ed25519", "-N", "s3cret", "-f", key}).exit_code, 0);
  write_text(dir_ / "authorized_keys", authorized_ + read_text(key + ".pub"));
  const std::string askpass = dir_ / "askpass.sh";
  write_text(askpass, "#!/bin/sh\necho \"$1\" >> " + (dir_ / "prompts") + "\necho s3cret\n", 0755);
  RunOptions o;
  o.env = {{"SSH_ASKPASS", askpass}, {"SSH_ASKPASS_REQUIRE", "force"}};
  o.new_session = true;
  auto r = run(args(sshpp::test::our_bin("ssh"), {"127.0.0.1", "echo", "unlocked"}, "id_locked", false), o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "unlocked\n");
  EXPECT_EQ(read_text(dir_ / "prompts"), "Enter passphrase for key '" + key + "': \n");
}

TEST_F(SshClientInterop, WrongPasswordsRunOutLikeDebian) {
  TemporaryUser user("sshpph4pw2", "Corr3ct-h0rse");
  ASSERT_TRUE(user.created());
  const std::string askpass = dir_ / "askpass.sh";
  write_text(askpass, "#!/bin/sh\necho wrong\n", 0755);
  RunOptions o;
  o.env = {{"SSH_ASKPASS", askpass}, {"SSH_ASKPASS_REQUIRE", "force"}};
  o.new_session = true;
  auto common = std::vector<std::string>{"-F", "none", "-p", port_, "-o", "UserKnownHostsFile=" + known_hosts(),
                                         "-o", "GlobalKnownHostsFile=/dev/null", "-o",
                                         "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=2",
                                         "sshpph4pw2@127.0.0.1", "true"};
  std::vector<std::string> a{sshpp::test::our_bin("ssh")}, b{kDebianSsh};
  a.insert(a.end(), common.begin(), common.end());
  b.insert(b.end(), common.begin(), common.end());
  auto ours_r = run(a, o);
  auto debian_r = run(b, o);
  EXPECT_EQ(ours_r.exit_code, 255);
  EXPECT_EQ(ours_r.err, debian_r.err);
}

TEST_F(SshClientInterop, HostKeyPromptOnTheTerminal) {
  for (std::string program : {sshpp::test::our_bin("ssh"), std::string(kDebianSsh)}) {
    write_text(known_hosts(), "");
    sshpp::test::PtySession pty(args(program, {"-o", "StrictHostKeyChecking=ask", "-o", "HostKeyAlgorithms=ssh-ed25519",
                                               "127.0.0.1", "echo", "connected"},
                                     "id_ed25519", false));
    ASSERT_TRUE(pty.expect("Are you sure you want to continue connecting (yes/no/[fingerprint])? ")) << pty.output();
    pty.send("perhaps\n");
    ASSERT_TRUE(pty.expect("Please type 'yes', 'no' or the fingerprint: ")) << pty.output();
    pty.send("yes\n");
    ASSERT_TRUE(pty.expect("connected\r\n")) << pty.output();
    EXPECT_EQ(pty.wait(), 0);
    const std::string& out = pty.output();
    const std::string fp = run({kKeygen, "-l", "-f", dir_ / "ssh_host_ed25519_key.pub"}).out;
    EXPECT_NE(out.find("\rThe authenticity of host '" + host_name_ + " (" + host_name_ +
                       ")' can't be established.\r\nED25519 key fingerprint is " + fp.substr(fp.find("SHA256:"), 50)),
              std::string::npos)
        << program << "\n" << out;
    EXPECT_NE(out.find("This key is not known by any other names.\r\n"), std::string::npos) << program;
    EXPECT_NE(out.find("Warning: Permanently added '" + host_name_ + "' (ED25519) to the list of known hosts."),
              std::string::npos)
        << program;
  }
}

TEST_F(SshClientInterop, PasswordPromptOnTheTerminal) {
  TemporaryUser user("sshpph4tty", "Tty-pass-1");
  ASSERT_TRUE(user.created());
  sshpp::test::PtySession pty({sshpp::test::our_bin("ssh"), "-F", "none", "-p", port_, "-o",
                               "UserKnownHostsFile=" + known_hosts(), "-o", "GlobalKnownHostsFile=/dev/null", "-o",
                               "PreferredAuthentications=password", "sshpph4tty@127.0.0.1", "id -un"},
                              {}, {"SSH_ASKPASS", "DISPLAY"});
  ASSERT_TRUE(pty.expect("sshpph4tty@127.0.0.1's password: ")) << pty.output();
  pty.send("wrong\n");
  ASSERT_TRUE(pty.expect("Permission denied, please try again.")) << pty.output();
  ASSERT_TRUE(pty.expect("sshpph4tty@127.0.0.1's password: ")) << pty.output();
  pty.send("Tty-pass-1\n");
  ASSERT_TRUE(pty.expect("sshpph4tty\r\n")) << pty.output();
  EXPECT_EQ(pty.wait(), 0);
  EXPECT_EQ(pty.output().find("Tty-pass-1"), std::string::npos);  // not echoed
}

// ---- a pty session --------------------------------------------------------------

// A child on a pty whose size we control (PtySession has no resize).
class SizedPty {
 public:
  SizedPty(const std::vector<std::string>& argv, unsigned short rows, unsigned short cols) {
    winsize ws{rows, cols, 0, 0};
    pid_ = ::forkpty(&master_, nullptr, nullptr, &ws);
    if (pid_ == 0) {
      std::vector<char*> v;
      for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
      v.push_back(nullptr);
      ::setenv("TERM", "xterm", 1);
      ::execv(v[0], v.data());
      ::_exit(127);
    }
  }
  ~SizedPty() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  bool expect(const std::string& text, int timeout_ms = 20000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (output_.find(text, matched_) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) return false;
      output_.append(buf, static_cast<std::size_t>(n));
    }
    matched_ = output_.find(text, matched_) + text.size();
    return true;
  }
  void send(const std::string& s) { (void)::write(master_, s.data(), s.size()); }
  void resize(unsigned short rows, unsigned short cols) {
    winsize ws{rows, cols, 0, 0};
    ::ioctl(master_, TIOCSWINSZ, &ws);  // the kernel sends SIGWINCH to the foreground group
  }
  int wait(int timeout_ms = 20000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      char buf[4096];
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        ssize_t n = ::read(master_, buf, sizeof buf);
        if (n > 0) output_.append(buf, static_cast<std::size_t>(n));
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }
  const std::string& output() const { return output_; }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string output_;
  std::size_t matched_ = 0;
};

TEST_F(SshClientInterop, PtySessionResizeAndEscape) {
  SizedPty pty(args(sshpp::test::our_bin("ssh"),
                    {"-t", "127.0.0.1", "stty size; echo READY; read x; stty size; echo TERM=$TERM; cat"}),
               30, 100);
  ASSERT_TRUE(pty.expect("30 100\r\n")) << pty.output();
  ASSERT_TRUE(pty.expect("READY\r\n")) << pty.output();
  pty.resize(40, 120);
  usleep(300 * 1000);  // let SIGWINCH reach the server before the next line asks
  pty.send("go\r");
  ASSERT_TRUE(pty.expect("40 120\r\n")) << pty.output();
  ASSERT_TRUE(pty.expect("TERM=xterm\r\n")) << pty.output();
  pty.send("typed\r");
  ASSERT_TRUE(pty.expect("typed\r\n")) << pty.output();  // cooked remote tty echoes and cat repeats
  pty.send("~.");
  EXPECT_EQ(pty.wait(), 255) << pty.output();
  EXPECT_NE(pty.output().find("Connection to 127.0.0.1 closed.\r\r\n"), std::string::npos) << pty.output();
}

TEST_F(SshClientInterop, PtyEscapeHelpAndTildeTwice) {
  SizedPty pty(args(sshpp::test::our_bin("ssh"), {"-t", "127.0.0.1", "echo READY; cat"}), 24, 80);
  ASSERT_TRUE(pty.expect("READY\r\n")) << pty.output();
  pty.send("~?");
  ASSERT_TRUE(pty.expect("(Note that escapes are only recognized immediately after newline.)\r\n")) << pty.output();
  EXPECT_NE(pty.output().find(" ~.   - terminate connection (and any multiplexed sessions)\r\n"), std::string::npos);
  pty.send("~~x\r");
  ASSERT_TRUE(pty.expect("~x\r\n")) << pty.output();
  pty.send("a~.\r");  // not at a line start: plain data
  ASSERT_TRUE(pty.expect("a~.\r\n")) << pty.output();
  pty.send("\x04");   // ^D on the remote tty ends cat, and the session
  EXPECT_EQ(pty.wait(), 0) << pty.output();
}

}  // namespace

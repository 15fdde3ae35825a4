#include "support/transport_driver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/process.hpp"

namespace sshpp::test {

using namespace sshcore;
using namespace sshcore::transport;

namespace {
sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}
}  // namespace

int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(port);
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  close(fd);
  return -1;
}

int listen_loopback(int& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback(0);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

int free_port() {
  int port = 0;
  int fd = listen_loopback(port);
  close(fd);
  return port;
}

int accept_one(int listen_fd, std::chrono::milliseconds timeout) {
  pollfd p{listen_fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return -1;
  int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  int one = 1;
  if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::string drive(TransportSession& s, int fd,
                  const std::function<bool(const TransportEvent&, TransportSession&)>& on_event,
                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::uint8_t> buf(65536);
  bool peer_open = true;
  while (std::chrono::steady_clock::now() < deadline) {
    for (;;) {  // events first: they may produce output
      auto ev = s.next_event();
      if (!ev) {
        ByteView out = s.pending_output();  // flush the DISCONNECT
        if (!out.empty() && write(fd, out.data(), out.size()) > 0) s.consume_output(out.size());
        return ev.error().message();
      }
      if (!ev->has_value()) break;
      if (!on_event(**ev, s)) return "";
    }
    ByteView out = s.pending_output();
    pollfd p{fd, static_cast<short>((peer_open ? POLLIN : 0) | (out.empty() ? 0 : POLLOUT)), 0};
    if (!peer_open && out.empty()) return "peer closed the connection";
    int n = poll(&p, 1, 200);
    if (n < 0 && errno != EINTR) return std::string("poll: ") + std::strerror(errno);
    if (p.revents & POLLOUT) {
      ssize_t w = write(fd, out.data(), out.size());
      if (w > 0) s.consume_output(static_cast<std::size_t>(w));
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(fd, buf.data(), buf.size());
      if (r > 0) s.receive(ByteView(buf.data(), static_cast<std::size_t>(r)));
      else peer_open = false;
    }
    if (s.closed() && s.pending_output().empty()) return "session closed";
  }
  return "timed out";
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path)
    : log_path_(log_path) {
  pid_ = fork();
  if (pid_ == 0) {
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a test binary that was killed
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGTERM);
    if (wait(std::chrono::seconds(5)) < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::string BackgroundProcess::log() const {
  std::ifstream f(log_path_);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

bool BackgroundProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

DebianSshd::DebianSshd(const std::string& dir, const std::string& extra_config) {
  mkdir("/run/sshd", 0755);  // Debian's sshd refuses to start without its privilege separation directory
  std::string config = "ListenAddress 127.0.0.1\nPidFile none\nUsePAM no\nStrictModes no\n"
                       "LogLevel DEBUG1\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n"
                       "KexAlgorithms +diffie-hellman-group14-sha1\n"
                       "Ciphers +aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc\n"
                       "HostKeyAlgorithms +ssh-rsa\n";
  for (std::string type : {"ed25519", "ecdsa", "rsa"}) {
    std::string key = dir + "/ssh_host_" + type + "_key";
    auto r = run({"/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-f", key});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    config += "HostKey " + key + "\n";
  }
  for (std::string bits : {"384", "521"}) {
    std::string key = dir + "/ssh_host_ecdsa" + bits + "_key";
    run({"/usr/bin/ssh-keygen", "-q", "-t", "ecdsa", "-b", bits, "-N", "", "-f", key});
    config += "HostKey " + key + "\n";
  }
  config += extra_config;
  write_text(dir + "/sshd_config", config);
  port_ = free_port();
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config", "-p",
                               std::to_string(port_)},
      dir + "/sshd.log");
  EXPECT_TRUE(process_->wait_for_log("Server listening on", std::chrono::seconds(10))) << process_->log();
}

}  // namespace sshpp::test

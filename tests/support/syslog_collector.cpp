#include "support/syslog_collector.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "support/process.hpp"

namespace sshpp::test {

SyslogCollector::SyslogCollector(const std::string& dev_dir) : dev_dir_(dev_dir) {
  if (run({"/bin/cp", "-a", "/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/tty", dev_dir}).exit_code != 0)
    return;
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string socket_path = dev_dir + "/log";
  if (socket_path.size() >= sizeof addr.sun_path) {
    ::close(fd);
    return;
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return;
  }
  ::chmod(socket_path.c_str(), 0666);
  fd_ = fd;
  // A datagram socket's queue is short, and a program blocks in syslog(3) while nobody
  // reads it: read all the time.
  reader_ = std::thread([this] { loop(); });
}

SyslogCollector::~SyslogCollector() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) ::close(fd_);
}

std::vector<std::string> SyslogCollector::in_private_dev(const std::vector<std::string>& argv) const {
  std::vector<std::string> out{"/usr/bin/unshare", "-m", "/bin/sh", "-c",
                               "mount --make-rprivate / && mount --bind \"$0\" /dev && exec \"$@\"", dev_dir_};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

bool SyslogCollector::wait_for(const std::string& what, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (text().find(what) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string SyslogCollector::text() {
  std::lock_guard<std::mutex> lock(mutex_);
  return got_;
}

void SyslogCollector::loop() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[2048];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    got_.append(buf, static_cast<std::size_t>(n)).push_back('\n');
  }
}

}  // namespace sshpp::test

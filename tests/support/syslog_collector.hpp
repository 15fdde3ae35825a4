// A syslog of our own for tests of programs that log through syslog(3): a directory
// standing in for /dev (copies of the usual device nodes and a datagram socket "log")
// read on its own thread, and the command line that runs a program in a private mount
// namespace with that directory mounted on /dev. The machine's /dev/log (there may be
// none) is never touched.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sshpp::test {

class SyslogCollector {
 public:
  // Fills dev_dir (which must exist) and binds dev_dir/log.
  explicit SyslogCollector(const std::string& dev_dir);
  ~SyslogCollector();
  SyslogCollector(const SyslogCollector&) = delete;
  SyslogCollector& operator=(const SyslogCollector&) = delete;

  bool ready() const { return fd_ >= 0; }
  // `argv` run by unshare(1) with dev_dir bind-mounted on /dev (the mount stays private).
  std::vector<std::string> in_private_dev(const std::vector<std::string>& argv) const;
  // Waits until `text` appears in what arrived.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout);
  // Every datagram so far, raw ("<PRI>... message"), one per line.
  std::string text();

 private:
  void loop();
  std::string dev_dir_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string got_;
  std::thread reader_;
};

}  // namespace sshpp::test

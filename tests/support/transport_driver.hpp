// Drives a TransportSession over a real TCP socket on 127.0.0.1 (the interop
// tests' stand-in for the programs' poll loops), and starts Debian's OpenSSH
// programs on free ports, stopped by pid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "sshcore/transport/transport_session.hpp"

namespace sshpp::test {

int connect_loopback(int port);
// A listening socket on 127.0.0.1 with a kernel-chosen port, returned in `port`.
int listen_loopback(int& port);
int accept_one(int listen_fd, std::chrono::milliseconds timeout);

// Pumps until `on_event` returns false, the session closes, the peer closes
// the socket, or the timeout passes. Returns the session's error text, or "".
std::string drive(sshcore::transport::TransportSession& session, int fd,
                  const std::function<bool(const sshcore::transport::TransportEvent&,
                                           sshcore::transport::TransportSession&)>& on_event,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A background process with stdout+stderr going to a file; killed by pid.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  pid_t pid() const { return pid_; }
  // Waits for the process to exit; returns its exit code (or 128+signal), -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  // Waits until `text` appears in the log file.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  bool reaped_ = false;
};

// Debian's sshd on 127.0.0.1, listening on a free port, with host keys of every
// type made by Debian's ssh-keygen, every algorithm OpenSSH 9.2 has enabled.
class DebianSshd {
 public:
  explicit DebianSshd(const std::string& dir, const std::string& extra_config = "");
  int port() const { return port_; }
  std::string log() const { return process_->log(); }

 private:
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
};

int free_port();

}  // namespace sshpp::test

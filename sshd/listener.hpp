// The listening daemon's accept loop (sshd.c server_listen/server_accept_loop): binds
// every ListenAddress x Port, applies MaxStartups / PerSourceMaxStartups to each new
// connection and hands the admitted ones to a spawner, counting each as a startup
// until its process closes the startup pipe (end of authentication, or exit).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "startup_limits.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/sshd_config.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/io/fd.hpp"
#include "sshcore/io/tcp.hpp"

namespace sshd {

struct ListenAddress {
  std::string host;  // numeric or a name to resolve
  std::uint16_t port = 22;
};

// ListenAddress x Port as sshd listens (0.0.0.0 before :: for the wildcard).
std::vector<ListenAddress> listen_addresses(const sshcore::config::SshdOptions& options);

class Listener {
 public:
  // Starts the process for one admitted connection. `startup_pipe` is the write end
  // the process closes when authentication is over. Returns its pid.
  using Spawn = std::function<sshcore::Result<pid_t>(sshcore::io::Fd socket, sshcore::io::Fd startup_pipe)>;

  Listener(sshcore::io::EventLoop& loop, StartupLimits limits, Spawn spawn);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and watches each address, logging "Server listening on H port P." and
  // bind errors; fails ("Cannot bind any address.") when none could be bound.
  sshcore::Result<void> open(const std::vector<ListenAddress>& addresses, int address_family);
  void close_all();
  // The first bound port (tests use port 0 through -o).
  std::uint16_t first_port() const { return sockets_.empty() ? 0 : sockets_.front().port; }
  const StartupLimits& limits() const { return limits_; }
  // OpenSSH 9.2's listener title: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups".
  void set_title(std::string command_line, MaxStartups max);

 private:
  void on_acceptable(int listen_fd);
  void admit(sshcore::io::Fd socket);
  void watch_startup(sshcore::io::Fd pipe, int id);
  void update_title();

  sshcore::io::EventLoop& loop_;
  StartupLimits limits_;
  Spawn spawn_;
  std::vector<sshcore::io::ListeningSocket> sockets_;
  std::vector<std::pair<int, sshcore::io::Fd>> startup_pipes_;  // id, read end
  int next_id_ = 1;
  std::optional<std::pair<std::string, MaxStartups>> title_;
};

}  // namespace sshd

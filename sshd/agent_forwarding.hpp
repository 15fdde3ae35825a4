// Agent forwarding for the user child (session.c session_auth_agent_req and
// channels.c): after "auth-agent-req@openssh.com" a listening unix socket in a fresh
// /tmp/ssh-XXXXXXXXXX directory (the user's own, mode 0700) becomes the sessions'
// SSH_AUTH_SOCK; each connection to it is handed to the driver, which opens an
// "auth-agent@openssh.com" channel to the client for it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "sshcore/base/result.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/io/fd.hpp"

namespace sshd {

inline constexpr std::string_view kAgentRequest = "auth-agent-req@openssh.com";
inline constexpr std::string_view kAgentChannel = "auth-agent@openssh.com";

class AgentForwarding {
 public:
  using OnAccept = std::function<void(sshcore::io::Fd socket)>;
  // Creates the directory and socket ("agent.<pid>", as OpenSSH names it).
  static sshcore::Result<std::unique_ptr<AgentForwarding>> start(sshcore::io::EventLoop& loop, OnAccept on_accept);
  ~AgentForwarding();  // removes the socket and its directory
  AgentForwarding(const AgentForwarding&) = delete;
  AgentForwarding& operator=(const AgentForwarding&) = delete;

  const std::string& socket_path() const { return path_; }

 private:
  AgentForwarding(sshcore::io::EventLoop& loop, OnAccept on_accept) : loop_(loop), on_accept_(std::move(on_accept)) {}
  sshcore::io::EventLoop& loop_;
  OnAccept on_accept_;
  std::string dir_, path_;
  sshcore::io::Fd listener_;
};

}  // namespace sshd

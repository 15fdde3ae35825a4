// TCP port forwarding of the ssh client (channels.c / clientloop.c): LocalForward (-L) listens
// here and opens "direct-tcpip" channels, DynamicForward (-D) does the same for the address a
// SOCKS client names; RemoteForward (-R) asks the server with
// "tcpip-forward" and connects its "forwarded-tcpip" channels to the target. Each connection
// is a socket joined to a channel, with the same window discipline as the session.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/ssh_options.hpp"
#include "sshcore/connection/connection_session.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/io/fd.hpp"

namespace ssh {

struct ForwardEndpoint {
  std::string host;        // empty: the default ("localhost" to listen, as OpenSSH)
  std::uint16_t port = 0;
};

// "8080", "[127.0.0.1]:8080" (the normalised form of the configuration) -> endpoint.
std::optional<ForwardEndpoint> parse_forward_endpoint(const std::string& text);

class PortForwarding {
 public:
  // Sends a global request; `on_reply` gets the answer (REQUEST_SUCCESS body on success).
  using GlobalRequest = std::function<void(std::string_view name, sshcore::Bytes body,
                                           std::function<void(bool, sshcore::ByteView)> on_reply)>;

  PortForwarding(sshcore::io::EventLoop& loop, sshcore::connection::ConnectionSession& connection,
                 const sshcore::config::SshOptions& options, std::function<void()> flush, GlobalRequest global,
                 std::function<void(int)> quit);
  ~PortForwarding();

  // Opens the listeners and asks for the remote forwards. False when a forwarding failed and
  // ExitOnForwardFailure is set (the error has been logged).
  bool start();
  // Takes the event when it belongs to a forwarded connection (or is a forwarded-tcpip open).
  bool handle_event(const sshcore::connection::ConnectionEvent& ev);
  // Connections still open (ssh waits for them after the session ends).
  std::size_t open_connections() const { return conns_.size(); }

 private:
  struct Listener;
  struct Conn;
  struct SocksClient;
  struct Remote {
    ForwardEndpoint listen, target;
    std::uint16_t bound_port = 0;  // the server's pick for port 0
  };
  bool listen_on(const ForwardEndpoint& listen, const ForwardEndpoint* target);
  void on_accept(Listener& l);
  void on_socks_readable(int fd);
  void open_direct(sshcore::io::Fd fd, const std::string& host, std::uint16_t port, sshcore::Bytes early_data);
  void start_pumping(Conn& c);
  void on_socket(sshcore::connection::ChannelId id, sshcore::io::Readiness r);
  void send_pending(Conn& c);
  void write_out(Conn& c);
  void close_conn(sshcore::connection::ChannelId id, bool send_close);
  void on_forwarded_open(const sshcore::connection::ConnectionEvent& ev);
  bool exit_on_failure() const;

  sshcore::io::EventLoop& loop_;
  sshcore::connection::ConnectionSession& connection_;
  const sshcore::config::SshOptions& options_;
  std::function<void()> flush_;
  GlobalRequest global_;
  std::function<void(int)> quit_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<Remote> remotes_;
  std::map<sshcore::connection::ChannelId, std::unique_ptr<Conn>> conns_;
  std::map<int, std::unique_ptr<SocksClient>> socks_;  // -D clients still in their handshake, by fd
};

}  // namespace ssh

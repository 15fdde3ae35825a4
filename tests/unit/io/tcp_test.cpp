#include "sshcore/io/tcp.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/io/event_loop.hpp"

namespace sshcore::io {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof value;
  if (::getsockopt(fd, level, name, &value, &len) != 0) return -1;
  return value;
}

// Drives a client and a server socket through one EventLoop: each side sends its
// message and reads until it has the other's. Bounded by a guard timer.
void exchange(EventLoop& loop, int client, int server, const std::string& to_server,
              const std::string& to_client, std::string& at_server, std::string& at_client) {
  auto pump = [&loop](int fd, std::string out, std::string& in, std::size_t want) {
    auto pending = std::make_shared<std::string>(std::move(out));
    return [&loop, fd, pending, &in, want](Readiness r) {
      if (r.writable && !pending->empty()) {
        ssize_t n = ::write(fd, pending->data(), pending->size());
        if (n > 0) pending->erase(0, static_cast<std::size_t>(n));
      }
      if (r.readable) {
        char buf[256];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) in.append(buf, static_cast<std::size_t>(n));
      }
      if (pending->empty() && in.size() >= want) {
        loop.unwatch(fd);
      } else if (pending->empty()) {
        (void)loop.set_interest(fd, kRead);
      }
    };
  };
  ASSERT_TRUE(loop.watch(client, kRead | kWrite, pump(client, to_server, at_client, to_client.size())));
  ASSERT_TRUE(loop.watch(server, kRead | kWrite, pump(server, to_client, at_server, to_server.size())));
  bool guard_fired = false;
  auto guard = loop.add_timer_after(5s, [&] {
    guard_fired = true;
    loop.stop();
  });
  auto start = Clock::now();
  while ((loop.watching(client) || loop.watching(server)) && !guard_fired &&
         Clock::now() - start < 6s) {
    ASSERT_TRUE(loop.run_once(100ms));
  }
  loop.cancel_timer(guard);
  loop.unwatch(client);
  loop.unwatch(server);
  EXPECT_FALSE(guard_fired);
}

// Accepts through the loop, as sshd's listener does.
std::optional<Fd> accept_via_loop(EventLoop& loop, int listen_fd) {
  std::optional<Fd> accepted;
  EXPECT_TRUE(loop.watch(listen_fd, kRead, [&](Readiness) {
    auto r = accept_tcp(listen_fd);
    EXPECT_TRUE(r) << r.error().message();
    if (r && *r) accepted = std::move(**r);
  }));
  auto start = Clock::now();
  while (!accepted && Clock::now() - start < 5s) {
    EXPECT_TRUE(loop.run_once(100ms));
  }
  loop.unwatch(listen_fd);
  return accepted;
}

void round_trip(const std::string& address) {
  auto listener = listen_tcp(address, 0);
  ASSERT_TRUE(listener) << listener.error().message();
  ASSERT_NE(listener->port, 0);
  EXPECT_EQ(int_option(listener->fd.get(), SOL_SOCKET, SO_REUSEADDR), 1);
  EXPECT_TRUE(::fcntl(listener->fd.get(), F_GETFL) & O_NONBLOCK);

  // Nothing pending yet: accept says so instead of blocking.
  auto none = accept_tcp(listener->fd.get());
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  ConnectOptions options;
  options.timeout = 5s;
  auto client = connect_tcp(address, listener->port, options);
  ASSERT_TRUE(client) << client.error().message();
  EventLoop loop;
  auto server = accept_via_loop(loop, listener->fd.get());
  ASSERT_TRUE(server.has_value());

  for (int fd : {client->get(), server->get()}) {
    EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
  }

  auto client_peer = peer_address(client->get());
  auto client_local = local_address(client->get());
  auto server_peer = peer_address(server->get());
  auto server_local = local_address(server->get());
  ASSERT_TRUE(client_peer && client_local && server_peer && server_local);
  EXPECT_EQ(client_peer->host, address);
  EXPECT_EQ(client_peer->port, listener->port);
  EXPECT_EQ(server_local->port, listener->port);
  EXPECT_EQ(server_peer->host, address);
  EXPECT_EQ(server_peer->port, client_local->port);

  ASSERT_TRUE(set_tcp_nodelay(client->get()));
  EXPECT_NE(int_option(client->get(), IPPROTO_TCP, TCP_NODELAY), 0);
  ASSERT_TRUE(set_tcp_nodelay(client->get(), false));
  EXPECT_EQ(int_option(client->get(), IPPROTO_TCP, TCP_NODELAY), 0);

  std::string at_server, at_client;
  const std::string hello_server = "SSH-2.0-sshpp_test client\r\n";
  const std::string hello_client(10000, 's');  // more than one read's worth
  exchange(loop, client->get(), server->get(), hello_server, hello_client, at_server, at_client);
  EXPECT_EQ(at_server, hello_server);
  EXPECT_EQ(at_client, hello_client);
}

TEST(Tcp, LoopbackRoundTripIPv4) { round_trip("127.0.0.1"); }

TEST(Tcp, LoopbackRoundTripIPv6) {
  // Some containers run without IPv6; say so rather than fail.
  int probe = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (probe < 0) GTEST_SKIP() << "no IPv6 sockets here";
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  int rc = ::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::close(probe);
  if (rc != 0) GTEST_SKIP() << "::1 not available here";
  round_trip("::1");
}

TEST(Tcp, ConnectByNameTriesResolvedAddresses) {
  auto listener = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(listener);
  ConnectOptions options;
  options.timeout = 5s;
  options.family = AF_INET;  // "localhost" may also resolve to ::1, where nothing listens
  auto client = connect_tcp("localhost", listener->port, options);
  ASSERT_TRUE(client) << client.error().message();
  auto peer = peer_address(client->get());
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->host, "127.0.0.1");
}

TEST(Tcp, RefusedConnectionReadsLikeOpenSsh) {
  std::uint16_t port = 0;
  {
    auto listener = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(listener);
    port = listener->port;
  }  // closed: nothing listens on `port` now
  ConnectOptions options;
  options.timeout = 5s;
  auto start = Clock::now();
  auto client = connect_tcp("127.0.0.1", port, options);
  ASSERT_FALSE(client);
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_EQ(client.error().code, Errc::kSystem);
  EXPECT_EQ(client.error().detail,
            "connect to host 127.0.0.1 port " + std::to_string(port) + ": Connection refused");
}

TEST(Tcp, ConnectTimesOutWhenTheAcceptQueueIsFull) {
  // A listener that never accepts, with the smallest backlog: once its queue is
  // full Linux drops further SYNs, so the next connect hangs until our timeout.
  auto listener = listen_tcp("127.0.0.1", 0, 0);
  ASSERT_TRUE(listener);
  ConnectOptions quick;
  quick.timeout = 300ms;
  std::vector<Fd> queued;
  std::optional<Error> timed_out;
  for (int i = 0; i < 8 && !timed_out; ++i) {
    auto start = Clock::now();
    auto c = connect_tcp("127.0.0.1", listener->port, quick);
    if (c) {
      queued.push_back(std::move(*c));
      continue;
    }
    EXPECT_LT(Clock::now() - start, 2s);
    timed_out = c.error();
  }
  ASSERT_TRUE(timed_out.has_value()) << "the accept queue never filled";
  EXPECT_EQ(timed_out->detail, "connect to host 127.0.0.1 port " +
                                   std::to_string(listener->port) + ": Connection timed out");
}

TEST(Tcp, BadListenAddressIsAnError) {
  auto r = listen_tcp("not-an-address", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

TEST(Tcp, BindingABusyPortIsAnError) {
  auto first = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(first);
  auto second = listen_tcp("127.0.0.1", first->port);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().detail, "Bind to port " + std::to_string(first->port) +
                                       " on 127.0.0.1 failed: Address already in use.");
}

}  // namespace
}  // namespace sshcore::io

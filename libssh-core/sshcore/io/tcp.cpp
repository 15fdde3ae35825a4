#include "sshcore/io/tcp.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <string>

#include "sshcore/base/log.hpp"
#include "sshcore/io/file_io.hpp"

namespace sshcore::io {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* ai) const { ::freeaddrinfo(ai); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// Numeric host and port of a socket address; an IPv4-mapped IPv6 address
// ("::ffff:10.0.0.1") is shown as plain IPv4, as OpenSSH's ipv64_normalise_mapped.
Result<SocketAddress> format_address(const sockaddr_storage& ss, socklen_t len) {
  sockaddr_storage copy = ss;
  if (copy.ss_family == AF_INET6) {
    const auto* a6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
      sockaddr_in a4{};
      a4.sin_family = AF_INET;
      a4.sin_port = a6->sin6_port;
      std::memcpy(&a4.sin_addr, &a6->sin6_addr.s6_addr[12], sizeof a4.sin_addr);
      std::memset(&copy, 0, sizeof copy);
      std::memcpy(&copy, &a4, sizeof a4);
      len = sizeof a4;
    }
  }
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  int rc = ::getnameinfo(reinterpret_cast<const sockaddr*>(&copy), len, host, sizeof host, serv,
                         sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
  if (rc != 0) return fail(Errc::kSystem, ::gai_strerror(rc));
  SocketAddress out;
  out.host = host;
  out.port = static_cast<std::uint16_t>(std::stoul(serv));
  return out;
}

Error connect_error(std::string_view host, std::uint16_t port, int err) {
  return Error{Errc::kSystem, "connect to host " + std::string(host) + " port " +
                                  std::to_string(port) + ": " +
                                  (err == 0 ? std::string("failure") : std::strerror(err))};
}

// One non-blocking connect to one address, waiting up to `timeout`. Returns the
// socket or the errno of the failure (ETIMEDOUT when the wait ran out).
Result<Fd> connect_one(const addrinfo& ai, const ConnectOptions& options, int& err) {
  Fd fd(::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol));
  if (!fd) {
    err = errno;
    return fail(system_error(err));
  }
  if (::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS && errno != EINTR) {
    err = errno;
    return fail(system_error(err));
  }
  const auto deadline = options.timeout
                            ? std::optional(std::chrono::steady_clock::now() + *options.timeout)
                            : std::nullopt;
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(
                      *deadline - std::chrono::steady_clock::now())
                      .count();
      wait_ms = left <= 0 ? 0 : (left > INT_MAX ? INT_MAX : static_cast<int>(left));
    }
    pollfd p{fd.get(), POLLOUT, 0};
    int n = ::poll(&p, 1, wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return fail(system_error(err));
    }
    if (n == 0) {
      err = ETIMEDOUT;
      return fail(system_error(err));
    }
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &so_len) != 0) {
      err = errno;
      return fail(system_error(err));
    }
    if (so_error != 0) {
      err = so_error;
      return fail(system_error(err));
    }
    return fd;
  }
}

}  // namespace

Result<ListeningSocket> listen_tcp(std::string_view address, std::uint16_t port, int backlog) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  const std::string host(address);
  const std::string service = std::to_string(port);
  addrinfo* raw = nullptr;
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &raw);
  if (rc != 0) {
    return fail(Errc::kInvalidArgument,
                "bad addr or host: " + host + " (" + ::gai_strerror(rc) + ")");
  }
  AddrInfoList list(raw);
  const addrinfo& ai = *list;

  Fd fd(::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol));
  if (!fd) return fail(system_error(errno));
  int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
    return fail(system_error(errno));
  }
  if (ai.ai_family == AF_INET6 &&
      ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) {
    return fail(system_error(errno));
  }
  if (::bind(fd.get(), ai.ai_addr, ai.ai_addrlen) != 0) {
    int err = errno;
    return fail(Errc::kSystem, "Bind to port " + service + " on " +
                                   (host.empty() ? std::string("0.0.0.0") : host) +
                                   " failed: " + std::strerror(err) + ".");
  }
  if (::listen(fd.get(), backlog) != 0) return fail(system_error(errno));
  SSH_TRY(local, local_address(fd.get()));
  return ListeningSocket{std::move(fd), local.port};
}

Result<std::optional<Fd>> accept_tcp(int listen_fd) {
  for (;;) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) return std::optional<Fd>(Fd(fd));
    // ECONNABORTED: the peer gave up while queued; nothing to hand out.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) {
      return std::optional<Fd>();
    }
    if (errno != EINTR) return fail(system_error(errno));
  }
}

Result<Fd> connect_tcp(std::string_view host, std::uint16_t port, const ConnectOptions& options) {
  addrinfo hints{};
  hints.ai_family = options.family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  const std::string name(host);
  const std::string service = std::to_string(port);
  addrinfo* raw = nullptr;
  int rc = ::getaddrinfo(name.c_str(), service.c_str(), &hints, &raw);
  if (rc != 0) {
    return fail(Errc::kNotFound,
                "Could not resolve hostname " + name + ": " + ::gai_strerror(rc));
  }
  AddrInfoList list(raw);
  int last_err = 0;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    int err = 0;
    auto fd = connect_one(*ai, options, err);
    if (fd) return std::move(*fd);
    last_err = err;
    sockaddr_storage ss{};
    std::memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    auto shown = format_address(ss, ai->ai_addrlen);
    log::debug1("connect to address {} port {}: {}", shown ? shown->host : name, port,
                std::strerror(err));
  }
  return fail(connect_error(name, port, last_err));
}

Result<void> set_tcp_nodelay(int fd, bool on) {
  int value = on ? 1 : 0;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof value) != 0) {
    return fail(system_error(errno));
  }
  return {};
}

Result<void> set_tcp_keepalive(int fd, bool on) {
  int value = on ? 1 : 0;
  if (::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, sizeof value) != 0) return fail(system_error(errno));
  return {};
}

Result<SocketAddress> peer_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return fail(system_error(errno));
  }
  return format_address(ss, len);
}

Result<SocketAddress> local_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return fail(system_error(errno));
  }
  return format_address(ss, len);
}

}  // namespace sshcore::io

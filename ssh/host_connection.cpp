#include "host_connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "sshcore/base/log.hpp"

namespace ssh {
namespace {

namespace log = sshcore::log;
using O = sshcore::config::SshOpt;

struct AddrInfoDeleter {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

int family_of(const sshcore::config::SshOptions& o) {
  switch (o.number(O::kAddressFamily, sshcore::config::kFamilyAny)) {
    case sshcore::config::kFamilyInet: return AF_INET;
    case sshcore::config::kFamilyInet6: return AF_INET6;
    default: return AF_UNSPEC;
  }
}

bool is_loopback(const sockaddr* sa) {
  if (sa->sa_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr) >> 24) == 127;
  if (sa->sa_family == AF_INET6) {
    const auto* a6 = &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(a6)) return a6->s6_addr[12] == 127;
  }
  return false;
}

// ssh_create_socket(): a stream socket, bound to BindAddress when one is set.
int create_socket(const addrinfo* ai, const sshcore::config::SshOptions& o) {
  int s = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (s == -1) {
    log::error("socket: {}", std::strerror(errno));
    return -1;
  }
  const std::string* bind_address = o.text(O::kBindAddress);
  if (bind_address == nullptr) return s;
  addrinfo hints{};
  hints.ai_family = ai->ai_family;
  hints.ai_socktype = ai->ai_socktype;
  hints.ai_protocol = ai->ai_protocol;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* res = nullptr;
  if (int gai = ::getaddrinfo(bind_address->c_str(), nullptr, &hints, &res); gai != 0) {
    log::error("getaddrinfo: {}: {}", *bind_address, ::gai_strerror(gai));
    ::close(s);
    return -1;
  }
  AddrInfoPtr guard(res);
  if (::bind(s, res->ai_addr, res->ai_addrlen) != 0) {
    char ntop[NI_MAXHOST] = "";
    ::getnameinfo(res->ai_addr, res->ai_addrlen, ntop, sizeof ntop, nullptr, 0, NI_NUMERICHOST);
    log::error("bind {}: {}", ntop, std::strerror(errno));
    ::close(s);
    return -1;
  }
  return s;
}

// timeout_connect(): non-blocking connect, then poll for at most `timeout_ms` (<=0: forever).
int timeout_connect(int s, const sockaddr* addr, socklen_t len, int timeout_ms) {
  if (::fcntl(s, F_SETFL, ::fcntl(s, F_GETFL) | O_NONBLOCK) == -1) return -1;
  if (::connect(s, addr, len) == 0) return 0;
  if (errno != EINPROGRESS) return -1;
  pollfd p{s, POLLOUT, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1);
    if (r == -1 && errno == EINTR) continue;
    if (r == -1) return -1;
    if (r == 0) {
      errno = ETIMEDOUT;
      return -1;
    }
    break;
  }
  int err = 0;
  socklen_t el = sizeof err;
  if (::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) == -1) return -1;
  if (err != 0) {
    errno = err;
    return -1;
  }
  return 0;
}

}  // namespace

sshcore::Result<HostConnection> connect_to_host(const std::string& host, std::uint16_t port,
                                                const sshcore::config::SshOptions& options) {
  const std::string strport = std::to_string(port);
  addrinfo hints{};
  hints.ai_family = family_of(options);
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int gai = ::getaddrinfo(host.c_str(), strport.c_str(), &hints, &res); gai != 0) {
    const char* why = gai == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(gai);
    log::error("ssh: Could not resolve hostname {}: {}", host, why);
    return sshcore::fail(sshcore::Errc::kNotFound, host);
  }
  AddrInfoPtr all(res);

  const std::int64_t attempts = std::max<std::int64_t>(1, options.number(O::kConnectionAttempts, 1));
  const std::int64_t timeout_s = options.number(O::kConnectTimeout, -1);
  const int timeout_ms = timeout_s > 0 ? static_cast<int>(timeout_s * 1000) : -1;
  int sock = -1;
  int last_errno = 0;
  HostConnection out;
  for (std::int64_t attempt = 0; attempt < attempts && sock == -1; ++attempt) {
    if (attempt > 0) {
      ::sleep(1);
      log::debug1("Trying again...");
    }
    for (const addrinfo* ai = all.get(); ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) {
        last_errno = EAFNOSUPPORT;
        continue;
      }
      char ntop[NI_MAXHOST] = "", sport[NI_MAXSERV] = "";
      if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, ntop, sizeof ntop, sport, sizeof sport,
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        log::error("ssh_connect_direct: getnameinfo failed");
        continue;
      }
      log::debug1("Connecting to {} [{}] port {}.", host, ntop, sport);
      int s = create_socket(ai, options);
      if (s < 0) {
        last_errno = 0;
        continue;
      }
      if (timeout_connect(s, ai->ai_addr, ai->ai_addrlen, timeout_ms) == 0) {
        sock = s;
        out.address = ntop;
        out.loopback = is_loopback(ai->ai_addr);
        break;
      }
      last_errno = errno;
      log::debug1("connect to address {} port {}: {}", ntop, sport, std::strerror(last_errno));
      ::close(s);
    }
  }
  if (sock == -1) {
    log::error("ssh: connect to host {} port {}: {}", host, strport,
               last_errno == 0 ? "failure" : std::strerror(last_errno));
    return sshcore::fail(sshcore::Errc::kSystem, "connect failed");
  }
  log::debug1("Connection established.");
  out.fd = sshcore::io::Fd(sock);
  out.port = port;
  const int on = 1;
  if (options.number(O::kTcpKeepAlive, 1) == 1 && ::setsockopt(sock, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == -1)
    log::error("setsockopt SO_KEEPALIVE: {}", std::strerror(errno));
  // Interactive sessions need keystrokes sent at once; bulk transfers batch in the loop anyway.
  if (::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == -1)
    log::debug1("setsockopt TCP_NODELAY: {}", std::strerror(errno));
  return out;
}

}  // namespace ssh

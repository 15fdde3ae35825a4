#include "tcp_forwarding.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "sshcore/base/log.hpp"

namespace sshd {

namespace log = sshcore::log;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// One PermitOpen entry: "host:port", "[v6]:port", '*' for either part.
bool permit_matches(std::string_view entry, const std::string& host, int port) {
  std::string_view h, p;
  if (entry.starts_with('[')) {
    auto close = entry.find(']');
    if (close == std::string_view::npos || close + 1 >= entry.size() || entry[close + 1] != ':') return false;
    h = entry.substr(1, close - 1);
    p = entry.substr(close + 2);
  } else {
    auto colon = entry.rfind(':');
    if (colon == std::string_view::npos) return false;
    h = entry.substr(0, colon);
    p = entry.substr(colon + 1);
  }
  if (h != "*" && !iequals(h, host)) return false;
  if (p == "*") return true;
  int want = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), want);
  return ec == std::errc() && end == p.data() + p.size() && want == port;
}

Result<PendingConnect> connect_next(PendingConnect attempt) {
  while (!attempt.later.empty()) {
    std::string address = attempt.later.front();
    attempt.later.erase(attempt.later.begin());
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* ai = nullptr;
    std::string service = std::to_string(attempt.port);
    if (::getaddrinfo(address.c_str(), service.c_str(), &hints, &ai) != 0) continue;
    sshcore::io::Fd fd(::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    int rc = fd ? ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) : -1;
    int err = errno;
    ::freeaddrinfo(ai);
    if (fd && (rc == 0 || err == EINPROGRESS)) {
      attempt.socket = std::move(fd);
      return attempt;
    }
    attempt.last_error = err;
  }
  return fail(Errc::kSystem, std::strerror(attempt.last_error != 0 ? attempt.last_error : ECONNREFUSED));
}

}  // namespace

bool direct_tcpip_allowed(const sshcore::config::SshdOptions& options, const sshcore::auth::KeyOptions* key,
                          const std::string& host, int port, const std::string& originator, int originator_port) {
  std::string_view allow = options.value("AllowTcpForwarding");
  bool on = (allow == "yes" || allow == "all" || allow == "local") && !options.flag("DisableForwarding") &&
            (key == nullptr || key->permit_port_forwarding);
  if (!on) {
    log::debug1("server_request_direct_tcpip: port forwarding disabled");
    return false;
  }
  bool permitted = false;
  const auto& permit_open = options.values("PermitOpen");
  for (const auto& entry : permit_open) {
    if (entry == "any") permitted = true;
    if (entry == "none") break;
    if (permit_matches(entry, host, port)) permitted = true;
  }
  if (permitted && key != nullptr && !key->permit_open.empty()) {
    permitted = false;
    for (const auto& entry : key->permit_open)
      if (permit_matches(entry, host, port)) permitted = true;
  }
  if (!permitted)
    log::info("Received request from {} port {} to connect to host {} port {}, but the request was denied.",
              originator, originator_port, host, port);
  return permitted;
}

Result<PendingConnect> start_connect(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list); rc != 0) {
    log::error("connect_to {}: unknown host ({})", host, ::gai_strerror(rc));
    return fail(Errc::kNotFound, ::gai_strerror(rc));
  }
  PendingConnect attempt;
  attempt.port = port;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    char name[NI_MAXHOST];
    if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, name, sizeof name, nullptr, 0, NI_NUMERICHOST) == 0)
      attempt.later.emplace_back(name);
  }
  ::freeaddrinfo(list);
  return connect_next(std::move(attempt));
}

Result<bool> finish_connect(PendingConnect& attempt) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(attempt.socket.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) return true;
  attempt.last_error = err;
  attempt.socket.reset();
  SSH_TRY(next, connect_next(std::move(attempt)));
  attempt = std::move(next);
  return false;
}

}  // namespace sshd

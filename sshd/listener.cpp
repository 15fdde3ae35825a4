#include "listener.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "process_title.hpp"
#include "sshcore/base/log.hpp"

namespace sshd {

namespace io = sshcore::io;
namespace log = sshcore::log;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

namespace {

constexpr const char kExceededMaxStartups[] = "Exceeded MaxStartups\r\n";

// Resolves a ListenAddress name (AI_PASSIVE, as add_one_listen_addr) to numeric hosts.
std::vector<std::string> numeric_hosts(const std::string& host, int family) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* list = nullptr;
  std::vector<std::string> out;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) return out;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    char name[NI_MAXHOST];
    if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, name, sizeof name, nullptr, 0, NI_NUMERICHOST) == 0 &&
        std::find(out.begin(), out.end(), name) == out.end())
      out.emplace_back(name);
  }
  ::freeaddrinfo(list);
  return out;
}

std::uint16_t to_port(std::string_view s) {
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return static_cast<std::uint16_t>(v);
}

}  // namespace

std::vector<ListenAddress> listen_addresses(const sshcore::config::SshdOptions& options) {
  std::vector<ListenAddress> out;
  std::string_view family = options.value("AddressFamily");
  const auto& ports = options.values("Port");
  if (!options.is_set("ListenAddress")) {
    for (const auto& p : ports) {
      if (family != "inet6") out.push_back({"0.0.0.0", to_port(p)});
      if (family != "inet") out.push_back({"::", to_port(p)});
    }
    return out;
  }
  // Each entry is "host [port] [rdomain name]" as the config layer keeps it.
  for (const auto& entry : options.values("ListenAddress")) {
    std::string_view e = entry;
    std::string host(e.substr(0, e.find(' ')));
    std::string_view rest = e.size() > host.size() ? e.substr(host.size() + 1) : std::string_view{};
    std::string_view port = rest.substr(0, rest.find(' '));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (!port.empty() && port != "rdomain") {
      out.push_back({host, to_port(port)});
    } else {
      for (const auto& p : ports) out.push_back({host, to_port(p)});
    }
  }
  return out;
}

Listener::Listener(io::EventLoop& loop, StartupLimits limits, Spawn spawn)
    : loop_(loop), limits_(std::move(limits)), spawn_(std::move(spawn)) {}

Listener::~Listener() {
  close_all();
  for (auto& [id, fd] : startup_pipes_) loop_.unwatch(fd.get());
}

Result<void> Listener::open(const std::vector<ListenAddress>& addresses, int address_family) {
  for (const auto& a : addresses) {
    for (const auto& host : numeric_hosts(a.host, address_family)) {
      auto sock = io::listen_tcp(host, a.port);
      if (!sock) {
        log::error("{}", sock.error().detail);
        continue;
      }
      int fd = sock->fd.get();
      log::info("Server listening on {} port {}.", host, sock->port);
      sockets_.push_back(std::move(*sock));
      SSH_TRY_VOID(loop_.watch(fd, io::kRead, [this, fd](io::Readiness) { on_acceptable(fd); }));
    }
  }
  if (sockets_.empty()) return fail(Errc::kSystem, "Cannot bind any address.");
  return {};
}

void Listener::set_title(std::string command_line, MaxStartups max) {
  title_.emplace(std::move(command_line), max);
  update_title();
}

void Listener::update_title() {
  if (!title_) return;
  set_process_title("{} [listener] {} of {}-{} startups", title_->first, limits_.startups(), title_->second.begin,
                    title_->second.full);
}

void Listener::close_all() {
  for (auto& s : sockets_) loop_.unwatch(s.fd.get());
  sockets_.clear();
}

void Listener::on_acceptable(int listen_fd) {
  // One connection per readiness keeps one busy port from starving the others.
  auto accepted = io::accept_tcp(listen_fd);
  if (!accepted) {
    log::error("accept: {}", accepted.error().detail);
    return;
  }
  if (!*accepted) return;
  admit(std::move(**accepted));
}

void Listener::admit(io::Fd socket) {
  auto peer = io::peer_address(socket.get());
  auto local = io::local_address(socket.get());
  if (!peer || !local) {
    log::debug1("getpeername failed: socket closed");
    return;
  }
  int id = next_id_++;
  auto decision = limits_.admit(*peer, *local, id, StartupLimits::Clock::now());
  for (const auto& line : decision.log) log::emit(line.level, line.text);
  if (decision.drop) {
    // Best-effort notice to the client, as drop_connection() writes it.
    [[maybe_unused]] auto n = ::write(socket.get(), kExceededMaxStartups, sizeof kExceededMaxStartups - 1);
    return;
  }
  auto pipe = io::make_pipe();
  if (!pipe) {
    log::error("pipe: {}", pipe.error().detail);
    limits_.finished(id);
    return;
  }
  auto pid = spawn_(std::move(socket), std::move(pipe->write));
  if (!pid) {
    log::error("fork: {}", pid.error().detail);
    limits_.finished(id);
    return;
  }
  watch_startup(std::move(pipe->read), id);
  update_title();
}

void Listener::watch_startup(io::Fd pipe, int id) {
  int fd = pipe.get();
  startup_pipes_.emplace_back(id, std::move(pipe));
  auto watched = loop_.watch(fd, io::kRead, [this, fd, id](io::Readiness) {
    // Any byte or EOF means the connection stopped being a startup.
    char buf[64];
    [[maybe_unused]] auto n = ::read(fd, buf, sizeof buf);
    loop_.unwatch(fd);
    limits_.finished(id);
    std::erase_if(startup_pipes_, [fd](const auto& p) { return p.second.get() == fd; });
    update_title();
  });
  if (!watched) limits_.finished(id);
}

}  // namespace sshd

#include "agent_forwarding.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "sshcore/base/log.hpp"

namespace sshd {

namespace io = sshcore::io;
namespace log = sshcore::log;
using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

Result<std::unique_ptr<AgentForwarding>> AgentForwarding::start(io::EventLoop& loop, OnAccept on_accept) {
  std::unique_ptr<AgentForwarding> a(new AgentForwarding(loop, std::move(on_accept)));
  // OpenSSH's "/tmp/ssh-XXXXXXXXXX": glibc's mkdtemp fills only the last six, so the
  // first four are drawn here.
  char templ[] = "/tmp/ssh-XXXXXXXXXX";
  constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  unsigned char random[4];
  if (::getentropy(random, sizeof random) != 0) return fail(Errc::kSystem, std::strerror(errno));
  for (std::size_t i = 0; i < sizeof random; ++i) templ[9 + i] = kAlphabet[random[i] % (sizeof kAlphabet - 1)];
  if (::mkdtemp(templ) == nullptr) {
    log::error("mkdtemp(\"{}\") failed: {}", templ, std::strerror(errno));
    return fail(Errc::kSystem, std::strerror(errno));
  }
  a->dir_ = templ;
  a->path_ = a->dir_ + "/agent." + std::to_string(::getpid());
  a->listener_ = io::Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (!a->listener_ || a->path_.size() >= sizeof addr.sun_path) return fail(Errc::kSystem, "agent socket");
  std::memcpy(addr.sun_path, a->path_.c_str(), a->path_.size() + 1);
  if (::bind(a->listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(a->listener_.get(), 128) != 0) {
    log::error("bind/listen on agent socket {}: {}", a->path_, std::strerror(errno));
    return fail(Errc::kSystem, std::strerror(errno));
  }
  AgentForwarding* self = a.get();
  int fd = a->listener_.get();
  SSH_TRY_VOID(loop.watch(fd, io::kRead, [self, fd](io::Readiness) {
    int c = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c >= 0) self->on_accept_(io::Fd(c));
  }));
  return a;
}

AgentForwarding::~AgentForwarding() {
  if (listener_) loop_.unwatch(listener_.get());
  if (!path_.empty()) ::unlink(path_.c_str());
  if (!dir_.empty()) ::rmdir(dir_.c_str());
}

}  // namespace sshd

#include "monitor_channel.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sshd {
namespace {

using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;

constexpr std::size_t kHeaderLen = 5;  // u32 length, u8 type

sshcore::unexpected<sshcore::Error> socket_error(const char* what) {
  return fail(Errc::kSystem, std::string("monitor ") + what + ": " + std::strerror(errno));
}

// Takes the descriptors out of a received control message.
void collect_fds(msghdr& msg, std::vector<sshcore::io::Fd>& out) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < n; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      out.emplace_back(fd);
    }
  }
}

}  // namespace

Result<std::pair<MonitorChannel, MonitorChannel>> MonitorChannel::make_pair() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return socket_error("socketpair");
  return std::pair<MonitorChannel, MonitorChannel>(MonitorChannel(sshcore::io::Fd(sv[0])),
                                                   MonitorChannel(sshcore::io::Fd(sv[1])));
}

Result<void> MonitorChannel::send_frame(std::uint8_t type, sshcore::ByteView body, std::span<const int> fds) {
  if (body.size() > kMaxMonitorMessage) return fail(Errc::kTooLarge, "monitor: message too large");
  if (fds.size() > kMaxMonitorFds) return fail(Errc::kInvalidArgument, "monitor: too many descriptors");
  std::uint8_t header[kHeaderLen];
  sshcore::store_be32(header, static_cast<std::uint32_t>(body.size() + 1));
  header[4] = type;

  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxMonitorFds)] = {};
  std::size_t sent = 0;
  const std::size_t total = kHeaderLen + body.size();
  while (sent < total) {
    iovec iov[2];
    int iovcnt = 0;
    if (sent < kHeaderLen) iov[iovcnt++] = {header + sent, kHeaderLen - sent};
    std::size_t body_done = sent > kHeaderLen ? sent - kHeaderLen : 0;
    if (body_done < body.size())
      iov[iovcnt++] = {const_cast<std::uint8_t*>(body.data()) + body_done, body.size() - body_done};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(iovcnt);
    if (sent == 0 && !fds.empty()) {  // the descriptors go with the first byte
      msg.msg_control = control;
      msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
      std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    ssize_t n = sendmsg(fd_.get(), &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return socket_error("write");
    }
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

Result<MonitorFrame> MonitorChannel::read_frame(std::size_t max_body) {
  MonitorFrame frame;
  std::uint8_t header[kHeaderLen];
  std::size_t got = 0;
  while (got < kHeaderLen) {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxMonitorFds)] = {};
    iovec iov{header + got, kHeaderLen - got};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR) continue;
      return socket_error("read");
    }
    collect_fds(msg, frame.fds);  // taken (and so closed on error) before any check
    if (n == 0) {
      peer_closed_ = got == 0;
      return fail(Errc::kTruncated, "monitor: connection closed");
    }
    if ((msg.msg_flags & MSG_CTRUNC) != 0) return fail(Errc::kInvalidFormat, "monitor: descriptors truncated");
    got += static_cast<std::size_t>(n);
  }
  const std::uint32_t length = sshcore::load_be32(header);
  if (length == 0) return fail(Errc::kInvalidFormat, "monitor: empty frame");
  if (length - 1 > max_body) return fail(Errc::kTooLarge, "monitor: frame too large");
  frame.type = header[4];
  frame.body = sshcore::SecretBytes(length - 1);
  std::size_t done = 0;
  while (done < frame.body.size()) {
    ssize_t n = recv(fd_.get(), frame.body.data() + done, frame.body.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return socket_error("read");
    }
    if (n == 0) return fail(Errc::kTruncated, "monitor: connection closed inside a frame");
    done += static_cast<std::size_t>(n);
  }
  return frame;
}

}  // namespace sshd

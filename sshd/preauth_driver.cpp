#include "preauth_driver.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sshcore/auth/userauth_server.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/transport/transport_state.hpp"

namespace sshd {

namespace io = sshcore::io;
namespace log = sshcore::log;
namespace transport = sshcore::transport;
using sshcore::Bytes;
using sshcore::ByteView;

namespace {

// The " [preauth]" mark of every line logged here is added by the log relay
// (preauth_log_relay.hpp).
constexpr std::size_t kReadChunk = 64 * 1024;

class PreauthLoop {
 public:
  PreauthLoop(int fd, transport::TransportConfig config, std::vector<std::shared_ptr<sshcore::keys::Signer>> keys,
              std::vector<Bytes> key_blobs, sshcore::auth::AuthPolicy& policy, const PreauthSettings& settings)
      : fd_(fd),
        transport_(std::move(config), std::move(keys), {}),
        policy_(policy),
        settings_(settings),
        host_key_blobs_(std::move(key_blobs)) {}

  std::optional<PreauthSuccess> run() {
    transport_.start();
    if (settings_.login_grace_time.count() > 0)
      loop_.add_timer_after(settings_.login_grace_time, [this] {
        // A timer on the loop, not a SIGALRM handler: logging here is safe.
        if (settings_.on_grace_expired) settings_.on_grace_expired();
        log::error("Timeout before authentication for {} port {}", settings_.addresses.remote_ip,
                   settings_.addresses.remote_port);
        finish();
      });
    (void)loop_.watch(fd_, io::kRead, [this](io::Readiness r) { on_socket(r); });
    write_some();
    (void)loop_.run();
    if (!success_) return std::nullopt;
    if (!flush_transport(fd_, transport_)) return std::nullopt;
    auto state = transport::export_transport_state(transport_);
    if (!state) {
      log::error("transport state export failed: {}", state.error().detail);
      return std::nullopt;
    }
    PreauthSuccess out{auth_->user(), auth_->key_authorization().value_or(sshcore::auth::KeyAuthorization{}),
                       std::move(*state)};
    return out;
  }

 private:
  std::string remote_id() const {
    const auto& a = settings_.addresses;
    if (!auth_ || auth_->user().empty()) return fmt::format("{} port {}", a.remote_ip, a.remote_port);
    return fmt::format("{} {} {} port {}", auth_->valid_user() ? "authenticating user" : "invalid user",
                       auth_->user(), a.remote_ip, a.remote_port);
  }

  void finish() {
    done_ = true;
    loop_.unwatch(fd_);
    loop_.stop();
  }

  void on_socket(io::Readiness r) {
    if (r.writable) write_some();
    if (done_) return;
    if (r.readable || r.hangup || r.error) read_some();
  }

  void read_some() {
    std::uint8_t buf[kReadChunk];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      // sshpkt_fatal's wording for SSH_ERR_SYSTEM_ERROR.
      if (errno == ECONNRESET)
        log::info("Connection reset by {}", remote_id());
      else
        log::info("Connection from {}: {}", remote_id(), std::strerror(errno));
      finish();
      return;
    }
    if (n == 0) {
      log::info("Connection closed by {}", remote_id());
      finish();
      return;
    }
    transport_.receive(ByteView(buf, static_cast<std::size_t>(n)));
    pump();
    write_some();
  }

  void pump() {
    while (!done_ && !success_) {
      auto ev = transport_.next_event();
      if (!ev) {
        // The transport logged why and queued its DISCONNECT, except for a failed
        // negotiation, which packet.c sshpkt_vfatal() reports with the peer's address.
        if (ev.error().code == sshcore::Errc::kNoCommonAlgorithm)
          log::error("Unable to negotiate with {}: {}", remote_id(), ev.error().detail);
        (void)flush_transport(fd_, transport_);
        finish();
        return;
      }
      if (!*ev) return;
      switch ((*ev)->kind) {
        case transport::TransportEventKind::kKexComplete:
          if (!auth_) start_userauth();
          break;
        case transport::TransportEventKind::kMessage:
          on_message((*ev)->message);
          break;
        case transport::TransportEventKind::kDisconnected:
          log::info("Received disconnect from {} port {}:{}: {}", settings_.addresses.remote_ip,
                    settings_.addresses.remote_port, static_cast<std::uint32_t>((*ev)->reason),
                    (*ev)->description);
          log::info("Disconnected from {}", remote_id());
          finish();
          return;
        case transport::TransportEventKind::kExtInfo:
          break;
      }
    }
  }

  void start_userauth() {
    auth_ = std::make_unique<sshcore::auth::UserauthServer>(
        policy_, [this](ByteView m) { return transport_.send(m); }, transport_.session_id(), host_key_blobs_);
  }

  void on_message(ByteView message) {
    if (!auth_) return;
    bool knew_user = !auth_->user().empty();
    auto handled = auth_->handle(message);
    if (!knew_user && !auth_->user().empty() && settings_.on_user)
      settings_.on_user(auth_->user(), auth_->valid_user());
    if (!handled) {
      log::info("Disconnecting {}: {}", remote_id(), handled.error().detail);
      auto reason = handled.error().reason == sshcore::DisconnectReason::kNone
                        ? sshcore::DisconnectReason::kProtocolError
                        : handled.error().reason;
      transport_.disconnect(reason, handled.error().detail);
      (void)flush_transport(fd_, transport_);
      finish();
      return;
    }
    if (auth_->authenticated()) {
      success_ = true;
      loop_.unwatch(fd_);
      loop_.stop();
    }
  }

  void write_some() {
    while (!transport_.pending_output().empty()) {
      ByteView out = transport_.pending_output();
      ssize_t n = ::write(fd_, out.data(), out.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        log::info("Connection reset by {}", remote_id());
        finish();
        return;
      }
      transport_.consume_output(static_cast<std::size_t>(n));
    }
    if (done_ || success_) return;
    unsigned interest = io::kRead | (transport_.pending_output().empty() ? 0u : unsigned(io::kWrite));
    (void)loop_.set_interest(fd_, interest);
    if (transport_.closed() && transport_.pending_output().empty()) finish();
  }

  int fd_;
  io::EventLoop loop_;
  transport::TransportSession transport_;
  sshcore::auth::AuthPolicy& policy_;
  const PreauthSettings& settings_;
  std::vector<Bytes> host_key_blobs_;
  std::unique_ptr<sshcore::auth::UserauthServer> auth_;
  bool done_ = false, success_ = false;
};

}  // namespace

bool flush_transport(int fd, transport::TransportSession& t) {
  while (!t.pending_output().empty()) {
    ByteView out = t.pending_output();
    ssize_t n = ::write(fd, out.data(), out.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 30000) <= 0) return false;
      continue;
    }
    if (n <= 0) return false;
    t.consume_output(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<PreauthSuccess> run_preauth(int socket_fd, transport::TransportConfig config,
                                          std::vector<std::shared_ptr<sshcore::keys::Signer>> host_keys,
                                          sshcore::auth::AuthPolicy& policy, const PreauthSettings& settings) {
  std::vector<Bytes> blobs;
  for (const auto& k : host_keys) blobs.push_back(k->public_key().blob());
  PreauthLoop loop(socket_fd, std::move(config), std::move(host_keys), std::move(blobs), policy, settings);
  return loop.run();
}

}  // namespace sshd

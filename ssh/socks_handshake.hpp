// The SOCKS side of dynamic forwarding (-D, channels.c channel_decode_socks4/5): SOCKS4,
// SOCKS4A and SOCKS5 (no authentication, CONNECT only), parsed from what the local client
// sent. Like OpenSSH, the success reply is sent as soon as the request is understood; a failed
// channel open then simply closes the connection.
#pragma once

#include <cstdint>
#include <string>

#include "sshcore/base/bytes.hpp"

namespace ssh {

class SocksHandshake {
 public:
  enum class State : std::uint8_t { kNeedMore, kReady, kFailed };

  // Consumes what it can from the front of `in` and appends any reply to `out`.
  State feed(sshcore::Bytes& in, sshcore::Bytes& out);

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }
  int version() const { return version_; }

 private:
  State socks4(sshcore::Bytes& in, sshcore::Bytes& out);
  State socks5(sshcore::Bytes& in, sshcore::Bytes& out);

  int version_ = 0;
  bool greeted_ = false;  // SOCKS5: method negotiation done
  std::string host_;
  std::uint16_t port_ = 0;
  State state_ = State::kNeedMore;
};

}  // namespace ssh

// Message numbers of the transport layer (RFC 4253 section 12, RFC 4419, RFC 8308,
// OpenSSH PROTOCOL 1.8) and the small transport messages' codecs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/error.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/wire/reader.hpp"

namespace sshcore::transport {

namespace msg {
inline constexpr std::uint8_t kDisconnect = 1;
inline constexpr std::uint8_t kIgnore = 2;
inline constexpr std::uint8_t kUnimplemented = 3;
inline constexpr std::uint8_t kDebug = 4;
inline constexpr std::uint8_t kServiceRequest = 5;
inline constexpr std::uint8_t kServiceAccept = 6;
inline constexpr std::uint8_t kExtInfo = 7;
inline constexpr std::uint8_t kKexInit = 20;
inline constexpr std::uint8_t kNewKeys = 21;
inline constexpr std::uint8_t kKexEcdhInit = 30;    // also KEXDH_INIT and the hybrids' INIT
inline constexpr std::uint8_t kKexEcdhReply = 31;   // also KEXDH_REPLY
inline constexpr std::uint8_t kKexDhGexGroup = 31;
inline constexpr std::uint8_t kKexDhGexInit = 32;
inline constexpr std::uint8_t kKexDhGexReply = 33;
inline constexpr std::uint8_t kKexDhGexRequest = 34;
inline constexpr std::uint8_t kKexFirst = 30, kKexLast = 49;
inline constexpr std::uint8_t kPing = 192;          // ping@openssh.com
inline constexpr std::uint8_t kPong = 193;
}  // namespace msg

struct MsgDisconnect {
  DisconnectReason reason{DisconnectReason::kByApplication};
  std::string description;
  Bytes encode() const;
  static Result<MsgDisconnect> decode(wire::Reader r);  // after the message number
};

struct MsgExtInfo {
  std::vector<std::pair<std::string, std::string>> extensions;
  Bytes encode() const;
  static Result<MsgExtInfo> decode(wire::Reader r);
};

}  // namespace sshcore::transport

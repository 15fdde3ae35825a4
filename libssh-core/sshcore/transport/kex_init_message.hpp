// SSH_MSG_KEXINIT (RFC 4253 section 7.1): the cookie and the ten name-lists.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {

enum class Proposal : std::uint8_t {
  kKex, kHostKey, kCipherCtoS, kCipherStoC, kMacCtoS, kMacStoC,
  kCompressionCtoS, kCompressionStoC, kLanguageCtoS, kLanguageStoC,
};
inline constexpr std::size_t kProposalCount = 10;

struct MsgKexInit {
  static constexpr std::uint8_t kNumber = 20;
  std::array<std::uint8_t, 16> cookie{};
  std::array<std::string, kProposalCount> lists;  // comma-separated, as on the wire
  bool first_kex_packet_follows = false;
  std::uint32_t reserved = 0;

  std::string& operator[](Proposal p) { return lists[static_cast<std::size_t>(p)]; }
  const std::string& operator[](Proposal p) const { return lists[static_cast<std::size_t>(p)]; }

  // The payload including the message number (what the exchange hash covers).
  void encode(wire::Writer& w) const;
  // `r` starts after the message number.
  static Result<MsgKexInit> decode(wire::Reader r);
};

}  // namespace sshcore::transport

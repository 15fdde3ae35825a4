// Choosing the algorithms of a key exchange from the two KEXINITs (RFC 4253
// section 7.1): a pure function, so every combination is testable, with an error
// that says what each side offered, in OpenSSH's words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sshcore/base/result.hpp"
#include "sshcore/transport/algorithm_tables.hpp"
#include "sshcore/transport/kex_init_message.hpp"

namespace sshcore::transport {

struct DirectionAlgs {
  const CipherAlg* cipher = nullptr;
  const MacAlg* mac = nullptr;             // nullptr for AEAD ciphers ("<implicit>")
  const CompressionAlg* compression = nullptr;
};

struct NegotiatedAlgs {
  const KexAlg* kex = nullptr;
  std::string host_key_alg;
  DirectionAlgs client_to_server, server_to_client;
  bool strict_kex = false;        // both offered kex-strict-*-v00@openssh.com (initial KEX only)
  bool peer_ext_info = false;     // the peer wants SSH_MSG_EXT_INFO (ext-info-c / ext-info-s)
  bool ignore_guessed_packet = false;  // the peer guessed wrong with first_kex_packet_follows
};

// The first name of `client` that also appears in `server` (OpenSSH's match_list).
std::optional<std::string_view> first_common_name(std::string_view client, std::string_view server);
bool name_list_contains(std::string_view list, std::string_view name);

// `we_are_server` decides which KEXINIT is the peer's. When a proposal has no
// common name the error is Errc::kNoCommonAlgorithm with
// DisconnectReason::kKeyExchangeFailed and a detail in kex.c's words with the
// peer's list, "no matching cipher found. Their offer: aes128-ctr,aes256-ctr":
// drivers print it as "Unable to negotiate with ADDR port N: <detail>".
Result<NegotiatedAlgs> negotiate(const MsgKexInit& client, const MsgKexInit& server,
                                 bool we_are_server, bool initial_kex);

}  // namespace sshcore::transport

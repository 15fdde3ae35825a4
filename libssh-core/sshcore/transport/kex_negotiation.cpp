#include "sshcore/transport/kex_negotiation.hpp"

namespace sshcore::transport {
namespace {
template <class Fn>
void for_each_name(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    if (!name.empty() && fn(name)) return;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

std::string_view first_name(std::string_view list) { return list.substr(0, list.find(',')); }

// kex.c's words: ssh_err()'s "no matching cipher found" and the peer's list, which the
// drivers print after "Unable to negotiate with ADDR port N: " as OpenSSH does.
unexpected<Error> no_match(std::string_view what, std::string_view peer_offer) {
  Error e{Errc::kNoCommonAlgorithm,
          "no matching " + std::string(what) + " found. Their offer: " + std::string(peer_offer)};
  e.reason = DisconnectReason::kKeyExchangeFailed;
  return fail(std::move(e));
}

Result<DirectionAlgs> choose_direction(const MsgKexInit& c, const MsgKexInit& s, const MsgKexInit& peer,
                                       Proposal cipher_p, Proposal mac_p, Proposal comp_p) {
  DirectionAlgs d;
  auto cipher = first_common_name(c[cipher_p], s[cipher_p]);
  if (!cipher || !(d.cipher = find_cipher(*cipher))) return no_match("cipher", peer[cipher_p]);
  if (!d.cipher->aead()) {
    auto mac = first_common_name(c[mac_p], s[mac_p]);
    if (!mac || !(d.mac = find_mac(*mac))) return no_match("MAC", peer[mac_p]);
  }
  auto comp = first_common_name(c[comp_p], s[comp_p]);
  if (!comp || !(d.compression = find_compression(*comp)))
    return no_match("compression method", peer[comp_p]);
  return d;
}
}  // namespace

bool name_list_contains(std::string_view list, std::string_view name) {
  bool found = false;
  for_each_name(list, [&](std::string_view n) { return found = (n == name); });
  return found;
}

std::optional<std::string_view> first_common_name(std::string_view client, std::string_view server) {
  std::optional<std::string_view> chosen;
  for_each_name(client, [&](std::string_view n) {
    if (name_list_contains(server, n)) chosen = n;
    return chosen.has_value();
  });
  return chosen;
}

Result<NegotiatedAlgs> negotiate(const MsgKexInit& client, const MsgKexInit& server, bool we_are_server,
                                 bool initial_kex) {
  NegotiatedAlgs n;
  const MsgKexInit& peer = we_are_server ? client : server;
  n.peer_ext_info = initial_kex && name_list_contains(peer[Proposal::kKex], we_are_server ? kExtInfoClient
                                                                                            : kExtInfoServer);
  n.strict_kex = initial_kex && name_list_contains(client[Proposal::kKex], kStrictKexClient) &&
                 name_list_contains(server[Proposal::kKex], kStrictKexServer);

  auto kex = first_common_name(client[Proposal::kKex], server[Proposal::kKex]);
  if (!kex || !(n.kex = find_kex(*kex)))
    return no_match("key exchange method", peer[Proposal::kKex]);
  auto host_key = first_common_name(client[Proposal::kHostKey], server[Proposal::kHostKey]);
  if (!host_key) return no_match("host key type", peer[Proposal::kHostKey]);
  n.host_key_alg = std::string(*host_key);

  SSH_TRY(c2s, choose_direction(client, server, peer, Proposal::kCipherCtoS, Proposal::kMacCtoS,
                                Proposal::kCompressionCtoS));
  SSH_TRY(s2c, choose_direction(client, server, peer, Proposal::kCipherStoC, Proposal::kMacStoC,
                                Proposal::kCompressionStoC));
  n.client_to_server = c2s;
  n.server_to_client = s2c;

  // RFC 4253 section 7: a guess is right only when both sides' first KEX and host
  // key algorithms agree with what was chosen.
  n.ignore_guessed_packet =
      peer.first_kex_packet_follows &&
      (first_name(client[Proposal::kKex]) != first_name(server[Proposal::kKex]) ||
       first_name(client[Proposal::kHostKey]) != first_name(server[Proposal::kHostKey]));
  return n;
}

}  // namespace sshcore::transport

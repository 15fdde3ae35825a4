#include "support/transport_pair.hpp"

#include <algorithm>
#include <map>

namespace sshpp::test {

using namespace sshcore;
using namespace sshcore::transport;

std::shared_ptr<keys::Signer> TransportPair::host_key(keys::KeyType type) {
  static std::map<keys::KeyType, std::shared_ptr<keys::Signer>> cache;
  auto it = cache.find(type);
  if (it == cache.end()) {
    auto key = keys::PrivateKey::generate(type, type == keys::KeyType::kRsa ? 2048 : 0);
    it = cache.emplace(type, std::make_shared<keys::PrivateKeySigner>(std::move(*key))).first;
  }
  return it->second;
}

TransportPair::TransportPair(TransportConfig client, TransportConfig server, std::vector<keys::KeyType> types,
                             HostKeyVerifier verifier) {
  client.role = Role::kClient;
  server.role = Role::kServer;
  std::vector<std::shared_ptr<keys::Signer>> host_keys;
  for (auto t : types) host_keys.push_back(host_key(t));
  client_ = std::make_unique<TransportSession>(std::move(client), std::vector<std::shared_ptr<keys::Signer>>{},
                                               std::move(verifier));
  server_ = std::make_unique<TransportSession>(std::move(server), std::move(host_keys), HostKeyVerifier{});
  client_->start();
  server_->start();
}

bool TransportPair::drain(TransportSession& s, SideLog& log) {
  bool any = false;
  while (!log.error) {
    auto ev = s.next_event();
    if (!ev) {
      log.error = ev.error();
      return true;
    }
    if (!ev->has_value()) break;
    any = true;
    log.kinds.push_back((*ev)->kind);
    if ((*ev)->kind == TransportEventKind::kMessage) log.messages.push_back(to_bytes((*ev)->message));
    if ((*ev)->kind == TransportEventKind::kDisconnected) log.disconnect_description = (*ev)->description;
  }
  return any;
}

void TransportPair::pump(const std::function<void(Bytes&)>& tamper) {
  for (int round = 0; round < 10000; ++round) {
    bool moved = false;
    if (auto out = client_->pending_output(); !out.empty()) {
      Bytes chunk = to_bytes(out);
      client_->consume_output(out.size());
      if (tamper) tamper(chunk);
      deliver(*server_, chunk);
      moved = true;
    }
    if (auto out = server_->pending_output(); !out.empty()) {
      Bytes chunk = to_bytes(out);
      server_->consume_output(out.size());
      deliver(*client_, chunk);
      moved = true;
    }
    moved |= drain(*server_, server_log_);
    moved |= drain(*client_, client_log_);
    if (!moved) return;
  }
}

void TransportPair::deliver(TransportSession& to, const Bytes& chunk) {
  if (receive_piece_ == 0) return to.receive(chunk);
  for (std::size_t at = 0; at < chunk.size();) {
    auto room = to.receive_buffer(receive_piece_);
    const std::size_t n = std::min(room.size(), chunk.size() - at);
    std::copy_n(chunk.begin() + static_cast<std::ptrdiff_t>(at), n, room.begin());
    to.commit_received(n);
    at += n;
  }
}

bool TransportPair::both_ready() const {
  return !client_log_.error && !server_log_.error && !client_->session_id().empty() &&
         client_->session_id() == server_->session_id() && client_->kex_count() >= 1 &&
         server_->kex_count() >= 1;
}

}  // namespace sshpp::test

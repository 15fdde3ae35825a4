// EnginePair for the transport: a client and a server TransportSession wired to
// each other in memory, pumped until neither has anything left to say.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/signer.hpp"
#include "sshcore/transport/transport_session.hpp"

namespace sshpp::test {

struct SideLog {
  std::vector<sshcore::Bytes> messages;       // upper-layer messages received, in order
  std::vector<sshcore::transport::TransportEventKind> kinds;
  std::optional<sshcore::Error> error;        // the session's fatal error, if any
  std::optional<std::string> disconnect_description;
};

class TransportPair {
 public:
  // Host keys: one of each type given (generated once per process and cached).
  TransportPair(sshcore::transport::TransportConfig client, sshcore::transport::TransportConfig server,
                std::vector<sshcore::keys::KeyType> host_key_types = {sshcore::keys::KeyType::kEd25519},
                sshcore::transport::HostKeyVerifier verifier = {});

  sshcore::transport::TransportSession& client() { return *client_; }
  sshcore::transport::TransportSession& server() { return *server_; }
  SideLog& client_log() { return client_log_; }
  SideLog& server_log() { return server_log_; }

  // Moves bytes both ways and collects events until nothing moves. `tamper`
  // may rewrite each chunk travelling client -> server before delivery.
  void pump(const std::function<void(sshcore::Bytes&)>& tamper_client_to_server = {});
  bool both_ready() const;  // both completed the first key exchange, no errors
  // From now on pump() delivers bytes as a driver reading the socket in place does:
  // receive_buffer(piece), a copy of at most `piece` bytes into it, commit_received().
  void receive_in_place(std::size_t piece) { receive_piece_ = piece; }

  static std::shared_ptr<sshcore::keys::Signer> host_key(sshcore::keys::KeyType type);

 private:
  bool drain(sshcore::transport::TransportSession& s, SideLog& log);
  void deliver(sshcore::transport::TransportSession& to, const sshcore::Bytes& chunk);
  std::size_t receive_piece_ = 0;
  std::unique_ptr<sshcore::transport::TransportSession> client_, server_;
  SideLog client_log_, server_log_;
};

}  // namespace sshpp::test

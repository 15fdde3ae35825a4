// Our engines (TransportSession + UserauthClient/UserauthServer + ConnectionSession)
// running one "exec" session over a real socket, in either role: the harness the
// interop tests against other implementations (dropbear, paramiko, PuTTY) share.
//
//   Client: log in, open a session, exec a command, send `stdin_data` then EOF,
//   collect stdout, stderr and exit-status until the channel closes.
//   Server: accept a session, answer "exec" with stdout "exec: COMMAND\n" followed by
//   everything the client sent before its EOF, one line on stderr, then exit-status,
//   EOF and CLOSE (what sshd does when the command ends).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/auth/userauth_client.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/public_key.hpp"
#include "sshcore/transport/transport_session.hpp"
#include "support/userauth_pair.hpp"

namespace sshpp::test {

struct ClientExec {
  int port = 0;
  std::string user;
  std::string command;
  std::string stdin_data;   // sent after the exec's reply, then EOF
  sshcore::transport::TransportConfig transport;   // role is forced to client
  std::vector<sshcore::auth::ClientIdentity> identities;   // signers through the ScriptedUi
  std::string preferred_authentications{sshcore::auth::kDefaultPreferredAuthentications};
  std::string pubkey_accepted_algorithms{sshcore::auth::kDefaultPubkeyAcceptedAlgorithms};
  std::size_t rekey_after_stdin = 0;   // > 0: a key re-exchange after sending this much stdin
  std::chrono::seconds timeout{30};
};

struct ClientExecResult {
  std::string error;   // the driver's: "" when the session ended as asked
  sshcore::auth::UserauthOutcome outcome = sshcore::auth::UserauthOutcome::kInProgress;
  std::string method, denied;
  std::optional<sshcore::transport::NegotiatedAlgs> negotiated;
  std::optional<sshcore::keys::PublicKey> server_host_key;
  std::optional<std::string> server_sig_algs;
  std::string peer_software;   // "dropbear_2022.83", "paramiko_2.12.0"
  bool exec_accepted = false;
  std::string stdout_text, stderr_text;
  std::optional<std::uint32_t> exit_status;
  bool eof = false, closed = false;
  std::uint32_t kex_count = 0;   // completed key exchanges
};

ClientExecResult run_client_exec(const ClientExec& exec, ScriptedUi& ui);

// The name negotiated in one direction, for assertions ("chacha20-poly1305@openssh.com",
// "hmac-sha2-256", "<implicit>" for an AEAD cipher's MAC).
std::string cipher_name(const sshcore::transport::NegotiatedAlgs& algs);
std::string mac_name(const sshcore::transport::NegotiatedAlgs& algs);
std::string kex_name(const sshcore::transport::NegotiatedAlgs& algs);
// Both directions' compression when they agree, else "client-to-server/server-to-client".
std::string compression_name(const sshcore::transport::NegotiatedAlgs& algs);

struct ServerExec {
  sshcore::transport::TransportConfig transport;   // role is forced to server
  std::vector<sshcore::keys::KeyType> host_key_types{sshcore::keys::KeyType::kEd25519};
  std::uint32_t exit_status = 0;
  std::string stderr_line = "sshpp stderr\n";
  std::size_t rekey_after_stdin = 0;   // > 0: request a key re-exchange once this much stdin arrived
  std::chrono::seconds timeout{30};
};

struct ServedExec {
  std::string error;   // the driver's
  bool authenticated = false;
  std::string user;
  std::vector<std::string> methods;   // UserauthServer::methods_accepted()
  std::optional<sshcore::transport::NegotiatedAlgs> negotiated;
  std::string peer_software;
  std::vector<std::string> requests;   // channel request types, in order
  std::string command;
  std::string stdin_data;
  bool peer_eof = false, closed = false;
  std::uint32_t kex_count = 0;
};

// Accepts one connection on `listen_fd` (closed afterwards) and serves it with the
// TransportPair host keys of `host_key_types`, deciding with `policy`.
ServedExec serve_exec(int listen_fd, MemoryPolicy& policy, const ServerExec& options);

// A key in OpenSSH's one-line public format, ready for known_hosts or authorized_keys.
std::string public_line(const sshcore::keys::PublicKey& key);

}  // namespace sshpp::test

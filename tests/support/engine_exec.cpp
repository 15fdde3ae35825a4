#include "support/engine_exec.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <functional>
#include <memory>

#include "sshcore/auth/userauth_server.hpp"
#include "sshcore/connection/connection_session.hpp"
#include "sshcore/keys/key_files.hpp"
#include "support/transport_driver.hpp"
#include "support/transport_pair.hpp"

namespace sshpp::test {

using namespace sshcore;
using namespace sshcore::auth;
using namespace sshcore::connection;
using namespace sshcore::transport;
using Kind = ConnectionEventKind;

namespace {

// What drive() leaves queued after the callback stopped it (our CLOSE, a
// DISCONNECT): written out before the socket closes, so the peer sees the end.
void flush(TransportSession& s, int fd) {
  for (int spins = 0; spins < 100; ++spins) {
    ByteView out = s.pending_output();
    if (out.empty()) return;
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 100) != 1) continue;
    ssize_t w = write(fd, out.data(), out.size());
    if (w <= 0) return;
    s.consume_output(static_cast<std::size_t>(w));
  }
}

// Keeps reading until the peer closes its end, so our close() does not reset a
// connection whose last packets the peer has not read yet.
void linger_until_peer_closes(TransportSession& s, int fd) {
  drive(s, fd, [](const TransportEvent&, TransportSession&) { return true; }, std::chrono::seconds(10));
}

std::string software_of(const TransportSession& s) {
  return s.peer_identification() ? s.peer_identification()->software : "";
}

// Sends what is left of `pending` on `channel` as the window allows.
Result<void> push(ConnectionSession& conn, ChannelId channel, Bytes& pending) {
  while (!pending.empty()) {
    SSH_TRY(n, conn.send_data(channel, pending));
    if (n == 0) return {};
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return {};
}

// drive() calls back only for events, and the transport announces only the first
// key exchange: a finished re-exchange shows in kex_count() alone (as ssh's client
// loop checks it). Without telling the connection engine, a channel refused during
// the re-exchange would wait forever for kWindowAvailable.
std::string drive_through_rekeys(TransportSession& s, int fd,
                                 const std::function<bool(const TransportEvent&, TransportSession&)>& on_event,
                                 const std::function<bool()>& on_rekeyed, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::uint32_t seen = 0;
  auto rekey_check = [&]() -> bool {
    if (s.kex_count() == seen || s.kex_in_progress()) return true;
    bool first = seen == 0;
    seen = s.kex_count();
    return first || on_rekeyed();
  };
  for (;;) {
    bool stopped = false;
    std::string result = drive(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
      stopped = !on_event(ev, t) || !rekey_check();
      return !stopped;
    }, std::chrono::milliseconds(100));
    if (stopped || result != "timed out") return result;
    if (!rekey_check()) return "";
    if (std::chrono::steady_clock::now() > deadline) return result;
  }
}

}  // namespace

std::string cipher_name(const NegotiatedAlgs& algs) {
  return algs.client_to_server.cipher ? std::string(algs.client_to_server.cipher->name) : "";
}
std::string mac_name(const NegotiatedAlgs& algs) {
  return algs.client_to_server.mac ? std::string(algs.client_to_server.mac->name) : "<implicit>";
}
std::string kex_name(const NegotiatedAlgs& algs) { return algs.kex ? std::string(algs.kex->name) : ""; }

std::string compression_name(const NegotiatedAlgs& algs) {
  auto name = [](const DirectionAlgs& d) { return d.compression ? std::string(d.compression->name) : ""; };
  std::string up = name(algs.client_to_server), down = name(algs.server_to_client);
  return up == down ? up : up + "/" + down;
}

std::string public_line(const keys::PublicKey& key) { return keys::format_public_key_line(key, ""); }

ClientExecResult run_client_exec(const ClientExec& x, ScriptedUi& ui) {
  ClientExecResult out;
  int fd = connect_loopback(x.port);
  EXPECT_GE(fd, 0) << "connect to 127.0.0.1:" << x.port;
  if (fd < 0) {
    out.error = "connect failed";
    return out;
  }
  TransportConfig config = x.transport;
  config.role = Role::kClient;
  TransportSession s(config, {}, [](const keys::PublicKey&) -> Result<void> { return {}; });
  s.start();
  std::unique_ptr<UserauthClient> auth;
  std::unique_ptr<ConnectionSession> conn;
  std::vector<std::pair<std::string, std::string>> ext;
  ChannelId channel = 0;
  Bytes pending(x.stdin_data.begin(), x.stdin_data.end());
  bool stdin_started = false, eof_sent = false, rekey_requested = false;
  std::size_t stdin_sent = 0;
  // Up to rekey_after_stdin, then a re-exchange before the rest: the EOF waits for
  // it, so the peer cannot end the session before the exchange completes.
  auto send_stdin = [&]() -> bool {
    while (!pending.empty()) {
      bool rekey_due = x.rekey_after_stdin > 0 && !rekey_requested;
      std::size_t chunk = rekey_due ? std::min(pending.size(), x.rekey_after_stdin - stdin_sent) : pending.size();
      auto n = conn->send_data(channel, ByteView(pending).first(chunk));
      EXPECT_TRUE(n) << n.error().message();
      if (!n) return false;
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(*n));
      stdin_sent += *n;
      if (rekey_due && stdin_sent >= x.rekey_after_stdin) {
        rekey_requested = true;
        EXPECT_TRUE(s.request_rekey());
        EXPECT_TRUE(s.kex_in_progress());
        continue;
      }
      if (*n < chunk) return true;   // the rest after kWindowAvailable
    }
    if (!eof_sent) {
      eof_sent = true;
      EXPECT_TRUE(conn->send_eof(channel));
    }
    return true;
  };
  // Connection events come after a message and after a key exchange (sends that
  // were refused during it resume on the kWindowAvailable it emits).
  auto connection_events = [&]() -> bool {
    while (auto e = conn->next_event()) {
      switch (e->kind) {
        case Kind::kOpenConfirmed:
          EXPECT_TRUE(conn->send_request(channel, ExecRequest{x.command}, true));
          break;
        case Kind::kOpenFailed:
          ADD_FAILURE() << "session open refused: " << e->description;
          return false;
        case Kind::kChannelReply:
          out.exec_accepted = e->success;
          if (!e->success) return false;
          stdin_started = true;
          if (!send_stdin()) return false;
          break;
        case Kind::kWindowAvailable:
          if (stdin_started && !send_stdin()) return false;
          break;
        case Kind::kData:
          out.stdout_text += as_chars(e->data);
          EXPECT_TRUE(conn->consume(channel, e->data.size()));
          break;
        case Kind::kExtendedData:
          out.stderr_text += as_chars(e->data);
          EXPECT_TRUE(conn->consume(channel, e->data.size()));
          break;
        case Kind::kChannelRequest:
          if (e->request.type == ExitStatusRequest::kType) {
            out.exit_status = e->request.body<ExitStatusRequest>()->exit_status;
          } else if (e->request.want_reply) {
            EXPECT_TRUE(conn->reply_failure(e->channel));
          }
          break;
        case Kind::kGlobalRequest:
          if (e->global.want_reply) {
            EXPECT_TRUE(conn->reply_global(false));
          }
          break;
        case Kind::kEof:
          out.eof = true;
          break;
        case Kind::kClose:
          out.closed = true;
          return false;
        default:
          break;
      }
    }
    return true;
  };
  auto on_rekeyed = [&]() -> bool {
    if (!conn) return true;
    conn->on_kex_complete();
    return connection_events();
  };
  out.error = drive_through_rekeys(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
    if (ev.kind == TransportEventKind::kExtInfo) {
      ext = ev.extensions;
      if (auth) auth->on_ext_info(ev.extensions);
    }
    if (ev.kind == TransportEventKind::kKexComplete) {
      if (!auth) {
        UserauthClientConfig cfg;
        cfg.user = x.user;
        cfg.host = "127.0.0.1";
        cfg.preferred_authentications = x.preferred_authentications;
        cfg.pubkey_accepted_algorithms = x.pubkey_accepted_algorithms;
        cfg.identities = x.identities;
        cfg.session_id = t.session_id();
        cfg.server_host_key = t.server_host_key();
        auth = std::make_unique<UserauthClient>(cfg, ui, [&t](ByteView m) { return t.send(m); });
        auth->on_ext_info(ext);
        EXPECT_TRUE(auth->start());
      }
    }
    if (ev.kind != TransportEventKind::kMessage || !auth) return true;
    std::uint8_t number = ev.message[0];
    if (!conn) {
      auto r = auth->handle(ev.message);
      EXPECT_TRUE(r) << r.error().message();
      if (!r || auth->outcome() == UserauthOutcome::kDenied) return false;
      if (auth->outcome() == UserauthOutcome::kSuccess) {
        EXPECT_TRUE(t.enable_delayed_compression());
        ConnectionConfig cc;
        cc.kex_in_progress = [&t] { return t.kex_in_progress(); };
        conn = std::make_unique<ConnectionSession>(Role::kClient, [&t](ByteView m) { return t.send(m); }, cc);
        auto id = conn->open_session();
        EXPECT_TRUE(id);
        if (!id) return false;
        channel = *id;
      }
      return true;
    }
    if (number < msg::kFirst) return true;
    auto handled = conn->handle(ev.message);
    EXPECT_TRUE(handled) << handled.error().message();
    if (!handled) return false;
    return connection_events();
  }, on_rekeyed, x.timeout);
  flush(s, fd);
  close(fd);
  out.negotiated = s.negotiated();
  out.server_host_key = s.server_host_key();
  out.server_sig_algs = s.server_sig_algs();
  out.kex_count = s.kex_count();
  out.peer_software = software_of(s);
  if (auth) {
    out.outcome = auth->outcome();
    out.method = auth->method_used();
    out.denied = auth->denied_message();
  }
  return out;
}

ServedExec serve_exec(int listen_fd, MemoryPolicy& policy, const ServerExec& x) {
  ServedExec out;
  int fd = accept_one(listen_fd, std::chrono::seconds(20));
  close(listen_fd);
  EXPECT_GE(fd, 0) << "no client connected";
  if (fd < 0) {
    out.error = "no connection";
    return out;
  }
  std::vector<std::shared_ptr<keys::Signer>> host_keys;
  std::vector<Bytes> host_key_blobs;
  for (keys::KeyType type : x.host_key_types) {
    host_keys.push_back(TransportPair::host_key(type));
    host_key_blobs.push_back(host_keys.back()->public_key().blob());
  }
  TransportConfig config = x.transport;
  config.role = Role::kServer;
  if (config.server_sig_algs.empty())
    config.server_sig_algs = {"ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256"};
  TransportSession s(config, host_keys, {});
  s.start();
  std::unique_ptr<UserauthServer> auth;
  std::unique_ptr<ConnectionSession> conn;
  Bytes reply;   // stdout not yet sent
  Bytes stderr_pending = to_bytes(x.stderr_line);
  bool exec_seen = false, finished = false, rekey_requested = false;
  std::optional<ChannelId> exec_channel;
  // Once the client's stdin ended, the "command" has everything: answer and end as sshd does.
  auto answer = [&](ChannelId id) -> bool {
    if (!exec_seen || !out.peer_eof || finished) return true;
    auto pushed = push(*conn, id, reply);
    EXPECT_TRUE(pushed) << pushed.error().message();
    if (!pushed) return false;
    if (!reply.empty()) return true;   // the rest after kWindowAvailable
    auto sent = conn->send_extended_data(id, stderr_pending);
    EXPECT_TRUE(sent) << sent.error().message();
    if (!sent) return false;
    stderr_pending.erase(stderr_pending.begin(), stderr_pending.begin() + static_cast<std::ptrdiff_t>(*sent));
    if (!stderr_pending.empty()) return true;
    finished = true;
    EXPECT_TRUE(conn->send_request(id, ExitStatusRequest{x.exit_status}, false));
    EXPECT_TRUE(conn->send_eof(id));
    EXPECT_TRUE(conn->close(id));
    return true;
  };
  // Connection events come after a message and after a key exchange (sends that
  // were refused during it resume on the kWindowAvailable it emits).
  auto connection_events = [&]() -> bool {
    while (auto e = conn->next_event()) {
      switch (e->kind) {
        case Kind::kChannelOpenRequest:
          if (e->open.type == SessionOpen::kType) {
            EXPECT_TRUE(conn->accept_open(e->channel));
          } else {
            EXPECT_TRUE(conn->reject_open(e->channel, OpenFailureReason::kAdministrativelyProhibited, "no"));
          }
          break;
        case Kind::kChannelRequest: {
          out.requests.push_back(e->request.type);
          bool ok = false;
          if (e->request.type == ExecRequest::kType && !exec_seen) {
            exec_seen = ok = true;
            exec_channel = e->channel;
            out.command = e->request.body<ExecRequest>()->command;
            std::string head = "exec: " + out.command + "\n";
            reply.insert(reply.begin(), head.begin(), head.end());
          }
          if (e->request.want_reply) {
            EXPECT_TRUE(ok ? conn->reply_success(e->channel) : conn->reply_failure(e->channel));
          }
          if (!answer(e->channel)) return false;
          break;
        }
        case Kind::kGlobalRequest:
          if (e->global.want_reply) {
            EXPECT_TRUE(conn->reply_global(false));
          }
          break;
        case Kind::kData:
          out.stdin_data += as_chars(e->data);
          append(reply, e->data);
          EXPECT_TRUE(conn->consume(e->channel, e->data.size()));
          if (x.rekey_after_stdin > 0 && !rekey_requested && out.stdin_data.size() >= x.rekey_after_stdin) {
            rekey_requested = true;
            EXPECT_TRUE(s.request_rekey());
          }
          break;
        case Kind::kWindowAvailable:
          if (!answer(e->channel)) return false;
          break;
        case Kind::kEof:
          out.peer_eof = true;
          if (!answer(e->channel)) return false;
          break;
        case Kind::kClose:
          out.closed = true;
          return false;
        default:
          break;
      }
    }
    return true;
  };
  auto on_rekeyed = [&]() -> bool {
    if (!conn) return true;
    conn->on_kex_complete();
    return connection_events();
  };
  out.error = drive_through_rekeys(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
    if (ev.kind == TransportEventKind::kKexComplete && !auth)
      auth = std::make_unique<UserauthServer>(policy, [&t](ByteView m) { return t.send(m); }, t.session_id(),
                                              host_key_blobs);
    if (ev.kind != TransportEventKind::kMessage || !auth) return true;
    std::uint8_t number = ev.message[0];
    if (number < msg::kFirst) {
      auto r = auth->handle(ev.message);
      if (!r) {
        t.disconnect(r.error().reason, r.error().detail);
        return true;   // let the DISCONNECT go out
      }
      if (auth->authenticated() && !conn) {
        EXPECT_TRUE(t.enable_delayed_compression());
        ConnectionConfig cc;
        cc.kex_in_progress = [&t] { return t.kex_in_progress(); };
        conn = std::make_unique<ConnectionSession>(Role::kServer, [&t](ByteView m) { return t.send(m); }, cc);
      }
      return true;
    }
    if (!conn) return false;
    auto handled = conn->handle(ev.message);
    EXPECT_TRUE(handled) << handled.error().message();
    if (!handled) return false;
    return connection_events();
  }, on_rekeyed, x.timeout);
  if (out.error == "timed out") {   // say where it stalled
    out.error += " (exec " + std::to_string(exec_seen) + ", peer EOF " + std::to_string(out.peer_eof) +
                 ", stdout left " + std::to_string(reply.size()) + ", kex " + std::to_string(s.kex_in_progress()) +
                 ", key exchanges " + std::to_string(s.kex_count()) + ", window " +
                 std::to_string(conn && exec_channel ? conn->send_window(*exec_channel) : 0) + ")";
  }
  flush(s, fd);
  if (out.closed) linger_until_peer_closes(s, fd);
  // Some clients (paramiko) drop the connection once they have our CLOSE, without
  // answering it: the session ended as it should.
  if (finished && !out.closed && out.error == "peer closed the connection") out.error = "";
  close(fd);
  out.negotiated = s.negotiated();
  out.peer_software = software_of(s);
  out.kex_count = s.kex_count();
  if (auth) {
    out.authenticated = auth->authenticated();
    out.user = auth->user();
    out.methods = auth->methods_accepted();
  }
  return out;
}

}  // namespace sshpp::test

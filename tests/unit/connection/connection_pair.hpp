// A client and a server ConnectionSession wired to each other in memory, message by
// message, with a fake clock: the connection layer's EnginePair (no transport).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "sshcore/connection/connection_session.hpp"

namespace sshpp::test {

namespace conn = sshcore::connection;

// An event with its data copied (a kData view dies with the message).
struct SeenEvent {
  conn::ConnectionEvent ev;
  sshcore::Bytes data;
};

struct ConnSide {
  std::unique_ptr<conn::ConnectionSession> session;
  std::deque<sshcore::Bytes> inbox;          // messages on their way to this side
  std::vector<SeenEvent> events;
  std::optional<sshcore::Error> error;       // handle() failed
  std::function<void(const conn::ConnectionEvent&)> on_event;  // reacts while the view is alive
  std::function<void()> produce;             // called every pump round (bulk senders)
  bool auto_consume = true;                  // consume() data as soon as it arrives
  bool kex = false;                          // what kex_in_progress() answers
  std::size_t sent_messages = 0;

  conn::ConnectionSession& operator*() { return *session; }
  conn::ConnectionSession* operator->() { return session.get(); }
  std::size_t count(conn::ConnectionEventKind kind) const {
    std::size_t n = 0;
    for (const SeenEvent& e : events) n += e.ev.kind == kind;
    return n;
  }
  const SeenEvent* last(conn::ConnectionEventKind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->ev.kind == kind) return &*it;
    return nullptr;
  }
};

class ConnectionPair {
 public:
  explicit ConnectionPair(conn::ConnectionConfig client_config = {}, conn::ConnectionConfig server_config = {}) {
    make(client_, conn::Role::kClient, std::move(client_config), server_);
    make(server_, conn::Role::kServer, std::move(server_config), client_);
  }
  ConnSide& client() { return client_; }
  ConnSide& server() { return server_; }
  sshcore::connection::Clock::time_point now{};

  // Delivers messages both ways until nothing moves (or an error stops a side).
  void pump(std::size_t max_rounds = 1u << 30) {
    for (std::size_t round = 0; round < max_rounds; ++round) {
      if (client_.produce) client_.produce();
      if (server_.produce) server_.produce();
      bool moved = deliver(client_) | deliver(server_);
      if (!moved) return;
    }
  }
  // Delivers everything now waiting for `side`, then returns.
  bool deliver(ConnSide& side) {
    bool moved = false;
    std::deque<sshcore::Bytes> batch;
    batch.swap(side.inbox);
    for (sshcore::Bytes& m : batch) {
      if (side.error) break;
      moved = true;
      auto r = side.session->handle(m);
      if (!r) {
        side.error = r.error();
        break;
      }
      drain(side);
    }
    return moved;
  }
  void drain(ConnSide& side) {
    while (auto ev = side.session->next_event()) {
      SeenEvent seen{*ev, sshcore::to_bytes(ev->data)};
      seen.ev.data = {};
      if (side.on_event) side.on_event(*ev);
      bool is_data = ev->kind == conn::ConnectionEventKind::kData ||
                     ev->kind == conn::ConnectionEventKind::kExtendedData;
      if (is_data && side.auto_consume) (void)side.session->consume(ev->channel, ev->data.size());
      side.events.push_back(std::move(seen));
    }
  }

 private:
  void make(ConnSide& me, conn::Role role, conn::ConnectionConfig config, ConnSide& peer) {
    config.kex_in_progress = [&me] { return me.kex; };
    config.now = [this] { return now; };
    me.session = std::make_unique<conn::ConnectionSession>(
        role,
        [&peer, &me](sshcore::ByteView m) -> sshcore::Result<void> {
          peer.inbox.emplace_back(m.begin(), m.end());
          ++me.sent_messages;
          return {};
        },
        std::move(config));
  }
  ConnSide client_, server_;
};

}  // namespace sshpp::test

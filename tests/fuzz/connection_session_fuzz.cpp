// The connection engine (server role) after authentication, where the client
// controls every message: input = messages framed as [u16 length][payload]. The
// driver side is scripted from the same bytes: it accepts or rejects opens,
// answers requests, consumes data (sometimes not), and sends data, EOF and CLOSE,
// so every state of the EOF/CLOSE machine meets every message. The engine must
// answer or fail, never crash, hang, leak or grow without bound.
#include <cstdint>
#include <memory>

#include "sshcore/base/log.hpp"
#include "sshcore/connection/connection_session.hpp"

using namespace sshcore;
using namespace sshcore::connection;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    log::Options o;
    o.level = log::Level::kQuiet;
    log::init(o);
    return true;
  }();
  (void)quiet;
  std::size_t sent_bytes = 0;
  ConnectionConfig config;
  config.max_channels = 16;
  config.window.initial_window = 64 * 1024;
  config.window.max_window = 256 * 1024;
  Clock::time_point now{};
  config.now = [&now] { return now; };
  bool kex = false;
  config.kex_in_progress = [&kex] { return kex; };
  ConnectionSession conn(Role::kServer, [&sent_bytes](ByteView m) -> Result<void> {
    sent_bytes += m.size();
    return {};
  }, config);
  static const Bytes kOut(100 * 1024, 0x5a);
  std::size_t at = 0;
  std::uint8_t script = 0;
  while (at + 3 <= size) {
    script = data[at];
    std::size_t len = (std::size_t{data[at + 1]} << 8) | data[at + 2];
    at += 3;
    if (len > size - at) len = size - at;
    ByteView message(data + at, len);
    at += len;
    now += std::chrono::milliseconds(script & 0x3f);
    kex = (script & 0xc0) == 0xc0;
    if (!conn.handle(message)) break;
    while (auto ev = conn.next_event()) {
      ChannelId id = ev->channel;
      switch (ev->kind) {
        case ConnectionEventKind::kChannelOpenRequest:
          if (script & 1)
            (void)conn.accept_open(id);
          else
            (void)conn.reject_open(id, OpenFailureReason::kAdministrativelyProhibited, "open failed");
          break;
        case ConnectionEventKind::kChannelRequest:
          if (ev->request.want_reply) (void)((script & 2) ? conn.reply_success(id) : conn.reply_failure(id));
          if (script & 4) (void)conn.send_data(id, kOut);
          if (script & 8) (void)conn.send_extended_data(id, ByteView(kOut).first(script));
          if (script & 16) (void)conn.send_eof(id);
          if (script & 32) (void)conn.close(id);
          break;
        case ConnectionEventKind::kGlobalRequest:
          if (ev->global.want_reply) (void)conn.reply_global(script & 1);
          break;
        case ConnectionEventKind::kData:
        case ConnectionEventKind::kExtendedData:
          if (!(script & 2)) (void)conn.consume(id, ev->data.size());
          break;
        case ConnectionEventKind::kEof:
          (void)conn.close(id);
          break;
        case ConnectionEventKind::kWindowAvailable:
          (void)conn.send_data(id, kOut);
          break;
        default:
          break;
      }
    }
    if (script == 0x7f) conn.on_kex_complete();
    if (conn.channel_count() > config.max_channels) __builtin_trap();
  }
  // Stray calls on whatever is left must fail politely.
  for (ChannelId id = 0; id < 20; ++id) {
    (void)conn.send_data(id, ByteView(kOut).first(10));
    (void)conn.consume(id, 5);
    (void)conn.close(id);
  }
  return 0;
}

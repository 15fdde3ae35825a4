// The SFTP client engine's reply parsing: input bytes are what a (hostile) server
// sends after INIT. The engine has 8 requests of mixed kinds in flight, so STATUS,
// HANDLE, DATA, NAME, ATTRS and EXTENDED_REPLY for ids 1..8 all reach the parsers.
// Every reply handed out must carry an id that was in flight, at most once. The same
// bytes are also read header-first, as the zero-copy driver reads them (DATA payloads
// taken out of band): that must yield the very replies plain feeding yields.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <tuple>
#include <vector>

#include "sshcore/apps/sftp/sftp_client.hpp"

using namespace sshcore;
using namespace sshcore::apps::sftp;

namespace {

using Seen = std::vector<std::tuple<std::uint32_t, PacketType, std::size_t>>;  // id, type, data length

SftpClient client_with_requests() {
  SftpClient c;
  c.send_init();
  c.send_open("f", kOpenRead, {});
  c.send_read(as_bytes("h"), 0, 32768);
  c.send_path(PacketType::kReaddir, "d");
  c.send_path(PacketType::kStat, "s");
  c.send_extended("limits@openssh.com", {});
  c.send_write(as_bytes("h"), 0, as_bytes("x"));
  c.send_path(PacketType::kRealpath, ".");
  c.send_close(as_bytes("h"));
  c.consume_output(c.pending_output().size());
  return c;
}

// Drains complete replies; false once the engine reports an error.
bool drain(SftpClient& c, Seen& seen) {
  for (;;) {
    auto r = c.next_reply();
    if (!r) return false;
    if (!*r) return true;
    seen.emplace_back((*r)->id, (*r)->type, (*r)->data.size());
  }
}

// Header-first: at each packet boundary look at 13 bytes; a DATA the engine accepts
// is taken and its payload skipped, anything else is fed up to its packet's end.
Seen read_header_first(ByteView in) {
  SftpClient c = client_with_requests();
  Seen seen;
  std::size_t at = 0;
  while (at < in.size()) {
    ByteView rest = in.subspan(at);
    if (c.server_version() && c.at_packet_boundary() && rest.size() >= SftpClient::kDataHeaderLength) {
      ByteView header = rest.first(SftpClient::kDataHeaderLength);
      if (auto h = c.data_header(header)) {
        if (rest.size() - header.size() < h->length) break;  // the payload never came
        auto r = c.take_data_header(header);
        if (!r || r->out_of_band != h->length || !r->data.empty()) std::abort();
        seen.emplace_back(r->id, r->type, r->out_of_band);
        at += header.size() + h->length;
        continue;
      }
    }
    std::size_t n = rest.size();
    if (rest.size() >= 4) {
      std::uint64_t total = 4 + std::uint64_t{load_be32(rest.data())};
      if (total < n) n = static_cast<std::size_t>(total);
    }
    c.feed(rest.first(n));
    at += n;
    if (!drain(c, seen)) return seen;
  }
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 0) {
    ByteView whole(data + 1, size - 1);
    SftpClient plain = client_with_requests();
    Seen seen_plain;
    plain.feed(whole);
    drain(plain, seen_plain);
    Seen seen_first = read_header_first(whole);
    // Header-first may stop earlier (a payload cut short), never differ.
    if (seen_first.size() > seen_plain.size()) std::abort();
    for (std::size_t i = 0; i < seen_first.size(); ++i)
      if (seen_first[i] != seen_plain[i]) std::abort();
  }
  SftpClient c;
  c.send_init();
  std::set<std::uint32_t> sent;
  sent.insert(c.send_open("f", kOpenRead, {}));
  sent.insert(c.send_read(as_bytes("h"), 0, 32768));
  sent.insert(c.send_path(PacketType::kReaddir, "d"));
  sent.insert(c.send_path(PacketType::kStat, "s"));
  sent.insert(c.send_extended("limits@openssh.com", {}));
  sent.insert(c.send_write(as_bytes("h"), 0, as_bytes("x")));
  sent.insert(c.send_path(PacketType::kRealpath, "."));
  sent.insert(c.send_close(as_bytes("h")));
  c.consume_output(c.pending_output().size());
  // The first byte picks where to split the rest, so split packets are exercised too.
  if (size == 0) return 0;
  std::size_t cut = data[0] % size;
  ++data;
  --size;
  c.feed(ByteView(data, cut));
  for (int pass = 0; pass < 2; ++pass) {
    for (;;) {
      auto r = c.next_reply();
      if (!r) return 0;  // a parse error ends the session
      if (!*r) break;
      if (sent.erase((*r)->id) != 1) std::abort();
      // Touch the views so a sanitizer sees any dangling one.
      volatile std::size_t sum = (*r)->data.size() + (*r)->handle.size() + (*r)->message.size();
      for (const auto& n : (*r)->names) sum = sum + n.filename.size() + n.long_name.size();
      (void)sum;
    }
    if (pass == 0) c.feed(ByteView(data + cut, size - cut));
  }
  return 0;
}

// The SFTP client engine's reply parsing: input bytes are what a (hostile) server
// sends after INIT. The engine has 8 requests of mixed kinds in flight, so STATUS,
// HANDLE, DATA, NAME, ATTRS and EXTENDED_REPLY for ids 1..8 all reach the parsers.
// Every reply handed out must carry an id that was in flight, at most once.
#include <cstdint>
#include <cstdlib>
#include <set>

#include "sshcore/apps/sftp/sftp_client.hpp"

using namespace sshcore;
using namespace sshcore::apps::sftp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
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

#include "sshcore/transport/kex_init_message.hpp"

#include <algorithm>

namespace sshcore::transport {

void MsgKexInit::encode(wire::Writer& w) const {
  w.u8(kNumber);
  w.raw(ByteView(cookie));
  for (const auto& list : lists) w.string(list);
  w.boolean(first_kex_packet_follows);
  w.u32(reserved);
}

Result<MsgKexInit> MsgKexInit::decode(wire::Reader r) {
  MsgKexInit m;
  SSH_TRY(cookie, r.raw(m.cookie.size()));
  std::copy(cookie.begin(), cookie.end(), m.cookie.begin());
  for (auto& list : m.lists) {
    SSH_TRY(names, r.cstring());
    list = std::string(names);
  }
  SSH_TRY(follows, r.boolean());
  SSH_TRY(reserved, r.u32());
  SSH_TRY_VOID(r.finish("SSH_MSG_KEXINIT"));
  m.first_kex_packet_follows = follows;
  m.reserved = reserved;
  return m;
}

}  // namespace sshcore::transport

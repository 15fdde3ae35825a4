#include "sshcore/transport/transport_messages.hpp"

#include "sshcore/wire/writer.hpp"

namespace sshcore::transport {

Bytes MsgDisconnect::encode() const {
  wire::Writer w;
  w.u8(msg::kDisconnect);
  w.u32(static_cast<std::uint32_t>(reason));
  w.string(description);
  w.string(std::string_view());  // language tag
  return *std::move(w).finish();
}

Result<MsgDisconnect> MsgDisconnect::decode(wire::Reader r) {
  SSH_TRY(reason, r.u32());
  SSH_TRY(description, r.string());
  SSH_TRY(language, r.string());
  (void)language;
  SSH_TRY_VOID(r.finish("SSH_MSG_DISCONNECT"));
  return MsgDisconnect{static_cast<DisconnectReason>(reason), to_string(description)};
}

Bytes MsgExtInfo::encode() const {
  wire::Writer w;
  w.u8(msg::kExtInfo);
  w.u32(static_cast<std::uint32_t>(extensions.size()));
  for (const auto& [name, value] : extensions) {
    w.string(name);
    w.string(value);
  }
  return *std::move(w).finish();
}

Result<MsgExtInfo> MsgExtInfo::decode(wire::Reader r) {
  SSH_TRY(count, r.u32());
  MsgExtInfo m;
  for (std::uint32_t i = 0; i < count; ++i) {
    SSH_TRY(name, r.cstring());
    SSH_TRY(value, r.string());
    m.extensions.emplace_back(std::string(name), to_string(value));
  }
  SSH_TRY_VOID(r.finish("SSH_MSG_EXT_INFO"));
  return m;
}

}  // namespace sshcore::transport

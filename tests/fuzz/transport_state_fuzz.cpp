// import_transport_state() under hostile input: the monitor passes the pre-auth
// child's exported transport to the user child, and a compromised pre-auth
// child chooses those bytes. Any input must give an error or a session that
// exports again; a session that imports is also fed the rest of the input as
// arriving bytes. Seeds (corpus/transport_state_fuzz/): real exported states of
// chacha20-poly1305, AES-GCM, AES-CTR+EtM and AES-CBC+HMAC server sessions.
#include <cstddef>
#include <cstdint>

#include "sshcore/transport/transport_state.hpp"

using namespace sshcore;
using namespace sshcore::transport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  (void)transport_state_session_id(in);
  TransportConfig config;
  config.role = Role::kServer;
  auto session = import_transport_state(in, {}, config);
  if (!session) return 0;
  auto again = export_transport_state(**session);
  if (!again) __builtin_trap();  // an imported session is at a handoff point by construction
  (*session)->receive(in.first(size / 2));
  for (int i = 0; i < 64; ++i) {
    auto ev = (*session)->next_event();
    if (!ev || !ev->has_value()) break;
  }
  return 0;
}

// The transport engine's message handlers before the first NEWKEYS, where an
// attacker controls every byte: input = role byte, then packets framed as
// [u16 length][payload], each sent to the engine as an unprotected packet after
// a valid identification line. The engine must answer or disconnect, never
// crash, hang or leak.
#include <cstdint>
#include <memory>

#include "sshcore/base/log.hpp"
#include "sshcore/keys/private_key.hpp"
#include "sshcore/keys/signer.hpp"
#include "sshcore/transport/packet_codec.hpp"
#include "sshcore/transport/transport_session.hpp"

using namespace sshcore;
using namespace sshcore::transport;

namespace {
std::shared_ptr<keys::Signer> host_key() {
  static auto key = std::make_shared<keys::PrivateKeySigner>(*keys::PrivateKey::generate(keys::KeyType::kEd25519));
  return key;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {  // every rejected input logs an error otherwise
    log::Options o;
    o.level = log::Level::kQuiet;
    log::init(o);
    return true;
  }();
  (void)quiet;
  if (size < 1) return 0;
  TransportConfig config;
  config.role = (data[0] & 1) ? Role::kServer : Role::kClient;
  config.kex = "curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group-exchange-sha256,"
               "sntrup761x25519-sha512,mlkem768x25519-sha256";
  TransportSession session(config, config.role == Role::kServer ? std::vector{host_key()}
                                                                : std::vector<std::shared_ptr<keys::Signer>>{},
                           [](const keys::PublicKey&) -> Result<void> { return {}; });
  session.start();
  session.receive(as_bytes("SSH-2.0-fuzz\r\n"));
  PacketEncoder framer;  // "none": what goes over the wire before NEWKEYS
  std::size_t at = 1;
  while (at + 2 <= size && !session.closed()) {
    std::size_t len = (std::size_t{data[at]} << 8) | data[at + 1];
    at += 2;
    if (len > size - at) len = size - at;
    if (len == 0 || !framer.encode(ByteView(data + at, len))) break;
    at += len;
    session.receive(framer.pending_output());
    framer.consume_output(framer.pending_output().size());
    for (int i = 0; i < 64; ++i) {
      auto ev = session.next_event();
      if (!ev || !ev->has_value()) break;
    }
    session.consume_output(session.pending_output().size());
  }
  return 0;
}

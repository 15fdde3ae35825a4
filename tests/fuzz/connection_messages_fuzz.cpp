// The connection protocol's message codecs under hostile input.
//
// The input is a payload: byte 0 is the message number (80..100 pick a
// decoder; others go to the terminal-mode parser). Whatever decodes must
// re-encode to something that decodes to the same encoding again; the tails of
// GLOBAL_REQUEST, CHANNEL_OPEN and CHANNEL_REQUEST also go through every typed
// body of their kind, and a pty-req's modes through the terminal-mode parser.
// Seeds (corpus/connection_messages_fuzz/): one valid payload per message kind.
#include <cstdint>
#include <cstdlib>

#include "sshcore/connection/connection_messages.hpp"
#include "sshcore/connection/terminal_modes.hpp"

using namespace sshcore;
using namespace sshcore::connection;

namespace {

template <class M>
void message(ByteView after_number) {
  auto m = M::decode(wire::Reader(after_number));
  if (!m) return;
  Bytes once = m->encode();
  if (once.empty() || once[0] != M::kNumber) std::abort();
  auto again = M::decode(wire::Reader(ByteView(once).subspan(1)));
  if (!again || again->encode() != once) std::abort();
}

template <class Body>
void body(ByteView tail) {
  auto b = Body::decode(tail);
  if (!b) return;
  Bytes once = b->encode();
  auto again = Body::decode(once);
  if (!again || again->encode() != once) std::abort();
}

void modes(ByteView encoded) {
  auto m = decode_terminal_modes(encoded);
  if (!m) return;
  auto once = encode_terminal_modes(*m);
  if (!once) std::abort();  // only table opcodes come back, and those are writable
  auto again = decode_terminal_modes(*once);
  if (!again || *again != *m) std::abort();
}

template <class... Bodies>
void bodies(ByteView tail) {
  (body<Bodies>(tail), ...);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ByteView rest(data + 1, size - 1);
  switch (data[0]) {
    case MsgGlobalRequest::kNumber: {
      message<MsgGlobalRequest>(rest);
      if (auto m = MsgGlobalRequest::decode(wire::Reader(rest)))
        bodies<TcpipForwardRequest, CancelTcpipForwardRequest, StreamlocalForwardRequest,
               CancelStreamlocalForwardRequest, NoMoreSessionsRequest, KeepaliveRequest, HostkeysRequest,
               HostkeysProveRequest>(m->data);
      break;
    }
    case MsgRequestSuccess::kNumber:
      message<MsgRequestSuccess>(rest);
      body<TcpipForwardReply>(rest);
      break;
    case MsgRequestFailure::kNumber: message<MsgRequestFailure>(rest); break;
    case MsgChannelOpen::kNumber: {
      message<MsgChannelOpen>(rest);
      if (auto m = MsgChannelOpen::decode(wire::Reader(rest)))
        bodies<SessionOpen, DirectTcpipOpen, ForwardedTcpipOpen, X11Open, DirectStreamlocalOpen,
               ForwardedStreamlocalOpen>(m->data);
      break;
    }
    case MsgChannelOpenConfirmation::kNumber: message<MsgChannelOpenConfirmation>(rest); break;
    case MsgChannelOpenFailure::kNumber: message<MsgChannelOpenFailure>(rest); break;
    case MsgChannelWindowAdjust::kNumber: message<MsgChannelWindowAdjust>(rest); break;
    case MsgChannelData::kNumber: message<MsgChannelData>(rest); break;
    case MsgChannelExtendedData::kNumber: message<MsgChannelExtendedData>(rest); break;
    case MsgChannelEof::kNumber: message<MsgChannelEof>(rest); break;
    case MsgChannelClose::kNumber: message<MsgChannelClose>(rest); break;
    case MsgChannelRequest::kNumber: {
      message<MsgChannelRequest>(rest);
      if (auto m = MsgChannelRequest::decode(wire::Reader(rest))) {
        bodies<PtyRequest, X11Request, EnvRequest, ShellRequest, ExecRequest, SubsystemRequest,
               WindowChangeRequest, XonXoffRequest, SignalRequest, ExitStatusRequest, ExitSignalRequest,
               BreakRequest, EowRequest, KeepaliveRequest>(m->data);
        if (auto pty = PtyRequest::decode(m->data)) modes(pty->modes);
      }
      break;
    }
    case MsgChannelSuccess::kNumber: message<MsgChannelSuccess>(rest); break;
    case MsgChannelFailure::kNumber: message<MsgChannelFailure>(rest); break;
    default: modes(rest); break;
  }
  return 0;
}

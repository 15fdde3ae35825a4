// The monitor's request and reply decoders under hostile input: the monitor
// decodes what a compromised pre-auth child sends, the child what the monitor
// answers. Byte 0 chooses the decoder; every decoded message is encoded again
// and must decode to the same bytes. Seeds (corpus/monitor_messages_fuzz/):
// valid bodies of each message, prefixed with their selector byte.
//
// The messages belong to sshd/, which the fuzz build does not link as a
// library, so the one source file is compiled in here.
#include <cstddef>
#include <cstdint>

#include "../../sshd/monitor_messages.cpp"

using namespace sshcore;

namespace {

template <class Message>
void round_trip(ByteView body) {
  auto m = Message::decode(wire::Reader(body));
  if (!m) return;
  wire::Writer w;
  m->encode(w);
  auto bytes = std::move(w).finish();
  if (!bytes) __builtin_trap();
  auto again = Message::decode(wire::Reader(*bytes));
  if (!again) __builtin_trap();
  wire::Writer w2;
  again->encode(w2);
  auto bytes2 = std::move(w2).finish();
  if (!bytes2 || *bytes2 != *bytes) __builtin_trap();
}

using Decoder = void (*)(ByteView);
constexpr Decoder kDecoders[] = {
    &round_trip<sshd::SignRequest>,           &round_trip<sshd::SignReply>,
    &round_trip<sshd::LookupUserRequest>,     &round_trip<sshd::LookupUserReply>,
    &round_trip<sshd::BeforeMethodRequest>,   &round_trip<sshd::DecisionReply>,
    &round_trip<sshd::PublickeyAllowedRequest>, &round_trip<sshd::KeyAuthorizationReply>,
    &round_trip<sshd::PublickeyVerifyRequest>, &round_trip<sshd::HostbasedVerifyRequest>,
    &round_trip<sshd::PasswordRequest>,       &round_trip<sshd::PasswordReply>,
    &round_trip<sshd::KbdintStartRequest>,    &round_trip<sshd::KbdintRespondRequest>,
    &round_trip<sshd::KbdintReply>,           &round_trip<sshd::HostbasedAllowedRequest>,
    &round_trip<sshd::RecordAttemptRequest>,  &round_trip<sshd::EmptyReply>,
    &round_trip<sshd::TransportStateRequest>, &round_trip<sshd::PtyAllocateRequest>,
    &round_trip<sshd::PtyAllocateReply>,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  kDecoders[data[0] % (sizeof kDecoders / sizeof kDecoders[0])](ByteView(data + 1, size - 1));
  return 0;
}

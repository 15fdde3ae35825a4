// Feeds the whole input, as a peer's payload after the message number, to every user
// authentication message decoder.
// Whatever decodes must re-encode to bytes that decode to the same encoding again, and the
// signed-data builders must accept any decoded publickey or hostbased request.
#include <cstdint>
#include <cstdlib>
#include <type_traits>

#include "sshcore/auth/userauth_messages.hpp"

using namespace sshcore;
using namespace sshcore::auth;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

template <class M>
void round_trip(ByteView in) {
  auto decoded = M::decode(wire::Reader(in));
  if (!decoded) return;
  Bytes once = decoded->encode();
  check(!once.empty() && once[0] == M::kNumber);
  auto again = M::decode(wire::Reader(ByteView(once).subspan(1)));
  check(again.has_value());
  check(again->encode() == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  round_trip<MsgUserauthRequest>(in);
  round_trip<MsgUserauthFailure>(in);
  round_trip<MsgUserauthSuccess>(in);
  round_trip<MsgUserauthBanner>(in);
  round_trip<MsgUserauthPkOk>(in);
  round_trip<MsgUserauthPasswdChangereq>(in);
  round_trip<MsgUserauthInfoRequest>(in);
  round_trip<MsgUserauthInfoResponse>(in);
  round_trip<MsgServiceRequest>(in);
  round_trip<MsgServiceAccept>(in);

  if (auto req = MsgUserauthRequest::decode(wire::Reader(in))) {
    const Bytes session_id(32, 0xab);
    bool is_pk = std::holds_alternative<PublickeyMethod>(req->method);
    bool is_hb = std::holds_alternative<HostbasedMethod>(req->method);
    check(publickey_signed_data(session_id, *req).has_value() == is_pk);
    check(hostbased_signed_data(session_id, *req).has_value() == is_hb);
  }
  return 0;
}

// The monitor's checks of a signed userauth blob (sshd/monitor_blob_checks.cpp)
// under hostile input: the blob comes from a possibly compromised pre-auth child.
// Byte 0 chooses publickey or hostbased, the rest is the blob, checked against a
// fixed expectation. Beyond never reading out of bounds, a blob the check accepts
// must be the very bytes a client signs for that expectation (save the
// has_signature flag, which like OpenSSH accepts any non-zero value).
// Seeds (corpus/monitor_blob_fuzz/): the accepted blobs, with their selector byte.
//
// The checks belong to sshd/, which the fuzz build does not link as a library,
// so the one source file is compiled in here.
#include <cstddef>
#include <cstdint>

#include "../../sshd/monitor_blob_checks.cpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;

namespace {

const Bytes kSessionId(32, 0x11);
const Bytes kKeyBlob{0, 0, 0, 3, 'k', 'e', 'y'};
const Bytes kHostKey{0, 0, 0, 4, 'h', 'o', 's', 't'};
constexpr std::string_view kAlgorithm = "ssh-ed25519";

// The blob a client signs: RFC 4252 sections 7 and 9, PROTOCOL 3.1.
Bytes expected(std::string_view method, bool hostbased, std::string_view client_host = "client.example") {
  wire::Writer w;
  w.string(kSessionId);
  w.u8(50);
  w.string(std::string_view("alice"));
  w.string(std::string_view("ssh-connection"));
  w.string(method);
  if (!hostbased) w.u8(1);
  w.string(kAlgorithm);
  w.string(kKeyBlob);
  if (method == auth::kMethodPublickeyHostbound) w.string(kHostKey);
  if (hostbased) {
    w.string(client_host);
    w.string(std::string_view("carol"));
  }
  return *std::move(w).finish();
}

bool same_but_flag(ByteView blob, const Bytes& want, std::size_t flag_at) {
  if (blob.size() != want.size()) return false;
  for (std::size_t i = 0; i < blob.size(); ++i)
    if (i != flag_at && blob[i] != want[i]) return false;
  return blob[flag_at] != 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ByteView blob(data + 1, size - 1);
  const ByteView hosts[] = {kHostKey};
  if (data[0] % 2 == 0) {
    sshd::PublickeyBlobExpectation expect{kSessionId, "alice", kAlgorithm, kKeyBlob, hosts};
    if (sshd::check_publickey_blob(blob, expect)) return 0;
    // session id, type, user, service, then the method name of either length.
    const std::size_t head = 4 + kSessionId.size() + 1 + 4 + 5 + 4 + 14 + 4;
    bool plain = same_but_flag(blob, expected(auth::kMethodPublickey, false), head + auth::kMethodPublickey.size());
    bool bound = same_but_flag(blob, expected(auth::kMethodPublickeyHostbound, false),
                               head + auth::kMethodPublickeyHostbound.size());
    if (!plain && !bound) __builtin_trap();
  } else {
    sshd::HostbasedBlobExpectation expect{kSessionId, "alice", kAlgorithm, kKeyBlob, "client.example", "carol"};
    if (sshd::check_hostbased_blob(blob, expect)) return 0;
    auto equal = [&](const Bytes& want) { return std::equal(blob.begin(), blob.end(), want.begin(), want.end()); };
    // The one other form: the client host with a trailing dot, as OpenSSH allows.
    if (!equal(expected(auth::kMethodHostbased, true)) && !equal(expected(auth::kMethodHostbased, true, "client.example.")))
      __builtin_trap();
  }
  return 0;
}

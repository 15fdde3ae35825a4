#include "monitor_blob_checks.hpp"

#include <algorithm>
#include <array>

#include "sshcore/auth/userauth_messages.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/wire/reader.hpp"

namespace sshd {

using sshcore::ByteView;
using sshcore::wire::Reader;
namespace auth = sshcore::auth;

namespace {

struct FieldName {
  BlobField field;
  std::string_view name;
};
constexpr std::array kFieldNames{
    FieldName{BlobField::kFormat, "format"},          FieldName{BlobField::kSessionId, "session id"},
    FieldName{BlobField::kMessageType, "message type"}, FieldName{BlobField::kUser, "user"},
    FieldName{BlobField::kService, "service"},        FieldName{BlobField::kMethod, "method"},
    FieldName{BlobField::kSignatureFlag, "signature flag"}, FieldName{BlobField::kAlgorithm, "algorithm"},
    FieldName{BlobField::kKey, "key"},                FieldName{BlobField::kHostKey, "host key"},
    FieldName{BlobField::kClientHost, "client host"}, FieldName{BlobField::kClientUser, "client user"},
    FieldName{BlobField::kTrailing, "trailing data"},
};

// The publickey methods whose signatures the monitor verifies, and whether the
// blob then names the server's host key (PROTOCOL 3.1).
struct PublickeyMethodRow {
  std::string_view name;
  bool hostbound;
};
constexpr std::array kPublickeyMethods{
    PublickeyMethodRow{auth::kMethodPublickey, false},
    PublickeyMethodRow{auth::kMethodPublickeyHostbound, true},
};

std::optional<BlobMismatch> mismatch(BlobField field, std::string found = {}) {
  return BlobMismatch{field, std::move(found)};
}

// The user name a child claimed goes into a log line: cut to 100 bytes like
// OpenSSH's "%.100s", control and 8-bit bytes as octal escapes (strnvis VIS_OCTAL).
std::string loggable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 100)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
      continue;
    }
    out += '\\';
    out += static_cast<char>('0' + (c >> 6));
    out += static_cast<char>('0' + ((c >> 3) & 7));
    out += static_cast<char>('0' + (c & 7));
  }
  return out;
}

bool equal(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// hostbased_key_allowed() and monitor_valid_hostbasedblob() both drop one
// trailing dot of the client's host name before comparing.
std::string_view without_trailing_dot(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// Reads the fields every userauth blob starts with, up to and including the
// method name, and compares them. A parse failure is a mismatch of the format.
class BlobHead {
 public:
  explicit BlobHead(ByteView blob) : r_(blob) {}

  std::optional<BlobMismatch> check(ByteView session_id, std::string_view user) {
    auto sid = r_.string();
    if (!sid) return mismatch(BlobField::kFormat);
    // The monitor's session id is empty until the first exchange hash: nothing matches it.
    if (session_id.empty() || !sshcore::constant_time_equal(*sid, session_id)) return mismatch(BlobField::kSessionId);
    auto type = r_.u8();
    if (!type) return mismatch(BlobField::kFormat);
    if (*type != auth::MsgUserauthRequest::kNumber) return mismatch(BlobField::kMessageType);
    auto blob_user = r_.cstring();
    if (!blob_user) return mismatch(BlobField::kFormat);
    if (*blob_user != user) return mismatch(BlobField::kUser, loggable(*blob_user));
    auto service = r_.cstring();
    if (!service) return mismatch(BlobField::kFormat);
    if (*service != auth::kServiceConnection) return mismatch(BlobField::kService);
    auto method = r_.cstring();
    if (!method) return mismatch(BlobField::kFormat);
    method_ = *method;
    return std::nullopt;
  }
  std::string_view method() const { return method_; }

  // The algorithm name and key blob both methods carry next.
  std::optional<BlobMismatch> check_key(std::string_view algorithm, ByteView key_blob) {
    auto alg = r_.cstring();
    if (!alg) return mismatch(BlobField::kFormat);
    if (*alg != algorithm) return mismatch(BlobField::kAlgorithm);
    auto key = r_.string();
    if (!key) return mismatch(BlobField::kFormat);
    if (!equal(*key, key_blob)) return mismatch(BlobField::kKey);
    return std::nullopt;
  }

  Reader& reader() { return r_; }

  std::optional<BlobMismatch> check_end() const {
    if (!r_.finish("signed data")) return mismatch(BlobField::kTrailing);
    return std::nullopt;
  }

 private:
  Reader r_;
  std::string_view method_;
};

}  // namespace

std::string_view blob_field_name(BlobField field) {
  for (const FieldName& f : kFieldNames)
    if (f.field == field) return f.name;
  return "unknown";
}

std::optional<BlobMismatch> check_publickey_blob(ByteView blob, const PublickeyBlobExpectation& expect) {
  BlobHead head(blob);
  if (auto m = head.check(expect.session_id, expect.user)) return m;
  auto row = std::find_if(kPublickeyMethods.begin(), kPublickeyMethods.end(),
                          [&](const PublickeyMethodRow& r) { return r.name == head.method(); });
  if (row == kPublickeyMethods.end()) return mismatch(BlobField::kMethod);
  auto has_signature = head.reader().u8();
  if (!has_signature) return mismatch(BlobField::kFormat);
  if (*has_signature == 0) return mismatch(BlobField::kSignatureFlag);  // OpenSSH: any non-zero is TRUE
  if (auto m = head.check_key(expect.algorithm, expect.key_blob)) return m;
  if (row->hostbound) {
    auto host_key = head.reader().string();
    if (!host_key) return mismatch(BlobField::kFormat);
    bool ours = std::any_of(expect.host_keys.begin(), expect.host_keys.end(),
                            [&](ByteView k) { return equal(k, *host_key); });
    if (!ours) return mismatch(BlobField::kHostKey);
  }
  return head.check_end();
}

std::optional<BlobMismatch> check_hostbased_blob(ByteView blob, const HostbasedBlobExpectation& expect) {
  BlobHead head(blob);
  if (auto m = head.check(expect.session_id, expect.user)) return m;
  if (head.method() != auth::kMethodHostbased) return mismatch(BlobField::kMethod);
  if (auto m = head.check_key(expect.algorithm, expect.key_blob)) return m;
  auto client_host = head.reader().cstring();
  if (!client_host) return mismatch(BlobField::kFormat);
  if (without_trailing_dot(*client_host) != without_trailing_dot(expect.client_host))
    return mismatch(BlobField::kClientHost);
  auto client_user = head.reader().cstring();
  if (!client_user) return mismatch(BlobField::kFormat);
  if (*client_user != expect.client_user) return mismatch(BlobField::kClientUser);
  return head.check_end();
}

}  // namespace sshd

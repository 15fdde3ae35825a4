// The monitor's reading of a signed userauth blob before it verifies a signature
// for the pre-auth child (OpenSSH monitor.c monitor_valid_userblob and
// monitor_valid_hostbasedblob). The child chooses the bytes it asks the monitor to
// check; without these checks a compromised child could replay a client's
// signature for another user, service, method or key. Every field of the blob
// (RFC 4252 sections 7 and 9, PROTOCOL 3.1 for publickey-hostbound) is parsed and
// compared with what the monitor recorded itself, and nothing may follow.
//
// Stricter than OpenSSH where the monitor knows more: service, algorithm and key
// blob are compared too (OpenSSH skips them), and "user:style" is refused because
// this sshd supports no authentication styles.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"

namespace sshd {

// The first field of a blob that did not match, for the monitor's log.
enum class BlobField : std::uint8_t {
  kFormat,       // truncated, or a field of the wrong shape
  kSessionId,
  kMessageType,
  kUser,
  kService,
  kMethod,
  kSignatureFlag,
  kAlgorithm,
  kKey,
  kHostKey,      // publickey-hostbound: not one of the monitor's host keys
  kClientHost,
  kClientUser,
  kTrailing,
};
struct BlobMismatch {
  BlobField field;
  std::string found;  // field == kUser: the name found, cut and escaped for a log line
};
std::string_view blob_field_name(BlobField field);

struct PublickeyBlobExpectation {
  sshcore::ByteView session_id;
  std::string_view user;
  std::string_view algorithm;
  sshcore::ByteView key_blob;
  std::span<const sshcore::ByteView> host_keys;  // public blobs a hostbound request may name
};
// nullopt: the blob is what a client signs for exactly this request.
std::optional<BlobMismatch> check_publickey_blob(sshcore::ByteView blob, const PublickeyBlobExpectation& expect);

struct HostbasedBlobExpectation {
  sshcore::ByteView session_id;
  std::string_view user;
  std::string_view algorithm;
  sshcore::ByteView key_blob;
  std::string_view client_host;  // as HostbasedAllowed named them
  std::string_view client_user;
};
std::optional<BlobMismatch> check_hostbased_blob(sshcore::ByteView blob, const HostbasedBlobExpectation& expect);

}  // namespace sshd

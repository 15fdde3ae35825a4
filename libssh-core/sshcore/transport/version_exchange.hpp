// Identification string exchange (RFC 4253 section 4.2), sans-I/O.
//
// Feed the bytes that arrive; once the peer's "SSH-2.0-..." line is complete the
// exchange reports it and how many bytes it used (the binary packet protocol
// starts right after). Lines a server sends before its identification are kept
// for the debug log; a client may send none. Limits and error texts follow
// OpenSSH's kex_exchange_identification().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::transport {

inline constexpr std::string_view kSoftwareVersion = "sshpp_0.1";
inline constexpr std::size_t kMaxIdentificationLine = 8192;   // OpenSSH's SSH_MAX_BANNER_LEN
inline constexpr std::size_t kMaxPreambleLines = 1024;        // SSH_MAX_PRE_BANNER_LINES

enum class Role : bool { kClient, kServer };

// "SSH-2.0-sshpp_0.1" (with an optional " comment"), without CR LF.
std::string our_identification(std::string_view comment = {});

struct PeerIdentification {
  std::string line;              // the whole line without CR LF: exchange hashes use it
  int major = 0, minor = 0;      // 1.99 is reported as 2.0, as OpenSSH does
  std::string software;          // "OpenSSH_9.2p1" (the part after the second '-', before a space)
  std::string comment;           // after the first space, if any
  std::vector<std::string> preamble;  // lines the server sent before it

  // OpenSSH's remote_version: everything after "SSH-2.0-", comment included
  // ("OpenSSH_9.2p1 Debian-2+deb12u3"), as its debug log and compat matching use it.
  std::string software_version() const { return comment.empty() ? software : software + ' ' + comment; }
};

class VersionExchange {
 public:
  explicit VersionExchange(Role our_role) : role_(our_role) {}

  // Consumes bytes up to and including the identification line. Returns the
  // peer's identification once complete (later calls return it again and consume
  // nothing), std::nullopt while more bytes are needed, or an error
  // (kInvalidFormat/kTooLarge with OpenSSH's wording, reason kProtocolVersionNotSupported
  // for SSH-1 peers).
  Result<std::optional<PeerIdentification>> feed(ByteView in, std::size_t& consumed);

  bool done() const { return done_; }

 private:
  Result<bool> finish_line();
  Role role_;
  std::string line_;
  bool saw_cr_ = false;
  bool done_ = false;
  PeerIdentification peer_;
};

}  // namespace sshcore::transport

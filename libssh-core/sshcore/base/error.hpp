// Error: what went wrong, grouped by layer, with a detail that never holds secrets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sshcore {

enum class Errc : std::uint16_t {
  // base / wire
  kTruncated = 1,        // input ended inside a field
  kTrailingData,         // bytes left after a complete message
  kTooLarge,             // a length or a Writer over its limit
  kInvalidFormat,        // shape is wrong (negative mpint, NUL in cstring, bad base64, ...)
  kInvalidArgument,      // caller passed something unusable
  // crypto
  kCryptoFailure,        // the backend library refused (should not happen on valid input)
  kMacInvalid,           // authentication tag or MAC mismatch
  // keys
  kKeyTypeUnknown,       // a key type name we do not know
  kKeyTypeUnsupported,   // known but deliberately unsupported (DSA, SSH-1 RSA)
  kKeyInvalid,           // a key that fails its own consistency checks
  kKeySizeInvalid,       // bits out of range for the type
  kSignatureInvalid,     // a signature that does not verify
  kPassphraseRequired,   // key is encrypted and no passphrase was given
  kWrongPassphrase,      // decryption check-ints differ
  kNotFound,             // a lookup found nothing
  // system
  kSystem,               // errno-based failure (detail holds strerror text)
  kInternal,             // broken invariant
  // transport (after kInternal so existing codes keep their numbers)
  kNoCommonAlgorithm,    // KEX negotiation: a proposal with no name both sides offer
};

// RFC 4253 section 11.1 reason codes, carried where a connection error needs one.
enum class DisconnectReason : std::uint32_t {
  kNone = 0,
  kHostNotAllowedToConnect = 1,
  kProtocolError = 2,
  kKeyExchangeFailed = 3,
  kReserved = 4,
  kMacError = 5,
  kCompressionError = 6,
  kServiceNotAvailable = 7,
  kProtocolVersionNotSupported = 8,
  kHostKeyNotVerifiable = 9,
  kConnectionLost = 10,
  kByApplication = 11,
  kTooManyConnections = 12,
  kAuthCancelledByUser = 13,
  kNoMoreAuthMethodsAvailable = 14,
  kIllegalUserName = 15,
};

struct Error {
  Errc code{Errc::kInternal};
  std::string detail;
  DisconnectReason reason{DisconnectReason::kNone};

  // Human text for logs and messages: the code's phrase, then the detail.
  std::string message() const;
};

std::string_view errc_phrase(Errc code);

}  // namespace sshcore

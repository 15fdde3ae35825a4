#include "sshcore/base/error.hpp"

namespace sshcore {

std::string_view errc_phrase(Errc code) {
  switch (code) {
    case Errc::kTruncated: return "message incomplete";
    case Errc::kTrailingData: return "unexpected trailing data";
    case Errc::kTooLarge: return "length too large";
    case Errc::kInvalidFormat: return "invalid format";
    case Errc::kInvalidArgument: return "invalid argument";
    case Errc::kCryptoFailure: return "libcrypto error";
    case Errc::kMacInvalid: return "message authentication code incorrect";
    case Errc::kKeyTypeUnknown: return "unknown or unsupported key type";
    case Errc::kKeyTypeUnsupported: return "key type not supported";
    case Errc::kKeyInvalid: return "invalid key";
    case Errc::kKeySizeInvalid: return "Invalid key length";
    case Errc::kSignatureInvalid: return "incorrect signature";
    case Errc::kPassphraseRequired: return "passphrase required";
    case Errc::kWrongPassphrase: return "incorrect passphrase supplied to decrypt private key";
    case Errc::kNotFound: return "not found";
    case Errc::kSystem: return "system error";
    case Errc::kInternal: return "internal error";
    case Errc::kNoCommonAlgorithm: return "no matching algorithm found";
  }
  return "unknown error";
}

std::string Error::message() const {
  if (detail.empty()) return std::string(errc_phrase(code));
  return std::string(errc_phrase(code)) + ": " + detail;
}

}  // namespace sshcore

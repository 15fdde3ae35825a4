#include "diagnostics.hpp"

#include <cstdio>

namespace sshkeygen {

void die(std::string_view message) {
  std::fflush(stdout);
  sshcore::log::fatal("{}", message);
  std::exit(kFatalExit);
}

std::string ssh_err(const sshcore::Error& e) {
  using sshcore::Errc;
  switch (e.code) {
    case Errc::kWrongPassphrase:
    case Errc::kPassphraseRequired:
      return "incorrect passphrase supplied to decrypt private key";
    case Errc::kTruncated:
    case Errc::kTrailingData:
    case Errc::kInvalidFormat:
    case Errc::kTooLarge:
      return "invalid format";
    case Errc::kKeyTypeUnknown:
    case Errc::kKeyTypeUnsupported:
      return "unknown or unsupported key type";
    case Errc::kKeySizeInvalid:
      return "Invalid key length";
    case Errc::kKeyInvalid:
      return "invalid key";
    case Errc::kCryptoFailure:
      return "error in libcrypto";
    case Errc::kSignatureInvalid:
      return "incorrect signature";
    case Errc::kInvalidArgument:
    case Errc::kSystem:
      // Detail holds strerror() text, which is what OpenSSH prints for
      // SSH_ERR_SYSTEM_ERROR; our own file checks use the same slot.
      return e.detail.empty() ? std::string("unexpected internal error") : e.detail;
    default:
      return e.message();
  }
}

}  // namespace sshkeygen

// The ssh client's options (ssh_config(5)): one slot per option, filled from the keyword
// table in ssh_keywords.cpp. A slot is empty until a line sets it, which is how "the first
// obtained value wins" is decided; finalize_ssh_options() then fills the defaults.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sshcore::config {

// Every option ssh_config(5) (OpenSSH 9.2, Debian build) knows. Aliases share a slot.
enum class SshOpt : std::uint8_t {
  kAddKeysToAgent, kAddressFamily, kBatchMode, kBindAddress, kBindInterface, kCanonicalDomains,
  kCanonicalizeFallbackLocal, kCanonicalizeHostname, kCanonicalizeMaxDots,
  kCanonicalizePermittedCnames, kCaSignatureAlgorithms, kCertificateFile, kCheckHostIp,
  kCiphers, kClearAllForwardings, kCompression, kConnectionAttempts, kConnectTimeout,
  kControlMaster, kControlPath, kControlPersist, kDynamicForward, kEnableEscapeCommandline,
  kEnableSshKeysign, kEscapeChar, kExitOnForwardFailure, kFingerprintHash,
  kForkAfterAuthentication, kForwardAgent, kForwardX11, kForwardX11Timeout, kForwardX11Trusted,
  kGatewayPorts, kGlobalKnownHostsFile, kGssapiAuthentication, kGssapiClientIdentity,
  kGssapiDelegateCredentials, kGssapiKeyExchange, kGssapiRenewalForcesRekey,
  kGssapiServerIdentity, kGssapiTrustDns, kGssapiKexAlgorithms, kHashKnownHosts,
  kHostbasedAcceptedAlgorithms, kHostbasedAuthentication, kHostKeyAlgorithms, kHostKeyAlias,
  kHostname, kIdentitiesOnly, kIdentityAgent, kIdentityFile, kIgnoreUnknown, kIpQos,
  kKbdInteractiveAuthentication, kKbdInteractiveDevices, kKexAlgorithms, kKnownHostsCommand,
  kLocalCommand, kLocalForward, kLogLevel, kLogVerbose, kMacs, kNoHostAuthenticationForLocalhost,
  kNumberOfPasswordPrompts, kPasswordAuthentication, kPermitLocalCommand, kPermitRemoteOpen,
  kPkcs11Provider, kPort, kPreferredAuthentications, kProxyCommand, kProxyJump, kProxyUseFdpass,
  kPubkeyAcceptedAlgorithms, kPubkeyAuthentication, kRekeyLimit, kRemoteCommand, kRemoteForward,
  kRequestTty, kRequiredRsaSize, kRevokedHostKeys, kSecurityKeyProvider, kSendEnv, kServerAliveCountMax,
  kServerAliveInterval, kSessionType, kSetEnv, kStdinNull, kStreamLocalBindMask,
  kStreamLocalBindUnlink, kStrictHostKeyChecking, kSyslogFacility, kTcpKeepAlive, kTunnel,
  kTunnelDevice, kUpdateHostKeys, kUser, kUserKnownHostsFile, kVerifyHostKeyDns, kVisualHostKey,
  kXAuthLocation,
  kCount
};
inline constexpr std::size_t kSshOptCount = static_cast<std::size_t>(SshOpt::kCount);

// Multistate values, named as OpenSSH's readconf.h constants.
enum StrictHostKey : int { kStrictOff = 0, kStrictNew = 1, kStrictYes = 2, kStrictAsk = 3 };
enum ControlMasterMode : int { kCmNo = 0, kCmYes = 1, kCmAuto = 2, kCmAsk = 3, kCmAutoAsk = 4 };
enum RequestTtyMode : int { kTtyAuto = 0, kTtyNo = 1, kTtyYes = 2, kTtyForce = 3 };
enum SessionTypeMode : int { kSessionNone = 0, kSessionSubsystem = 1, kSessionDefault = 2 };
enum CanonicalizeMode : int { kCanonNo = 0, kCanonYes = 1, kCanonAlways = 2 };
enum PubkeyAuthMode : int { kPubkeyNo = 0, kPubkeyUnbound = 1, kPubkeyHostBound = 2, kPubkeyAll = 3 };
enum AddressFamilyMode : int { kFamilyAny = 0, kFamilyInet = 1, kFamilyInet6 = 2 };
enum TunnelMode : int { kTunnelNo = 0, kTunnelPointToPoint = 1, kTunnelEthernet = 2 };
enum AddKeysMode : int { kAddKeysNo = 0, kAddKeysYes = 1, kAddKeysAsk = 2, kAddKeysConfirm = 3 };

// Value of one slot: numbers (flags, multistate, ints, seconds), one string, or a list.
using SshValue = std::variant<std::int64_t, std::string, std::vector<std::string>>;

class SshOptions {
 public:
  bool is_set(SshOpt o) const { return slots_[index(o)].has_value(); }
  // The number in a slot (flags: 0/1; multistate: the enum above); `fallback` when unset.
  std::int64_t number(SshOpt o, std::int64_t fallback = -1) const {
    const auto& s = slots_[index(o)];
    if (s && std::holds_alternative<std::int64_t>(*s)) return std::get<std::int64_t>(*s);
    return fallback;
  }
  // The string in a slot, nullptr when unset.
  const std::string* text(SshOpt o) const {
    const auto& s = slots_[index(o)];
    return s && std::holds_alternative<std::string>(*s) ? &std::get<std::string>(*s) : nullptr;
  }
  // The list in a slot (accumulating keywords and multi-word values); empty when unset.
  const std::vector<std::string>& list(SshOpt o) const {
    static const std::vector<std::string> kEmpty;
    const auto& s = slots_[index(o)];
    return s && std::holds_alternative<std::vector<std::string>>(*s)
               ? std::get<std::vector<std::string>>(*s) : kEmpty;
  }

  void set(SshOpt o, SshValue v) { slots_[index(o)] = std::move(v); }
  void set_if_unset(SshOpt o, SshValue v) {
    if (!is_set(o)) set(o, std::move(v));
  }
  void clear(SshOpt o) { slots_[index(o)].reset(); }
  std::vector<std::string>& mutable_list(SshOpt o) {
    auto& s = slots_[index(o)];
    if (!s || !std::holds_alternative<std::vector<std::string>>(*s)) s = std::vector<std::string>{};
    return std::get<std::vector<std::string>>(*s);
  }

  // Seconds of lifetime for AddKeysToAgent ("confirm 60", "5m"); 0 = unlimited.
  std::int64_t add_keys_lifetime = 0;
  // ControlPersist: the number slot says no/yes; this holds the timeout (0 = forever).
  std::int64_t control_persist_timeout = 0;
  // RekeyLimit: the slot records that a line set it; the values live here (0 = none).
  std::int64_t rekey_bytes = 0;
  std::int64_t rekey_seconds = 0;

 private:
  static std::size_t index(SshOpt o) { return static_cast<std::size_t>(o); }
  std::array<std::optional<SshValue>, kSshOptCount> slots_{};
};

}  // namespace sshcore::config

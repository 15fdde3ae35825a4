#include "sshcore/config/ssh_keywords.hpp"

#include "sshcore/base/pattern.hpp"

namespace sshcore::config {
namespace {

using K = SshKwKind;
using O = SshOpt;
using transport::AlgorithmKind;

// Multistate tables in readconf.c's order: "-G" prints the first word with the value.
constexpr SshChoice kFlag[] = {{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}};
constexpr SshChoice kYesNoAsk[] = {{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}, {"ask", 2}};
constexpr SshChoice kStrict[] = {{"true", kStrictYes}, {"false", kStrictOff}, {"yes", kStrictYes},
                                 {"no", kStrictOff},   {"ask", kStrictAsk},   {"off", kStrictOff},
                                 {"accept-new", kStrictNew}};
constexpr SshChoice kAddKeys[] = {{"true", 1},  {"false", 0}, {"yes", 1},
                                  {"no", 0},    {"ask", 2},   {"confirm", 3}};
constexpr SshChoice kFamily[] = {{"inet", kFamilyInet}, {"inet6", kFamilyInet6}, {"any", kFamilyAny}};
constexpr SshChoice kControlMaster[] = {{"true", kCmYes}, {"yes", kCmYes},   {"false", kCmNo},
                                        {"no", kCmNo},    {"auto", kCmAuto}, {"ask", kCmAsk},
                                        {"autoask", kCmAutoAsk}};
// "-G" names the tunnel modes ("point-to-point", "ethernet") but says "false" for none.
constexpr SshChoice kTunnel[] = {{"false", kTunnelNo},     {"point-to-point", kTunnelPointToPoint},
                                 {"ethernet", kTunnelEthernet}, {"true", kTunnelPointToPoint},
                                 {"yes", kTunnelPointToPoint},  {"no", kTunnelNo}};
constexpr SshChoice kRequestTty[] = {{"true", kTtyYes}, {"yes", kTtyYes},     {"false", kTtyNo},
                                     {"no", kTtyNo},     {"force", kTtyForce}, {"auto", kTtyAuto}};
constexpr SshChoice kSessionType[] = {{"none", kSessionNone}, {"subsystem", kSessionSubsystem},
                                      {"default", kSessionDefault}};
constexpr SshChoice kCanonicalize[] = {{"true", kCanonYes}, {"false", kCanonNo}, {"yes", kCanonYes},
                                       {"no", kCanonNo},    {"always", kCanonAlways}};
constexpr SshChoice kPubkey[] = {{"true", kPubkeyAll}, {"false", kPubkeyNo},
                                 {"yes", kPubkeyAll},  {"no", kPubkeyNo},
                                 {"unbound", kPubkeyUnbound}, {"host-bound", kPubkeyHostBound}};

// readconf.c keywords[] of OpenSSH 9.2 with Debian's GSSAPI additions, sorted by name.
constexpr SshKeyword kKeywords[] = {
    {"addkeystoagent", O::kAddKeysToAgent, K::kSpecial, kAddKeys},
    {"addressfamily", O::kAddressFamily, K::kChoice, kFamily},
    {"afstokenpassing", O::kCount, K::kUnsupported},
    {"batchmode", O::kBatchMode, K::kFlag, kFlag},
    {"bindaddress", O::kBindAddress, K::kString},
    {"bindinterface", O::kBindInterface, K::kString},
    {"canonicaldomains", O::kCanonicalDomains, K::kWords},
    {"canonicalizefallbacklocal", O::kCanonicalizeFallbackLocal, K::kFlag, kFlag},
    {"canonicalizehostname", O::kCanonicalizeHostname, K::kChoice, kCanonicalize},
    {"canonicalizemaxdots", O::kCanonicalizeMaxDots, K::kInt},
    {"canonicalizepermittedcnames", O::kCanonicalizePermittedCnames, K::kSpecial},
    {"casignaturealgorithms", O::kCaSignatureAlgorithms, K::kAlgorithms, {}, AlgorithmKind::kHostKey},
    {"certificatefile", O::kCertificateFile, K::kAppendOne},
    {"challengeresponseauthentication", O::kKbdInteractiveAuthentication, K::kFlag, kFlag},
    {"checkhostip", O::kCheckHostIp, K::kFlag, kFlag},
    {"cipher", O::kCount, K::kDeprecated},
    {"ciphers", O::kCiphers, K::kAlgorithms, {}, AlgorithmKind::kCipher},
    {"clearallforwardings", O::kClearAllForwardings, K::kFlag, kFlag},
    {"compression", O::kCompression, K::kFlag, kFlag},
    {"compressionlevel", O::kCount, K::kUnsupported},
    {"connectionattempts", O::kConnectionAttempts, K::kInt},
    {"connecttimeout", O::kConnectTimeout, K::kTime},
    {"controlmaster", O::kControlMaster, K::kChoice, kControlMaster},
    {"controlpath", O::kControlPath, K::kString},
    {"controlpersist", O::kControlPersist, K::kSpecial},
    {"dsaauthentication", O::kPubkeyAuthentication, K::kChoice, kPubkey},
    {"dynamicforward", O::kDynamicForward, K::kForward},
    {"enableescapecommandline", O::kEnableEscapeCommandline, K::kFlag, kFlag},
    {"enablesshkeysign", O::kEnableSshKeysign, K::kFlag, kFlag},
    {"escapechar", O::kEscapeChar, K::kSpecial},
    {"exitonforwardfailure", O::kExitOnForwardFailure, K::kFlag, kFlag},
    {"fallbacktorsh", O::kCount, K::kDeprecated},
    {"fingerprinthash", O::kFingerprintHash, K::kSpecial},
    {"forkafterauthentication", O::kForkAfterAuthentication, K::kFlag, kFlag},
    {"forwardagent", O::kForwardAgent, K::kSpecial, kFlag},
    {"forwardx11", O::kForwardX11, K::kFlag, kFlag},
    {"forwardx11timeout", O::kForwardX11Timeout, K::kTime},
    {"forwardx11trusted", O::kForwardX11Trusted, K::kFlag, kFlag},
    {"gatewayports", O::kGatewayPorts, K::kFlag, kFlag},
    {"globalknownhostsfile", O::kGlobalKnownHostsFile, K::kWords},
    {"globalknownhostsfile2", O::kCount, K::kDeprecated},
    {"gssapiauthentication", O::kGssapiAuthentication, K::kFlag, kFlag},
    {"gssapiclientidentity", O::kGssapiClientIdentity, K::kString},
    {"gssapidelegatecredentials", O::kGssapiDelegateCredentials, K::kFlag, kFlag},
    {"gssapikexalgorithms", O::kGssapiKexAlgorithms, K::kString},
    {"gssapikeyexchange", O::kGssapiKeyExchange, K::kFlag, kFlag},
    {"gssapirenewalforcesrekey", O::kGssapiRenewalForcesRekey, K::kFlag, kFlag},
    {"gssapiserveridentity", O::kGssapiServerIdentity, K::kString},
    {"gssapitrustdns", O::kGssapiTrustDns, K::kFlag, kFlag},
    {"hashknownhosts", O::kHashKnownHosts, K::kFlag, kFlag},
    {"host", O::kCount, K::kHost},
    {"hostbasedacceptedalgorithms", O::kHostbasedAcceptedAlgorithms, K::kAlgorithms, {}, AlgorithmKind::kHostKey},
    {"hostbasedauthentication", O::kHostbasedAuthentication, K::kFlag, kFlag},
    {"hostbasedkeytypes", O::kHostbasedAcceptedAlgorithms, K::kAlgorithms, {}, AlgorithmKind::kHostKey},
    {"hostkeyalgorithms", O::kHostKeyAlgorithms, K::kAlgorithms, {}, AlgorithmKind::kHostKey},
    {"hostkeyalias", O::kHostKeyAlias, K::kString},
    {"hostname", O::kHostname, K::kString},
    {"identitiesonly", O::kIdentitiesOnly, K::kFlag, kFlag},
    {"identityagent", O::kIdentityAgent, K::kString},
    {"identityfile", O::kIdentityFile, K::kAppendOne},
    {"identityfile2", O::kIdentityFile, K::kAppendOne},
    {"ignoreunknown", O::kIgnoreUnknown, K::kString},
    {"include", O::kCount, K::kInclude},
    {"ipqos", O::kIpQos, K::kSpecial},
    {"kbdinteractiveauthentication", O::kKbdInteractiveAuthentication, K::kFlag, kFlag},
    {"kbdinteractivedevices", O::kKbdInteractiveDevices, K::kString},
    {"keepalive", O::kTcpKeepAlive, K::kFlag, kFlag},
    {"kerberosauthentication", O::kCount, K::kUnsupported},
    {"kerberostgtpassing", O::kCount, K::kUnsupported},
    {"kexalgorithms", O::kKexAlgorithms, K::kAlgorithms, {}, AlgorithmKind::kKex},
    {"knownhostscommand", O::kKnownHostsCommand, K::kCommand},
    {"localcommand", O::kLocalCommand, K::kCommand},
    {"localforward", O::kLocalForward, K::kForward},
    {"loglevel", O::kLogLevel, K::kSpecial},
    {"logverbose", O::kLogVerbose, K::kSpecial},
    {"macs", O::kMacs, K::kAlgorithms, {}, AlgorithmKind::kMac},
    {"match", O::kCount, K::kMatch},
    {"nohostauthenticationforlocalhost", O::kNoHostAuthenticationForLocalhost, K::kFlag, kFlag},
    {"numberofpasswordprompts", O::kNumberOfPasswordPrompts, K::kInt},
    {"passwordauthentication", O::kPasswordAuthentication, K::kFlag, kFlag},
    {"permitlocalcommand", O::kPermitLocalCommand, K::kFlag, kFlag},
    {"permitremoteopen", O::kPermitRemoteOpen, K::kSpecial},
    {"pkcs11provider", O::kPkcs11Provider, K::kString},
    {"port", O::kPort, K::kPort},
    {"preferredauthentications", O::kPreferredAuthentications, K::kString},
    {"protocol", O::kCount, K::kIgnore},
    {"proxycommand", O::kProxyCommand, K::kCommand},
    {"proxyjump", O::kProxyJump, K::kSpecial},
    {"proxyusefdpass", O::kProxyUseFdpass, K::kFlag, kFlag},
    {"pubkeyacceptedalgorithms", O::kPubkeyAcceptedAlgorithms, K::kAlgorithms, {}, AlgorithmKind::kHostKey},
    {"pubkeyacceptedkeytypes", O::kPubkeyAcceptedAlgorithms, K::kAlgorithms, {}, AlgorithmKind::kHostKey},
    {"pubkeyauthentication", O::kPubkeyAuthentication, K::kChoice, kPubkey},
    {"rekeylimit", O::kRekeyLimit, K::kSpecial},
    {"remotecommand", O::kRemoteCommand, K::kCommand},
    {"remoteforward", O::kRemoteForward, K::kForward},
    {"requesttty", O::kRequestTty, K::kChoice, kRequestTty},
    {"requiredrsasize", O::kRequiredRsaSize, K::kInt},
    {"revokedhostkeys", O::kRevokedHostKeys, K::kString},
    {"rhostsauthentication", O::kCount, K::kDeprecated},
    {"rhostsrsaauthentication", O::kCount, K::kUnsupported},
    {"rsaauthentication", O::kCount, K::kUnsupported},
    {"securitykeyprovider", O::kSecurityKeyProvider, K::kString},
    {"sendenv", O::kSendEnv, K::kSpecial},
    {"serveralivecountmax", O::kServerAliveCountMax, K::kInt},
    {"serveraliveinterval", O::kServerAliveInterval, K::kTime},
    {"sessiontype", O::kSessionType, K::kChoice, kSessionType},
    {"setenv", O::kSetEnv, K::kSpecial},
    {"skeyauthentication", O::kKbdInteractiveAuthentication, K::kFlag, kFlag},
    {"smartcarddevice", O::kPkcs11Provider, K::kString},
    {"stdinnull", O::kStdinNull, K::kFlag, kFlag},
    {"streamlocalbindmask", O::kStreamLocalBindMask, K::kSpecial},
    {"streamlocalbindunlink", O::kStreamLocalBindUnlink, K::kFlag, kFlag},
    {"stricthostkeychecking", O::kStrictHostKeyChecking, K::kChoice, kStrict},
    {"syslogfacility", O::kSyslogFacility, K::kSpecial},
    {"tcpkeepalive", O::kTcpKeepAlive, K::kFlag, kFlag},
    {"tisauthentication", O::kKbdInteractiveAuthentication, K::kFlag, kFlag},
    {"tunnel", O::kTunnel, K::kChoice, kTunnel},
    {"tunneldevice", O::kTunnelDevice, K::kSpecial},
    {"updatehostkeys", O::kUpdateHostKeys, K::kChoice, kYesNoAsk},
    {"useprivilegedport", O::kCount, K::kDeprecated},
    {"user", O::kUser, K::kString},
    {"userknownhostsfile", O::kUserKnownHostsFile, K::kWords},
    {"userknownhostsfile2", O::kCount, K::kDeprecated},
    {"useroaming", O::kCount, K::kDeprecated},
    {"usersh", O::kCount, K::kDeprecated},
    {"verifyhostkeydns", O::kVerifyHostKeyDns, K::kChoice, kYesNoAsk},
    {"visualhostkey", O::kVisualHostKey, K::kFlag, kFlag},
    {"xauthlocation", O::kXAuthLocation, K::kString},
};

}  // namespace

std::span<const SshChoice> ssh_flag_choices() { return kFlag; }

std::span<const SshKeyword> ssh_keywords() { return kKeywords; }

const SshKeyword* find_ssh_keyword(std::string_view name) {
  const std::string lw = ascii_lowercase(name);
  for (const SshKeyword& kw : kKeywords) {
    if (kw.name == lw) return &kw;
  }
  return nullptr;
}

std::string_view ssh_choice_name(SshOpt opt, std::int64_t value) {
  for (const SshKeyword& kw : kKeywords) {
    if (kw.opt != opt || kw.choices.empty()) continue;
    if (kw.kind == K::kFlag) return value ? "yes" : "no";
    for (const SshChoice& c : kw.choices) {
      if (c.value == value) return c.word;
    }
  }
  return "UNKNOWN";
}

}  // namespace sshcore::config

// Defaults (readconf.c fill_default_options plus the expansions ssh.c does before "-G")
// and the "ssh -G" dump in OpenSSH 9.2's order (readconf.c dump_client_config).
#include <cstdio>

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/percent_expand.hpp"
#include "sshcore/config/ssh_config.hpp"
#include "sshcore/config/ssh_keywords.hpp"

namespace sshcore::config {
namespace {

using O = SshOpt;
using transport::AlgorithmKind;

// Debian's GSSAPIKexAlgorithms default (gss-*-sha*- prefixes).
constexpr std::string_view kGssKexDefault =
    "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,"
    "gss-group14-sha1-,gss-gex-sha1-";

constexpr std::string_view kDefaultIdentities[] = {"~/.ssh/id_rsa",        "~/.ssh/id_ecdsa",
                                                   "~/.ssh/id_ecdsa_sk",   "~/.ssh/id_ed25519",
                                                   "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss",
                                                   "~/.ssh/id_dsa"};

// Keywords whose value "none" means unset (fill_default_options CLEAR_ON_NONE).
constexpr SshOpt kClearOnNone[] = {O::kLocalCommand,    O::kRemoteCommand,   O::kProxyCommand,
                                   O::kControlPath,     O::kRevokedHostKeys, O::kPkcs11Provider,
                                   O::kSecurityKeyProvider, O::kKnownHostsCommand};

Result<void> assemble(SshOptions& o, SshOpt opt, AlgorithmKind kind, std::string_view defaults) {
  const std::string* spec = o.text(opt);
  if (spec == nullptr) {
    o.set(opt, std::string(defaults));
    return {};
  }
  SSH_TRY(list, transport::assemble_algorithm_list(*spec, defaults, transport::all_algorithms(kind), "Bad algorithm list"));
  o.set(opt, std::move(list));
  return {};
}

std::string without_certificates(std::string_view list) {
  std::string out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string_view name = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!name.empty() && name.find("-cert-") == std::string_view::npos) {
      if (!out.empty()) out += ',';
      out += name;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

}  // namespace

Result<void> finalize_ssh_options(SshOptions& o, const SshConfigEnvironment& env, const SshTarget& target) {
  for (SshOpt opt : kClearOnNone) {
    if (const std::string* v = o.text(opt); v != nullptr && *v == "none") o.clear(opt);
  }
  // HostName with %h, then the lowercased name ssh connects to.
  std::string host = target.host;
  if (const std::string* hn = o.text(O::kHostname)) {
    SSH_TRY(expanded, expand_tokens(*hn, {{'h', target.host}}));
    host = std::move(expanded);
  }
  o.set(O::kHostname, ascii_lowercase(host));
  o.set_if_unset(O::kUser, env.local_user);
  o.set_if_unset(O::kPort, std::int64_t{22});

  const std::pair<SshOpt, std::int64_t> numbers[] = {
      {O::kAddKeysToAgent, 0}, {O::kAddressFamily, kFamilyAny}, {O::kBatchMode, 0},
      {O::kCanonicalizeFallbackLocal, 1}, {O::kCanonicalizeHostname, kCanonNo}, {O::kCheckHostIp, 0},
      {O::kCompression, 0}, {O::kControlMaster, kCmNo}, {O::kEnableSshKeysign, 0},
      {O::kClearAllForwardings, 0}, {O::kExitOnForwardFailure, 0}, {O::kForwardX11, 0},
      {O::kForwardX11Trusted, 1}, {O::kGatewayPorts, 0}, {O::kGssapiAuthentication, 0},
      {O::kGssapiKeyExchange, 0}, {O::kGssapiDelegateCredentials, 0}, {O::kGssapiTrustDns, 0},
      {O::kGssapiRenewalForcesRekey, 0}, {O::kHashKnownHosts, 0}, {O::kHostbasedAuthentication, 0},
      {O::kIdentitiesOnly, 0}, {O::kKbdInteractiveAuthentication, 1},
      {O::kNoHostAuthenticationForLocalhost, 0}, {O::kPasswordAuthentication, 1},
      {O::kPermitLocalCommand, 0}, {O::kProxyUseFdpass, 0}, {O::kPubkeyAuthentication, kPubkeyAll},
      {O::kRequestTty, kTtyAuto}, {O::kSessionType, kSessionDefault}, {O::kStdinNull, 0},
      {O::kForkAfterAuthentication, 0}, {O::kStreamLocalBindUnlink, 0},
      {O::kStrictHostKeyChecking, kStrictAsk}, {O::kTcpKeepAlive, 1}, {O::kTunnel, kTunnelNo},
      {O::kVerifyHostKeyDns, 0}, {O::kVisualHostKey, 0}, {O::kEnableEscapeCommandline, 0},
      {O::kCanonicalizeMaxDots, 1}, {O::kConnectionAttempts, 1}, {O::kForwardX11Timeout, 1200},
      {O::kNumberOfPasswordPrompts, 3}, {O::kServerAliveCountMax, 3}, {O::kServerAliveInterval, 0},
      {O::kRequiredRsaSize, 1024}, {O::kControlPersist, 0}, {O::kEscapeChar, '~'},
      {O::kStreamLocalBindMask, 0177}};
  // UpdateHostKeys defaults to yes only with the default known-hosts files and no DNS check.
  const bool custom_known_hosts = o.is_set(O::kUserKnownHostsFile);
  for (auto [opt, value] : numbers) o.set_if_unset(opt, value);
  o.set_if_unset(O::kUpdateHostKeys, std::int64_t{o.number(O::kVerifyHostKeyDns) <= 0 && !custom_known_hosts});
  o.set_if_unset(O::kFingerprintHash, std::string("SHA256"));
  o.set_if_unset(O::kLogLevel, std::string("INFO"));
  o.set_if_unset(O::kSyslogFacility, std::string("USER"));
  o.set_if_unset(O::kSecurityKeyProvider, std::string("internal"));
  o.set_if_unset(O::kXAuthLocation, std::string("/usr/bin/xauth"));
  o.set_if_unset(O::kGssapiKexAlgorithms, std::string(kGssKexDefault));
  o.set_if_unset(O::kIpQos, std::vector<std::string>{"lowdelay", "throughput"});
  o.set_if_unset(O::kTunnelDevice, std::string("any:any"));
  o.set_if_unset(O::kGlobalKnownHostsFile,
                 std::vector<std::string>{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"});
  o.set_if_unset(O::kUserKnownHostsFile, std::vector<std::string>{"~/.ssh/known_hosts", "~/.ssh/known_hosts2"});
  if (o.list(O::kIdentityFile).empty()) {
    auto& ids = o.mutable_list(O::kIdentityFile);
    for (std::string_view id : kDefaultIdentities) ids.emplace_back(id);
  }

  const std::string host_keys = transport::default_algorithms(AlgorithmKind::kHostKey);
  SSH_TRY_VOID(assemble(o, O::kCiphers, AlgorithmKind::kCipher, transport::default_algorithms(AlgorithmKind::kCipher)));
  SSH_TRY_VOID(assemble(o, O::kMacs, AlgorithmKind::kMac, transport::default_algorithms(AlgorithmKind::kMac)));
  SSH_TRY_VOID(assemble(o, O::kKexAlgorithms, AlgorithmKind::kKex, transport::default_algorithms(AlgorithmKind::kKex)));
  SSH_TRY_VOID(assemble(o, O::kHostKeyAlgorithms, AlgorithmKind::kHostKey, host_keys));
  SSH_TRY_VOID(assemble(o, O::kHostbasedAcceptedAlgorithms, AlgorithmKind::kHostKey, host_keys));
  SSH_TRY_VOID(assemble(o, O::kPubkeyAcceptedAlgorithms, AlgorithmKind::kHostKey, host_keys));
  SSH_TRY_VOID(assemble(o, O::kCaSignatureAlgorithms, AlgorithmKind::kHostKey, without_certificates(host_keys)));

  // ssh.c turns "ask" off when a command is to be run: nobody is there to answer. (A command
  // given on ssh's command line has the same effect; the ssh program applies that one.)
  if (o.number(O::kUpdateHostKeys) == 2 && o.is_set(O::kRemoteCommand)) o.set(O::kUpdateHostKeys, std::int64_t{0});

  // ssh.c expands these before "-G" (IdentityFile, CertificateFile, LocalCommand: at use).
  const SshExpansion path{.tokens = SshTokenSet::kConnection, .tilde = true, .dollars = true};
  if (const std::string* v = o.text(O::kControlPath)) {
    SSH_TRY(p, expand_ssh_value(*v, path, o, env, target));
    o.set(O::kControlPath, std::move(p));
  }
  if (const std::string* v = o.text(O::kRemoteCommand)) {
    SSH_TRY(p, expand_ssh_value(*v, {}, o, env, target));
    o.set(O::kRemoteCommand, std::move(p));
  }
  if (const std::string* v = o.text(O::kIdentityAgent); v != nullptr && *v != "none" && *v != "SSH_AUTH_SOCK") {
    SSH_TRY(p, expand_ssh_value(*v, path, o, env, target));
    o.set(O::kIdentityAgent, std::move(p));
  }
  if (const std::string* v = o.text(O::kForwardAgent)) {
    SSH_TRY(p, expand_ssh_value(*v, path, o, env, target));
    o.set(O::kForwardAgent, std::move(p));
  }
  std::vector<std::string> user_files;
  for (const std::string& f : o.list(O::kUserKnownHostsFile)) {
    SSH_TRY(p, expand_ssh_value(f, path, o, env, target));
    user_files.push_back(std::move(p));
  }
  o.set(O::kUserKnownHostsFile, std::move(user_files));
  return {};
}

std::string dump_ssh_config(const SshOptions& o, const SshTarget& target) {
  std::string out;
  auto line = [&](std::string_view key, std::string_view value) {
    out.append(key).append(" ").append(value).append("\n");
  };
  auto multistate = [&](std::string_view key, SshOpt opt) { line(key, ssh_choice_name(opt, o.number(opt))); };
  auto text = [&](std::string_view key, SshOpt opt) {
    if (const std::string* v = o.text(opt)) line(key, *v);
  };
  auto number = [&](std::string_view key, SshOpt opt) { line(key, std::to_string(o.number(opt))); };
  auto each = [&](std::string_view key, SshOpt opt) {
    for (const std::string& v : o.list(opt)) line(key, v);
  };
  auto oneline = [&](std::string_view key, SshOpt opt, std::string_view none) {
    const auto& l = o.list(opt);
    line(key, l.empty() ? std::string(none) : join(l, " "));
  };

  line("host", target.host);
  text("user", O::kUser);
  text("hostname", O::kHostname);
  number("port", O::kPort);
  // Flags and multistate options.
  for (auto [key, opt] : std::initializer_list<std::pair<std::string_view, SshOpt>>{
           {"addressfamily", O::kAddressFamily}, {"batchmode", O::kBatchMode},
           {"canonicalizefallbacklocal", O::kCanonicalizeFallbackLocal},
           {"canonicalizehostname", O::kCanonicalizeHostname}, {"checkhostip", O::kCheckHostIp},
           {"compression", O::kCompression}, {"controlmaster", O::kControlMaster},
           {"enablesshkeysign", O::kEnableSshKeysign}, {"clearallforwardings", O::kClearAllForwardings},
           {"exitonforwardfailure", O::kExitOnForwardFailure}}) {
    multistate(key, opt);
  }
  text("fingerprinthash", O::kFingerprintHash);
  for (auto [key, opt] : std::initializer_list<std::pair<std::string_view, SshOpt>>{
           {"forwardx11", O::kForwardX11}, {"forwardx11trusted", O::kForwardX11Trusted},
           {"gatewayports", O::kGatewayPorts}, {"gssapiauthentication", O::kGssapiAuthentication},
           {"gssapikeyexchange", O::kGssapiKeyExchange},
           {"gssapidelegatecredentials", O::kGssapiDelegateCredentials},
           {"gssapitrustdns", O::kGssapiTrustDns},
           {"gssapirenewalforcesrekey", O::kGssapiRenewalForcesRekey}}) {
    multistate(key, opt);
  }
  text("gssapikexalgorithms", O::kGssapiKexAlgorithms);
  for (auto [key, opt] : std::initializer_list<std::pair<std::string_view, SshOpt>>{
           {"hashknownhosts", O::kHashKnownHosts}, {"hostbasedauthentication", O::kHostbasedAuthentication},
           {"identitiesonly", O::kIdentitiesOnly},
           {"kbdinteractiveauthentication", O::kKbdInteractiveAuthentication},
           {"nohostauthenticationforlocalhost", O::kNoHostAuthenticationForLocalhost},
           {"passwordauthentication", O::kPasswordAuthentication},
           {"permitlocalcommand", O::kPermitLocalCommand}, {"proxyusefdpass", O::kProxyUseFdpass},
           {"pubkeyauthentication", O::kPubkeyAuthentication}, {"requesttty", O::kRequestTty},
           {"sessiontype", O::kSessionType}, {"stdinnull", O::kStdinNull},
           {"forkafterauthentication", O::kForkAfterAuthentication},
           {"streamlocalbindunlink", O::kStreamLocalBindUnlink},
           {"stricthostkeychecking", O::kStrictHostKeyChecking}, {"tcpkeepalive", O::kTcpKeepAlive},
           {"tunnel", O::kTunnel}, {"verifyhostkeydns", O::kVerifyHostKeyDns},
           {"visualhostkey", O::kVisualHostKey}, {"updatehostkeys", O::kUpdateHostKeys},
           {"enableescapecommandline", O::kEnableEscapeCommandline}}) {
    multistate(key, opt);
  }
  // Integers.
  for (auto [key, opt] : std::initializer_list<std::pair<std::string_view, SshOpt>>{
           {"canonicalizemaxdots", O::kCanonicalizeMaxDots}, {"connectionattempts", O::kConnectionAttempts},
           {"forwardx11timeout", O::kForwardX11Timeout},
           {"numberofpasswordprompts", O::kNumberOfPasswordPrompts},
           {"serveralivecountmax", O::kServerAliveCountMax},
           {"serveraliveinterval", O::kServerAliveInterval}, {"requiredrsasize", O::kRequiredRsaSize}}) {
    number(key, opt);
  }
  // Strings.
  for (auto [key, opt] : std::initializer_list<std::pair<std::string_view, SshOpt>>{
           {"bindaddress", O::kBindAddress}, {"bindinterface", O::kBindInterface},
           {"ciphers", O::kCiphers}, {"controlpath", O::kControlPath},
           {"hostkeyalgorithms", O::kHostKeyAlgorithms}, {"hostkeyalias", O::kHostKeyAlias},
           {"hostbasedacceptedalgorithms", O::kHostbasedAcceptedAlgorithms},
           {"identityagent", O::kIdentityAgent}, {"kbdinteractivedevices", O::kKbdInteractiveDevices},
           {"kexalgorithms", O::kKexAlgorithms}, {"casignaturealgorithms", O::kCaSignatureAlgorithms},
           {"localcommand", O::kLocalCommand}, {"remotecommand", O::kRemoteCommand},
           {"loglevel", O::kLogLevel}, {"macs", O::kMacs}, {"pkcs11provider", O::kPkcs11Provider},
           {"securitykeyprovider", O::kSecurityKeyProvider},
           {"preferredauthentications", O::kPreferredAuthentications},
           {"pubkeyacceptedalgorithms", O::kPubkeyAcceptedAlgorithms},
           {"revokedhostkeys", O::kRevokedHostKeys}, {"xauthlocation", O::kXAuthLocation},
           {"knownhostscommand", O::kKnownHostsCommand}}) {
    // OpenSSH 9.2 prints LogLevel QUIET under its other name.
    const std::string* v = o.text(opt);
    if (opt == O::kLogLevel && v != nullptr && *v == "QUIET") line(key, "SILENT");
    else text(key, opt);
  }
  // Forwards. OpenSSH 9.2 also lists a LocalForward to a Unix socket under dynamicforward
  // (its filter keys on the connect host, which a socket forward lacks); "-G" users see both.
  each("dynamicforward", O::kDynamicForward);
  for (const std::string& f : o.list(O::kLocalForward)) {
    const auto space = f.find(' ');
    if (space != std::string::npos && f.compare(space + 1, 1, "/") == 0) line("dynamicforward", f.substr(0, space));
  }
  each("localforward", O::kLocalForward);
  // A RemoteForward with only a listen side is remote dynamic (SOCKS) forwarding.
  for (const std::string& f : o.list(O::kRemoteForward)) {
    line("remoteforward", f.find(' ') == std::string::npos ? f + " [socks]:0" : f);
  }
  // String arrays.
  each("identityfile", O::kIdentityFile);
  oneline("canonicaldomains", O::kCanonicalDomains, "none");
  each("certificatefile", O::kCertificateFile);
  oneline("globalknownhostsfile", O::kGlobalKnownHostsFile, "none");
  oneline("userknownhostsfile", O::kUserKnownHostsFile, "none");
  each("sendenv", O::kSendEnv);
  each("setenv", O::kSetEnv);
  oneline("logverbose", O::kLogVerbose, "none");
  // Special cases.
  oneline("permitremoteopen", O::kPermitRemoteOpen, "any");
  {
    const std::int64_t mode = o.number(O::kAddKeysToAgent, 0);
    if (o.add_keys_lifetime > 0) {
      line("addkeystoagent", (mode == kAddKeysConfirm ? "confirm " : "") + std::to_string(o.add_keys_lifetime));
    } else {
      line("addkeystoagent", ssh_choice_name(O::kAddKeysToAgent, mode));
    }
  }
  if (const std::string* path = o.text(O::kForwardAgent)) line("forwardagent", *path);
  else line("forwardagent", o.number(O::kForwardAgent, 0) ? "yes" : "no");
  line("connecttimeout", o.is_set(O::kConnectTimeout) ? std::to_string(o.number(O::kConnectTimeout))
                                                      : std::string("none"));
  text("tunneldevice", O::kTunnelDevice);
  oneline("canonicalizePermittedcnames", O::kCanonicalizePermittedCnames, "none");
  if (o.number(O::kControlPersist, 0) == 0) line("controlpersist", "no");
  else if (o.control_persist_timeout == 0) line("controlpersist", "yes");
  else line("controlpersist", std::to_string(o.control_persist_timeout));
  {
    const std::int64_t c = o.number(O::kEscapeChar, '~');
    if (c == -2) line("escapechar", "none");
    else if (c < 32 || c == 127) line("escapechar", std::string("\\^") + static_cast<char>(c == 127 ? '?' : c + 64));
    else line("escapechar", std::string(1, static_cast<char>(c)));
  }
  oneline("ipqos", O::kIpQos, "none");
  line("rekeylimit", std::to_string(o.rekey_bytes) + " " + std::to_string(o.rekey_seconds));
  {
    char mask[16];
    std::snprintf(mask, sizeof mask, "0%o", static_cast<unsigned>(o.number(O::kStreamLocalBindMask, 0177)));
    line("streamlocalbindmask", mask);
  }
  text("syslogfacility", O::kSyslogFacility);
  if (const std::string* jump = o.text(O::kProxyJump); jump != nullptr && *jump != "none") line("proxyjump", *jump);
  else text("proxycommand", O::kProxyCommand);
  return out;
}

}  // namespace sshcore::config

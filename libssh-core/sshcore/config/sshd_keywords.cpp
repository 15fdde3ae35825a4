// The sshd_config keyword table and the readers of each kind of value. Rows of dumped
// keywords are in the order `sshd -T` prints them (servconf.c dump_config), so the dump
// is a walk over the table; aliases and legacy keywords follow.
#include "sshcore/config/sshd_keywords.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/base/address_match.hpp"
#include "sshcore/config/value_syntax.hpp"
#include "sshcore/transport/algorithm_list.hpp"

namespace sshcore::config {
namespace {

using K = SshdKind;
using M = SshdMerge;
using D = SshdDump;

constexpr SshdChoice kFlag[] = {{"yes", "yes"}, {"no", "no"}};
constexpr SshdChoice kAddressFamily[] = {{"inet", "inet"}, {"inet6", "inet6"}, {"any", "any"}};
constexpr SshdChoice kPermitRootLogin[] = {{"without-password", "without-password"},
                                           {"prohibit-password", "without-password"},
                                           {"forced-commands-only", "forced-commands-only"},
                                           {"yes", "yes"},
                                           {"no", "no"}};
constexpr SshdChoice kIgnoreRhosts[] = {{"yes", "yes"}, {"no", "no"}, {"shosts-only", "shosts-only"}};
constexpr SshdChoice kCompression[] = {{"yes", "yes"}, {"delayed", "yes"}, {"no", "no"}};
constexpr SshdChoice kGatewayPorts[] = {{"clientspecified", "clientspecified"}, {"yes", "yes"}, {"no", "no"}};
constexpr SshdChoice kForwarding[] = {
    {"yes", "yes"}, {"all", "yes"}, {"no", "no"}, {"remote", "remote"}, {"local", "local"}};
// PermitTunnel compares case-sensitively and has its own message (tunmode_desc).
constexpr SshdChoice kPermitTunnel[] = {
    {"no", "no"}, {"point-to-point", "point-to-point"}, {"ethernet", "ethernet"}, {"yes", "yes"}};

constexpr std::string_view kDefaultHostKeys =
    "/etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key";
// OpenSSH's SSH_ALLOWED_CA_SIGALGS.
constexpr std::string_view kDefaultCaSigAlgs =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
    "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256";
// Debian's GSSAPI key exchange patch: the default and the known method prefixes.
constexpr std::string_view kDefaultGssKex =
    "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,"
    "gss-group14-sha1-,gss-gex-sha1-";
constexpr std::string_view kKnownGssKex[] = {
    "gss-group1-sha1-", "gss-group14-sha1-",    "gss-group14-sha256-",   "gss-group16-sha512-",
    "gss-gex-sha1-",    "gss-nistp256-sha256-", "gss-curve25519-sha256-"};

// clang-format off
#define ROW(name, kind, merge, in_match, dump, def) {name, "", kind, merge, in_match, dump, def, {}}
#define CHOICE(name, choices, in_match, def) {name, "", K::kChoice, M::kFirst, in_match, D::kJoined, def, choices}
#define FLAG(name, in_match, def) CHOICE(name, kFlag, in_match, def)
#define ALIAS(name, of, kind, in_match) {name, of, kind, M::kFirst, in_match, D::kNone, "", {}}
#define LEGACY(name, kind, in_match) {name, "", kind, M::kFirst, in_match, D::kNone, "", {}}
// clang-format on

constexpr bool G = false;  // global only
constexpr bool A = true;   // also inside Match

const SshdKeyword kKeywords[] = {
    ROW("Port", K::kPort, M::kAppend, G, D::kPerValue, "22"),
    CHOICE("AddressFamily", kAddressFamily, G, "any"),
    ROW("ListenAddress", K::kListenAddress, M::kAppend, G, D::kPerValue, ""),
    FLAG("UsePAM", G, "no"),
    ROW("LoginGraceTime", K::kTime, M::kFirst, G, D::kJoined, "120"),
    ROW("X11DisplayOffset", K::kInt, M::kFirst, A, D::kJoined, "10"),
    ROW("MaxAuthTries", K::kInt, M::kFirst, A, D::kJoined, "6"),
    ROW("MaxSessions", K::kInt, M::kFirst, A, D::kJoined, "10"),
    ROW("ClientAliveInterval", K::kTime, M::kFirst, A, D::kJoined, "0"),
    ROW("ClientAliveCountMax", K::kInt, M::kFirst, A, D::kJoined, "3"),
    ROW("RequiredRSASize", K::kInt, M::kFirst, A, D::kJoined, "1024"),
    ROW("StreamLocalBindMask", K::kBindMask, M::kLast, A, D::kJoined, "0177"),
    ROW("UnusedConnectionTimeout", K::kTimeOrNone, M::kFirst, A, D::kJoined, "none"),
    CHOICE("PermitRootLogin", kPermitRootLogin, A, "without-password"),
    CHOICE("IgnoreRhosts", kIgnoreRhosts, A, "yes"),
    FLAG("IgnoreUserKnownHosts", G, "no"),
    FLAG("HostbasedAuthentication", A, "no"),
    FLAG("HostbasedUsesNameFromPacketOnly", A, "no"),
    FLAG("PubkeyAuthentication", A, "yes"),
    FLAG("KerberosAuthentication", A, "no"),
    FLAG("KerberosOrLocalPasswd", G, "yes"),
    FLAG("KerberosTicketCleanup", G, "yes"),
    FLAG("GSSAPIAuthentication", A, "no"),
    FLAG("GSSAPICleanupCredentials", G, "yes"),
    FLAG("GSSAPIKeyExchange", G, "no"),
    FLAG("GSSAPIStrictAcceptorCheck", G, "yes"),
    FLAG("GSSAPIStoreCredentialsOnRekey", G, "no"),
    ROW("GSSAPIKexAlgorithms", K::kGssKexList, M::kFirst, G, D::kJoined, kDefaultGssKex),
    FLAG("PasswordAuthentication", A, "yes"),
    FLAG("KbdInteractiveAuthentication", A, "yes"),
    FLAG("PrintMotd", G, "yes"),
    FLAG("PrintLastLog", G, "yes"),
    FLAG("X11Forwarding", A, "no"),
    FLAG("X11UseLocalhost", A, "yes"),
    FLAG("PermitTTY", A, "yes"),
    FLAG("PermitUserRC", A, "yes"),
    FLAG("StrictModes", G, "yes"),
    FLAG("TCPKeepAlive", G, "yes"),
    FLAG("PermitEmptyPasswords", A, "no"),
    CHOICE("Compression", kCompression, G, "yes"),
    CHOICE("GatewayPorts", kGatewayPorts, A, "no"),
    FLAG("UseDNS", G, "no"),
    CHOICE("AllowTcpForwarding", kForwarding, A, "yes"),
    FLAG("AllowAgentForwarding", A, "yes"),
    FLAG("DisableForwarding", A, "no"),
    CHOICE("AllowStreamLocalForwarding", kForwarding, A, "yes"),
    FLAG("StreamLocalBindUnlink", A, "no"),
    ROW("FingerprintHash", K::kFingerprintHash, M::kLast, G, D::kJoined, "SHA256"),
    FLAG("ExposeAuthInfo", A, "no"),
    ROW("PidFile", K::kPath, M::kFirst, G, D::kJoined, "/run/sshd.pid"),
    ROW("ModuliFile", K::kPath, M::kFirst, G, D::kJoined, "/etc/ssh/moduli"),
    ROW("XAuthLocation", K::kPath, M::kFirst, G, D::kJoined, "/usr/bin/xauth"),
    ROW("Ciphers", K::kCipherList, M::kFirst, G, D::kJoined, ""),
    ROW("MACs", K::kMacList, M::kFirst, G, D::kJoined, ""),
    ROW("Banner", K::kPath, M::kFirst, A, D::kJoined, "none"),
    ROW("ForceCommand", K::kRestOfLine, M::kFirst, A, D::kJoined, "none"),
    ROW("ChrootDirectory", K::kWord, M::kFirst, A, D::kJoined, "none"),
    ROW("TrustedUserCAKeys", K::kPath, M::kFirst, A, D::kJoined, "none"),
    ROW("RevokedKeys", K::kPath, M::kFirst, A, D::kJoined, "none"),
    ROW("SecurityKeyProvider", K::kPathOrInternal, M::kFirst, G, D::kJoined, "internal"),
    ROW("AuthorizedPrincipalsFile", K::kWord, M::kFirst, A, D::kJoined, "none"),
    ROW("VersionAddendum", K::kVersionAddendum, M::kFirst, G, D::kJoined, "none"),
    ROW("AuthorizedKeysCommand", K::kCommand, M::kFirst, A, D::kJoined, "none"),
    ROW("AuthorizedKeysCommandUser", K::kLocalUser, M::kFirst, A, D::kJoined, "none"),
    ROW("AuthorizedPrincipalsCommand", K::kCommand, M::kFirst, A, D::kJoined, "none"),
    ROW("AuthorizedPrincipalsCommandUser", K::kLocalUser, M::kFirst, A, D::kJoined, "none"),
    ROW("HostKeyAgent", K::kSocketPath, M::kFirst, G, D::kJoined, "none"),
    ROW("KexAlgorithms", K::kKexList, M::kFirst, G, D::kJoined, ""),
    ROW("CASignatureAlgorithms", K::kKeyAlgList, M::kFirst, A, D::kJoined, kDefaultCaSigAlgs),
    ROW("HostbasedAcceptedAlgorithms", K::kKeyAlgList, M::kFirst, A, D::kJoined, ""),
    ROW("HostKeyAlgorithms", K::kKeyAlgList, M::kFirst, G, D::kJoined, ""),
    ROW("PubkeyAcceptedAlgorithms", K::kKeyAlgList, M::kFirst, A, D::kJoined, ""),
    ROW("LogLevel", K::kLogLevel, M::kFirst, A, D::kJoined, "INFO"),
    ROW("SyslogFacility", K::kFacility, M::kFirst, G, D::kJoined, "AUTH"),
    ROW("AuthorizedKeysFile", K::kAuthorizedKeysFile, M::kFirstLine, A, D::kJoined,
        ".ssh/authorized_keys .ssh/authorized_keys2"),
    ROW("HostKey", K::kHostKey, M::kAppend, G, D::kPerValue, kDefaultHostKeys),
    ROW("HostCertificate", K::kHostKey, M::kAppend, G, D::kPerValue, ""),
    ROW("AllowUsers", K::kUsers, M::kAppend, A, D::kPerValue, ""),
    ROW("DenyUsers", K::kUsers, M::kAppend, A, D::kPerValue, ""),
    ROW("AllowGroups", K::kGroups, M::kAppend, A, D::kPerValue, ""),
    ROW("DenyGroups", K::kGroups, M::kAppend, A, D::kPerValue, ""),
    ROW("AcceptEnv", K::kAcceptEnv, M::kAppend, A, D::kPerValue, ""),
    ROW("SetEnv", K::kSetEnv, M::kFirstLine, A, D::kPerValue, ""),
    ROW("AuthenticationMethods", K::kAuthMethods, M::kFirstLine, A, D::kJoined, "any"),
    ROW("LogVerbose", K::kLogVerbose, M::kFirstLine, A, D::kJoined, ""),
    ROW("ChannelTimeout", K::kChannelTimeout, M::kFirstLine, A, D::kJoined, ""),
    ROW("Subsystem", K::kSubsystem, M::kAppend, G, D::kPerValue, ""),
    ROW("MaxStartups", K::kMaxStartups, M::kLast, G, D::kJoined, "10:30:100"),
    ROW("PerSourceMaxStartups", K::kPerSourceMaxStartups, M::kLast, G, D::kJoined, "none"),
    ROW("PerSourceNetBlockSize", K::kNetBlockSize, M::kLast, G, D::kJoined, "32:128"),
    {"PermitTunnel", "", K::kChoiceExact, M::kFirst, A, D::kJoined, "no", kPermitTunnel},
    ROW("IPQoS", K::kIpqos, M::kLast, A, D::kJoined, "lowdelay throughput"),
    ROW("RekeyLimit", K::kRekeyLimit, M::kPerPosition, A, D::kJoined, "0 0"),
    ROW("PermitOpen", K::kPermitOpen, M::kFirstLine, A, D::kJoined, "any"),
    ROW("PermitListen", K::kPermitListen, M::kFirstLine, A, D::kJoined, "any"),
    ROW("PermitUserEnvironment", K::kPermitUserEnv, M::kFirst, G, D::kJoined, "no"),
    ROW("PubkeyAuthOptions", K::kPubkeyAuthOptions, M::kFirst, A, D::kJoined, "none"),
    // Not printed by Debian's sshd -T.
    ROW("RDomain", K::kWord, M::kFirst, A, D::kNone, ""),
    {"DebianBanner", "", K::kChoice, M::kFirst, G, D::kNone, "yes", kFlag},
    // sshpp extension (SunSSH): printed only when set.
    ROW("PreUserauthHook", K::kPath1, M::kFirst, A, D::kPerValue, ""),
    LEGACY("Include", K::kInclude, A),
    LEGACY("Match", K::kMatch, A),
    // Old names still accepted.
    ALIAS("DSAAuthentication", "PubkeyAuthentication", K::kChoice, A),
    ALIAS("ChallengeResponseAuthentication", "KbdInteractiveAuthentication", K::kChoice, A),
    ALIAS("SkeyAuthentication", "KbdInteractiveAuthentication", K::kChoice, A),
    ALIAS("HostDSAKey", "HostKey", K::kHostKey, G),
    ALIAS("PubkeyAcceptedKeyTypes", "PubkeyAcceptedAlgorithms", K::kKeyAlgList, A),
    ALIAS("HostbasedAcceptedKeyTypes", "HostbasedAcceptedAlgorithms", K::kKeyAlgList, A),
    ALIAS("KeepAlive", "TCPKeepAlive", K::kChoice, G),
    // Logged and ignored, as Debian's 9.2 build does.
    LEGACY("UsePrivilegeSeparation", K::kDeprecated, G),
    LEGACY("UseLogin", K::kDeprecated, G),
    LEGACY("ServerKeyBits", K::kDeprecated, G),
    LEGACY("KeyRegenerationInterval", K::kDeprecated, G),
    LEGACY("RhostsAuthentication", K::kDeprecated, G),
    LEGACY("RhostsRSAAuthentication", K::kDeprecated, G),
    LEGACY("RSAAuthentication", K::kDeprecated, G),
    LEGACY("CheckMail", K::kDeprecated, G),
    LEGACY("VerifyReverseMapping", K::kDeprecated, G),
    LEGACY("ReverseMappingCheck", K::kDeprecated, G),
    LEGACY("AuthorizedKeysFile2", K::kDeprecated, A),
    LEGACY("PAMAuthenticationViaKbdInt", K::kDeprecated, G),
    LEGACY("KerberosTgtPassing", K::kUnsupported, G),
    LEGACY("AFSTokenPassing", K::kUnsupported, G),
    LEGACY("KerberosGetAFSToken", K::kUnsupported, G),
    LEGACY("Protocol", K::kIgnore, G),
};

#undef ROW
#undef CHOICE
#undef FLAG
#undef ALIAS
#undef LEGACY

bool iequals(std::string_view a, std::string_view b) { return ascii_iequals(a, b); }

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto sp = s.find(' ');
    if (sp != 0) out.emplace_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

constexpr std::string_view kFacilities[] = {"DAEMON", "USER",   "AUTH",   "AUTHPRIV", "LOCAL0", "LOCAL1",
                                            "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5",   "LOCAL6", "LOCAL7"};

// auth2_methods_valid(): the first method of a comma-separated list that sshd does not
// know (any ":submethod" suffix is accepted), or nullopt when all are known.
std::optional<std::string> unknown_auth_method(std::string_view list) {
  static constexpr std::string_view kMethods[] = {
      "none", "publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic"};
  while (true) {
    auto comma = list.find(',');
    std::string_view method = list.substr(0, comma);
    std::string_view base = method.substr(0, method.find(':'));
    if (std::find(std::begin(kMethods), std::end(kMethods), base) == std::end(kMethods))
      return std::string(method);
    if (comma == std::string_view::npos) return std::nullopt;
    list.remove_prefix(comma + 1);
  }
}

// The first name of a comma-separated list (after a +/^ prefix) missing from `all`.
std::optional<std::string> first_unknown(std::string_view list, std::string_view all) {
  if (!list.empty() && (list.front() == '+' || list.front() == '^' || list.front() == '-')) {
    if (list.front() == '-') return std::nullopt;
    list.remove_prefix(1);
  }
  auto known = [&](std::string_view name) {
    std::string_view rest = all;
    while (true) {
      auto comma = rest.find(',');
      if (rest.substr(0, comma) == name) return true;
      if (comma == std::string_view::npos) return false;
      rest.remove_prefix(comma + 1);
    }
  };
  while (true) {
    auto comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    if (!known(name)) return std::string(name);
    if (comma == std::string_view::npos) return std::nullopt;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

std::span<const SshdKeyword> sshd_keywords() { return kKeywords; }

std::optional<std::size_t> find_sshd_keyword(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kKeywords); ++i)
    if (iequals(kKeywords[i].name, name)) return i;
  return std::nullopt;
}

std::size_t sshd_value_row(std::size_t row) {
  if (kKeywords[row].alias_of.empty()) return row;
  return *find_sshd_keyword(kKeywords[row].alias_of);
}

std::vector<std::string> sshd_default_values(const SshdKeyword& row) {
  using transport::AlgorithmKind;
  switch (row.kind) {
    case K::kCipherList:
      return {transport::default_algorithms(AlgorithmKind::kCipher)};
    case K::kMacList:
      return {transport::default_algorithms(AlgorithmKind::kMac)};
    case K::kKexList:
      return {transport::default_algorithms(AlgorithmKind::kKex)};
    case K::kKeyAlgList:
      if (!row.defaults.empty()) return {std::string(row.defaults)};
      return {transport::default_algorithms(AlgorithmKind::kHostKey)};
    default:
      return split_spaces(row.defaults);
  }
}

std::vector<std::string> finalise_sshd_values(const SshdKeyword& row, std::vector<std::string> values) {
  using transport::AlgorithmKind;
  if (row.kind == K::kRekeyLimit && values.size() == 1) values.push_back("0");  // interval unset
  std::optional<AlgorithmKind> kind;
  if (row.kind == K::kCipherList) kind = AlgorithmKind::kCipher;
  if (row.kind == K::kMacList) kind = AlgorithmKind::kMac;
  if (row.kind == K::kKexList) kind = AlgorithmKind::kKex;
  if (row.kind == K::kKeyAlgList) kind = AlgorithmKind::kHostKey;
  if (!kind || values.size() != 1) return values;
  if (row.kind == K::kKeyAlgList && !row.defaults.empty()) {
    auto r = transport::assemble_algorithm_list(
        values[0], row.defaults, transport::all_algorithms(AlgorithmKind::kHostKey), "Bad key types");
    if (r) values[0] = *r;
    return values;
  }
  auto r = transport::assemble_algorithm_list(*kind, values[0]);
  if (r) values[0] = *r;
  return values;
}

SshdParsedValue parse_sshd_value(const SshdKeyword& row, const std::vector<std::string>& args,
                                 std::string_view rest, const SshdLineContext& at,
                                 const std::vector<std::string>& existing) {
  SshdParsedValue out;
  std::size_t used = 1;  // arguments consumed; the rest are "extra arguments"
  const std::string* arg = args.empty() ? nullptr : &args[0];
  bool missing = arg == nullptr || arg->empty();
  auto fatal = [&](std::string text) {
    out.error = SshdValueError{true, fmt::format("{} line {}: {}", at.filename, at.line, text)};
    return out;
  };
  auto error = [&](std::string text) {
    out.error = SshdValueError{false, fmt::format("{} line {}: {}", at.filename, at.line, text)};
    return out;
  };
  auto missing_kw = [&] { return fatal(fmt::format("{} missing argument.", at.keyword)); };
  auto derelativise = [&](const std::string& path) {
    if (iequals(path, "none")) return std::string("none");
    if (path.starts_with('/') || at.cwd.empty()) return path;
    return fmt::format("{}/{}", at.cwd, path);
  };

  switch (row.kind) {
    case K::kFlag:
    case K::kChoice: {
      if (missing) return fatal("missing argument.");
      for (const auto& c : row.choices)
        if (iequals(*arg, c.word)) {
          out.values = {std::string(c.canonical)};
          break;
        }
      if (out.values.empty()) return fatal(fmt::format("unsupported option \"{}\".", *arg));
      break;
    }
    case K::kChoiceExact: {
      if (missing) return missing_kw();
      for (const auto& c : row.choices)
        if (*arg == c.word) out.values = {std::string(c.canonical)};
      if (out.values.empty()) return fatal(fmt::format("bad {} argument {}", at.keyword, *arg));
      break;
    }
    case K::kInt: {
      int v = 0;
      if (auto e = atoi_error(arg, v)) return fatal(fmt::format("{} integer value {}.", at.keyword, *e));
      out.values = {std::to_string(v)};
      break;
    }
    case K::kTime: {
      if (missing) return fatal("missing time value.");
      long long v = convtime(*arg);
      if (v < 0) return fatal("invalid time value.");
      out.values = {std::to_string(v)};
      break;
    }
    case K::kTimeOrNone: {
      if (missing) return missing_kw();
      if (*arg == "none") {
        out.values = {"none"};
        break;
      }
      long long v = convtime(*arg);
      if (v < 0) return fatal("invalid time value.");
      out.values = {v == 0 ? std::string("none") : std::to_string(v)};
      break;
    }
    case K::kPath:
    case K::kHostKey:
      if (missing) return fatal("missing file name.");
      out.values = {derelativise(*arg)};
      break;
    case K::kPath1:
      if (missing) return missing_kw();
      out.values = {derelativise(*arg)};
      break;
    case K::kPathOrInternal:
      if (missing) return missing_kw();
      out.values = {iequals(*arg, "internal") ? *arg : derelativise(*arg)};
      break;
    case K::kSocketPath:
      if (missing) return fatal("missing socket name.");
      out.values = {*arg == "SSH_AUTH_SOCK" ? *arg : derelativise(*arg)};
      break;
    case K::kWord:
      if (missing) return missing_kw();
      out.values = {*arg};
      break;
    case K::kLocalUser:
      if (missing) return fatal(fmt::format("missing {} argument.", at.keyword));
      out.values = {*arg};
      break;
    case K::kCommand: {
      std::string_view cmd = rest.substr(std::min(rest.size(), rest.find_first_not_of(" \t\r\n")));
      if (!cmd.starts_with('/') && !iequals(cmd, "none"))
        return fatal(fmt::format("{} must be an absolute path", at.keyword));
      out.values = {std::string(cmd)};
      used = args.size();
      break;
    }
    case K::kRestOfLine: {
      std::string_view cmd = rest.substr(std::min(rest.size(), rest.find_first_not_of(" \t\r\n")));
      out.values = {std::string(cmd)};
      used = args.size();
      break;
    }
    case K::kVersionAddendum: {
      std::string_view text = rest.substr(std::min(rest.size(), rest.find_first_not_of(" \t\r\n")));
      if (text.find('\r') != std::string_view::npos)
        return fatal(fmt::format("Invalid {} argument", at.keyword));
      if (auto hash = text.find('#'); hash != std::string_view::npos) {
        text = text.substr(0, hash);
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
      }
      out.values = {iequals(text, "none") || text.empty() ? std::string("none") : std::string(text)};
      used = args.size();
      break;
    }
    case K::kUsers:
    case K::kGroups:
      for (const auto& a : args) {
        if (a.empty() && row.kind == K::kGroups) return fatal(fmt::format("empty {} pattern", at.keyword));
        // match_user(): the part after the first '@' must be a valid address list.
        auto at_sign = a.find('@');
        if (a.empty() || (row.kind == K::kUsers && at_sign != std::string::npos &&
                          match_address_list(std::nullopt, std::string_view(a).substr(at_sign + 1)) == AddressListMatch::kInvalid))
          return fatal(fmt::format("invalid {} pattern: \"{}\"", at.keyword, a));
        out.values.push_back(a);
      }
      used = args.size();
      break;
    case K::kAcceptEnv:
      for (const auto& a : args) {
        if (a.empty() || a.find('=') != std::string::npos) return fatal("Invalid environment name.");
        out.values.push_back(a);
      }
      used = args.size();
      break;
    case K::kSetEnv:
      for (const auto& a : args) {
        if (a.empty() || a.find('=') == std::string::npos) return fatal("Invalid environment.");
        std::string_view name = std::string_view(a).substr(0, a.find('='));
        bool duplicate = std::any_of(out.values.begin(), out.values.end(), [&](const std::string& v) {
          return std::string_view(v).substr(0, v.find('=')) == name;
        });
        if (!duplicate) out.values.push_back(a);
      }
      used = args.size();
      break;
    case K::kPort: {
      if (missing) return fatal("missing port number.");
      if (a2port(*arg) <= 0) return fatal("Badly formatted port number.");
      out.values = {std::to_string(a2port(*arg))};
      break;
    }
    case K::kListenAddress: {
      if (missing) return fatal("missing address");
      std::string host = *arg;
      std::string port;
      auto first_colon = host.find(':');
      bool bare_v6 = host.find('[') == std::string::npos && first_colon != std::string::npos &&
                     host.find(':', first_colon + 1) != std::string::npos;
      if (!bare_v6) {
        if (host.starts_with('[')) {
          auto close = host.find(']');
          if (close == std::string::npos) return fatal("bad address:port usage");
          std::string tail = host.substr(close + 1);
          host = host.substr(1, close - 1);
          if (!tail.empty()) {
            if (tail[0] != ':') return fatal("bad address:port usage");
            port = tail.substr(1);
            if (a2port(port) <= 0) return fatal("bad port number");
          }
        } else if (first_colon != std::string::npos) {
          port = host.substr(first_colon + 1);
          host = host.substr(0, first_colon);
          if (a2port(port) <= 0) return fatal("bad port number");
        }
      }
      std::string value = port.empty() ? host : fmt::format("{} {}", host, port);
      if (args.size() > 1) {
        if (args[1] != "rdomain" || args.size() < 3) return fatal("bad ListenAddress syntax");
        value += fmt::format(" rdomain {}", args[2]);
        used = 3;
      }
      out.values = {value};
      break;
    }
    case K::kCipherList:
    case K::kMacList:
    case K::kKexList: {
      if (missing) return missing_kw();
      using transport::AlgorithmKind;
      AlgorithmKind kind = row.kind == K::kCipherList ? AlgorithmKind::kCipher
                           : row.kind == K::kMacList  ? AlgorithmKind::kMac
                                                      : AlgorithmKind::kKex;
      std::string_view phrase = row.kind == K::kCipherList ? "Bad SSH2 cipher spec"
                                : row.kind == K::kMacList  ? "Bad SSH2 mac spec"
                                                           : "Bad SSH2 KexAlgorithms";
      if (!transport::assemble_algorithm_list(kind, *arg)) {
        std::string text = fmt::format("{} '{}'.", phrase, *arg);
        // kex_names_valid() names the first unknown method before the config error.
        if (row.kind == K::kKexList) {
          if (auto name = first_unknown(*arg, transport::all_algorithms(kind)))
            text = fmt::format("Unsupported KEX algorithm \"{}\"\n{} line {}: {}", *name, at.filename,
                               at.line, text);
          out.error = SshdValueError{true, text};
          return out;
        }
        return fatal(text);
      }
      out.values = {*arg};
      break;
    }
    case K::kKeyAlgList: {
      if (missing) return fatal("Missing argument.");
      if (!transport::assemble_algorithm_list(transport::AlgorithmKind::kHostKey, *arg))
        return fatal(fmt::format("Bad key types '{}'.", *arg));
      out.values = {*arg};
      break;
    }
    case K::kGssKexList: {
      if (missing) return missing_kw();
      std::string_view list = *arg;
      while (true) {
        auto comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        if (std::find(std::begin(kKnownGssKex), std::end(kKnownGssKex), name) == std::end(kKnownGssKex)) {
          out.error = SshdValueError{
              true,
              fmt::format("Unsupported KEX algorithm \"{}\"\n{} line {}: Bad GSSAPI KexAlgorithms '{}'.",
                          name, at.filename, at.line, *arg)};
          return out;
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
      out.values = {*arg};
      break;
    }
    case K::kLogLevel: {
      auto level = arg ? log::level_from_name(*arg) : std::nullopt;
      if (!level) return fatal(fmt::format("unsupported log level '{}'", arg ? *arg : "<NONE>"));
      out.values = {std::string(log::level_name(*level))};
      break;
    }
    case K::kFacility: {
      std::string upper = arg ? *arg : std::string();
      for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      if (!arg || std::find(std::begin(kFacilities), std::end(kFacilities), upper) == std::end(kFacilities))
        return fatal(fmt::format("unsupported log facility '{}'", arg ? *arg : "<NONE>"));
      out.values = {upper};
      break;
    }
    case K::kLogVerbose:
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].empty()) return error(fmt::format("keyword {} empty argument", at.keyword));
        if (iequals(args[i], "none") && args.size() > 1)
          return error(fmt::format("keyword {} \"none\" argument must appear alone.", at.keyword));
        out.values.push_back(args[i]);
      }
      used = args.size();
      break;
    case K::kMaxStartups: {
      if (missing) return missing_kw();
      int b = 0, r = 0, m = 0;
      int n = std::sscanf(arg->c_str(), "%d:%d:%d", &b, &r, &m);
      if (n == 3) {
        if (b > m || r > 100 || r < 1) return fatal(fmt::format("Invalid {} spec.", at.keyword));
        out.values = {fmt::format("{}:{}:{}", b, r, m)};
      } else if (n == 1) {
        m = b;
        out.values = {fmt::format("{}:30:{}", b, b)};  // the rate keeps its default
      } else {
        return fatal(fmt::format("Invalid {} spec.", at.keyword));
      }
      if (b <= 0 || m <= 0) return fatal(fmt::format("Invalid {} spec.", at.keyword));
      break;
    }
    case K::kNetBlockSize: {
      if (missing) return missing_kw();
      // With one number, servconf.c stores its never-assigned second variable as the IPv6
      // mask; Debian's 9.2 prints 0 there ("16" -> "16:0"), and so do we.
      int v4 = 0, v6 = 0;
      int n = std::sscanf(arg->c_str(), "%d:%d", &v4, &v6);
      if (n < 1 || v4 < 0 || v4 > 32 || v6 < 0 || v6 > 128)
        return fatal(fmt::format("Invalid {} spec.", at.keyword));
      out.values = {fmt::format("{}:{}", v4, v6)};
      break;
    }
    case K::kPerSourceMaxStartups: {
      if (missing) return missing_kw();
      if (*arg == "none") {
        out.values = {"none"};
        break;
      }
      int v = 0;
      if (auto e = atoi_error(arg, v)) return fatal(fmt::format("{} integer value {}.", at.keyword, *e));
      out.values = {std::to_string(v)};
      break;
    }
    case K::kRekeyLimit: {
      if (missing) return missing_kw();
      long long bytes = 0;
      if (*arg != "default") {
        auto v = scan_scaled(*arg);
        if (!v) return fatal(fmt::format("Bad {} number '{}': Invalid argument", at.keyword, *arg));
        if (*v != 0 && *v < 16) return fatal(fmt::format("{} too small", at.keyword));
        bytes = *v;
      }
      out.values = {std::to_string(bytes)};
      // An interval is optional; "none" is read and discarded, leaving it unset.
      if (args.size() > 1) {
        used = 2;
        if (args[1] != "none") {
          if (args[1].empty()) return fatal("missing time value.");
          long long seconds = convtime(args[1]);
          if (seconds < 0) return fatal("invalid time value.");
          out.values.push_back(std::to_string(seconds));
        }
      }
      break;
    }
    case K::kSubsystem: {
      if (missing) return missing_kw();
      for (const auto& v : existing)
        if (std::string_view(v).substr(0, v.find(' ')) == *arg)
          return fatal(fmt::format("Subsystem '{}' already defined.", *arg));
      if (args.size() < 2 || args[1].empty()) return fatal("Missing subsystem command.");
      std::string value = *arg;
      for (std::size_t i = 1; i < args.size(); ++i) value += " " + args[i];
      out.values = {value};
      used = args.size();
      break;
    }
    case K::kIpqos: {
      if (missing) return missing_kw();
      auto first = canonical_ipqos(*arg);
      if (!first) return fatal(fmt::format("Bad {} value: {}", at.keyword, *arg));
      auto second = first;
      if (args.size() > 1) {
        second = canonical_ipqos(args[1]);
        if (!second) return fatal(fmt::format("Bad {} value: {}", at.keyword, args[1]));
        used = 2;
      }
      out.values = {*first, *second};
      break;
    }
    case K::kPermitOpen:
    case K::kPermitListen: {
      if (missing) return missing_kw();
      if (*arg == "any" || *arg == "none") {
        out.values = {*arg};
        break;
      }
      for (const auto& a : args) {
        if (a.empty()) break;
        std::string entry = a;
        if (row.kind == K::kPermitListen && a.find(':') == std::string::npos) entry = "*:" + a;
        std::string_view port;
        if (entry.starts_with('[')) {
          auto close = entry.find("]:");
          if (close == std::string::npos) return fatal(fmt::format("{} missing host", at.keyword));
          port = std::string_view(entry).substr(close + 2);
        } else {
          auto colon = entry.rfind(':');
          if (colon == std::string::npos || colon == 0)
            return fatal(fmt::format("{} bad port number", at.keyword));
          port = std::string_view(entry).substr(colon + 1);
        }
        if (port != "*" && a2port(port) <= 0) return fatal(fmt::format("{} bad port number", at.keyword));
        out.values.push_back(entry);
      }
      used = args.size();
      break;
    }
    case K::kAuthMethods: {
      bool any = false;
      for (const auto& a : args) {
        if (a == "any") {
          if (!out.values.empty()) return fatal(fmt::format("\"any\" must appear alone in {}", at.keyword));
          any = true;
        } else if (any) {
          return fatal(fmt::format("\"any\" must appear alone in {}", at.keyword));
        } else if (auto unknown = unknown_auth_method(a)) {
          out.error = SshdValueError{
              true,
              fmt::format("Unknown authentication method \"{}\" in list\n{} line {}: invalid {} method list.",
                          *unknown, at.filename, at.line, at.keyword)};
          return out;
        }
        out.values.push_back(a);
      }
      if (out.values.empty()) return fatal(fmt::format("no {} specified", at.keyword));
      used = args.size();
      break;
    }
    case K::kBindMask: {
      if (missing) return missing_kw();
      char* end = nullptr;
      long v = std::strtol(arg->c_str(), &end, 8);
      if (end == arg->c_str() || v < 0 || v > 0777) return fatal(fmt::format("Invalid {}.", at.keyword));
      // printf("%#o"), as dump_config prints the mode.
      out.values = {v == 0 ? std::string("0") : fmt::format("0{:o}", v)};
      break;
    }
    case K::kFingerprintHash: {
      if (missing) return missing_kw();
      static constexpr std::string_view kHashes[] = {"MD5", "SHA1", "SHA256", "SHA384", "SHA512"};
      for (auto h : kHashes)
        if (iequals(*arg, h)) out.values = {std::string(h)};
      if (out.values.empty()) return fatal(fmt::format("Invalid {} algorithm \"{}\".", at.keyword, *arg));
      break;
    }
    case K::kPermitUserEnv:
      if (missing) return missing_kw();
      out.values = {*arg};
      break;
    case K::kPubkeyAuthOptions: {
      bool touch = false, verify = false;
      for (const auto& a : args) {
        if (iequals(a, "none")) continue;
        if (iequals(a, "touch-required")) {
          touch = true;
        } else if (iequals(a, "verify-required")) {
          verify = true;
        } else {
          return error(fmt::format("unsupported {} option {}", at.keyword, a));
        }
      }
      if (touch) out.values.push_back("touch-required");
      if (verify) out.values.push_back("verify-required");
      if (out.values.empty()) out.values.push_back("none");
      used = args.size();
      break;
    }
    case K::kAuthorizedKeysFile:
    case K::kChannelTimeout:
      for (const auto& a : args) {
        if (a.empty()) return error(fmt::format("keyword {} empty argument", at.keyword));
        if (row.kind == K::kChannelTimeout) {
          auto eq = a.find('=');
          if (eq == std::string::npos || eq == 0 || convtime(std::string_view(a).substr(eq + 1)) < 0)
            return fatal(fmt::format("invalid channel timeout {}", a));
        }
        out.values.push_back(a);
      }
      used = args.size();
      break;
    case K::kDeprecated:
    case K::kUnsupported:
    case K::kIgnore:
      if (row.kind != K::kIgnore)
        out.notice = fmt::format("{} line {}: {} option {}", at.filename, at.line,
                                 row.kind == K::kUnsupported ? "Unsupported" : "Deprecated", at.keyword);
      used = args.size();
      break;
    case K::kInclude:
    case K::kMatch:
      used = args.size();
      break;
  }
  out.extra_arguments = args.size() > used;
  return out;
}

}  // namespace sshcore::config

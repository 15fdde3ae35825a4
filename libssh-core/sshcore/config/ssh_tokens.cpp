// The "%x" tokens of ssh_config values and which keyword accepts which (ssh.c
// DEFAULT_CLIENT_PERCENT_EXPAND_ARGS and its per-keyword subsets).
#include "sshcore/base/encoding.hpp"
#include "sshcore/config/percent_expand.hpp"
#include "sshcore/config/ssh_config.hpp"
#include "sshcore/crypto/digest.hpp"

namespace sshcore::config {

std::map<char, std::string> ssh_client_tokens(const SshOptions& options, const SshConfigEnvironment& env,
                                              const SshTarget& target) {
  std::string host = target.host;
  if (const std::string* hn = options.text(SshOpt::kHostname)) {
    auto expanded = expand_tokens(*hn, {{'h', target.host}});
    if (expanded) host = *expanded;
  }
  const std::string* user = options.text(SshOpt::kUser);
  const std::string ruser = user ? *user : env.local_user;
  const std::string port = std::to_string(options.number(SshOpt::kPort, 22));
  const std::string* alias = options.text(SshOpt::kHostKeyAlias);
  const std::string* jump = options.text(SshOpt::kProxyJump);
  const std::string short_host = env.local_hostname.substr(0, env.local_hostname.find('.'));
  // %C: SHA-1 of "%l%h%p%r" in hex (ssh_connection_hash() of OpenSSH 9.2).
  const std::string conn = env.local_hostname + host + port + ruser;
  const std::string hash = hex_encode(crypto::digest(crypto::DigestAlg::kSha1, as_bytes(conn)));
  return {{'C', hash},
          {'L', short_host},
          {'d', env.home_dir},
          {'h', host},
          {'i', env.uid},
          {'j', jump != nullptr && *jump != "none" ? *jump : std::string()},
          {'k', alias ? *alias : target.host},
          {'l', env.local_hostname},
          {'n', target.original_host},
          {'p', port},
          {'r', ruser},
          {'u', env.local_user}};
}

Result<std::string> expand_ssh_value(std::string_view value, const SshExpansion& how, const SshOptions& options,
                                     const SshConfigEnvironment& env, const SshTarget& target) {
  std::map<char, std::string> all = ssh_client_tokens(options, env, target);
  std::map<char, std::string> tokens;
  auto keep = [&](std::string_view keys) {
    for (char k : keys) tokens[k] = all[k];
  };
  switch (how.tokens) {
    case SshTokenSet::kConnection:
    case SshTokenSet::kLocalCommand: tokens = all; break;
    case SshTokenSet::kHostname: tokens = {{'h', target.host}}; break;
    case SshTokenSet::kProxy: keep("hnpr"); break;
  }
  for (const auto& [k, v] : how.extra) tokens[k] = v;
  std::string text(value);
  if (how.tilde) {
    SSH_TRY(t, tilde_expand(text, env.home_dir));
    text = std::move(t);
  }
  SSH_TRY(expanded, expand_tokens(text, tokens));
  if (!how.dollars) return expanded;
  return dollar_expand(expanded, env.getenv);
}

}  // namespace sshcore::config

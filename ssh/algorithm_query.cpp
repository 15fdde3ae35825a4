#include "algorithm_query.hpp"

#include <algorithm>
#include <vector>

#include "sshcore/base/pattern.hpp"
#include "sshcore/keys/key_type.hpp"
#include "sshcore/transport/algorithm_list.hpp"
#include "sshcore/transport/algorithm_tables.hpp"

namespace ssh {
namespace {

// Every plain key and signature algorithm in OpenSSH's keytypes[] order; -Q prints the ones
// our tables implement, in this order.
constexpr std::string_view kOpenSshKeyOrder[] = {
    "ssh-ed25519",        "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "ssh-rsa",            "rsa-sha2-256",        "rsa-sha2-512"};

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    std::string_view part = s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += '\n';
    out += n;
  }
  return out;
}

std::string lines_of(sshcore::transport::AlgorithmKind kind) {
  return join_lines(split_commas(sshcore::transport::all_algorithms(kind)));
}

// Key algorithms we implement, in OpenSSH's order; `signatures` adds rsa-sha2-*.
std::string key_lines(bool signatures) {
  std::vector<std::string> names;
  for (std::string_view name : kOpenSshKeyOrder) {
    const bool is_key = sshcore::keys::find_key_type(name) != nullptr;
    const bool is_sig = sshcore::keys::find_signature_alg(name) != nullptr;
    if (signatures ? is_sig : is_key) names.emplace_back(name);
  }
  return join_lines(names);
}

std::string aead_cipher_lines() {
  std::vector<std::string> names;
  for (const auto& c : sshcore::transport::cipher_algs())
    if (c.aead()) names.emplace_back(c.name);
  std::sort(names.begin(), names.end());  // OpenSSH's table lists aes*-gcm before chacha20
  return join_lines(names);
}

}  // namespace

std::optional<std::string> query_answer(std::string_view q) {
  using K = sshcore::transport::AlgorithmKind;
  const std::string lq = sshcore::ascii_lowercase(q);
  if (q == "cipher" || lq == "ciphers") return lines_of(K::kCipher);
  if (q == "cipher-auth") return aead_cipher_lines();
  if (q == "mac" || lq == "macs") return lines_of(K::kMac);
  if (q == "kex" || lq == "kexalgorithms") return lines_of(K::kKex);
  if (q == "key" || q == "key-plain") return key_lines(false);
  if (q == "key-cert") return std::string();
  if (q == "key-sig" || lq == "pubkeyacceptedkeytypes" || lq == "pubkeyacceptedalgorithms" ||
      lq == "hostkeyalgorithms" || lq == "hostbasedkeytypes" || lq == "hostbasedacceptedkeytypes" ||
      lq == "hostbasedacceptedalgorithms" || q == "sig")
    return key_lines(true);
  if (q == "protocol-version") return std::string("2");
  if (q == "compression") return lines_of(K::kCompression);
  if (q == "help")
    return std::string("cipher\ncipher-auth\ncompression\nkex\nkey\nkey-cert\nkey-plain\nkey-sig\nmac\n"
                       "protocol-version\nsig");
  return std::nullopt;
}

}  // namespace ssh

#include "sshcore/transport/algorithm_list.hpp"

#include <vector>

#include "sshcore/base/pattern.hpp"
#include "sshcore/keys/key_type.hpp"
#include "sshcore/transport/algorithm_tables.hpp"
#include "sshcore/transport/kex_negotiation.hpp"
#include "sshcore/transport/transport_session.hpp"

namespace sshcore::transport {
namespace {
template <class Rows>
std::string names_of(const Rows& rows) {
  std::string out;
  for (const auto& row : rows) {
    if (!out.empty()) out += ',';
    out += row.name;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    out.push_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

// `a` followed by the names of `b` that `a` lacks (OpenSSH's kex_names_cat).
std::string concatenate(std::string_view a, std::string_view b) {
  std::string out(a);
  for (auto name : split(b)) {
    if (name.empty() || name_list_contains(out, name)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

std::string_view bad_spec_phrase(AlgorithmKind kind) {
  switch (kind) {
    case AlgorithmKind::kCipher: return "Bad SSH2 cipher spec";
    case AlgorithmKind::kMac: return "Bad SSH2 MAC spec";
    case AlgorithmKind::kKex: return "Bad SSH2 KexAlgorithms";
    case AlgorithmKind::kHostKey: return "Bad key types";
    case AlgorithmKind::kCompression: return "Bad compression spec";
  }
  return "Bad algorithm spec";
}
}  // namespace

std::string all_algorithms(AlgorithmKind kind) {
  switch (kind) {
    case AlgorithmKind::kCipher: return names_of(cipher_algs());
    case AlgorithmKind::kMac: return names_of(mac_algs());
    case AlgorithmKind::kKex: return names_of(kex_algs());
    case AlgorithmKind::kHostKey: return names_of(keys::signature_algs());
    case AlgorithmKind::kCompression: return names_of(compression_algs());
  }
  return {};
}

std::string default_algorithms(AlgorithmKind kind) {
  switch (kind) {
    case AlgorithmKind::kCipher: return default_ciphers();
    case AlgorithmKind::kMac: return default_macs();
    case AlgorithmKind::kKex: return default_kex();
    case AlgorithmKind::kHostKey: return default_host_key_algorithms();
    case AlgorithmKind::kCompression: return "none";
  }
  return {};
}

Result<std::string> assemble_algorithm_list(AlgorithmKind kind, std::string_view spec) {
  return assemble_algorithm_list(spec, default_algorithms(kind), all_algorithms(kind), bad_spec_phrase(kind));
}

Result<std::string> assemble_algorithm_list(std::string_view spec, std::string_view defaults, std::string_view all,
                                            std::string_view phrase) {
  auto bad = [&] { return fail(Errc::kInvalidArgument, std::string(phrase) + " '" + std::string(spec) + "'."); };
  if (spec.empty()) return std::string(defaults);
  char mode = spec[0];
  if (mode == '-') {
    std::string kept = match_filter_denylist(defaults, spec.substr(1));
    if (kept.empty()) return bad();
    return kept;
  }
  std::string_view names = (mode == '+' || mode == '^') ? spec.substr(1) : spec;
  // Outside '-' every name must be one we implement, spelled out (readconf.c).
  for (auto name : split(names))
    if (name.empty() || !name_list_contains(all, name)) return bad();
  std::string list = mode == '+' ? concatenate(defaults, names)
                     : mode == '^' ? concatenate(names, defaults)
                                   : std::string(names);
  std::string out;
  for (auto item : split(list)) out = concatenate(out, match_filter_allowlist(all, item));
  if (out.empty()) return bad();
  return out;
}

}  // namespace sshcore::transport

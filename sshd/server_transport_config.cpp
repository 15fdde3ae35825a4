#include "server_transport_config.hpp"

#include <charconv>

#include "sshcore/io/file_io.hpp"

namespace sshd {

namespace transport = sshcore::transport;

namespace {

std::string join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::uint64_t to_number(std::string_view s) {
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

std::vector<transport::DhGroup> read_moduli(const char* path) {
  auto text = sshcore::io::read_file(path);
  if (!text) return {};
  return transport::parse_moduli(sshcore::as_chars(*text));
}

transport::TransportConfig server_transport_config(const sshcore::config::SshdOptions& options,
                                                   std::vector<transport::DhGroup> moduli) {
  transport::TransportConfig c;
  c.role = transport::Role::kServer;
  c.kex = join(options.values("KexAlgorithms"), ',');
  c.ciphers = join(options.values("Ciphers"), ',');
  c.macs = join(options.values("MACs"), ',');
  c.host_key_algorithms = join(options.values("HostKeyAlgorithms"), ',');
  // "Compression yes" is zlib@openssh.com after authentication (OpenSSH 9.2 has no
  // pre-auth zlib any more).
  c.compression = options.flag("Compression") || options.value("Compression") == "delayed"
                      ? "none,zlib@openssh.com"
                      : "none";
  const auto& rekey = options.values("RekeyLimit");
  if (!rekey.empty()) c.rekey_limit_bytes = to_number(rekey[0]);
  if (rekey.size() > 1) c.rekey_interval = std::chrono::seconds(to_number(rekey[1]));
  std::string_view addendum = options.value("VersionAddendum");
  if (!addendum.empty() && addendum != "none") c.identification_comment = std::string(addendum);
  for (const auto& list : options.values("PubkeyAcceptedAlgorithms")) {
    std::string_view rest = list;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      c.server_sig_algs.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  c.moduli = std::move(moduli);
  return c;
}

}  // namespace sshd

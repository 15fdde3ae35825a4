// Access to the Debian-made key fixtures in tests/data/openssh (see its README.md).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/keys/key_files.hpp"
#include "support/process.hpp"

namespace sshpp::test::keys {

inline constexpr const char* kPassphrase = "sshpp-test";
inline constexpr const char* kKeygen = "/usr/bin/ssh-keygen";

// The fixture keys, by file stem, one of each type and size.
inline const std::vector<std::string>& fixture_keys() {
  static const std::vector<std::string> k{"ed25519", "ecdsa256", "ecdsa384", "ecdsa521",
                                          "rsa1024", "rsa2048",  "rsa3072"};
  return k;
}
inline bool is_ed25519(const std::string& stem) { return stem == "ed25519"; }
inline bool is_rsa(const std::string& stem) { return stem.starts_with("rsa"); }

inline std::string fixture_text(const std::string& name) { return read_text(test_data("openssh/" + name)); }
inline sshcore::Bytes fixture_bytes(const std::string& name) { return sshcore::to_bytes(fixture_text(name)); }

// The key and comment of "<stem>.pub".
inline sshcore::keys::PublicKeyLine fixture_pub(const std::string& stem) {
  auto line = sshcore::keys::parse_public_key_line(fixture_text(stem + ".pub"));
  if (!line) {
    ADD_FAILURE() << stem << ".pub: " << line.error().message();
    throw std::runtime_error("fixture");
  }
  return std::move(*line);
}

inline sshcore::keys::LoadedPrivateKey load_fixture(const std::string& name, std::string_view passphrase = {}) {
  auto loaded = sshcore::keys::parse_private_key(fixture_bytes(name), passphrase);
  if (!loaded) {
    ADD_FAILURE() << name << ": " << loaded.error().message();
    throw std::runtime_error("fixture");
  }
  return std::move(*loaded);
}

// "type base64" of a one-line public key, without the comment.
inline std::string type_and_blob(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  return std::string(line.substr(0, sp2));
}

}  // namespace sshpp::test::keys

// Private key files: the input's first byte picks how the rest is fed.
//   0: the rest as a file (OpenSSH, PEM, PKCS#8, SSH-1 header, anything)
//   1: the rest as the binary openssh-key-v1 blob, armored here (reaches the fields directly)
//   2: the rest as OpenSSH's private key serialisation (the agent protocol's form)
// Every parse runs without and with a fixed passphrase (encrypted OpenSSH keys
// without only); a key that parses must write out and read back as the same key.
#include <cstdint>
#include <cstdlib>

#include "sshcore/keys/armor.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/openssh_private_key.hpp"
#include "sshcore/wire/reader.hpp"

using namespace sshcore;
using namespace sshcore::keys;

namespace {

constexpr std::string_view kPassphrase = "sshpp-test";  // the fixtures' passphrase: PEM seeds decrypt

void check(bool ok) {
  if (!ok) std::abort();
}

void round_trip(const PrivateKey& key, std::string_view comment) {
  auto text = format_private_key(key, comment, {});
  check(text.has_value());
  auto again = parse_private_key(text->view());
  check(again.has_value() && again->key.public_key() == key.public_key() && again->comment == comment);
  auto sig = key.sign(as_bytes("fuzz"));
  check(sig.has_value() && key.public_key().verify(as_bytes("fuzz"), *sig).has_value());
}

void parse_file(ByteView file) {
  (void)private_key_is_encrypted(file);
  auto half = private_key_public_half(file);
  auto plain = parse_private_key(file);
  if (plain) {
    check(half.has_value() && *half == plain->key.public_key());
    round_trip(plain->key, plain->comment);
  }
  // bcrypt_pbkdf takes seconds per round under the sanitizers, and a file may ask
  // for 2^32 rounds: encrypted OpenSSH keys are fuzzed up to the KDF only (the
  // decrypted section is the same parser mode 1 reaches unencrypted).
  if (detail::is_openssh_private_key(file)) {
    auto envelope = detail::parse_openssh_envelope(file);
    if (envelope && envelope->encrypted()) return;
  }
  auto decrypted = parse_private_key(file, kPassphrase);
  if (decrypted) round_trip(decrypted->key, decrypted->comment);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ByteView rest(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: parse_file(rest); break;
    case 1: {
      std::string text = detail::armor(detail::kOpensshKeyLabel, rest);
      parse_file(as_bytes(text));
      break;
    }
    case 2: {
      wire::Reader r(rest);
      auto key = PrivateKey::read_private_fields(r);
      if (key) round_trip(*key, "");
      break;
    }
  }
  return 0;
}

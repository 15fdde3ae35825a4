// Public key formats and signatures: the input's first byte picks the parser.
//   0: PublicKey::from_blob           1: one-line public key
//   2: RFC 4716 import                3: PKCS8 import              4: PEM import
//   5: armored SSHSIG                 6: binary SSHSIG blob, armored here
//   7: u16 length, key blob, then a signature blob checked by PublicKey::verify
// A key that parses must survive every encoding and come back equal.
#include <cstdint>
#include <cstdlib>

#include "sshcore/keys/armor.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/keys/sshsig.hpp"

using namespace sshcore;
using namespace sshcore::keys;

namespace {

constexpr std::string_view kNamespace = "sshpp-test";
constexpr std::string_view kMessage = "sshpp signed message\n";  // tests/data/openssh/message.txt

void check(bool ok) {
  if (!ok) std::abort();
}

void round_trip(const PublicKey& key) {
  auto again = PublicKey::from_blob(key.blob());
  check(again.has_value() && *again == key);
  auto line = parse_public_key_line(format_public_key_line(key, "fuzz comment"));
  check(line.has_value() && line->key == key && line->comment == "fuzz comment");
  for (auto format : {PublicKeyFormat::kRfc4716, PublicKeyFormat::kPkcs8, PublicKeyFormat::kPem}) {
    auto text = export_public_key(key, format, "fuzz");
    if (!text) continue;  // a format the key type has no form in
    auto back = import_public_key(*text, format);
    check(back.has_value() && *back == key);
  }
}

void sshsig(std::string_view armored) {
  auto parsed = sshsig_parse(armored);
  auto signer = sshsig_verify(armored, kNamespace, as_bytes(kMessage));
  if (signer) check(parsed.has_value() && parsed->key == *signer);
  if (parsed) round_trip(parsed->key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ByteView rest(data + 1, size - 1);
  std::string_view text = as_chars(rest);
  switch (data[0] % 8) {
    case 0: {
      auto key = PublicKey::from_blob(rest);
      if (key) round_trip(*key);
      break;
    }
    case 1: {
      auto line = parse_public_key_line(text);
      if (line) round_trip(line->key);
      break;
    }
    case 2:
    case 3:
    case 4: {
      static constexpr PublicKeyFormat kFormats[] = {PublicKeyFormat::kRfc4716, PublicKeyFormat::kPkcs8,
                                                     PublicKeyFormat::kPem};
      auto key = import_public_key(text, kFormats[data[0] % 8 - 2]);
      if (key) round_trip(*key);
      break;
    }
    case 5: sshsig(text); break;
    case 6: sshsig(detail::armor("SSH SIGNATURE", rest)); break;
    case 7: {
      if (rest.size() < 2) break;
      std::size_t len = std::size_t{rest[0]} << 8 | rest[1];
      rest = rest.subspan(2);
      if (len > rest.size()) break;
      auto key = PublicKey::from_blob(rest.first(len));
      if (key) (void)key->verify(as_bytes(kMessage), rest.subspan(len));
      break;
    }
  }
  return 0;
}

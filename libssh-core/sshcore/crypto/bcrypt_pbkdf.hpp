// bcrypt_pbkdf: the key derivation of OpenSSH's private key format (PROTOCOL.key),
// built on a Blowfish core written here (no Debian 12 library offers it).
#pragma once

#include <cstdint>
#include <span>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::crypto {

// Fills `out` (1..1024 bytes) from the passphrase and salt with `rounds` rounds.
// Fails (kInvalidArgument) as OpenSSH does on an empty passphrase or salt, a salt
// over 1 MiB, zero rounds or an output size outside 1..1024. Intermediate state is
// wiped.
Result<void> bcrypt_pbkdf(ByteView passphrase, ByteView salt, std::uint32_t rounds,
                          std::span<std::uint8_t> out);

}  // namespace sshcore::crypto

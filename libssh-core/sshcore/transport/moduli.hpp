// The server side of diffie-hellman-group-exchange (RFC 4419): the moduli file
// (moduli(5)) and OpenSSH's rule for picking a group for a client's request.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/crypto/random.hpp"

namespace sshcore::transport {

struct DhGroup {
  unsigned bits = 0;   // size of the prime in bits
  Bytes generator;     // big-endian magnitude
  Bytes prime;         // big-endian magnitude
};

inline constexpr unsigned kDhGexMinBits = 2048;  // OpenSSH's DH_GRP_MIN
inline constexpr unsigned kDhGexMaxBits = 8192;  // DH_GRP_MAX

// Reads moduli(5) text: "time type tests tries size generator modulus". Lines
// that are not tested safe primes of the listed size are skipped, with a
// warning per line in OpenSSH's wording ("moduli:12: type is not 2").
std::vector<DhGroup> parse_moduli(std::string_view text, std::vector<std::string>* warnings = nullptr);

// OpenSSH's choose_dh(): among groups with min <= bits <= max, the size closest
// above `want` (else the largest below it), one of that size at random.
std::optional<DhGroup> choose_dh_group(std::span<const DhGroup> groups, unsigned min, unsigned want,
                                       unsigned max, const crypto::RandomSource& random = {});

// When no moduli file offers a group: group14 below 3072 bits of max, group16
// below 6144, else group18 (dh_new_group_fallback).
DhGroup fallback_dh_group(unsigned max);

// The client's preferred size for a cipher needing `key_bits` of strength
// (OpenSSH's dh_estimate()).
unsigned dh_estimate(unsigned key_bits);

}  // namespace sshcore::transport

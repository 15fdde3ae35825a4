// Blowfish with the "expensive key schedule" (eksblowfish) of OpenBSD's bcrypt:
// the primitive under bcrypt_pbkdf. Written here because no Debian 12 library
// exports the salted key schedule that OpenSSH's private key format relies on.
#pragma once

#include <array>
#include <cstdint>

#include "sshcore/base/bytes.hpp"

namespace sshcore::crypto {

class Blowfish {
 public:
  // Starts from the published initial state (the hexadecimal digits of pi).
  Blowfish();
  ~Blowfish();  // wipes the key-dependent state
  Blowfish(const Blowfish&) = delete;
  Blowfish& operator=(const Blowfish&) = delete;

  // The classic Blowfish key schedule (Schneier 1993) from the current state; on a
  // fresh object this keys ordinary Blowfish. `key` must not be empty.
  void expand0_state(ByteView key);
  // The salted schedule of eksblowfish: as expand0_state, but each 64-bit block is
  // XORed with the next 8 bytes of `salt` (cycled) before it is enciphered.
  // Neither `salt` nor `key` may be empty.
  void expand_state(ByteView salt, ByteView key);

  // One 64-bit block as two big-endian halves, in place.
  void encipher(std::uint32_t& left, std::uint32_t& right) const;
  void decipher(std::uint32_t& left, std::uint32_t& right) const;

 private:
  std::uint32_t round_function(std::uint32_t x) const;

  std::array<std::uint32_t, 18> p_;
  std::array<std::array<std::uint32_t, 256>, 4> s_;
};

}  // namespace sshcore::crypto

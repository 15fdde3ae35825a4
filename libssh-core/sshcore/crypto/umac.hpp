// UMAC (RFC 4418) as umac-64@openssh.com and umac-128@openssh.com use it: a
// 16-byte AES-128 key, a 64- or 128-bit tag, and an 8-byte nonce that OpenSSH
// forms from the packet sequence number as a big-endian u64 (mac.c).
//
// Everything the key determines (the NH, polynomial and inner-product keys and
// the AES schedule of the pad function) is derived once in create(); computing a
// tag allocates nothing. All key material is wiped when the Umac is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::crypto {

enum class UmacTagSize : std::uint8_t { k64 = 8, k128 = 16 };

inline constexpr std::size_t kUmacKeySize = 16;
inline constexpr std::size_t kUmacNonceSize = 8;   // the SSH use: big-endian sequence number
inline constexpr std::size_t kUmacMaxNonceSize = 16;

class Umac {
 public:
  // kInvalidArgument unless the key is 16 bytes and the size is k64 or k128.
  static Result<Umac> create(UmacTagSize size, ByteView key16);

  Umac(Umac&&) noexcept;
  Umac& operator=(Umac&&) noexcept;
  ~Umac();

  UmacTagSize tag_size() const { return size_; }
  std::size_t tag_len() const { return static_cast<std::size_t>(size_); }

  // update(data) then finish(nonce, out): a one-shot tag when nothing is pending.
  void tag(ByteView nonce, ByteView data, std::span<std::uint8_t> out);

  // A message that arrives in pieces (an SSH packet: sequence number, length,
  // payload). finish() writes the tag and starts the next message.
  void update(ByteView data);
  void finish(ByteView nonce, std::span<std::uint8_t> out);

  // Drops anything pending from update() without producing a tag.
  void reset();

  // Preconditions of tag() and finish(), violations of which throw
  // std::invalid_argument (a caller bug, never data-dependent): out.size() ==
  // tag_len(), and 1 <= nonce.size() <= 16 (RFC 4418 allows any such nonce; SSH
  // always passes 8 bytes). Messages of any length are accepted; above 2^24 bytes
  // the RFC's 128-bit polynomial stage is used, which OpenSSH's umac.c leaves out
  // (SSH packets never come near that size).

 private:
  struct Impl;
  Umac(UmacTagSize size, std::unique_ptr<Impl> impl);
  void check_finish_args(ByteView nonce, std::span<std::uint8_t> out) const;

  UmacTagSize size_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sshcore::crypto

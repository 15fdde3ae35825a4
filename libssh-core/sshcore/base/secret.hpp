// SecretBytes: bytes that are wiped (sodium_memzero) whenever the storage is released.
//
// Private key material, passphrases and session keys live here. The buffer never
// reallocates behind the caller's back without wiping the old storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sshcore/base/bytes.hpp"

namespace sshcore {

// Wipe memory so the compiler cannot drop the store.
void secure_wipe(void* p, std::size_t n);
// Constant-time equality of two equally long byte ranges; false when lengths differ.
bool constant_time_equal(ByteView a, ByteView b);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t n);
  explicit SecretBytes(ByteView b);
  static SecretBytes from_string(std::string_view s) { return SecretBytes(as_bytes(s)); }
  SecretBytes(const SecretBytes& o);
  SecretBytes& operator=(const SecretBytes& o);
  SecretBytes(SecretBytes&& o) noexcept;
  SecretBytes& operator=(SecretBytes&& o) noexcept;
  ~SecretBytes();

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint8_t& operator[](std::size_t i) { return data_[i]; }
  const std::uint8_t& operator[](std::size_t i) const { return data_[i]; }
  ByteView view() const { return {data_, size_}; }
  std::span<std::uint8_t> span() { return {data_, size_}; }
  std::string_view chars() const { return as_chars(view()); }

  void resize(std::size_t n);  // wipes the old storage when it moves
  void append(ByteView more);
  void clear();                // wipe and free

 private:
  void reserve(std::size_t n);
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

}  // namespace sshcore

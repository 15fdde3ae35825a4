#include "sshcore/base/secret.hpp"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

namespace sshcore {

void secure_wipe(void* p, std::size_t n) {
  if (p != nullptr && n != 0) sodium_memzero(p, n);
}

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretBytes::SecretBytes(std::size_t n) { resize(n); }
SecretBytes::SecretBytes(ByteView b) { append(b); }
SecretBytes::SecretBytes(const SecretBytes& o) { append(o.view()); }
SecretBytes& SecretBytes::operator=(const SecretBytes& o) {
  if (this != &o) {
    clear();
    append(o.view());
  }
  return *this;
}
SecretBytes::SecretBytes(SecretBytes&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      cap_(std::exchange(o.cap_, 0)) {}
SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
  if (this != &o) {
    clear();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    cap_ = std::exchange(o.cap_, 0);
  }
  return *this;
}
SecretBytes::~SecretBytes() { clear(); }

void SecretBytes::reserve(std::size_t n) {
  if (n <= cap_) return;
  std::size_t cap = cap_ == 0 ? 32 : cap_;
  while (cap < n) cap *= 2;
  auto* fresh = static_cast<std::uint8_t*>(::operator new(cap));
  std::memset(fresh, 0, cap);
  if (size_ != 0) std::memcpy(fresh, data_, size_);
  if (data_ != nullptr) {
    secure_wipe(data_, cap_);
    ::operator delete(data_);
  }
  data_ = fresh;
  cap_ = cap;
}

void SecretBytes::resize(std::size_t n) {
  reserve(n);
  if (n > size_) std::memset(data_ + size_, 0, n - size_);
  else if (n < size_) secure_wipe(data_ + n, size_ - n);
  size_ = n;
}

void SecretBytes::append(ByteView more) {
  if (more.empty()) return;
  reserve(size_ + more.size());
  std::memcpy(data_ + size_, more.data(), more.size());
  size_ += more.size();
}

void SecretBytes::clear() {
  if (data_ != nullptr) {
    secure_wipe(data_, cap_);
    ::operator delete(data_);
  }
  data_ = nullptr;
  size_ = cap_ = 0;
}

}  // namespace sshcore

// wire::Reader: a bounded view over SSH-encoded bytes (RFC 4251 section 5).
//
// Every getter either advances past a complete, valid field or fails and leaves
// the Reader where it was; it never reads past the end and never copies. Strings come back as views into
// the input, nested structures as sub-Readers (cf. BoringSSL's CBS).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"

namespace sshcore::wire {

class Reader {
 public:
  Reader() = default;
  explicit Reader(ByteView in) : rest_(in) {}
  explicit Reader(std::string_view in) : rest_(as_bytes(in)) {}

  Result<std::uint8_t> u8();
  Result<bool> boolean();
  Result<std::uint32_t> u32();
  Result<std::uint64_t> u64();
  Result<ByteView> string();                 // u32 length + bytes
  Result<std::string_view> cstring();        // a string with no NUL inside
  Result<ByteView> raw(std::size_t n);       // n bytes, no length prefix
  // An mpint's magnitude (big-endian, no sign byte, no leading zero). Negative
  // values, needless leading zero bytes and magnitudes over max_bytes are refused.
  Result<ByteView> mpint(std::size_t max_bytes);
  Result<std::vector<std::string_view>> name_list();
  Result<Reader> nested();                   // a string parsed as its own Reader

  // Trailing bytes are an error naming `what`.
  Result<void> finish(std::string_view what) const;

  std::size_t remaining() const { return rest_.size(); }
  bool empty() const { return rest_.empty(); }
  ByteView rest() const { return rest_; }

 private:
  static Result<ByteView> mpint_magnitude(ByteView s, std::size_t max_bytes);
  ByteView rest_;
};

}  // namespace sshcore::wire

// wire::Writer: appends SSH-encoded fields up to a limit, with a sticky error (cf. CBB).
//
// Building needs no per-call checks: an over-limit append sets the error, later
// appends do nothing, and finish() reports it once. A Writer made with
// Wipe::kYes wipes every buffer it lets go of (private key encodings).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::wire {

enum class Wipe : bool { kNo = false, kYes = true };

class Writer {
 public:
  static constexpr std::size_t kDefaultLimit = 64 * 1024 * 1024;
  explicit Writer(std::size_t limit = kDefaultLimit, Wipe wipe = Wipe::kNo)
      : limit_(limit), wipe_(wipe == Wipe::kYes) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  Writer(Writer&&) = default;
  Writer& operator=(Writer&&) = default;
  ~Writer();

  void u8(std::uint8_t v);
  void boolean(bool v) { u8(v ? 1 : 0); }
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void string(ByteView s);
  void string(std::string_view s) { string(as_bytes(s)); }
  void raw(ByteView s) { append(s); }
  void raw(std::string_view s) { append(as_bytes(s)); }
  // An unsigned big-endian magnitude written as an mpint (leading zeros dropped,
  // a zero byte added when the top bit is set).
  void mpint(ByteView magnitude);
  void name_list(const std::vector<std::string_view>& names);
  void name_list(const std::vector<std::string>& names);
  // A length-prefixed string whose contents the body writes: w.nested([&](Writer& n) {...}).
  template <class Body>
  void nested(Body&& body) {
    std::size_t at = buf_.size();
    u32(0);
    body(*this);
    if (!overflow_) store_be32(buf_.data() + at, static_cast<std::uint32_t>(buf_.size() - at - 4));
  }

  bool failed() const { return overflow_; }
  std::size_t size() const { return buf_.size(); }
  ByteView view() const { return buf_; }
  Result<Bytes> finish() &&;
  Result<SecretBytes> finish_secret() &&;

 private:
  void append(ByteView s);
  Bytes buf_;
  std::size_t limit_;
  bool wipe_;
  bool overflow_ = false;
};

}  // namespace sshcore::wire

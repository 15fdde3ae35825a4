#include "sshcore/wire/reader.hpp"

#include <algorithm>
#include <string>

namespace sshcore::wire {

Result<std::uint8_t> Reader::u8() {
  if (rest_.empty()) return fail(Errc::kTruncated, "byte");
  std::uint8_t v = rest_[0];
  rest_ = rest_.subspan(1);
  return v;
}

Result<bool> Reader::boolean() {
  SSH_TRY(v, u8());
  return v != 0;
}

Result<std::uint32_t> Reader::u32() {
  if (rest_.size() < 4) return fail(Errc::kTruncated, "uint32");
  std::uint32_t v = load_be32(rest_.data());
  rest_ = rest_.subspan(4);
  return v;
}

Result<std::uint64_t> Reader::u64() {
  if (rest_.size() < 8) return fail(Errc::kTruncated, "uint64");
  std::uint64_t v = load_be64(rest_.data());
  rest_ = rest_.subspan(8);
  return v;
}

Result<ByteView> Reader::raw(std::size_t n) {
  if (n > rest_.size()) return fail(Errc::kTruncated, "raw bytes");
  ByteView v = rest_.first(n);
  rest_ = rest_.subspan(n);
  return v;
}

Result<ByteView> Reader::string() {
  if (rest_.size() < 4) return fail(Errc::kTruncated, "string length");
  std::uint32_t len = load_be32(rest_.data());
  if (len > rest_.size() - 4) return fail(Errc::kTruncated, "string");
  ByteView v = rest_.subspan(4, len);
  rest_ = rest_.subspan(4 + std::size_t{len});
  return v;
}

// The compound getters below read from a copy and commit only on success, so a
// failed getter leaves the Reader where it was (as the single-field ones do).
Result<std::string_view> Reader::cstring() {
  Reader probe = *this;
  SSH_TRY(s, probe.string());
  if (std::find(s.begin(), s.end(), std::uint8_t{0}) != s.end())
    return fail(Errc::kInvalidFormat, "string contains NUL");
  *this = probe;
  return as_chars(s);
}

Result<ByteView> Reader::mpint(std::size_t max_bytes) {
  Reader probe = *this;
  SSH_TRY(s, probe.string());
  SSH_TRY(magnitude, mpint_magnitude(s, max_bytes));
  *this = probe;
  return magnitude;
}

Result<ByteView> Reader::mpint_magnitude(ByteView s, std::size_t max_bytes) {
  if (s.empty()) return s;
  if (s[0] & 0x80) return fail(Errc::kInvalidFormat, "negative mpint");
  if (s[0] == 0) {
    if (s.size() == 1 || !(s[1] & 0x80))
      return fail(Errc::kInvalidFormat, "mpint has needless leading zero");
    s = s.subspan(1);
  }
  if (s.size() > max_bytes) return fail(Errc::kTooLarge, "mpint too large");
  return s;
}

Result<std::vector<std::string_view>> Reader::name_list() {
  Reader probe = *this;
  SSH_TRY(s, probe.cstring());
  std::vector<std::string_view> names;
  if (s.empty()) {
    *this = probe;
    return names;
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = s.find(',', start);
    std::string_view name = s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
    if (name.empty()) return fail(Errc::kInvalidFormat, "empty name in name-list");
    names.push_back(name);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  *this = probe;
  return names;
}

Result<Reader> Reader::nested() {
  SSH_TRY(s, string());
  return Reader(s);
}

Result<void> Reader::finish(std::string_view what) const {
  if (!rest_.empty())
    return fail(Errc::kTrailingData, std::string(what) + ": " + std::to_string(rest_.size()) +
                                         " bytes left");
  return {};
}

}  // namespace sshcore::wire

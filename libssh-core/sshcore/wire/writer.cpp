#include "sshcore/wire/writer.hpp"

#include <utility>

namespace sshcore::wire {

Writer::~Writer() {
  if (wipe_) secure_wipe(buf_.data(), buf_.capacity());
}

void Writer::append(ByteView s) {
  if (overflow_) return;
  if (s.size() > limit_ - buf_.size()) {
    overflow_ = true;
    return;
  }
  std::size_t need = buf_.size() + s.size();
  if (wipe_ && need > buf_.capacity()) {
    Bytes grown;
    grown.reserve(std::max(need, buf_.capacity() * 2 + 64));
    grown.assign(buf_.begin(), buf_.end());
    secure_wipe(buf_.data(), buf_.capacity());
    buf_ = std::move(grown);
  }
  buf_.insert(buf_.end(), s.begin(), s.end());
}

void Writer::u8(std::uint8_t v) { append(ByteView(&v, 1)); }

void Writer::u32(std::uint32_t v) {
  std::uint8_t b[4];
  store_be32(b, v);
  append(b);
}

void Writer::u64(std::uint64_t v) {
  std::uint8_t b[8];
  store_be64(b, v);
  append(b);
}

void Writer::string(ByteView s) {
  if (s.size() > 0xffffffffu) {
    overflow_ = true;
    return;
  }
  u32(static_cast<std::uint32_t>(s.size()));
  append(s);
}

void Writer::mpint(ByteView m) {
  while (!m.empty() && m[0] == 0) m = m.subspan(1);
  if (m.empty()) {
    u32(0);
    return;
  }
  bool pad = (m[0] & 0x80) != 0;
  u32(static_cast<std::uint32_t>(m.size() + (pad ? 1 : 0)));
  if (pad) u8(0);
  append(m);
}

void Writer::name_list(const std::vector<std::string_view>& names) {
  nested([&](Writer& w) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i != 0) w.raw(std::string_view(","));
      w.raw(names[i]);
    }
  });
}

void Writer::name_list(const std::vector<std::string>& names) {
  std::vector<std::string_view> views(names.begin(), names.end());
  name_list(views);
}

Result<Bytes> Writer::finish() && {
  if (overflow_) return fail(Errc::kTooLarge, "writer limit");
  wipe_ = false;  // ownership passes to the caller
  return std::move(buf_);
}

Result<SecretBytes> Writer::finish_secret() && {
  if (overflow_) return fail(Errc::kTooLarge, "writer limit");
  SecretBytes out{ByteView(buf_)};
  secure_wipe(buf_.data(), buf_.capacity());
  return out;
}

}  // namespace sshcore::wire

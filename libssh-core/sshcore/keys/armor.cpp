#include "sshcore/keys/armor.hpp"

#include <algorithm>

#include "sshcore/base/encoding.hpp"

namespace sshcore::keys::detail {
namespace {

std::string begin_line(std::string_view label) { return "-----BEGIN " + std::string(label) + "-----"; }
std::string end_line(std::string_view label) { return "-----END " + std::string(label) + "-----"; }

std::string_view skip_space(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  return s;
}

// The base64 body between the markers, or an error naming what is missing.
Result<std::string_view> armored_body(std::string_view text, std::string_view label) {
  std::string begin = begin_line(label);
  text = skip_space(text);
  if (!text.starts_with(begin)) return fail(Errc::kInvalidFormat, "missing \"" + begin + "\" line");
  text.remove_prefix(begin.size());
  if (text.starts_with("\r")) text.remove_prefix(1);
  if (!text.starts_with("\n")) return fail(Errc::kInvalidFormat, "\"" + begin + "\" is not a line of its own");
  text.remove_prefix(1);
  std::string end = end_line(label);
  // The END marker must start a line.
  std::size_t at = 0;
  for (;;) {
    at = text.find(end, at);
    if (at == std::string_view::npos) return fail(Errc::kInvalidFormat, "missing \"" + end + "\" line");
    if (at == 0 || text[at - 1] == '\n') break;
    ++at;
  }
  return text.substr(0, at);
}

// Feeds base64 characters to `sink` in 4-aligned groups so a secret never sits
// whole in an unwiped buffer.
template <class Sink>
Result<void> decode_in_chunks(std::string_view body, Sink&& sink) {
  char group[256];
  std::size_t n = 0;
  bool padded = false;
  auto flush = [&]() -> Result<void> {
    padded = std::string_view(group, n).find('=') != std::string_view::npos;
    auto bytes = base64_decode(std::string_view(group, n));
    secure_wipe(group, sizeof group);
    if (!bytes) return fail(Errc::kInvalidFormat, "invalid base64 in armored data");
    sink(ByteView(*bytes));
    secure_wipe(bytes->data(), bytes->size());
    n = 0;
    return {};
  };
  for (char c : body) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (padded) return fail(Errc::kInvalidFormat, "base64 data after padding");
    group[n++] = c;
    if (n == sizeof group) SSH_TRY_VOID(flush());
  }
  if (n != 0) SSH_TRY_VOID(flush());
  return {};
}

}  // namespace

std::string wrapped_base64(ByteView data, std::size_t wrap) {
  std::string b64 = base64_encode(data);
  std::string out;
  out.reserve(b64.size() + b64.size() / wrap + 1);
  for (std::size_t i = 0; i < b64.size(); i += wrap) {
    out.append(b64, i, wrap);
    out += '\n';
  }
  return out;
}

void append_wrapped_base64(SecretBytes& out, ByteView data, std::size_t wrap) {
  // Whole 3-byte groups per chunk keep the chunks' base64 joinable.
  constexpr std::size_t kChunk = 3 * 256;
  std::size_t column = 0;
  for (std::size_t i = 0; i < data.size(); i += kChunk) {
    std::string b64 = base64_encode(data.subspan(i, std::min(kChunk, data.size() - i)));
    for (char c : b64) {
      out.append(ByteView(reinterpret_cast<const std::uint8_t*>(&c), 1));
      if (++column == wrap) {
        out.append(as_bytes("\n"));
        column = 0;
      }
    }
    secure_wipe(b64.data(), b64.size());
  }
  if (column != 0) out.append(as_bytes("\n"));
}

std::string armor(std::string_view label, ByteView data) {
  return begin_line(label) + "\n" + wrapped_base64(data) + end_line(label) + "\n";
}

SecretBytes armor_secret(std::string_view label, ByteView data) {
  SecretBytes out;
  out.append(as_bytes(begin_line(label) + "\n"));
  append_wrapped_base64(out, data);
  out.append(as_bytes(end_line(label) + "\n"));
  return out;
}

Result<Bytes> dearmor(std::string_view text, std::string_view label) {
  SSH_TRY(body, armored_body(text, label));
  auto bytes = base64_decode(body);
  if (!bytes) return fail(Errc::kInvalidFormat, "invalid base64 in armored data");
  return bytes;
}

Result<SecretBytes> dearmor_secret(std::string_view text, std::string_view label) {
  SSH_TRY(body, armored_body(text, label));
  SecretBytes out;
  SSH_TRY_VOID(decode_in_chunks(body, [&](ByteView b) { out.append(b); }));
  return out;
}

bool starts_with_armor(std::string_view text, std::string_view label) {
  return skip_space(text).starts_with(begin_line(label));
}

}  // namespace sshcore::keys::detail

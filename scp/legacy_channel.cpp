#include "legacy_channel.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "sshcore/apps/scp_protocol.hpp"

namespace scp {

namespace proto = sshcore::apps::scp;

LegacyChannel::LegacyChannel(int in_fd, int out_fd, bool remote, std::uint64_t limit_bps)
    : in_(in_fd), out_(out_fd), remote_(remote), limit_(limit_bps, 16384) {}

bool LegacyChannel::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(out_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool LegacyChannel::read_exact(char* buf, std::size_t n) {
  while (n > 0) {
    long got = read_some(buf, n);
    if (got <= 0) return false;
    buf += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

long LegacyChannel::read_some(char* buf, std::size_t n) {
  for (;;) {
    ssize_t got = ::read(in_, buf, n);
    if (got < 0 && errno == EINTR) continue;
    return static_cast<long>(got);
  }
}

std::optional<std::string> LegacyChannel::read_line(bool& lost) {
  lost = false;
  std::string line;
  char ch;
  if (!read_exact(&ch, 1)) return std::nullopt;
  line += ch;
  if (ch == '\n') return std::string{};  // the caller reports "unexpected <newline>"
  // Byte by byte, as OpenSSH: the file data that follows must stay in the pipe.
  while (line.size() < proto::kMaxControlLine) {
    if (!read_exact(&ch, 1)) {
      lost = true;
      return line;
    }
    if (ch == '\n') return line;
    line += ch;
  }
  return line;
}

Flow LegacyChannel::response(bool& ok) {
  ok = false;
  char resp;
  if (!read_exact(&resp, 1)) {
    lost_connection();
    return Flow::kAbort;
  }
  if (resp == 0) {
    ok = true;
    return Flow::kContinue;
  }
  std::string text;
  if (resp != 1 && resp != 2) text += resp;
  char ch = 0;
  while (text.size() < 2047 && ch != '\n') {
    if (!read_exact(&ch, 1)) {
      lost_connection();
      return Flow::kAbort;
    }
    text += ch;
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!remote_) std::fprintf(stderr, "%s\n", printable(text).c_str());
  ++errors_;
  return resp == 1 ? Flow::kContinue : Flow::kAbort;
}

void LegacyChannel::run_err(const std::string& message) {
  ++errors_;
  if (out_ >= 0) write_all(std::string("\1scp: ") + message + "\n");
  if (!remote_) std::fprintf(stderr, "%s\n", printable(message).c_str());
}

void LegacyChannel::note_err(const std::string& message) {
  ++errors_;
  if (!noted_) noted_ = message;
}

bool LegacyChannel::flush_noted() {
  if (!noted_) return false;
  std::string message = std::move(*noted_);
  noted_.reset();
  run_err(message);
  return true;
}

void LegacyChannel::lost_connection() {
  if (!remote_) std::fputs("lost connection\n", stderr);
}

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\t' || c == '\n' || (c >= 0x20 && c != 0x7f) ) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace scp

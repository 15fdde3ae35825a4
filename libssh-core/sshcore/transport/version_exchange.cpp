#include "sshcore/transport/version_exchange.hpp"

#include <charconv>

namespace sshcore::transport {

std::string our_identification(std::string_view comment) {
  std::string id = "SSH-2.0-";
  id += kSoftwareVersion;
  if (!comment.empty()) {
    id += ' ';
    id += comment;
  }
  return id;
}

namespace {
// Parses "SSH-<major>.<minor>-<software>[ <comment>]".
Result<PeerIdentification> parse_identification(std::string_view line) {
  auto bad = [&] {
    return fail(Errc::kInvalidFormat,
                "Bad remote protocol version identification: '" + std::string(line.substr(0, 100)) + "'");
  };
  std::string_view rest = line.substr(4);
  PeerIdentification id;
  auto [p1, e1] = std::from_chars(rest.data(), rest.data() + rest.size(), id.major);
  if (e1 != std::errc() || p1 == rest.data() + rest.size() || *p1 != '.') return bad();
  ++p1;
  auto [p2, e2] = std::from_chars(p1, rest.data() + rest.size(), id.minor);
  if (e2 != std::errc() || p2 == rest.data() + rest.size() || *p2 != '-') return bad();
  std::string_view software(p2 + 1, static_cast<std::size_t>(rest.data() + rest.size() - (p2 + 1)));
  if (software.empty()) return bad();
  if (auto space = software.find(' '); space != std::string_view::npos) {
    id.comment = std::string(software.substr(space + 1));
    software = software.substr(0, space);
  }
  id.software = std::string(software);
  id.line = std::string(line);
  if (id.major == 1 && id.minor == 99) {
    id.major = 2;
    id.minor = 0;
  }
  if (id.major != 2) {
    Error e{Errc::kInvalidFormat, "Protocol major versions differ: 2 vs. " + std::to_string(id.major)};
    e.reason = DisconnectReason::kProtocolVersionNotSupported;
    return fail(std::move(e));
  }
  return id;
}
}  // namespace

// A complete line is in line_: returns true when it was the identification.
Result<bool> VersionExchange::finish_line() {
  if (line_.size() > 4 && line_.compare(0, 4, "SSH-") == 0) {
    SSH_TRY(id, parse_identification(line_));
    id.preamble = std::move(peer_.preamble);
    peer_ = std::move(id);
    done_ = true;
    return true;
  }
  if (role_ == Role::kServer)  // a client may not send lines before its identification
    return fail(Errc::kInvalidFormat, "banner exchange: invalid format");
  if (peer_.preamble.size() + 1 >= kMaxPreambleLines)
    return fail(Errc::kTooLarge, "banner exchange: too many preamble lines");
  peer_.preamble.push_back(std::move(line_));
  line_.clear();
  return false;
}

Result<std::optional<PeerIdentification>> VersionExchange::feed(ByteView in, std::size_t& consumed) {
  consumed = 0;
  if (done_) return std::optional<PeerIdentification>(peer_);
  while (consumed < in.size()) {
    char c = static_cast<char>(in[consumed++]);
    if (c == '\r') {
      saw_cr_ = true;
      continue;
    }
    if (c == '\n') {
      saw_cr_ = false;
      SSH_TRY(is_id, finish_line());
      if (is_id) return std::optional<PeerIdentification>(peer_);
      continue;
    }
    if (c == '\0' || saw_cr_) return fail(Errc::kInvalidFormat, "banner exchange: invalid format");
    if (line_.size() >= kMaxIdentificationLine) return fail(Errc::kTooLarge, "banner exchange: line too long");
    line_ += c;
  }
  return std::optional<PeerIdentification>();
}

}  // namespace sshcore::transport

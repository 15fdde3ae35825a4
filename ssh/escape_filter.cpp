#include "escape_filter.hpp"

#include <fmt/format.h>

namespace ssh {
namespace {

struct EscapeKey {
  int key;
  EscapeCommand command;
};
constexpr EscapeKey kKeys[] = {
    {'.', EscapeCommand::kTerminate},   {'Z' - 64, EscapeCommand::kSuspend}, {'&', EscapeCommand::kBackground},
    {'B', EscapeCommand::kSendBreak},   {'R', EscapeCommand::kRekey},        {'V', EscapeCommand::kLogLess},
    {'v', EscapeCommand::kLogMore},     {'#', EscapeCommand::kListConnections},
    {'?', EscapeCommand::kHelp},        {'C', EscapeCommand::kCommandLine},
};

struct HelpLine {
  std::string_view cmd, text;
};
// clientloop.c esc_txt[] as shown to a plain (non-mux) client with EnableEscapeCommandline=no.
constexpr HelpLine kHelp[] = {
    {".", "terminate connection (and any multiplexed sessions)"},
    {"B", "send a BREAK to the remote system"},
    {"R", "request rekey"},
    {"V/v", "decrease/increase verbosity (LogLevel)"},
    {"^Z", "suspend ssh"},
    {"#", "list forwarded connections"},
    {"&", "background ssh (when waiting for connections to terminate)"},
    {"?", "this message"},
};

void append_data(std::vector<EscapeEvent>& out, std::uint8_t b) {
  if (out.empty() || out.back().command != EscapeCommand::kData) out.push_back({EscapeCommand::kData, {}});
  out.back().data.push_back(b);
}

}  // namespace

std::vector<EscapeEvent> EscapeFilter::feed(sshcore::ByteView in) {
  std::vector<EscapeEvent> out;
  if (escape_ < 0) {
    if (!in.empty()) out.push_back({EscapeCommand::kData, sshcore::Bytes(in.begin(), in.end())});
    return out;
  }
  std::size_t i = 0;
  while (i < in.size()) {
    if (pending_) {
      const std::uint8_t ch = in[i++];
      pending_ = false;
      if (ch == escape_) {  // typed twice: one escape character goes through
        append_data(out, ch);
        at_line_start_ = false;
        continue;
      }
      bool matched = false;
      for (const EscapeKey& k : kKeys) {
        if (k.key != ch) continue;
        matched = true;
        out.push_back({k.command, {}});
        if (k.command == EscapeCommand::kTerminate) return out;
      }
      if (matched) continue;
      // Not a command: the escape character and this one are sent as typed.
      append_data(out, static_cast<std::uint8_t>(escape_));
      append_data(out, ch);
      at_line_start_ = ch == '\r' || ch == '\n';
      continue;
    }
    if (at_line_start_ && in[i] == escape_) {
      pending_ = true;
      ++i;
      continue;
    }
    // A run of plain data up to the next escape character that follows a line end.
    std::size_t end = i;
    bool line_start = at_line_start_;
    while (end < in.size() && !(line_start && in[end] == escape_)) {
      line_start = in[end] == '\r' || in[end] == '\n';
      ++end;
    }
    if (out.empty() || out.back().command != EscapeCommand::kData) out.push_back({EscapeCommand::kData, {}});
    out.back().data.insert(out.back().data.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                           in.begin() + static_cast<std::ptrdiff_t>(end));
    at_line_start_ = line_start;
    i = end;
  }
  return out;
}

std::string escape_help_text(int escape_char) {
  const char e = static_cast<char>(escape_char);
  std::string out = fmt::format("{}?\r\nSupported escape sequences:\r\n", e);
  for (const HelpLine& h : kHelp) out += fmt::format(" {}{:<3} - {}\r\n", e, h.cmd, h.text);
  out += fmt::format(" {}{}   - send the escape character by typing it twice\r\n", e, e);
  out += "(Note that escapes are only recognized immediately after newline.)\r\n";
  return out;
}

}  // namespace ssh

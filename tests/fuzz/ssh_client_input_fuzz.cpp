// What the ssh client parses from local peers: SOCKS requests of -D clients and the escape
// sequences in a session's input. Byte 0 chooses the parser; the rest is fed in pieces whose
// sizes come from the input too. The parsers belong to ssh/, which the fuzz build does not
// link as a library, so their source files are compiled in here.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "../../ssh/escape_filter.cpp"
#include "../../ssh/socks_handshake.cpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_socks(const std::uint8_t* data, std::size_t size) {
  ssh::SocksHandshake h;
  sshcore::Bytes in, out;
  std::size_t at = 0;
  auto state = ssh::SocksHandshake::State::kNeedMore;
  while (at < size && state == ssh::SocksHandshake::State::kNeedMore) {
    const std::size_t n = std::min<std::size_t>(size - at, 1 + data[at] % 7);
    in.insert(in.end(), data + at, data + at + n);
    at += n;
    const std::size_t before = in.size();
    state = h.feed(in, out);
    check(in.size() <= before);
    if (state == ssh::SocksHandshake::State::kReady) check(!h.host().empty());
  }
  check(out.size() <= 64);  // replies are tiny: never an echo of the input
}

void fuzz_escapes(const std::uint8_t* data, std::size_t size) {
  const int escape = size > 0 && data[0] % 4 == 0 ? -1 : '~';
  ssh::EscapeFilter f(escape);
  std::size_t at = 0, data_out = 0;
  bool terminated = false;
  while (at < size && !terminated) {
    const std::size_t n = std::min<std::size_t>(size - at, 1 + data[at] % 13);
    for (const auto& ev : f.feed(sshcore::ByteView(data + at, n))) {
      if (ev.command == ssh::EscapeCommand::kData) data_out += ev.data.size();
      else check(ev.data.empty());
      terminated = terminated || ev.command == ssh::EscapeCommand::kTerminate;
    }
    at += n;
  }
  // Only ~~ shrinks and "~x" keeps both bytes: data never exceeds the input.
  check(data_out <= at);
  if (escape < 0) check(data_out == at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) fuzz_socks(data + 1, size - 1);
  else fuzz_escapes(data + 1, size - 1);
  return 0;
}

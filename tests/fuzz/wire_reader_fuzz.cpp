// Drives wire::Reader through an input-chosen sequence of getters and re-encodes
// what it read with wire::Writer; a decoded value must re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t program = data[0];
  wire::Reader r{ByteView(data + 1, size - 1)};
  for (int step = 0; step < 64 && !r.empty(); ++step) {
    ByteView before = r.rest();
    wire::Writer w;
    switch ((program + step) % 7) {
      case 0: if (auto v = r.u8()) w.u8(*v); break;
      case 1: if (auto v = r.u32()) w.u32(*v); break;
      case 2: if (auto v = r.u64()) w.u64(*v); break;
      case 3: if (auto v = r.string()) w.string(*v); break;
      case 4: if (auto v = r.mpint(1024)) w.mpint(*v); break;
      case 5: if (auto v = r.name_list()) w.name_list(*v); break;
      case 6:
        if (auto v = r.nested()) {
          (void)v->cstring();
          w.string(before.subspan(4, before.size() - 4 - r.remaining()));
        }
        break;
    }
    if (r.rest().size() == before.size()) break;  // a getter failed: input left as it was
    auto out = std::move(w).finish();
    ByteView consumed = before.first(before.size() - r.remaining());
    if (!out || out->size() != consumed.size() ||
        !std::equal(out->begin(), out->end(), consumed.begin()))
      std::abort();  // decode/encode disagree: a real bug
  }
  return 0;
}

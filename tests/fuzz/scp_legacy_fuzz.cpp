// The legacy scp protocol's control lines as a sink reads them: the input is split
// into lines at '\n' (each cut at kMaxControlLine, as the sink's buffer does) and
// each goes through parse_record; a C or D record's name through the filename
// checks. Invariants: a parsed C/D mode fits in 07777, sizes fit off_t, and a name
// accepted as one component has no '/' and is not "." or "..". The first line also
// serves as a requested path for the brace expansion of strict filename checking.
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "sshcore/apps/scp_protocol.hpp"

namespace proto = sshcore::apps::scp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view first_line = in.substr(0, in.find('\n'));
  auto patterns = proto::requested_name_patterns(first_line.substr(0, 256));
  while (!in.empty()) {
    std::size_t end = in.find('\n');
    std::string_view line = in.substr(0, std::min(end, proto::kMaxControlLine));
    in.remove_prefix(std::min(in.size(), line.size() + (end == line.size() ? 1 : 0)));
    auto rec = proto::parse_record(line);
    if (!rec) {
      check(!rec.error().detail.empty());
      continue;
    }
    if (rec->kind != proto::RecordKind::kFile && rec->kind != proto::RecordKind::kDirectory) continue;
    check(rec->mode <= 07777);
    check(rec->size <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    if (proto::name_is_single_component(rec->name)) {
      check(rec->name.find('/') == std::string::npos && rec->name != "." && rec->name != ".." && !rec->name.empty());
      if (patterns) (void)proto::name_matches_request(*patterns, rec->name);
    }
    // What a source would send for this record parses back to the same fields.
    std::string again = proto::format_file(rec->mode, rec->size, rec->name);
    again.pop_back();
    if (again.size() <= proto::kMaxControlLine && again.find('\n') == std::string::npos) {
      auto back = proto::parse_record(again);
      check(back && back->mode == (rec->mode & proto::kFileModeMask) && back->size == rec->size &&
            back->name == rec->name);
    }
  }
  return 0;
}

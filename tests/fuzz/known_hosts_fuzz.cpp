// Parses the input as a known_hosts file and runs ssh-keygen's -F/-R/-H operations on it for
// a fixed name and for a name taken from the input, checking what must always hold; then
// checks match_pattern on pieces of the input against a dynamic-programming reference.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/auth/known_hosts.hpp"
#include "sshcore/base/pattern.hpp"

using namespace sshcore;
using namespace sshcore::auth;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::size_t count_lines(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// '*' and '?' glob by table: O(|s| * |p|), independent of the matcher under test.
bool reference_match(std::string_view s, std::string_view p) {
  std::vector<char> prev(s.size() + 1, 0), cur(s.size() + 1, 0);
  prev[0] = 1;
  for (std::size_t j = 1; j <= s.size(); ++j) prev[j] = 0;
  for (char pc : p) {
    cur[0] = pc == '*' ? prev[0] : 0;
    for (std::size_t j = 1; j <= s.size(); ++j) {
      if (pc == '*')
        cur[j] = prev[j] || cur[j - 1];
      else
        cur[j] = prev[j - 1] && (pc == '?' || pc == s[j - 1]);
    }
    prev.swap(cur);
  }
  return prev[s.size()] != 0;
}

void run_edits(const std::vector<KnownHostsEntry>& entries, std::string_view name) {
  auto found = find_known_host(entries, name);
  for (const KnownHostsEntry* e : found) {
    check(e->kind == KnownHostsLineKind::kEntry && !e->invalid);
    check(match_known_host(e->hosts, name) == HostMatch::kYes);
  }
  for (const KnownHostsEntry* e : find_known_host(entries, name, true)) check(e->key.has_value());

  KnownHostsEdit removed = remove_known_host(entries, name);
  std::size_t dropped = 0;
  for (const auto& n : removed.notes) dropped += n.kind == KnownHostsNoteKind::kRemoved;
  check(removed.found == (dropped != 0));
  check(count_lines(removed.text) + dropped == entries.size());
  // What -R keeps reads back as the same lines.
  auto again = parse_known_hosts(removed.text);
  check(again.size() == entries.size() - dropped);

  KnownHostsEdit hashed = hash_known_hosts(entries);
  bool any_invalid = false;
  for (const auto& e : entries) any_invalid = any_invalid || e.invalid.has_value();
  check(hashed.invalid == any_invalid);
  // Each name -H hashes comes back as a field that matches that (lowercased) name.
  for (const auto& e : entries) {
    HashedEntry h = hash_known_hosts_entry(e);
    if (!h.hashed_now) {
      check(h.lines.empty() || (h.lines.size() == 1 && h.lines[0] == e.line));
      continue;
    }
    std::string_view hosts = e.hosts;
    for (const std::string& line : h.lines) {
      std::string_view host = hosts.substr(0, hosts.find(','));
      hosts.remove_prefix(std::min(hosts.size(), host.size() + 1));
      check(match_known_host(std::string_view(line).substr(0, line.find(' ')), ascii_lowercase(host)) ==
            HostMatch::kYes);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto entries = parse_known_hosts(text);
  check(entries.size() <= count_lines(text) + 1);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    check(entries[i].line_number == i + 1);
    if (entries[i].invalid) check(!entries[i].key);
  }

  run_edits(entries, "localhost");
  // A name from the input: the first entry's first host, so matches happen.
  for (const auto& e : entries) {
    if (e.kind != KnownHostsLineKind::kEntry) continue;
    run_edits(entries, std::string_view(e.hosts).substr(0, e.hosts.find(',')));
    break;
  }

  // Pattern pieces: the input's first line split at its first '\t' into string and pattern.
  std::string_view first = text.substr(0, text.find('\n'));
  std::size_t tab = first.find('\t');
  if (tab != std::string_view::npos && first.size() < 2048) {
    std::string_view s = first.substr(0, tab), p = first.substr(tab + 1);
    check(match_pattern(s, p) == reference_match(s, p));
    int r = match_pattern_list(s, p, false);
    check(r >= -1 && r <= 1);
    if (p.find(',') == std::string_view::npos && (p.empty() || p[0] != '!'))
      check((r == 1) == match_pattern(s, p));
    check(match_hostname(s, p) == match_pattern_list(ascii_lowercase(s), p, true));
  }
  return 0;
}

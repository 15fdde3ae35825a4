// Parses the input as an authorized_keys file and authorizes every key found in it for a
// fixed address (IPv4, then IPv6), checking what must always hold; the first input line is
// also used as an address list and as an options string.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sshcore/auth/authorized_keys.hpp"
#include "sshcore/base/address_match.hpp"

using namespace sshcore;
using namespace sshcore::auth;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const TimeZone zone = TimeZone::utc();
  AuthorizedKeysFile file = parse_authorized_keys(text, zone);

  std::size_t newlines = 0;
  for (char c : text) newlines += c == '\n';
  check(file.line_count == newlines + (text.empty() || text.back() == '\n' ? 0 : 1));
  std::size_t last = 0;
  for (const AuthorizedKeysEntry& e : file.entries) {
    check(e.line_number > last && e.line_number <= file.line_count);
    last = e.line_number;
    bool has_key = e.status == AuthorizedKeyStatus::kValid || e.status == AuthorizedKeyStatus::kBadOptions;
    check(e.key.has_value() == has_key);
    check(e.status == AuthorizedKeyStatus::kValid ? e.error.empty() : !e.error.empty());
  }

  for (const char* ip : {"192.0.2.10", "2001:db8::10"}) {
    KeyCheckContext ctx;
    ctx.user = "fuzz";
    ctx.remote_ip = ip;
    ctx.remote_host = "host.example.com";
    ctx.now = 1700000000;
    ctx.zone = zone;
    // A few offered keys are enough; each lookup scans the whole file.
    int offered = 0;
    for (const AuthorizedKeysEntry& e : file.entries) {
      if (!e.key || ++offered > 4) continue;
      AuthorizedKeysDecision d = authorize_key(file, "authorized_keys", *e.key, ctx);
      check(!d.log.empty());
      if (d.match) {
        check(d.match->entry->status == AuthorizedKeyStatus::kValid);
        check(*d.match->entry->key == *e.key);
        check(!d.match->options.cert_authority);
        check(check_key_options(d.match->options, ctx, "x", false).allowed);
      }
    }
  }

  // The first line as an address list and as options on their own.
  std::string_view first = text.substr(0, text.find('\n'));
  AddressListMatch v = match_address_list(std::nullopt, first);
  check(v == AddressListMatch::kNoMatch || v == AddressListMatch::kInvalid);
  AddressListMatch m = match_address_list("10.1.2.3", first);
  // A list that validates whole cannot turn out malformed while matching.
  if (v == AddressListMatch::kNoMatch) check(m != AddressListMatch::kInvalid);
  (void)match_cidr_list("10.1.2.3", first);
  (void)match_host_and_ip("h.example.com", "2001:db8::1", first);
  if (auto opts = parse_key_options(first, zone)) {
    for (const std::string& p : opts->permit_open) check(parse_forward_permission(p).has_value());
    for (const std::string& p : opts->permit_listen) check(parse_forward_permission(p).has_value());
  }
  (void)parse_ip_address(first);
  return 0;
}

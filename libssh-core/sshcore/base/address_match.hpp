// IPv4/IPv6 addresses and address lists with CIDR networks, as OpenSSH's addrmatch.c
// (addr_match_list, addr_match_cidr_list) and match.c (match_host_and_ip) answer them.
//
// Used by authorized_keys from="..." (with host names), certificate source-address, and
// sshd_config's Match Address / From. Numeric address parsing is our own (the core does not
// touch the resolver): it accepts what glibc's getaddrinfo(AI_NUMERICHOST) accepts, namely
// inet_aton forms for IPv4 ("127.1", "0x7f.0.0.1", "2130706433") and RFC 4291 text for IPv6
// (with an embedded dotted quad and a numeric "%scope"). Interface-name scopes ("fe80::1%eth0")
// are refused, where glibc would look the name up.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sshcore {

struct IpAddress {
  enum class Family : std::uint8_t { kV4, kV6 };
  Family family = Family::kV4;
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  std::uint32_t scope_id = 0;            // IPv6 only

  bool operator==(const IpAddress&) const = default;
};

// getaddrinfo(AI_NUMERICHOST) semantics, see above. nullopt when the text is not an address.
std::optional<IpAddress> parse_ip_address(std::string_view text);

// A network "addr[/len]" as addr_pton_cidr() reads it.
struct IpNetwork {
  IpAddress address;
  unsigned mask_bits = 0;
};
enum class CidrParse : std::uint8_t {
  kOk,
  kInvalid,       // not an address (OpenSSH -1): lists then try it as a wildcard pattern
  kInconsistent,  // mask too long for the family, or host bits set (OpenSSH -2)
};
CidrParse parse_cidr(std::string_view text, IpNetwork& out);

// `address` lies inside `network` (same family, same scope).
bool address_in_network(const IpAddress& address, const IpNetwork& network);

enum class AddressListMatch : std::int8_t {
  kInvalid = -2,  // the list is malformed (an empty entry, an inconsistent network)
  kNegated = -1,  // a '!' entry matched
  kNoMatch = 0,
  kMatch = 1,
};

// addr_match_list(): comma-separated entries, each optionally '!'-negated, either a CIDR
// network / address or (when that does not parse) a wildcard pattern matched against the
// address text. A negated match ends the scan. With `address` nullopt the list is only
// validated (kNoMatch or kInvalid). An address that does not parse gives kNoMatch without
// looking at the list, as in OpenSSH.
AddressListMatch match_address_list(std::optional<std::string_view> address, std::string_view list);

// addr_match_cidr_list(): entries must all be networks (no patterns, no negation); anything
// else makes the list kInvalid (OpenSSH -1). kMatch or kNoMatch otherwise.
AddressListMatch match_cidr_list(std::optional<std::string_view> address, std::string_view list);

// match_host_and_ip(): 1 when the host name or the address matches the pattern list and
// neither is negated, 0 when not, -1 when the list is malformed for address matching.
int match_host_and_ip(std::string_view host, std::string_view ip, std::string_view patterns);

}  // namespace sshcore

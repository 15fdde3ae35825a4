// Address and CIDR list matching (OpenSSH addrmatch.c / match_host_and_ip). Address parsing is
// checked against the system's getaddrinfo(AI_NUMERICHOST) through Python, run at test time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sshcore/base/address_match.hpp"
#include "support/process.hpp"

using namespace sshcore;
using sshpp::test::run;

namespace {

IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  IpAddress x;
  x.family = IpAddress::Family::kV4;
  x.bytes[0] = a;
  x.bytes[1] = b;
  x.bytes[2] = c;
  x.bytes[3] = d;
  return x;
}

std::string hex(const IpAddress& a) {
  std::string out;
  std::size_t n = a.family == IpAddress::Family::kV4 ? 4 : 16;
  static const char* digits = "0123456789abcdef";
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[a.bytes[i] >> 4];
    out += digits[a.bytes[i] & 15];
  }
  return out;
}

TEST(AddressMatch, ParsesInetAtonFormsForIpv4) {
  EXPECT_EQ(parse_ip_address("127.0.0.1"), v4(127, 0, 0, 1));
  EXPECT_EQ(parse_ip_address("127.1"), v4(127, 0, 0, 1));
  EXPECT_EQ(parse_ip_address("0x7f.1"), v4(127, 0, 0, 1));
  EXPECT_EQ(parse_ip_address("0177.0.0.1"), v4(127, 0, 0, 1));
  EXPECT_EQ(parse_ip_address("2130706433"), v4(127, 0, 0, 1));
  EXPECT_EQ(parse_ip_address("1.2.65535"), v4(1, 2, 255, 255));
  EXPECT_FALSE(parse_ip_address("1.2.3.256"));
  EXPECT_FALSE(parse_ip_address("08.1.1.1"));
  EXPECT_FALSE(parse_ip_address("1.2.3.4 "));
  EXPECT_FALSE(parse_ip_address("1.2.3.4.5"));
  EXPECT_FALSE(parse_ip_address(""));
  EXPECT_FALSE(parse_ip_address("host.example.com"));
}

TEST(AddressMatch, ParsesIpv6WithScope) {
  auto a = parse_ip_address("fe80::1%2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, IpAddress::Family::kV6);
  EXPECT_EQ(a->scope_id, 2u);
  EXPECT_EQ(hex(*a), "fe800000000000000000000000000001");
  auto m = parse_ip_address("::ffff:1.2.3.4");
  ASSERT_TRUE(m);
  EXPECT_EQ(hex(*m), "00000000000000000000ffff01020304");
  EXPECT_FALSE(parse_ip_address("1::2::3"));
  EXPECT_FALSE(parse_ip_address("::1.02.3.4"));
  EXPECT_FALSE(parse_ip_address("12345::"));
  EXPECT_FALSE(parse_ip_address("fe80::1%"));
}

// Independent oracle: glibc's getaddrinfo(AI_NUMERICHOST), through Python's socket module.
TEST(AddressMatch, AgreesWithGetaddrinfo) {
  const std::vector<std::string> inputs = {
      "127.0.0.1", "127.1", "0x7f.1", "0X7F.0.0.1", "2130706433", "0177.0.0.1", "1.2.3.4.5", "08.1.1.1",
      "0x", "1.2.3.256", "1.65536", "1.2.65535", "4294967295", "4294967296", "0", "00", "0x0", "1..2",
      ".1", "1.", "::", "::1", "1::", "::ffff:1.2.3.4", "::1.02.3.4", "::1.2.3", "1:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "1::2::3",
      "12345::", "abcd:ef01::", "ABCD::EF", "fe80::1%2", "fe80::1%99", ":1", "1:", "1:2:3:4:5:6:1.2.3.4",
      "1:2:3:4:5:6:7:1.2.3.4", "::g", "1.2.3.4 ", " 1.2.3.4", "0xffffffff", "1.0xff.0377.1", "010.1"};
  std::string script =
      "import socket,sys\n"
      "for a in sys.stdin.read().split('\\n')[:-1]:\n"
      "  try:\n"
      "    i=socket.getaddrinfo(a,None,flags=socket.AI_NUMERICHOST)[0]\n"
      "    b=socket.inet_pton(i[0],i[4][0].split('%')[0])\n"
      "    s=i[4][3] if i[0]==socket.AF_INET6 else 0\n"
      "    print(b.hex()+'/'+str(s))\n"
      "  except Exception: print('ERR')\n";
  std::string input;
  for (const auto& s : inputs) input += s + "\n";
  sshpp::test::RunOptions opts;
  opts.stdin_data = input;
  auto r = run({"python3", "-c", script}, opts);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < r.out.size()) {
    std::size_t nl = r.out.find('\n', pos);
    lines.push_back(r.out.substr(pos, nl - pos));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto ours = parse_ip_address(inputs[i]);
    std::string got = ours ? hex(*ours) + "/" + std::to_string(ours->scope_id) : "ERR";
    EXPECT_EQ(got, lines[i]) << "input \"" << inputs[i] << "\"";
  }
}

TEST(AddressMatch, CidrParsing) {
  IpNetwork n;
  EXPECT_EQ(parse_cidr("10.0.0.0/8", n), CidrParse::kOk);
  EXPECT_EQ(n.mask_bits, 8u);
  EXPECT_EQ(parse_cidr("10.1.2.3", n), CidrParse::kOk);
  EXPECT_EQ(n.mask_bits, 32u);
  EXPECT_EQ(parse_cidr("2001:db8::/32", n), CidrParse::kOk);
  EXPECT_EQ(n.mask_bits, 32u);
  EXPECT_EQ(parse_cidr("::1", n), CidrParse::kOk);
  EXPECT_EQ(n.mask_bits, 128u);
  EXPECT_EQ(parse_cidr("10.0.0.0/+8", n), CidrParse::kOk);  // strtoul takes a sign
  EXPECT_EQ(parse_cidr("10.0.0.1/8", n), CidrParse::kInconsistent);  // host bits set
  EXPECT_EQ(parse_cidr("10.0.0.0/33", n), CidrParse::kInconsistent);
  EXPECT_EQ(parse_cidr("10.0.0.0/129", n), CidrParse::kInvalid);
  EXPECT_EQ(parse_cidr("10.0.0.0/", n), CidrParse::kInvalid);
  EXPECT_EQ(parse_cidr("10.0.0.0/-1", n), CidrParse::kInvalid);
  EXPECT_EQ(parse_cidr("10.0.0.0/8x", n), CidrParse::kInvalid);
  EXPECT_EQ(parse_cidr("10.0.0.*", n), CidrParse::kInvalid);
  EXPECT_EQ(parse_cidr("0.0.0.0/0", n), CidrParse::kOk);
}

TEST(AddressMatch, AddressListWithCidrPatternsAndNegation) {
  EXPECT_EQ(match_address_list("10.1.2.3", "10.0.0.0/8"), AddressListMatch::kMatch);
  EXPECT_EQ(match_address_list("11.1.2.3", "10.0.0.0/8"), AddressListMatch::kNoMatch);
  EXPECT_EQ(match_address_list("10.1.2.3", "10.0.0.0/8,!10.1.2.3"), AddressListMatch::kNegated);
  EXPECT_EQ(match_address_list("10.1.2.3", "!10.1.2.3,10.0.0.0/8"), AddressListMatch::kNegated);
  EXPECT_EQ(match_address_list("10.1.2.4", "10.0.0.0/8,!10.1.2.3"), AddressListMatch::kMatch);
  // Entries that are not networks are wildcard patterns over the address text.
  EXPECT_EQ(match_address_list("192.168.7.1", "192.168.*"), AddressListMatch::kMatch);
  EXPECT_EQ(match_address_list("192.168.7.1", "!192.168.7.?"), AddressListMatch::kNegated);
  EXPECT_EQ(match_address_list("2001:db8::5", "2001:db8::/32"), AddressListMatch::kMatch);
  EXPECT_EQ(match_address_list("2001:db9::5", "2001:db8::/32"), AddressListMatch::kNoMatch);
  EXPECT_EQ(match_address_list("10.1.2.3", "::/0"), AddressListMatch::kNoMatch);  // families differ
  EXPECT_EQ(match_address_list("fe80::1%2", "fe80::/10"), AddressListMatch::kNoMatch);  // scope differs
  // Malformed lists.
  EXPECT_EQ(match_address_list("10.1.2.3", "10.0.0.0/8,"), AddressListMatch::kInvalid);
  EXPECT_EQ(match_address_list("10.1.2.3", ""), AddressListMatch::kInvalid);
  EXPECT_EQ(match_address_list("10.1.2.3", "!"), AddressListMatch::kInvalid);
  EXPECT_EQ(match_address_list("10.1.2.3", "10.0.0.1/8"), AddressListMatch::kInvalid);
  // A negated match stops the scan before a later malformed entry is seen.
  EXPECT_EQ(match_address_list("10.1.2.3", "!10.1.2.3,10.0.0.1/8"), AddressListMatch::kNegated);
  // An address that does not parse is never checked against the list.
  EXPECT_EQ(match_address_list("not-an-ip", ",,"), AddressListMatch::kNoMatch);
  // Validation only.
  EXPECT_EQ(match_address_list(std::nullopt, "10.0.0.0/8,!1.2.3.4,*.x"), AddressListMatch::kNoMatch);
  EXPECT_EQ(match_address_list(std::nullopt, "10.0.0.0/8,,"), AddressListMatch::kInvalid);
}

TEST(AddressMatch, CidrListIsStrict) {
  EXPECT_EQ(match_cidr_list("10.1.2.3", "192.168.0.0/16,10.0.0.0/8"), AddressListMatch::kMatch);
  EXPECT_EQ(match_cidr_list("10.1.2.3", "192.168.0.0/16"), AddressListMatch::kNoMatch);
  EXPECT_EQ(match_cidr_list("::1", "::1/128"), AddressListMatch::kMatch);
  EXPECT_EQ(match_cidr_list("10.1.2.3", "10.0.0.*"), AddressListMatch::kInvalid);
  EXPECT_EQ(match_cidr_list("10.1.2.3", "!10.0.0.0/8"), AddressListMatch::kInvalid);
  EXPECT_EQ(match_cidr_list("10.1.2.3", "10.0.0.0/8,"), AddressListMatch::kInvalid);
  EXPECT_EQ(match_cidr_list("10.1.2.3", "10.0.0.1/8"), AddressListMatch::kInvalid);
  EXPECT_EQ(match_cidr_list(std::nullopt, "10.0.0.0/8,::/0"), AddressListMatch::kNoMatch);
  EXPECT_EQ(match_cidr_list(std::nullopt, std::string(50, '1')), AddressListMatch::kInvalid);
}

TEST(AddressMatch, HostAndIp) {
  // Names match case-insensitively, addresses by network, negation of either wins.
  EXPECT_EQ(match_host_and_ip("client.example.com", "10.1.2.3", "*.example.com"), 1);
  EXPECT_EQ(match_host_and_ip("Client.Example.COM", "10.1.2.3", "*.EXAMPLE.com"), 1);
  EXPECT_EQ(match_host_and_ip("client.example.com", "10.1.2.3", "10.0.0.0/8"), 1);
  EXPECT_EQ(match_host_and_ip("client.example.com", "10.1.2.3", "*.example.com,!10.1.2.3"), 0);
  EXPECT_EQ(match_host_and_ip("bad.example.com", "10.1.2.3", "10.0.0.0/8,!bad.example.com"), 0);
  EXPECT_EQ(match_host_and_ip("127.0.0.1", "127.0.0.1", "!127.0.0.1,*"), 0);
  EXPECT_EQ(match_host_and_ip("127.0.0.1", "127.0.0.1", "127.0.0.0/8"), 1);
  EXPECT_EQ(match_host_and_ip("other.org", "11.0.0.1", "*.example.com,10.0.0.0/8"), 0);
  EXPECT_EQ(match_host_and_ip("h", "10.1.2.3", "10.0.0.1/8"), -1);
  EXPECT_EQ(match_host_and_ip("h", "2001:db8::1", "2001:db8::/32"), 1);
}

}  // namespace

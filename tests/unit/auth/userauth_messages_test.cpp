#include "sshcore/auth/userauth_messages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "sshcore/base/error.hpp"

using namespace sshcore;
using namespace sshcore::auth;

namespace {

// Test-side byte building, deliberately independent of wire::Writer.
Bytes hex(std::string_view h) {
  Bytes out;
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    return static_cast<std::uint8_t>(c - 'a' + 10);
  };
  std::string digits;
  for (char c : h)
    if (c != ' ') digits += c;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(nibble(digits[i]) << 4 | nibble(digits[i + 1])));
  return out;
}

void put_u32(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put_str(Bytes& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

void put_str(Bytes& out, const Bytes& s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

wire::Reader body(const Bytes& payload) { return wire::Reader(ByteView(payload).subspan(1)); }

// Decodes `payload` as M, re-encodes, and checks the bytes come back identical; then
// that every shorter prefix and the payload with one trailing byte are refused (unless
// the message ends in opaque bytes, which any length fits).
template <class M>
M check_codec(const Bytes& payload, bool opaque_tail = false) {
  EXPECT_FALSE(payload.empty());
  EXPECT_EQ(payload[0], M::kNumber);
  auto decoded = M::decode(body(payload));
  EXPECT_TRUE(decoded) << decoded.error().message();
  if (!decoded) return M{};
  EXPECT_EQ(decoded->encode(), payload);
  if (opaque_tail) return *std::move(decoded);
  for (std::size_t n = 1; n < payload.size(); ++n) {
    auto r = M::decode(wire::Reader(ByteView(payload).subspan(1, n - 1)));
    EXPECT_FALSE(r) << "prefix of " << n << " bytes decoded";
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::kTruncated) << r.error().message();
    }
  }
  Bytes longer = payload;
  longer.push_back(0);
  auto trailing = M::decode(body(longer));
  EXPECT_FALSE(trailing);
  if (!trailing) {
    EXPECT_EQ(trailing.error().code, Errc::kTrailingData);
  }
  return *std::move(decoded);
}

Bytes some_blob(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return b;
}

MsgUserauthRequest request(UserauthMethod method) {
  MsgUserauthRequest m;
  m.user = "fred";
  m.method = std::move(method);
  return m;
}

}  // namespace

// RFC 4252 section 5: byte 50, string user, string service, string "none".
TEST(UserauthMessages, NoneRequestKnownAnswer) {
  Bytes expected = hex(
      "32"
      "00000004 66726564"
      "0000000e 7373682d636f6e6e656374696f6e"
      "00000004 6e6f6e65");
  MsgUserauthRequest m = request(NoneMethod{});
  EXPECT_EQ(m.encode(), expected);
  auto d = check_codec<MsgUserauthRequest>(expected);
  EXPECT_EQ(d.user, "fred");
  EXPECT_EQ(d.service, "ssh-connection");
  EXPECT_TRUE(std::holds_alternative<NoneMethod>(d.method));
  EXPECT_EQ(d.method_name(), "none");
}

// RFC 4252 section 8: "password", FALSE, string password.
TEST(UserauthMessages, PasswordRequestKnownAnswer) {
  Bytes expected = hex(
      "32 00000004 66726564 0000000e 7373682d636f6e6e656374696f6e"
      "00000008 70617373776f7264"
      "00"
      "00000006 736563726574");
  PasswordMethod p;
  p.password = SecretBytes::from_string("secret");
  EXPECT_EQ(request(std::move(p)).encode(), expected);
  auto d = check_codec<MsgUserauthRequest>(expected);
  const auto& got = std::get<PasswordMethod>(d.method);
  EXPECT_FALSE(got.change);
  EXPECT_EQ(got.password.chars(), "secret");
  EXPECT_TRUE(got.new_password.empty());
}

TEST(UserauthMessages, PasswordChangeRoundTrip) {
  PasswordMethod p;
  p.change = true;
  p.password = SecretBytes::from_string("old");
  p.new_password = SecretBytes::from_string("new one");
  auto d = check_codec<MsgUserauthRequest>(request(std::move(p)).encode());
  const auto& got = std::get<PasswordMethod>(d.method);
  EXPECT_TRUE(got.change);
  EXPECT_EQ(got.password.chars(), "old");
  EXPECT_EQ(got.new_password.chars(), "new one");
}

TEST(UserauthMessages, PublickeyQueryAndSignedRoundTrip) {
  PublickeyMethod q{"ssh-ed25519", some_blob(51, 1), std::nullopt, std::nullopt};
  auto dq = check_codec<MsgUserauthRequest>(request(q).encode());
  EXPECT_EQ(dq.method_name(), "publickey");
  const auto& gq = std::get<PublickeyMethod>(dq.method);
  EXPECT_EQ(gq.algorithm, "ssh-ed25519");
  EXPECT_EQ(gq.key_blob, q.key_blob);
  EXPECT_FALSE(gq.host_key);
  EXPECT_FALSE(gq.signature);

  PublickeyMethod s = q;
  s.signature = some_blob(83, 9);
  Bytes wire = request(s).encode();
  // has_signature TRUE sits right after the method name.
  std::size_t flag_at = 1 + 8 + 18 + 4 + 9;
  EXPECT_EQ(wire[flag_at], 1);
  auto ds = check_codec<MsgUserauthRequest>(wire);
  EXPECT_EQ(std::get<PublickeyMethod>(ds.method).signature, s.signature);
}

TEST(UserauthMessages, HostboundPublickeyRoundTrip) {
  PublickeyMethod s{"rsa-sha2-512", some_blob(279, 3), some_blob(51, 5), some_blob(100, 11)};
  auto d = check_codec<MsgUserauthRequest>(request(s).encode());
  EXPECT_EQ(d.method_name(), "publickey-hostbound-v00@openssh.com");
  const auto& g = std::get<PublickeyMethod>(d.method);
  EXPECT_EQ(g.host_key, s.host_key);
  EXPECT_EQ(g.signature, s.signature);
  s.signature.reset();
  auto q = check_codec<MsgUserauthRequest>(request(s).encode());
  EXPECT_FALSE(std::get<PublickeyMethod>(q.method).signature);
  EXPECT_EQ(std::get<PublickeyMethod>(q.method).host_key, s.host_key);
}

// RFC 4256 section 3.1: "keyboard-interactive", string language, string submethods.
TEST(UserauthMessages, KeyboardInteractiveKnownAnswer) {
  Bytes expected = hex(
      "32 00000004 66726564 0000000e 7373682d636f6e6e656374696f6e"
      "00000014 6b6579626f6172642d696e7465726163746976 65"
      "00000000"
      "00000003 70616d");
  MsgUserauthRequest m = request(KeyboardInteractiveMethod{"", "pam"});
  EXPECT_EQ(m.encode(), expected);
  auto d = check_codec<MsgUserauthRequest>(expected);
  EXPECT_EQ(std::get<KeyboardInteractiveMethod>(d.method).submethods, "pam");
}

TEST(UserauthMessages, HostbasedRoundTrip) {
  HostbasedMethod h{"ssh-ed25519", some_blob(51, 2), "client.example.", "alice", some_blob(83, 4)};
  auto d = check_codec<MsgUserauthRequest>(request(h).encode());
  const auto& g = std::get<HostbasedMethod>(d.method);
  EXPECT_EQ(g.client_host, "client.example.");
  EXPECT_EQ(g.client_user, "alice");
  EXPECT_EQ(g.signature, h.signature);
}

TEST(UserauthMessages, UnknownMethodKeepsRest) {
  MsgUserauthRequest m = request(UnknownMethod{"gssapi-with-mic", hex("00000001 00000003 616263")});
  Bytes wire = m.encode();
  auto d = check_codec<MsgUserauthRequest>(wire, true);
  EXPECT_EQ(d.method_name(), "gssapi-with-mic");
  EXPECT_EQ(std::get<UnknownMethod>(d.method).rest, hex("00000001 00000003 616263"));
  // Cut inside the fixed header: refused.
  std::size_t header = 1 + 8 + 18 + 4 + 15;
  for (std::size_t n = 1; n < header; ++n)
    EXPECT_FALSE(MsgUserauthRequest::decode(wire::Reader(ByteView(wire).subspan(1, n - 1))));
  // A cut inside the opaque rest or a byte more only changes the rest.
  auto shorter = MsgUserauthRequest::decode(wire::Reader(ByteView(wire).subspan(1, wire.size() - 2)));
  ASSERT_TRUE(shorter);
  EXPECT_EQ(std::get<UnknownMethod>(shorter->method).rest, hex("00000001 00000003 6162"));
}

// RFC 4252 section 5.1: byte 51, name-list, boolean partial success.
TEST(UserauthMessages, FailureKnownAnswer) {
  Bytes expected = hex("33 00000012 7075626c69636b65792c70617373776f7264 00");
  MsgUserauthFailure m{{"publickey", "password"}, false};
  EXPECT_EQ(m.encode(), expected);
  auto d = check_codec<MsgUserauthFailure>(expected);
  EXPECT_EQ(d.methods, std::vector<std::string>({"publickey", "password"}));
  EXPECT_FALSE(d.partial_success);
  auto p = check_codec<MsgUserauthFailure>(MsgUserauthFailure{{"keyboard-interactive"}, true}.encode());
  EXPECT_TRUE(p.partial_success);
  auto empty = check_codec<MsgUserauthFailure>(MsgUserauthFailure{{}, false}.encode());
  EXPECT_TRUE(empty.methods.empty());
}

TEST(UserauthMessages, SuccessIsOneByte) {
  EXPECT_EQ(MsgUserauthSuccess{}.encode(), hex("34"));
  check_codec<MsgUserauthSuccess>(hex("34"));
}

TEST(UserauthMessages, BannerRoundTrip) {
  auto d = check_codec<MsgUserauthBanner>(MsgUserauthBanner{"Authorized use only.\n", "en"}.encode());
  EXPECT_EQ(d.message, "Authorized use only.\n");
  EXPECT_EQ(d.language, "en");
  EXPECT_EQ((MsgUserauthBanner{"hi", ""}.encode()), hex("35 00000002 6869 00000000"));
}

TEST(UserauthMessages, PkOkRoundTrip) {
  MsgUserauthPkOk m{"ssh-ed25519", some_blob(51, 6)};
  Bytes expected = hex("3c 0000000b 7373682d65643235353139");
  put_str(expected, m.key_blob);
  EXPECT_EQ(m.encode(), expected);
  auto d = check_codec<MsgUserauthPkOk>(expected);
  EXPECT_EQ(d.algorithm, "ssh-ed25519");
  EXPECT_EQ(d.key_blob, m.key_blob);
}

TEST(UserauthMessages, PasswdChangereqRoundTrip) {
  auto d = check_codec<MsgUserauthPasswdChangereq>(
      MsgUserauthPasswdChangereq{"Password expired, change it now", ""}.encode());
  EXPECT_EQ(d.prompt, "Password expired, change it now");
}

// RFC 4256 section 3.2: name, instruction, language, int count, then (prompt, echo) pairs.
TEST(UserauthMessages, InfoRequestKnownAnswer) {
  Bytes expected = hex(
      "3c 00000000 00000000 00000000 00000002"
      "0000000a 50617373776f72643a20 00"
      "00000006 546f6b656e3a 01");
  MsgUserauthInfoRequest m;
  m.prompts = {{"Password: ", false}, {"Token:", true}};
  EXPECT_EQ(m.encode(), expected);
  auto d = check_codec<MsgUserauthInfoRequest>(expected);
  ASSERT_EQ(d.prompts.size(), 2u);
  EXPECT_EQ(d.prompts[0].text, "Password: ");
  EXPECT_FALSE(d.prompts[0].echo);
  EXPECT_TRUE(d.prompts[1].echo);
  MsgUserauthInfoRequest full{"PAM", "Answer these", "", {{"a", true}}};
  auto f = check_codec<MsgUserauthInfoRequest>(full.encode());
  EXPECT_EQ(f.name, "PAM");
  EXPECT_EQ(f.instruction, "Answer these");
}

// RFC 4256 section 3.4: byte 61, int count, responses.
TEST(UserauthMessages, InfoResponseKnownAnswer) {
  Bytes expected = hex("3d 00000002 00000004 70617373 00000000");
  MsgUserauthInfoResponse m;
  m.responses.push_back(SecretBytes::from_string("pass"));
  m.responses.emplace_back();
  EXPECT_EQ(m.encode(), expected);
  auto d = check_codec<MsgUserauthInfoResponse>(expected);
  ASSERT_EQ(d.responses.size(), 2u);
  EXPECT_EQ(d.responses[0].chars(), "pass");
  EXPECT_TRUE(d.responses[1].empty());
}

TEST(UserauthMessages, ServiceRequestAndAcceptKnownAnswer) {
  Bytes req = hex("05 0000000c 7373682d7573657261757468");
  EXPECT_EQ(MsgServiceRequest{std::string(kServiceUserauth)}.encode(), req);
  EXPECT_EQ(check_codec<MsgServiceRequest>(req).service, "ssh-userauth");
  Bytes acc = hex("06 0000000c 7373682d7573657261757468");
  EXPECT_EQ(MsgServiceAccept{std::string(kServiceUserauth)}.encode(), acc);
  EXPECT_EQ(check_codec<MsgServiceAccept>(acc).service, "ssh-userauth");
}

// RFC 4252 section 7: string session id, byte 50, user, service, "publickey", TRUE,
// algorithm, key blob.
TEST(UserauthMessages, PublickeySignedDataLayout) {
  Bytes session_id = some_blob(32, 0x40);
  Bytes key = some_blob(51, 1);
  PublickeyMethod p{"ssh-ed25519", key, std::nullopt, some_blob(83, 9)};
  Bytes expected;
  put_str(expected, session_id);
  expected.push_back(50);
  put_str(expected, "fred");
  put_str(expected, "ssh-connection");
  put_str(expected, "publickey");
  expected.push_back(1);
  put_str(expected, "ssh-ed25519");
  put_str(expected, key);
  auto got = publickey_signed_data(session_id, request(p));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, expected);
  // The same bytes whether or not the request already carries its signature.
  p.signature.reset();
  auto unsigned_req = publickey_signed_data(session_id, request(p));
  ASSERT_TRUE(unsigned_req);
  EXPECT_EQ(*unsigned_req, expected);
}

// PROTOCOL 3.1: the hostbound method's name and the server host key after the key blob.
TEST(UserauthMessages, HostboundSignedDataLayout) {
  Bytes session_id = some_blob(48, 0x11);
  Bytes key = some_blob(51, 1), host_key = some_blob(104, 77);
  PublickeyMethod p{"ecdsa-sha2-nistp256", key, host_key, some_blob(99, 3)};
  Bytes expected;
  put_str(expected, session_id);
  expected.push_back(50);
  put_str(expected, "fred");
  put_str(expected, "ssh-connection");
  put_str(expected, "publickey-hostbound-v00@openssh.com");
  expected.push_back(1);
  put_str(expected, "ecdsa-sha2-nistp256");
  put_str(expected, key);
  put_str(expected, host_key);
  auto got = publickey_signed_data(session_id, request(p));
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, expected);
}

// RFC 4252 section 9: everything up to the client user name.
TEST(UserauthMessages, HostbasedSignedDataLayout) {
  Bytes session_id = some_blob(32, 0x22);
  Bytes key = some_blob(51, 8);
  HostbasedMethod h{"ssh-ed25519", key, "client.example.", "alice", some_blob(83, 4)};
  Bytes expected;
  put_str(expected, session_id);
  expected.push_back(50);
  put_str(expected, "fred");
  put_str(expected, "ssh-connection");
  put_str(expected, "hostbased");
  put_str(expected, "ssh-ed25519");
  put_str(expected, key);
  put_str(expected, "client.example.");
  put_str(expected, "alice");
  auto got = hostbased_signed_data(session_id, request(h));
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, expected);
}

TEST(UserauthMessages, SignedDataRefusesOtherMethods) {
  Bytes sid = some_blob(32, 0);
  auto a = publickey_signed_data(sid, request(NoneMethod{}));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::kInvalidArgument);
  EXPECT_FALSE(hostbased_signed_data(sid, request(PublickeyMethod{})));
  EXPECT_FALSE(publickey_signed_data(sid, request(HostbasedMethod{})));
}

TEST(UserauthMessages, RefusesTooManyPrompts) {
  MsgUserauthInfoRequest ok;
  ok.prompts.assign(kMaxPrompts, {"p", false});
  EXPECT_TRUE(MsgUserauthInfoRequest::decode(body(ok.encode())));
  MsgUserauthInfoRequest many;
  many.prompts.assign(kMaxPrompts + 1, {"p", false});
  auto r = MsgUserauthInfoRequest::decode(body(many.encode()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kTooLarge);
  EXPECT_NE(r.error().detail.find("too many prompts"), std::string::npos) << r.error().detail;

  // An absurd count with nothing after it is refused by the count, not by reading on.
  auto huge = MsgUserauthInfoResponse::decode(body(hex("3d ffffffff")));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, Errc::kTooLarge);
  MsgUserauthInfoResponse resp;
  resp.responses.resize(kMaxPrompts + 1);
  EXPECT_FALSE(MsgUserauthInfoResponse::decode(body(resp.encode())));
  resp.responses.resize(kMaxPrompts);
  EXPECT_TRUE(MsgUserauthInfoResponse::decode(body(resp.encode())));
}

TEST(UserauthMessages, RefusesOversizeFields) {
  MsgUserauthRequest m = request(NoneMethod{});
  m.user.assign(kMaxNameBytes, 'u');
  EXPECT_TRUE(MsgUserauthRequest::decode(body(m.encode())));
  m.user.push_back('u');
  auto r = MsgUserauthRequest::decode(body(m.encode()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kTooLarge);
  EXPECT_NE(r.error().detail.find("user name"), std::string::npos) << r.error().detail;

  PublickeyMethod p{"ssh-rsa", Bytes(kMaxFieldBytes + 1, 0x42), std::nullopt, std::nullopt};
  auto big = MsgUserauthRequest::decode(body(request(p).encode()));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Errc::kTooLarge);

  PasswordMethod pw;
  pw.password = SecretBytes(Bytes(kMaxFieldBytes + 1, 'x'));
  EXPECT_FALSE(MsgUserauthRequest::decode(body(request(std::move(pw)).encode())));

  MsgUserauthBanner long_banner{std::string(kMaxFieldBytes + 1, 'b'), ""};
  EXPECT_FALSE(MsgUserauthBanner::decode(body(long_banner.encode())));
  MsgUserauthFailure f;
  for (int i = 0; i < 200; ++i) f.methods.push_back("method" + std::to_string(i));
  EXPECT_FALSE(MsgUserauthFailure::decode(body(f.encode())));
}

TEST(UserauthMessages, RefusesNulInText) {
  MsgUserauthRequest m = request(NoneMethod{});
  m.user = std::string("fred\0root", 9);
  auto r = MsgUserauthRequest::decode(body(m.encode()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidFormat);
  PasswordMethod pw;
  pw.password = SecretBytes::from_string(std::string_view("a\0b", 3));
  EXPECT_FALSE(MsgUserauthRequest::decode(body(request(std::move(pw)).encode())));
}

TEST(UserauthMessages, FailureRefusesEmptyNames) {
  EXPECT_FALSE(MsgUserauthFailure::decode(body(hex("33 00000004 612c2c62 00"))));
}

// Random bytes and single-byte mutations of valid messages: decoders fail cleanly or
// produce something that re-encodes to a decodable message.
TEST(UserauthMessages, GarbageNeverCrashes) {
  std::mt19937 rng(4252);
  std::vector<Bytes> seeds = {
      request(NoneMethod{}).encode(),
      request(PublickeyMethod{"ssh-ed25519", some_blob(51, 1), some_blob(20, 2), some_blob(30, 3)}).encode(),
      request(HostbasedMethod{"a", some_blob(5, 1), "h", "u", some_blob(5, 2)}).encode(),
      MsgUserauthInfoRequest{"n", "i", "", {{"p", true}, {"q", false}}}.encode(),
      hex("3d 00000002 00000004 70617373 00000000"),
      MsgUserauthFailure{{"publickey"}, true}.encode(),
  };
  auto exercise = [](const Bytes& in) {
    wire::Reader r{ByteView(in)};
    auto roundtrip = [](auto decoded) {
      if (!decoded) return;
      Bytes again = decoded->encode();
      auto twice = std::remove_reference_t<decltype(*decoded)>::decode(body(again));
      EXPECT_TRUE(twice);
      if (twice) {
        EXPECT_EQ(twice->encode(), again);
      }
    };
    roundtrip(MsgUserauthRequest::decode(r));
    roundtrip(MsgUserauthFailure::decode(r));
    roundtrip(MsgUserauthSuccess::decode(r));
    roundtrip(MsgUserauthBanner::decode(r));
    roundtrip(MsgUserauthPkOk::decode(r));
    roundtrip(MsgUserauthPasswdChangereq::decode(r));
    roundtrip(MsgUserauthInfoRequest::decode(r));
    roundtrip(MsgUserauthInfoResponse::decode(r));
    roundtrip(MsgServiceRequest::decode(r));
    roundtrip(MsgServiceAccept::decode(r));
  };
  for (int i = 0; i < 3000; ++i) {
    Bytes in(rng() % 64);
    for (auto& b : in) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() : rng() % 8);
    exercise(in);
  }
  for (const Bytes& seed : seeds) {
    for (int i = 0; i < 500; ++i) {
      Bytes in(seed.begin() + 1, seed.end());
      in[rng() % in.size()] = static_cast<std::uint8_t>(rng());
      exercise(in);
    }
  }
}

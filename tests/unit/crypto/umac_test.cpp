#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sshcore/base/encoding.hpp"
#include "sshcore/crypto/umac.hpp"
#include "sshcore/crypto/umac_nh.hpp"
#include "support/process.hpp"

using namespace sshcore;
using sshcore::crypto::Umac;
using sshcore::crypto::UmacTagSize;

namespace {

constexpr std::string_view kRfcKey = "abcdefghijklmnop";
constexpr std::string_view kRfcNonce = "bcdefghi";

Umac make(UmacTagSize size, ByteView key = as_bytes(kRfcKey)) {
  auto umac = Umac::create(size, key);
  if (!umac) throw std::runtime_error(umac.error().message());
  return std::move(*umac);
}

std::string tag_hex(Umac& umac, ByteView nonce, ByteView data) {
  std::vector<std::uint8_t> out(umac.tag_len());
  umac.tag(nonce, data, out);
  return hex_encode(out);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Bytes repeat(std::string_view unit, std::size_t total_len) {
  Bytes out(total_len);
  for (std::size_t i = 0; i < total_len; ++i) out[i] = static_cast<std::uint8_t>(unit[i % unit.size()]);
  return out;
}

// The generator of tests/data/umac/README.md: xorshift32, top byte per step.
Bytes xorshift_bytes(std::size_t n, std::uint32_t seed) {
  Bytes out(n);
  std::uint32_t x = seed;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return out;
}

Bytes be64_nonce(std::uint64_t seqnr) {
  Bytes n(8);
  store_be64(n.data(), seqnr);
  return n;
}

struct RfcVector {
  const char* unit;
  std::size_t length;
  const char* tag64;   // RFC 4418 appendix, 64-bit column (2^25: erratum 3507)
  const char* tag96;   // RFC 4418 appendix, 96-bit column (2^25: erratum 3507)
  const char* tag128;  // Nettle testsuite/umac-test.c, the full 128 bits
};

constexpr RfcVector kRfcVectors[] = {
    {"a", 0, "6E155FAD26900BE1", "32FEDB100C79AD58F07FF764", "32fedb100c79ad58f07ff7643cc60465"},
    {"a", 3, "44B5CB542F220104", "185E4FE905CBA7BD85E4C2DC", "185e4fe905cba7bd85e4c2dc3d117d8d"},
    {"a", 1 << 10, "26BF2F5D60118BD9", "7A54ABE04AF82D60FB298C3C", "7a54abe04af82d60fb298c3cbd195bcb"},
    {"a", 1 << 15, "27F8EF643B0D118D", "7B136BD911E4B734286EF2BE", "7b136bd911e4b734286ef2be501f2c3c"},
    {"a", 1 << 20, "A4477E87E9F55853", "F8ACFA3AC31CFEEA047F7B11", "f8acfa3ac31cfeea047f7b115b03bef5"},
    {"a", 1 << 25, "FACA46F856E9B45F", "A621C2457C0012E64F3FDAE9", "a621c2457c0012e64f3fdae9e7e1870c"},
    {"abc", 3, "D4D7B9F6BD4FBFCF", "883C3D4B97A61976FFCF2323", "883c3d4b97a61976ffcf232308cba5a5"},
    {"abc", 1500, "D4CF26DDEFD5C01A", "8824A260C53C66A36C9260A6", "8824a260c53c66a36c9260a62cb83aa1"},
};

struct NettleVector {
  const char* nonce;
  std::size_t length;
  const char* tag64;
  const char* tag128;
};

// Nettle testsuite/umac-test.c: key "abcdefghijklmnop", message "defdefdefdefdef"
// repeated and cut to `length`, nonces of 1 to 16 bytes.
constexpr NettleVector kNettleVectors[] = {
    {"b", 0, "9e38f67da91a08d9", "9e38f67da91a08d9c980f4db4089c877"},
    {"bc", 1, "fb0e207971b8e66a", "ef406c2ec70d0222f59e860eabb79ed0"},
    {"bcd", 2, "1ae6e02d73aa9ab2", "1ae6e02d73aa9ab2a27fb89e014dc07b"},
    {"bcde", 3, "c81cf22342e84302", "82626d0d575e01038e5e2cc6408216f5"},
    {"bcdef", 4, "aba003e7bd673cc3", "aba003e7bd673cc368ba8513cecf2e7c"},
    {"bcdefg", 1020, "f98828a161bb4ae3", "d8b4811f747d588d7a913360960de7cf"},
    {"bcdefgh", 1021, "2d54936be5bff72d", "2d54936be5bff72d2e1052361163b474"},
    {"bcdefghi", 1022, "2cee9784556387b3", "700513397f8a210a98938d3e7ac3bd88"},
    {"bcdefghij", 1023, "24ac4284ca371f42", "24ac4284ca371f4280f60bd274633d67"},
    {"bcdefghijk", 1024, "64c6a0fd14615a76", "abc223116cedd2db5af365e641a97539"},
    {"bcdefghijkl", 1025, "93251e18e56bbdc4", "93251e18e56bbdc457de556f95c59931"},
    {"bcdefghijklm", 1026, "5d98bd8dfaf16352", "c1298672e52386753383a15ed58c0e42"},
    {"bcdefghijklmn", 1027, "5b0557c9fdcf661b", "5b0557c9fdcf661b1758efc603516ebe"},
    {"bcdefghijklmno", 2046, "65e85d47447c2277", "16bb5183017826ed47c9995c1e5834f3"},
    {"bcdefghijklmnop", 2047, "34d723a6cb1676d3", "34d723a6cb1676d3547a5064dc5b0a37"},
    {"bcdefghijklmnopq", 2048, "3968d5d0af147884", "84565620def1e3a614d274e87626f215"},
    {"b", 2049, "ad1ee4ab606061c5", "ad1ee4ab606061c55e0d2ecfee59940a"},
    {"bc", 2050, "835f4a8242100055", "971106d5f4a5e41dce40a91704cfe1f3"},
    {"bcd", 16777212, "7ef41cf351960aaf", "7ef41cf351960aaf729bb19fcee7d8c4"},
    {"bcde", 16777213, "ab250048807ff640", "e15b9f6695c9b441de035e9b10b8ac32"},
    {"bcdef", 16777214, "ff42039fcfe1248e", "ff42039fcfe1248e36c19efed14d7140"},
    {"bcdefg", 16777215, "6be0ebda623d76df", "4adc426477fb64b1ce5afd76d505f048"},
    {"bcdefgh", 16777216, "42d8562a224a9e9a", "42d8562a224a9e9a75c2f85d39462d07"},
    {"bcdefghi", 16777217, "374f09dbb0b84b88", "6ba48d669a51ed3195ebc2aa562ee71b"},
    {"bcdefghij", 16778239, "876ca89ed045777b", "876ca89ed045777bf7efa7934e1758c2"},
    {"bcdefghijk", 16778240, "e1974b26fb35f2c6", "2e93c8ca83b97a6b1a21082e2a4c540d"},
    {"bcdefghijkl", 16778241, "ffced8f2494d85bf", "ffced8f2494d85bf0cb39408ddfe0295"},
    {"bcdefghijklm", 16778242, "65a5bbdda3b85368", "f9148022bc6ab64f019e9db83704c17b"},
    {"bcdefghijklmn", 16778243, "50dc9565fbfc4884", "50dc9565fbfc48844a4be34403804605"},
    {"bcdefghijklmno", 16778244, "04f163b7c2d5d849", "77a26f7387d1dcd39378a3220652cff7"},
};

struct FileVector {
  int line;
  std::size_t bytes;
  Bytes key, nonce;
  std::size_t length;
  std::uint32_t seed;
  std::string tag;
  std::size_t patch_at = 0;
  Bytes patch;

  Bytes message() const {
    Bytes m = xorshift_bytes(length, seed);
    std::copy(patch.begin(), patch.end(), m.begin() + static_cast<std::ptrdiff_t>(patch_at));
    return m;
  }
};

std::vector<FileVector> load_file_vectors() {
  std::istringstream in(sshpp::test::read_text(sshpp::test::test_data("umac/nettle_vectors.txt")));
  std::vector<FileVector> out;
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty() || text[0] == '#') continue;
    std::istringstream fields(text);
    std::string key, nonce, tag, patch;
    FileVector v{};
    v.line = line;
    if (!(fields >> v.bytes >> key >> nonce >> v.length >> v.seed >> tag)) {
      ADD_FAILURE() << "nettle_vectors.txt:" << line << ": malformed";
      continue;
    }
    v.key = *hex_decode(key);
    v.nonce = *hex_decode(nonce);
    v.tag = tag;
    if (fields >> v.patch_at >> patch) {
      auto p = hex_decode(patch);
      if (!p || v.patch_at + p->size() > v.length) {
        ADD_FAILURE() << "nettle_vectors.txt:" << line << ": bad patch";
        continue;
      }
      v.patch = std::move(*p);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

// Each RFC message is a prefix of 'a' * 2^25 or of 'abc' * 500.
ByteView rfc_message(const RfcVector& v) {
  static const Bytes a = repeat("a", std::size_t{1} << 25);
  static const Bytes abc = repeat("abc", 1500);
  return ByteView(std::string_view(v.unit) == "a" ? a : abc).first(v.length);
}

TEST(Umac, Rfc4418VectorsUmac64) {
  Umac umac = make(UmacTagSize::k64);
  for (const auto& v : kRfcVectors) {
    SCOPED_TRACE(std::string(v.unit) + " x " + std::to_string(v.length / std::strlen(v.unit)));
    EXPECT_EQ(tag_hex(umac, as_bytes(kRfcNonce), rfc_message(v)), lower(v.tag64));
  }
}

TEST(Umac, Rfc4418VectorsUmac128) {
  Umac umac = make(UmacTagSize::k128);
  for (const auto& v : kRfcVectors) {
    SCOPED_TRACE(std::string(v.unit) + " x " + std::to_string(v.length / std::strlen(v.unit)));
    std::string got = tag_hex(umac, as_bytes(kRfcNonce), rfc_message(v));
    EXPECT_EQ(got.substr(0, 24), lower(v.tag96));  // what the RFC prints
    EXPECT_EQ(got, v.tag128);                      // all 128 bits (Nettle)
  }
}

TEST(Umac, NettleBoundaryVectorsAllNonceLengths) {
  Umac umac64 = make(UmacTagSize::k64);
  Umac umac128 = make(UmacTagSize::k128);
  const Bytes longest = repeat("defdefdefdefdef", 16778244);  // the others are prefixes
  for (const auto& v : kNettleVectors) {
    SCOPED_TRACE(std::to_string(v.length) + " bytes, nonce " + v.nonce);
    ByteView message = ByteView(longest).first(v.length);
    EXPECT_EQ(tag_hex(umac64, as_bytes(v.nonce), message), v.tag64);
    EXPECT_EQ(tag_hex(umac128, as_bytes(v.nonce), message), v.tag128);
  }
}

TEST(Umac, NettleGeneratedVectorsFile) {
  auto vectors = load_file_vectors();
  ASSERT_GE(vectors.size(), 100u);
  std::size_t patched = 0;
  for (const auto& v : vectors) {
    SCOPED_TRACE("nettle_vectors.txt:" + std::to_string(v.line));
    ASSERT_TRUE(v.bytes == 8 || v.bytes == 16);
    Umac umac = make(static_cast<UmacTagSize>(v.bytes), v.key);
    EXPECT_EQ(tag_hex(umac, v.nonce, v.message()), v.tag);
    if (!v.patch.empty()) ++patched;
  }
  EXPECT_EQ(patched, 4u);  // the marker messages, both sizes, both polynomial stages
}

// The same key and a run of sequence numbers, in order, against a fresh Umac for
// each: the cached pad block must follow the nonce (umac-64 shares one AES block
// between the nonces 2n and 2n + 1).
TEST(Umac, PadCacheFollowsNonce) {
  for (auto size : {UmacTagSize::k64, UmacTagSize::k128}) {
    Umac running = make(size);
    Bytes data = xorshift_bytes(200, 99);
    for (std::uint64_t seqnr : {0ull, 1ull, 2ull, 3ull, 2ull, 1ull, 5ull, 4ull, 0xFFFFFFFFull, 0ull}) {
      Umac fresh = make(size);
      EXPECT_EQ(tag_hex(running, be64_nonce(seqnr), data), tag_hex(fresh, be64_nonce(seqnr), data))
          << "seqnr " << seqnr;
    }
    // Neighbouring nonces give unrelated pads.
    EXPECT_NE(tag_hex(running, be64_nonce(0), data), tag_hex(running, be64_nonce(1), data));
  }
}

TEST(Umac, IncrementalEqualsOneShot) {
  std::uint32_t rng = 12345;
  auto next = [&rng](std::uint32_t bound) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng % bound;
  };
  for (auto size : {UmacTagSize::k64, UmacTagSize::k128}) {
    Umac one_shot = make(size);
    Umac pieces = make(size);
    for (std::size_t len : {0u, 1u, 31u, 32u, 33u, 1023u, 1024u, 1025u, 2048u, 2049u, 4000u, 35000u, 70000u}) {
      Bytes data = xorshift_bytes(len, static_cast<std::uint32_t>(len) + 7);
      Bytes nonce = be64_nonce(len);
      const std::string expected = tag_hex(one_shot, nonce, data);
      for (int trial = 0; trial < 20; ++trial) {
        std::size_t at = 0;
        while (at < len) {
          // Mostly small pieces, sometimes an empty one or a big one.
          std::size_t n = trial % 4 == 0 ? next(3000) : next(70);
          n = std::min(n, len - at);
          pieces.update(ByteView(data).subspan(at, n));
          at += n;
        }
        std::vector<std::uint8_t> out(pieces.tag_len());
        pieces.finish(nonce, out);
        ASSERT_EQ(hex_encode(out), expected) << "length " << len << " trial " << trial;
      }
    }
    // Byte by byte across three chunks.
    Bytes data = xorshift_bytes(3 * 1024 + 5, 4);
    for (std::uint8_t b : data) pieces.update(ByteView(&b, 1));
    std::vector<std::uint8_t> out(pieces.tag_len());
    pieces.finish(as_bytes(kRfcNonce), out);
    EXPECT_EQ(hex_encode(out), tag_hex(one_shot, as_bytes(kRfcNonce), data));
  }
}

// A packet MAC as the transport will compute it: the sequence-number nonce and the
// packet fed as length, padding length, payload and padding; checked against the
// generated 35000-byte vectors of both sizes.
TEST(Umac, SshPacketInPiecesMatchesVector) {
  std::size_t checked = 0;
  for (const auto& v : load_file_vectors()) {
    if (v.length != 35000) continue;
    SCOPED_TRACE("nettle_vectors.txt:" + std::to_string(v.line));
    Umac umac = make(static_cast<UmacTagSize>(v.bytes), v.key);
    const Bytes message = v.message();
    ByteView packet = message;
    umac.update(packet.first(4));
    umac.update(packet.subspan(4, 1));
    umac.update({});
    umac.update(packet.subspan(5, 34980));
    umac.update(packet.subspan(34985));
    std::vector<std::uint8_t> out(umac.tag_len());
    umac.finish(v.nonce, out);
    EXPECT_EQ(hex_encode(out), v.tag);
    ++checked;
  }
  EXPECT_EQ(checked, 2u);
}

TEST(Umac, FinishStartsNextMessageAndResetDropsPending) {
  Umac umac = make(UmacTagSize::k64);
  Umac fresh = make(UmacTagSize::k64);
  const std::string abc = tag_hex(fresh, as_bytes(kRfcNonce), as_bytes("abc"));
  EXPECT_EQ(abc, "d4d7b9f6bd4fbfcf");
  EXPECT_EQ(tag_hex(umac, as_bytes(kRfcNonce), as_bytes("abc")), abc);
  EXPECT_EQ(tag_hex(umac, as_bytes(kRfcNonce), as_bytes("abc")), abc);
  umac.update(xorshift_bytes(5000, 3));
  umac.reset();
  EXPECT_EQ(tag_hex(umac, as_bytes(kRfcNonce), as_bytes("abc")), abc);
  // tag() appends to what update() left pending.
  umac.update(as_bytes("a"));
  EXPECT_EQ(tag_hex(umac, as_bytes(kRfcNonce), as_bytes("aa")), "44b5cb542f220104");  // 'a' * 3
}

TEST(Umac, MovedUmacKeepsItsKey) {
  Umac a = make(UmacTagSize::k128);
  Umac b = std::move(a);
  EXPECT_EQ(tag_hex(b, as_bytes(kRfcNonce), as_bytes("abc")), "883c3d4b97a61976ffcf232308cba5a5");
  Umac c = make(UmacTagSize::k64, as_bytes("ponmlkjihgfedcba"));
  c = std::move(b);
  EXPECT_EQ(c.tag_size(), UmacTagSize::k128);
  EXPECT_EQ(tag_hex(c, as_bytes(kRfcNonce), as_bytes("abc")), "883c3d4b97a61976ffcf232308cba5a5");
}

TEST(Umac, RejectsBadKeyAndTagSize) {
  for (std::size_t n : {0u, 1u, 15u, 17u, 24u, 32u}) {
    Bytes key(n, 0x41);
    for (auto size : {UmacTagSize::k64, UmacTagSize::k128}) {
      auto r = Umac::create(size, key);
      ASSERT_FALSE(r) << n;
      EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    }
  }
  for (std::uint8_t bad : {0, 4, 12, 32}) {
    auto r = Umac::create(static_cast<UmacTagSize>(bad), as_bytes(kRfcKey));
    ASSERT_FALSE(r) << int{bad};
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  }
}

TEST(Umac, RejectsBadNonceAndOutputSizes) {
  Umac umac = make(UmacTagSize::k64);
  std::vector<std::uint8_t> out8(8), out16(16);
  Bytes nonce17(17, 1);
  EXPECT_THROW(umac.tag({}, as_bytes("abc"), out8), std::invalid_argument);
  EXPECT_THROW(umac.tag(nonce17, as_bytes("abc"), out8), std::invalid_argument);
  EXPECT_THROW(umac.tag(as_bytes(kRfcNonce), as_bytes("abc"), out16), std::invalid_argument);
  // A refused call hashes nothing.
  EXPECT_EQ(tag_hex(umac, as_bytes(kRfcNonce), as_bytes("abc")), "d4d7b9f6bd4fbfcf");
}

// Every length up to a few chunks, both sizes: no crash, and the tags of
// distinct prefixes of one stream are distinct.
TEST(Umac, AnyLengthGivesDistinctTags) {
  Bytes data = xorshift_bytes(3 * 1024 + 100, 77);
  for (auto size : {UmacTagSize::k64, UmacTagSize::k128}) {
    Umac umac = make(size);
    std::set<std::string> seen;
    for (std::size_t len = 0; len <= data.size(); ++len)
      seen.insert(tag_hex(umac, be64_nonce(42), ByteView(data).first(len)));
    EXPECT_EQ(seen.size(), data.size() + 1);
  }
}

// The vectors above run whichever NH kernel this build uses; this holds the SSE2
// kernel against the portable one on random keys and data, including key and sum
// words near 2^32 and 2^64 where the mod-2^32 additions and the 64-bit sum wrap.
template <std::size_t S>
void expect_nh_kernels_agree() {
#if defined(__SSE2__)
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    Bytes key_bytes = xorshift_bytes(4 * (256 + 4 * (S - 1)), seed);
    Bytes data = xorshift_bytes(1024, seed + 1000);
    if (seed % 3 == 0) std::fill(key_bytes.begin(), key_bytes.end(), 0xFF);
    if (seed % 5 == 0) std::fill(data.begin(), data.end(), 0xFF);
    std::vector<std::uint32_t> key(key_bytes.size() / 4);
    std::memcpy(key.data(), key_bytes.data(), key_bytes.size());
    const std::size_t blocks = 1 + seed % 32;
    std::uint64_t start[S], portable[S], sse2[S];
    for (std::size_t s = 0; s < S; ++s) start[s] = portable[s] = sse2[s] = ~std::uint64_t{0} - seed * s;
    crypto::nh::blocks_portable<S>(key.data(), data.data(), blocks, portable);
    crypto::nh::blocks_sse2<S>(key.data(), data.data(), blocks, sse2);
    for (std::size_t s = 0; s < S; ++s) {
      ASSERT_EQ(sse2[s], portable[s]) << "seed " << seed << " stream " << s;
      if (seed % 15 != 0) {
        EXPECT_NE(portable[s], start[s]);
      }
    }
  }
#else
  GTEST_SKIP() << "no SSE2 in this build: only the portable NH kernel exists";
#endif
}

TEST(UmacNh, Sse2KernelMatchesPortable) {
  expect_nh_kernels_agree<1>();
  expect_nh_kernels_agree<2>();
  expect_nh_kernels_agree<3>();
  expect_nh_kernels_agree<4>();
}

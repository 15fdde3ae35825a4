#include <gtest/gtest.h>

#include "sshcore/base/encoding.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;

namespace {
Bytes hex(std::string_view h) { return *hex_decode(h); }
}  // namespace

// RFC 4251 section 5 mpint examples.
TEST(Wire, MpintEncodingMatchesRfc4251) {
  struct Case { const char* magnitude; const char* wire; };
  const Case cases[] = {
      {"", "00000000"},
      {"09a378f9b2e332a7", "0000000809a378f9b2e332a7"},
      {"80", "000000020080"},
  };
  for (const auto& c : cases) {
    wire::Writer w;
    w.mpint(hex(c.magnitude));
    auto out = std::move(w).finish();
    ASSERT_TRUE(out);
    EXPECT_EQ(hex_encode(*out), c.wire);
    wire::Reader r{ByteView(*out)};
    auto m = r.mpint(64);
    ASSERT_TRUE(m);
    EXPECT_EQ(hex_encode(*m), c.magnitude);
    EXPECT_TRUE(r.finish("mpint"));
  }
}

TEST(Wire, MpintRejectsNegativeLeadingZeroAndOversize) {
  for (const char* bad : {"00000001ff", "000000020001", "00000002007f"}) {
    Bytes b = hex(bad);
    wire::Reader r{ByteView(b)};
    EXPECT_FALSE(r.mpint(64)) << bad;
  }
  Bytes big = hex("00000003010203");
  wire::Reader r{ByteView(big)};
  auto m = r.mpint(2);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::kTooLarge);
}

TEST(Wire, TruncatedFieldsFailAndNeverReadPastEnd) {
  Bytes b = hex("0000000a6162");  // claims 10 bytes, has 2
  wire::Reader r{ByteView(b)};
  auto s = r.string();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::kTruncated);
  wire::Reader r2{ByteView(b).first(3)};
  EXPECT_FALSE(r2.u32());
  wire::Reader r3;
  EXPECT_FALSE(r3.u8());
  EXPECT_FALSE(r3.u64());
}

TEST(Wire, TrailingDataIsAnError) {
  Bytes b = hex("0000000100");
  wire::Reader r{ByteView(b)};
  ASSERT_TRUE(r.u32());
  auto f = r.finish("SSH_MSG_TEST");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kTrailingData);
  EXPECT_NE(f.error().detail.find("SSH_MSG_TEST"), std::string::npos);
}

TEST(Wire, NameListAndCstring) {
  wire::Writer w;
  w.name_list(std::vector<std::string_view>{"zlib", "none"});
  w.string(std::string_view("a\0b", 3));
  auto out = std::move(w).finish();
  ASSERT_TRUE(out);
  wire::Reader r{ByteView(*out)};
  auto names = r.name_list();
  ASSERT_TRUE(names);
  ASSERT_EQ(names->size(), 2u);
  EXPECT_EQ((*names)[0], "zlib");
  EXPECT_EQ((*names)[1], "none");
  auto c = r.cstring();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::kInvalidFormat);
  Bytes empty_name = hex("00000005612c2c6262");
  wire::Reader r2{ByteView(empty_name)};
  EXPECT_FALSE(r2.name_list());
}

TEST(Wire, WriterLimitIsSticky) {
  wire::Writer w(6);
  w.u32(1);
  w.u32(2);  // over the limit
  w.u8(3);   // ignored after the error
  EXPECT_TRUE(w.failed());
  EXPECT_FALSE(std::move(w).finish());
}

TEST(Wire, NestedPatchesLength) {
  wire::Writer w;
  w.nested([](wire::Writer& n) { n.string(std::string_view("abc")); n.u8(7); });
  auto out = std::move(w).finish();
  ASSERT_TRUE(out);
  EXPECT_EQ(hex_encode(*out), "0000000800000003616263" "07");
  wire::Reader r{ByteView(*out)};
  auto inner = r.nested();
  ASSERT_TRUE(inner);
  EXPECT_EQ(as_chars(*inner->string()), "abc");
  EXPECT_EQ(*inner->u8(), 7);
  EXPECT_TRUE(inner->finish("inner"));
}

TEST(Wire, GarbageNeverCrashes) {
  std::uint32_t seed = 1;
  for (int round = 0; round < 2000; ++round) {
    Bytes junk(static_cast<std::size_t>(round % 64));
    for (auto& b : junk) { seed = seed * 1103515245u + 12345u; b = static_cast<std::uint8_t>(seed >> 16); }
    wire::Reader r{ByteView(junk)};
    while (!r.empty()) {
      if (!r.string() && !r.u8()) break;
    }
    wire::Reader r2{ByteView(junk)};
    (void)r2.name_list();
    (void)r2.mpint(1024);
  }
  SUCCEED();
}

TEST(Wire, FailedGetterLeavesReaderUnchanged) {
  Bytes b = hex("00000001ff" "00000002612c" "000000026100");
  wire::Reader r{ByteView(b)};
  EXPECT_FALSE(r.mpint(8));  // negative
  EXPECT_EQ(r.remaining(), b.size());
  ASSERT_TRUE(r.string());
  EXPECT_FALSE(r.name_list());  // "a," has an empty name
  EXPECT_EQ(r.remaining(), b.size() - 5);
  ASSERT_TRUE(r.raw(6));
  EXPECT_FALSE(r.cstring());  // holds a NUL
  EXPECT_EQ(r.remaining(), 6u);
}

#include <gtest/gtest.h>

#include "sshcore/base/encoding.hpp"
#include "sshcore/base/secret.hpp"

using namespace sshcore;

// RFC 4648 section 10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : cases) {
    EXPECT_EQ(base64_encode(as_bytes(plain)), enc);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec);
    EXPECT_EQ(as_chars(*dec), plain);
  }
  EXPECT_EQ(base64_encode(as_bytes("fo"), false), "Zm8");
  EXPECT_EQ(to_string(*base64_decode("Zm8")), "fo");
}

TEST(Base64, RejectsGarbage) {
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_FALSE(base64_decode("Z"));
  EXPECT_FALSE(base64_decode("Zg==Zg"));
  EXPECT_FALSE(base64_decode("Zh=="));  // non-zero trailing bits
}

TEST(Hex, RoundTripAndSeparator) {
  Bytes b{0x00, 0xab, 0xff};
  EXPECT_EQ(hex_encode(b), "00abff");
  EXPECT_EQ(hex_encode(b, ":"), "00:ab:ff");
  EXPECT_EQ(*hex_decode("00ABff"), b);
  EXPECT_FALSE(hex_decode("0g"));
  EXPECT_FALSE(hex_decode("abc"));
}

TEST(Secret, ConstantTimeEqualAndWipe) {
  SecretBytes a = SecretBytes::from_string("hunter2");
  EXPECT_TRUE(constant_time_equal(a.view(), as_bytes("hunter2")));
  EXPECT_FALSE(constant_time_equal(a.view(), as_bytes("hunter3")));
  EXPECT_FALSE(constant_time_equal(a.view(), as_bytes("hunter")));
  a.resize(3);
  EXPECT_EQ(a.chars(), "hun");
  a.append(as_bytes("ter"));
  EXPECT_EQ(a.chars(), "hunter");
  SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(b.chars(), "hunter");
  std::uint8_t buf[4] = {1, 2, 3, 4};
  secure_wipe(buf, sizeof buf);
  for (auto v : buf) EXPECT_EQ(v, 0);
}

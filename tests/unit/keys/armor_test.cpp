// The armor of OpenSSH's formats: base64 wrapped at 70 columns as sshbuf_dtob64 does.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/armor.hpp"

using namespace sshcore;
using namespace sshcore::keys::detail;

namespace {
Bytes pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return b;
}
}  // namespace

TEST(Armor, WrapsAt70WithOneFinalNewline) {
  EXPECT_EQ(wrapped_base64({}), "");
  // 51 bytes -> 68 chars, 52 -> 72 chars, 105 -> exactly 140 chars (two full lines).
  std::string b51 = base64_encode(pattern(51));
  EXPECT_EQ(wrapped_base64(pattern(51)), b51 + "\n");
  std::string b52 = base64_encode(pattern(52));
  EXPECT_EQ(wrapped_base64(pattern(52)), b52.substr(0, 70) + "\n" + b52.substr(70) + "\n");
  std::string b105 = base64_encode(pattern(105));
  ASSERT_EQ(b105.size(), 140u);
  EXPECT_EQ(wrapped_base64(pattern(105)), b105.substr(0, 70) + "\n" + b105.substr(70) + "\n");
}

TEST(Armor, SecretVariantsMatchThePlainOnes) {
  std::mt19937 rng(7);
  for (std::size_t n : {0u, 1u, 2u, 3u, 52u, 105u, 767u, 768u, 769u, 2000u, 5000u}) {
    Bytes data(n);
    for (auto& x : data) x = static_cast<std::uint8_t>(rng());
    std::string plain = armor("TEST LABEL", data);
    SecretBytes secret = armor_secret("TEST LABEL", data);
    EXPECT_EQ(secret.chars(), plain) << n;
    auto a = dearmor(plain, "TEST LABEL");
    auto b = dearmor_secret(plain, "TEST LABEL");
    ASSERT_TRUE(a && b) << n;
    EXPECT_EQ(*a, data);
    EXPECT_TRUE(b->view().size() == data.size() && std::equal(data.begin(), data.end(), b->view().begin()));
  }
}

TEST(Armor, DearmorToleratesCrlfAndRefusesBrokenMarkers) {
  Bytes data = pattern(200);
  std::string text = armor("X", data);
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto a = dearmor_secret(crlf, "X");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->view().size(), data.size());
  EXPECT_FALSE(dearmor(text, "Y"));
  EXPECT_FALSE(dearmor(text.substr(0, text.find("-----END")), "X"));
  EXPECT_FALSE(dearmor("-----BEGIN X----- trailing\n-----END X-----\n", "X"));
  std::string padded_middle = "-----BEGIN X-----\n" + std::string(252, 'A') + "AA==" + "AAAA\n-----END X-----\n";
  EXPECT_FALSE(dearmor_secret(padded_middle, "X"));
  EXPECT_FALSE(dearmor(padded_middle, "X"));
}

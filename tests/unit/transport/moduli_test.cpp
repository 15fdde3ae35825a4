#include "sshcore/transport/moduli.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sshcore/base/encoding.hpp"
#include "sshcore/transport/kex_method.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/process.hpp"

using namespace sshcore;
using namespace sshcore::transport;

TEST(Moduli, ParsesDebianModuliLines) {
  std::vector<std::string> warnings;
  auto groups = parse_moduli(sshpp::test::read_text(sshpp::test::test_data("moduli/debian-sample")), &warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(groups.size(), 5u);
  EXPECT_EQ(groups[0].bits, 2048u);
  EXPECT_EQ(groups[4].bits, 4096u);
  EXPECT_EQ(groups[0].prime.size(), 256u);
  EXPECT_GE(groups[0].generator[0], 2);
}

TEST(Moduli, BadLinesAreSkippedWithOpenSshWarnings) {
  std::string good = sshpp::test::read_text(sshpp::test::test_data("moduli/debian-sample"));
  std::string line = good.substr(good.find('\n') + 1);
  line = line.substr(0, line.find('\n'));
  auto fields = [&](int i) {
    std::istringstream s(line);
    std::string f;
    for (int k = 0; k <= i; ++k) s >> f;
    return f;
  };
  std::string text = "20230101000000 1 6 100 2047 2 " + fields(6) + "\n" +  // not a safe prime
                     "20230101000000 2 1 100 2047 2 " + fields(6) + "\n" +  // composite
                     "20230101000000 2 6 0 2047 2 " + fields(6) + "\n" +    // never tested
                     "20230101000000 2 6 100 3071 2 " + fields(6) + "\n" +  // size mismatch
                     "20230101000000 2 6 100 2047 1 " + fields(6) + "\n" +  // generator 1
                     "garbage\n\n# comment\n" + line + "\n";
  std::vector<std::string> warnings;
  auto groups = parse_moduli(text, &warnings);
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(warnings.size(), 6u);
  EXPECT_EQ(warnings[0], "moduli:1: type is not 2");
  EXPECT_EQ(warnings[1], "moduli:2: invalid moduli tests flag");
  EXPECT_EQ(warnings[2], "moduli:3: invalid primality trial count");
  EXPECT_EQ(warnings[3], "moduli:4: prime has wrong size: actual 2048 listed 3072");
  EXPECT_EQ(warnings[4], "moduli:5: generator is invalid");
  EXPECT_EQ(warnings[5], "moduli:6: invalid line");
}

TEST(Moduli, ChoosesLikeOpenSsh) {
  auto groups = parse_moduli(sshpp::test::read_text(sshpp::test::test_data("moduli/debian-sample")));
  auto pick = [&](unsigned min, unsigned want, unsigned max) {
    auto g = choose_dh_group(groups, min, want, max);
    return g ? g->bits : 0u;
  };
  EXPECT_EQ(pick(2048, 3072, 8192), 3072u);  // exact size wins
  EXPECT_EQ(pick(2048, 2500, 8192), 3072u);  // smallest above the wish
  EXPECT_EQ(pick(2048, 7680, 8192), 4096u);  // nothing above: the largest below
  EXPECT_EQ(pick(2048, 2048, 2048), 2048u);
  EXPECT_EQ(pick(5000, 6000, 8192), 0u);     // nothing in range: caller falls back
  EXPECT_EQ(fallback_dh_group(2048).bits, 2048u);
  EXPECT_EQ(fallback_dh_group(4096).bits, 4096u);
  EXPECT_EQ(fallback_dh_group(8192).bits, 8192u);
  // RFC 3526 group 14 starts FFFFFFFF FFFFFFFF C90FDAA2 and has generator 2.
  auto g14 = fallback_dh_group(2048);
  EXPECT_EQ(hex_encode(ByteView(g14.prime).first(12)), "ffffffffffffffffc90fdaa2");
  EXPECT_EQ(hex_encode(g14.generator), "02");
  EXPECT_EQ(dh_estimate(128), 3072u);
  EXPECT_EQ(dh_estimate(256), 8192u);
}

TEST(Moduli, ExplicitGroupKeyExchangeAgrees) {
  auto groups = parse_moduli(sshpp::test::read_text(sshpp::test::test_data("moduli/debian-sample")));
  ASSERT_FALSE(groups.empty());
  auto client = make_dh_explicit_group_kex(groups[0].prime, groups[0].generator);
  auto server = make_dh_explicit_group_kex(groups[0].prime, groups[0].generator);
  auto e = client->client_public();
  ASSERT_TRUE(e);
  auto reply = server->server_reply(*e);
  ASSERT_TRUE(reply) << reply.error().message();
  auto k = client->client_shared_secret(reply->server_public);
  ASSERT_TRUE(k);
  EXPECT_EQ(hex_encode(k->view()), hex_encode(reply->shared_secret.view()));
  wire::Writer one;
  one.mpint(Bytes{1});
  EXPECT_FALSE(server->server_reply(*std::move(one).finish()));
}

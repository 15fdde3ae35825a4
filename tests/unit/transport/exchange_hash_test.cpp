#include "sshcore/transport/exchange_hash.hpp"

#include <gtest/gtest.h>

#include "sshcore/base/encoding.hpp"
#include "sshcore/wire/writer.hpp"

using namespace sshcore;
using namespace sshcore::transport;

namespace {
Bytes str(std::string_view s) {
  wire::Writer w;
  w.string(s);
  return *std::move(w).finish();
}
}  // namespace

// Expected digests computed independently with Python (hashlib + struct), laying
// out the fields of RFC 4253 section 8 / RFC 4419 section 3 by hand.
TEST(ExchangeHash, SingleRoundLayout) {
  Bytes ic{20, 'i', 'c'}, is{20, 'i', 's'};
  Bytes qc = str("Q_C"), qs = str("Q_S"), k = *hex_decode("0000000101");
  ExchangeHashInput in{"SSH-2.0-client", "SSH-2.0-server", ic, is, as_bytes("hostkey"), {}, qc, qs, k};
  EXPECT_EQ(hex_encode(exchange_hash(crypto::DigestAlg::kSha256, in)),
            "36a935891055eefffabcac582c3e7511f4bb9de43e39afd5e88fb9b26c31b721");
}

TEST(ExchangeHash, GroupExchangeLayout) {
  Bytes ic{20, 'i', 'c'}, is{20, 'i', 's'};
  wire::Writer gex;
  gex.u32(2048);
  gex.u32(3072);
  gex.u32(8192);
  gex.mpint(Bytes{0x17});
  gex.mpint(Bytes{0x02});
  Bytes gex_fields = *std::move(gex).finish();
  Bytes e = *hex_decode("0000000105"), f = *hex_decode("0000000107"), k = *hex_decode("0000000101");
  ExchangeHashInput in{"SSH-2.0-client", "SSH-2.0-server", ic, is, as_bytes("hostkey"), gex_fields, e, f, k};
  EXPECT_EQ(hex_encode(exchange_hash(crypto::DigestAlg::kSha512, in)),
            "8b21f07a4e0d2b35fce6d820342e8819e0c50bdc07dadbc37d3a51c2f60f3f25"
            "f730e0ce20a21c3f66f9618d0364d43602005ca62c94c88872eeb29459654e76");
}

// zlib packet compression as OpenSSH runs it: checked against a stream cut by
// Python's zlib (tests/data/zlib/README.md) and against zlib's own inflate used
// directly, not only against our Decompressor.
#include "sshcore/transport/compression.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <sstream>

#include "support/hex_literal.hpp"
#include "support/process.hpp"

using namespace sshcore;
using namespace sshcore::transport;
using sshpp::test::hex;
using sshpp::test::unhex;

namespace {

struct Piece {
  Bytes payload;
  Bytes compressed;
};

std::vector<Piece> python_stream() {
  std::vector<Piece> pieces;
  std::istringstream in(sshpp::test::read_text(sshpp::test::test_data("zlib/partial_flush_stream.txt")));
  std::string payload, compressed;
  while (in >> payload >> compressed)
    pieces.push_back({payload == "-" ? Bytes{} : unhex(payload), compressed == "-" ? Bytes{} : unhex(compressed)});
  return pieces;
}

Bytes to_vec(ByteView v) { return Bytes(v.begin(), v.end()); }

// Inflates a whole stream prefix with zlib directly (independent of our code).
Bytes inflate_all(ByteView stream) {
  z_stream z{};
  EXPECT_EQ(inflateInit(&z), Z_OK);
  Bytes out(1 << 20);
  z.next_in = const_cast<Bytef*>(stream.data());
  z.avail_in = static_cast<uInt>(stream.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int status = inflate(&z, Z_SYNC_FLUSH);
  EXPECT_TRUE(status == Z_OK || status == Z_BUF_ERROR) << status;
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

}  // namespace

TEST(Compression, ModesFromRows) {
  EXPECT_EQ(compression_mode(nullptr), CompressionMode::kNone);
  EXPECT_EQ(compression_mode(find_compression("none")), CompressionMode::kNone);
  EXPECT_EQ(compression_mode(find_compression("zlib")), CompressionMode::kZlib);
  EXPECT_EQ(compression_mode(find_compression("zlib@openssh.com")), CompressionMode::kZlibDelayed);
}

TEST(Compression, InflatesPythonPartialFlushStreamPieceByPiece) {
  auto pieces = python_stream();
  ASSERT_EQ(pieces.size(), 7u);
  Decompressor d;
  ASSERT_TRUE(d.configure(CompressionMode::kZlib));
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].payload.empty()) continue;  // OpenSSH sends no piece for an empty payload
    auto out = d.decompress(pieces[i].compressed);
    ASSERT_TRUE(out) << i << ": " << out.error().message();
    // Each piece ends on a flush boundary: exactly its own payload comes out.
    EXPECT_EQ(hex(*out), hex(pieces[i].payload)) << "piece " << i;
  }
  EXPECT_GT(d.total_out(), d.total_in());
}

TEST(Compression, DeflatesLikeOpenSshAndPython) {
  // Same zlib, same level, same flush: the same bytes as Python's pieces (the
  // zlib header opens the first one).
  auto pieces = python_stream();
  Compressor c;
  ASSERT_TRUE(c.configure(CompressionMode::kZlib));
  ASSERT_TRUE(c.active());
  Bytes stream, plain;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    auto out = c.compress(pieces[i].payload);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(hex(*out), hex(pieces[i].compressed)) << "piece " << i;
    append(stream, *out);
    append(plain, pieces[i].payload);
    // After every piece, zlib itself recovers everything sent so far.
    EXPECT_EQ(hex(inflate_all(stream)), hex(plain)) << "after piece " << i;
  }
  EXPECT_EQ(hex(ByteView(stream).first(2)), "789c");
}

TEST(Compression, RoundTripAcrossManyPacketsUsesHistory) {
  Compressor c;
  Decompressor d;
  ASSERT_TRUE(c.configure(CompressionMode::kZlib));
  ASSERT_TRUE(d.configure(CompressionMode::kZlib));
  std::mt19937 rng(3);
  const Bytes repeated = [&] {
    Bytes b(3000);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
  }();
  std::size_t first_size = 0;
  // Within zlib's 32 KiB window the stream refers back to earlier packets.
  for (int i = 0; i < 50; ++i) {
    Bytes payload = (i % 2 == 0) ? repeated : Bytes(static_cast<std::size_t>(rng() % 700), static_cast<std::uint8_t>(i));
    auto piece = c.compress(payload);
    ASSERT_TRUE(piece);
    if (i == 0) first_size = piece->size();
    if (i == 2) {  // packet 0 again
      EXPECT_LT(piece->size(), first_size / 10) << "the stream remembers earlier packets";
    }
    Bytes copy = to_vec(*piece);
    auto out = d.decompress(copy);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_TRUE(to_vec(*out) == payload) << i;
  }
  // Large payloads too (several deflate output rounds per packet).
  for (std::size_t n : {70000u, 300000u}) {
    Bytes big(n);
    for (auto& x : big) x = static_cast<std::uint8_t>(rng() % 16);
    auto piece = c.compress(big);
    ASSERT_TRUE(piece);
    Bytes copy = to_vec(*piece);
    auto out = d.decompress(copy);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_TRUE(to_vec(*out) == big) << n;
  }
}

TEST(Compression, GarbageAndTruncationFail) {
  for (const Bytes& bad : {unhex("00112233445566778899"), unhex("789c ffffffff"), unhex("78 9d 00")}) {
    Decompressor d;
    ASSERT_TRUE(d.configure(CompressionMode::kZlib));
    auto out = d.decompress(bad);
    if (out) {
      // A prefix that is merely incomplete inflates to nothing yet; the next
      // piece of garbage must then fail.
      EXPECT_TRUE(out->empty()) << hex(bad);
      out = d.decompress(unhex("ffffffffffffffff"));
    }
    ASSERT_FALSE(out) << hex(bad);
    EXPECT_EQ(out.error().reason, DisconnectReason::kCompressionError);
  }
  // A piece that ends the stream (Z_FINISH) is not what OpenSSH sends either.
  Bytes finished(64);
  uLongf n = finished.size();
  ASSERT_EQ(compress2(finished.data(), &n, reinterpret_cast<const Bytef*>("abc"), 3, 6), Z_OK);
  finished.resize(n);
  Decompressor d;
  ASSERT_TRUE(d.configure(CompressionMode::kZlib));
  auto out = d.decompress(finished);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, DisconnectReason::kCompressionError);
}

TEST(Compression, InflationIsCapped) {
  Compressor c;
  Decompressor d;
  ASSERT_TRUE(c.configure(CompressionMode::kZlib));
  ASSERT_TRUE(d.configure(CompressionMode::kZlib));
  Bytes exact(kMaxInflatedPayload, 'z');
  auto piece = c.compress(exact);
  ASSERT_TRUE(piece);
  EXPECT_LT(piece->size(), 4096u);
  auto out = d.decompress(to_vec(*piece));
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->size(), kMaxInflatedPayload);
  auto bomb = c.compress(Bytes(kMaxInflatedPayload + 1, 'z'));
  ASSERT_TRUE(bomb);
  auto refused = d.decompress(to_vec(*bomb));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kTooLarge);
  EXPECT_EQ(refused.error().reason, DisconnectReason::kCompressionError);
}

TEST(Compression, DelayedModeWaitsForAuthenticationAndNewKeysRestartsTheStream) {
  Compressor c;
  ASSERT_TRUE(c.configure(CompressionMode::kZlibDelayed));
  EXPECT_FALSE(c.active());
  EXPECT_FALSE(c.compress(as_bytes("x")));  // not active: a caller bug, reported
  ASSERT_TRUE(c.enable());
  EXPECT_TRUE(c.active());
  auto first = c.compress(as_bytes("hello hello hello"));
  ASSERT_TRUE(first);
  EXPECT_EQ(hex(first->first(2)), "789c");
  auto second = c.compress(as_bytes("hello hello hello"));
  ASSERT_TRUE(second);
  EXPECT_NE(hex(second->first(2)), "789c");  // same stream, no new header

  // NEWKEYS: a fresh stream, at once now that authentication is done.
  ASSERT_TRUE(c.configure(CompressionMode::kZlibDelayed));
  EXPECT_TRUE(c.active());
  auto fresh = c.compress(as_bytes("hello"));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(hex(fresh->first(2)), "789c");
  ASSERT_TRUE(c.configure(CompressionMode::kNone));
  EXPECT_FALSE(c.active());

  Decompressor d;
  ASSERT_TRUE(d.configure(CompressionMode::kZlibDelayed));
  EXPECT_FALSE(d.active());
  ASSERT_TRUE(d.enable());
  EXPECT_TRUE(d.active());
  ASSERT_TRUE(d.configure(CompressionMode::kNone));
  ASSERT_TRUE(d.enable());
  EXPECT_FALSE(d.active());  // nothing negotiated, nothing to start
}

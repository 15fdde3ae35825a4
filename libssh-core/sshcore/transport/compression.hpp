// Payload compression of the binary packet protocol (RFC 4253 section 6.2,
// PROTOCOL 1.2), as OpenSSH does it:
//   - one zlib stream (RFC 1950, deflateInit at level 6) per direction, running
//     across packets, each packet's piece ending with Z_PARTIAL_FLUSH so that the
//     receiver can inflate it at once;
//   - a fresh stream at every NEWKEYS that negotiated compression;
//   - "zlib" starts with the keys, "zlib@openssh.com" only once authentication
//     succeeded (enable()), and at every later NEWKEYS at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/transport/algorithm_tables.hpp"

namespace sshcore::transport {

enum class CompressionMode : std::uint8_t { kNone, kZlib, kZlibDelayed };

// From a negotiated row; nullptr and "none" give kNone.
CompressionMode compression_mode(const CompressionAlg* alg);

inline constexpr int kZlibLevel = 6;  // OpenSSH's start_compression_out(ssh, 6)
// A packet may carry at most kPacketMaxSize bytes; inflated it may not exceed
// this (OpenSSH stops only at its 128 MiB buffer ceiling; nothing legitimate
// comes near this one).
inline constexpr std::size_t kMaxInflatedPayload = 1024 * 1024;

class Compressor {
 public:
  Compressor();
  ~Compressor();
  Compressor(Compressor&&) noexcept;
  Compressor& operator=(Compressor&&) noexcept;

  // At NEWKEYS, with the mode negotiated for this direction.
  Result<void> configure(CompressionMode mode);
  // Authentication succeeded: a delayed stream starts now.
  Result<void> enable();
  bool active() const;

  // The next piece of the stream for one payload; a view valid until the next
  // call. kInvalidFormat if zlib fails (the stream is then unusable).
  Result<ByteView> compress(ByteView payload);

  std::uint64_t total_in() const;
  std::uint64_t total_out() const;

 private:
  struct Stream;
  Result<void> start();
  std::unique_ptr<Stream> stream_;
  CompressionMode mode_ = CompressionMode::kNone;
  bool authenticated_ = false;
  Bytes buffer_;
};

class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(Decompressor&&) noexcept;
  Decompressor& operator=(Decompressor&&) noexcept;

  Result<void> configure(CompressionMode mode);
  Result<void> enable();
  bool active() const;

  // Inflates one packet's piece; a view valid until the next call. Errors carry
  // DisconnectReason::kCompressionError.
  Result<ByteView> decompress(ByteView piece);

  std::uint64_t total_in() const;
  std::uint64_t total_out() const;

 private:
  struct Stream;
  Result<void> start();
  std::unique_ptr<Stream> stream_;
  CompressionMode mode_ = CompressionMode::kNone;
  bool authenticated_ = false;
  Bytes buffer_;
};

}  // namespace sshcore::transport
